// How `bulwark events query|tail` print events: JSON lines, CSV (RFC 4180, safe to open in a spreadsheet) or a table.
import type { StoredEvent } from '../monitor/types.js';
import { safeForTerminal } from './output.js';

export const EVENT_OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type EventOutputFormat = (typeof EVENT_OUTPUT_FORMATS)[number];

export const CSV_HEADER = ['seq', 'time', 'id', 'kind', 'source', 'decision', 'severity', 'stage', 'principal', 'request_id', 'detectors', 'categories', 'findings'];
const TABLE_HEADER = ['SEQ', 'TIME', 'KIND', 'DECISION', 'SEVERITY', 'PRINCIPAL', 'DETECTORS', 'REQUEST'];
/** Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const MAX_CELL = 200;

/** One event as a JSON line (the stored event, plus its seq). */
export function jsonLine(s: StoredEvent): string {
  return JSON.stringify({ seq: s.seq, ...s.event });
}

/** A CSV field: formula-like text gets a leading apostrophe, then RFC 4180 quoting where needed. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

export function csvRow(s: StoredEvent): string {
  const e = s.event;
  return csvLine([
    String(s.seq),
    e.time,
    e.id,
    e.kind,
    e.source,
    e.decision,
    e.severity,
    e.stage ?? '',
    e.principal ?? '',
    e.requestId ?? '',
    unique(e.findings.map((f) => f.detector)).join(' '),
    unique(e.findings.map((f) => f.category)).join(' '),
    String(e.findings.length),
  ]);
}

/** Table cells for a terminal: control characters made visible, long values cut. */
export function tableCells(s: StoredEvent): string[] {
  const e = s.event;
  return [String(s.seq), e.time, e.kind, e.decision, e.severity, e.principal ?? '-', unique(e.findings.map((f) => f.detector)).join(',') || '-', e.requestId ?? '-'].map(
    (c) => safeForTerminal(c.length > MAX_CELL ? `${c.slice(0, MAX_CELL - 1)}…` : c),
  );
}

/** A whole table, columns as wide as their widest cell. */
export function table(rows: readonly string[][]): string[] {
  const all = [TABLE_HEADER, ...rows];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join('  '));
}

/** A table line for `tail` (no look-ahead to size columns: fixed widths). */
export function tailLine(s: StoredEvent): string {
  const [seq, time, kind, decision, severity, principal, detectors, request] = tableCells(s);
  return [seq, time, (kind ?? '').padEnd(9), (decision ?? '').padEnd(8), (severity ?? '').padEnd(8), principal, detectors, request].join('  ');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
