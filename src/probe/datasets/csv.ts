// A small RFC 4180 CSV parser (quoted fields, doubled quotes, CRLF / LF / CR line ends, a leading BOM) that reports
// the line where each record starts, and a header-keyed view over it. Linear time; syntax errors are typed.
import { BulwarkError } from '../../core/errors.js';

export interface CsvRecord {
  /** 1-based line where the record starts (records may span lines inside quoted fields). */
  line: number;
  fields: string[];
}

export interface CsvOptions {
  /** Records with more fields than this are a syntax error (default 1,000). */
  maxFields?: number;
  /** Origin named in errors (a file path). */
  origin?: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

function syntaxError(message: string, line: number, origin: string | undefined): BulwarkError {
  return new BulwarkError('ERR_INPUT_INVALID', `${origin ?? 'CSV'} line ${line}: ${message}`, { context: { line, ...(origin ? { origin } : {}) } });
}

/** Line breaks in text[from, to): CRLF counts once, a lone CR or LF once each. */
function countBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/** Parses CSV text into records. Blank lines are skipped; a stray quote inside an unquoted field is kept as text. */
export function parseCsv(text: string, options: CsvOptions = {}): CsvRecord[] {
  const maxFields = options.maxFields ?? 1000;
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const records: CsvRecord[] = [];
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        quotedAny = true;
        const openLine = line;
        let from = i + 1;
        value = '';
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw syntaxError('unterminated quoted field', openLine, options.origin);
          line += countBreaks(text, from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== COMMA && c !== CR && c !== LF) throw syntaxError('unexpected text after a closing quote', line, options.origin);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === CR || c === LF) break;
          j++;
        }
        value = text.slice(i, j);
        i = j;
      }
      fields.push(value);
      if (fields.length > maxFields) throw syntaxError(`more than ${maxFields} fields`, start, options.origin);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    if (quotedAny || fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
  }
  return records;
}

export interface CsvRow {
  line: number;
  /** Values by canonical column name (the names asked for), '' when the column is absent. */
  values: Record<string, string>;
}

export interface CsvTableResult {
  rows: CsvRow[];
  /** Records whose field count differs from the header's. */
  malformed: { line: number; message: string }[];
}

/**
 * Reads a CSV with a header row. Column names match case-insensitively, ignoring surrounding spaces. `required`
 * columns must all be present (else ERR_INPUT_INVALID); `optional` ones are read when present.
 */
export function readCsvTable(text: string, required: readonly string[], optional: readonly string[] = [], options: CsvOptions = {}): CsvTableResult {
  const records = parseCsv(text, options);
  const header = records[0];
  if (!header) throw new BulwarkError('ERR_INPUT_INVALID', `${options.origin ?? 'CSV'}: empty file, no header row`, { context: { origin: options.origin } });
  const position = new Map<string, number>();
  header.fields.forEach((name, index) => {
    const key = name.trim().toLowerCase();
    if (!position.has(key)) position.set(key, index);
  });
  const missing = required.filter((name) => !position.has(name.toLowerCase()));
  if (missing.length > 0) {
    throw new BulwarkError('ERR_INPUT_INVALID', `${options.origin ?? 'CSV'}: missing column(s) ${missing.join(', ')}`, {
      context: { origin: options.origin, missing, line: header.line },
    });
  }
  const columns = [...required, ...optional].map((name) => [name, position.get(name.toLowerCase())] as const);
  const rows: CsvRow[] = [];
  const malformed: CsvTableResult['malformed'] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    if (rec.fields.length !== header.fields.length) {
      malformed.push({ line: rec.line, message: `${rec.fields.length} fields where the header has ${header.fields.length}` });
      continue;
    }
    const values: Record<string, string> = {};
    for (const [name, at] of columns) values[name] = at === undefined ? '' : (rec.fields[at] ?? '');
    rows.push({ line: rec.line, values });
  }
  return { rows, malformed };
}
