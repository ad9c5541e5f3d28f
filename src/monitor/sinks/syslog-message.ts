// RFC 5424 syslog messages (PRI, header field rules, NILVALUE, UTF-8-safe truncation) and RFC 6587 octet-counted frames.
import type { SecurityEvent } from '../../core/event.js';
import type { Severity } from '../../core/severity.js';
import type { FormatContext } from '../types.js';
import { formatLine } from './delivery.js';
import type { SyslogSinkConfig } from './sink-config.js';

export const NILVALUE = '-';

/** Bulwark severity → syslog severity (RFC 5424 table 2): critical 2 Critical … info 6 Informational. */
export const SYSLOG_SEVERITY: Readonly<Record<Severity, number>> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

/** RFC 5424 header field caps (section 6). */
export const HEADER_LIMITS = { hostname: 255, appName: 48, procId: 128, msgId: 32 } as const;

export interface SyslogFields {
  facility: number;
  severity: number;
  /** RFC 3339 time; anything else becomes NILVALUE. */
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** The MSG part; sent as is (no BOM: CEF and JSON receivers take plain UTF-8 and some show a BOM as garbage). */
  msg: string;
}

export function syslogPri(facility: number, severity: number): number {
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new TypeError(`syslog facility must be 0..23, got ${facility}`);
  if (!Number.isInteger(severity) || severity < 0 || severity > 7) throw new TypeError(`syslog severity must be 0..7, got ${severity}`);
  return facility * 8 + severity;
}

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/** A header field: printable US-ASCII only (33..126), capped, NILVALUE when nothing is left. */
export function headerField(value: string | undefined, maxLength: number): string {
  if (value === undefined) return NILVALUE;
  // The usual value (host, app name, pid) is already clean: no copy character by character.
  if (value.length <= maxLength && PRINTABLE_ASCII.test(value)) return value === '' ? NILVALUE : value;
  let out = '';
  for (let i = 0; i < value.length && out.length < maxLength; i++) {
    const code = value.charCodeAt(i);
    if (code >= 33 && code <= 126) out += value[i];
  }
  return out === '' ? NILVALUE : out;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 with at most 6 fractional digits (RFC 5424 TIME-SECFRAC), or NILVALUE. */
export function syslogTimestamp(value: string | undefined): string {
  const m = value === undefined ? null : RFC3339.exec(value);
  if (!m || Number.isNaN(Date.parse(value as string))) return NILVALUE;
  return `${m[1]}${(m[2] ?? '').slice(0, 7)}${m[3]}`;
}

/** Cuts `buf` to at most `maxBytes` without splitting a UTF-8 sequence (assumes `buf` is valid UTF-8). */
export function truncateUtf8(buf: Buffer, maxBytes: number): Buffer {
  if (buf.length <= maxBytes) return buf;
  let end = maxBytes;
  // The first dropped byte is a continuation byte: its character started inside the kept part, so drop it whole.
  while (end > 0 && ((buf[end] as number) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG` as UTF-8, cut to `maxBytes` (the header is never cut). */
export function buildSyslogMessage(fields: SyslogFields, maxBytes: number): Buffer {
  const header = [
    `<${syslogPri(fields.facility, fields.severity)}>1`,
    syslogTimestamp(fields.timestamp),
    headerField(fields.hostname, HEADER_LIMITS.hostname),
    headerField(fields.appName, HEADER_LIMITS.appName),
    headerField(fields.procId, HEADER_LIMITS.procId),
    headerField(fields.msgId, HEADER_LIMITS.msgId),
    NILVALUE, // STRUCTURED-DATA: the event travels in MSG; an SD-ID would need an IANA enterprise number.
  ].join(' ');
  if (fields.msg === '') return Buffer.from(header, 'latin1');
  // Every UTF-16 unit is at least one byte, so a longer string cannot fit: cut before encoding to bound the work.
  const msg = fields.msg.length > maxBytes ? fields.msg.slice(0, maxBytes) : fields.msg;
  return truncateUtf8(Buffer.from(`${header} ${msg}`, 'utf8'), Math.max(maxBytes, header.length));
}

/** RFC 6587 octet counting: `MSG-LEN SP SYSLOG-MSG`, MSG-LEN in bytes. */
export function octetCountedFrame(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'latin1'), message]);
}

/** One stored event as a syslog message for this sink (MSGID = event kind, PROCID = our pid). */
export function syslogEventMessage(event: SecurityEvent, config: SyslogSinkConfig, ctx: FormatContext): Buffer {
  return buildSyslogMessage(
    {
      facility: config.facility,
      severity: SYSLOG_SEVERITY[event.severity] ?? 5,
      timestamp: event.time,
      hostname: ctx.hostname,
      appName: config.appName,
      procId: String(process.pid),
      msgId: event.kind,
      msg: formatLine(config.id, event, config.format, ctx),
    },
    config.maxMessageBytes,
  );
}
