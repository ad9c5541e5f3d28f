// Readers for the dataset file formats: CSV (RFC 4180), JSON Lines, JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsRoot } from './types.js';

export function datasetPath(rel: string): string {
  return join(datasetsRoot(), rel);
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes) into objects keyed by the header. */
export function readCsv(rel: string): Record<string, string>[] {
  const text = readFileSync(datasetPath(rel), 'utf8').replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  if (!header) return [];
  return body
    .filter((r) => r.length > 1 || (r[0] ?? '') !== '')
    .map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? ''])));
}

export function readJsonl<T = Record<string, unknown>>(rel: string): T[] {
  return readFileSync(datasetPath(rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function readJson<T>(rel: string): T {
  return JSON.parse(readFileSync(datasetPath(rel), 'utf8')) as T;
}
