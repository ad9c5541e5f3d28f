// RFC 4180 CSV (quoted fields, "" escapes, CRLF or LF, newlines inside quotes) into header-keyed rows, with bounds.
export interface CsvOptions {
  /** Rows after the header kept at most (default 100,000). */
  maxRows?: number;
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Parses CSV text into records keyed by the header row; a row with more fields than the header is an error. */
export function parseCsv(text: string, options: CsvOptions = {}): Record<string, string>[] {
  const maxRows = options.maxRows ?? 100_000;
  const rows = parseRows(text, maxRows + 1);
  const header = rows.shift();
  if (!header) return [];
  const names = header.fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '') throw new CsvError('empty column name in the header', 1);
    if (seen.has(n)) throw new CsvError(`duplicate column "${n.slice(0, 64)}"`, 1);
    seen.add(n);
  }
  return rows.map(({ fields, line }) => {
    if (fields.length > names.length) throw new CsvError(`${fields.length} fields, the header has ${names.length}`, line);
    const record: Record<string, string> = {};
    names.forEach((n, i) => {
      record[n] = fields[i] ?? '';
    });
    return record;
  });
}

interface Row {
  fields: string[];
  line: number;
}

function parseRows(text: string, maxRows: number): Row[] {
  const rows: Row[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new CsvError('unterminated quoted field', startLine);
          const chunk = text.slice(i, q);
          value += chunk;
          line += countNewlines(chunk);
          if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw new CsvError('text after a closing quote', line);
      } else {
        let j = i;
        while (j < text.length && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
        value = text.slice(i, j);
        if (value.includes('"')) throw new CsvError('quote inside an unquoted field', line);
        i = j;
      }
      fields.push(value);
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    // A blank line is no record (a trailing newline, or spacing in hand-written files).
    if (fields.length === 1 && fields[0] === '') continue;
    if (rows.length >= maxRows) throw new CsvError(`more than ${maxRows - 1} rows`, startLine);
    rows.push({ fields, line: startLine });
  }
  return rows;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) n++;
  return n;
}
