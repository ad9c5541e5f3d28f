import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { parseCsv, readCsvTable } from './csv.js';

/** RFC 4180 writer used as the fuzz oracle: quote whenever a field needs it (and empty ones, so blank rows survive). */
function toCsv(rows: string[][], eol: string): string {
  const field = (f: string): string => (f === '' || /[",\r\n]/.test(f) || f.startsWith('\uFEFF') ? `"${f.replaceAll('"', '""')}"` : f);
  return rows.map((r) => r.map(field).join(',')).join(eol);
}

function thrown(fn: () => unknown): BulwarkError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BulwarkError);
    return e as BulwarkError;
  }
  throw new Error('expected a BulwarkError');
}

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, embedded line breaks, CRLF and a BOM, with start lines', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n\r\nlast,,\n"",z,"q"';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\r\nlines'] },
      { line: 5, fields: ['last', '', ''] },
      { line: 6, fields: ['', 'z', 'q'] },
    ]);
  });

  it('accepts lone CR line ends and keeps stray quotes inside unquoted fields', () => {
    expect(parseCsv('a,b\rc,d"e\r')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd"e'] },
    ]);
  });

  it('reports an unterminated quote at the line where it opened', () => {
    const e = thrown(() => parseCsv('a,b\n1,2\n3,"open\n\nstill open', { origin: 'f.csv' }));
    expect(e.code).toBe('ERR_INPUT_INVALID');
    expect(e.context['line']).toBe(3);
    expect(e.message).toContain('f.csv line 3');
  });

  it('rejects text after a closing quote and too many fields', () => {
    expect(thrown(() => parseCsv('"a"b,c')).context['line']).toBe(1);
    expect(thrown(() => parseCsv('a,b,c,d', { maxFields: 3 })).message).toMatch(/more than 3 fields/);
  });

  it('round-trips any table through an RFC 4180 writer (fuzz)', () => {
    const table = fc.array(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), (rows, eol) => {
        expect(parseCsv(toCsv(rows, eol)).map((r) => r.fields)).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a typed error on arbitrary text (fuzz)', () => {
    const alphabet = fc.constantFrom('a', ',', '"', '\r', '\n', ' ', '\uFEFF', 'é');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        try {
          for (const r of parseCsv(chars.join(''))) expect(r.line).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(BulwarkError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stays linear on pathological input', () => {
    const many = `${'"",'.repeat(500)}x\n`.repeat(200);
    expect(parseCsv(many, { maxFields: 1000 })).toHaveLength(200);
    expect(thrown(() => parseCsv(`"${'x'.repeat(100_000)}`)).code).toBe('ERR_INPUT_INVALID');
  });
});

describe('readCsvTable', () => {
  it('maps columns case-insensitively, fills absent optional ones and reports ragged rows', () => {
    const { rows, malformed } = readCsvTable(' Goal ,TARGET,extra\ng1,t1,e\ng2,t2\n', ['goal', 'target'], ['note']);
    expect(rows).toEqual([{ line: 2, values: { goal: 'g1', target: 't1', note: '' } }]);
    expect(malformed).toEqual([{ line: 3, message: '2 fields where the header has 3' }]);
  });

  it('names missing columns and empty files', () => {
    expect(thrown(() => readCsvTable('a,b\n1,2\n', ['a', 'c', 'd'])).message).toMatch(/missing column\(s\) c, d/);
    expect(thrown(() => readCsvTable('', ['a'])).message).toMatch(/no header/);
  });
});
