// Tests of the CSV reader: RFC 4180 quoting, CRLF, embedded newlines, BOM, and errors with line numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, commas and newlines inside quotes, CRLF and a BOM', () => {
    const text = '\ufeffquestion,__expected\r\n"What is ""2+2""?","equals: 4"\r\n"a, b","contains: x\ny"\n\nplain,\n';
    expect(parseCsv(text)).toEqual([
      { question: 'What is "2+2"?', __expected: 'equals: 4' },
      { question: 'a, b', __expected: 'contains: x\ny' },
      { question: 'plain', __expected: '' },
    ]);
  });

  it('round-trips any table written with full quoting', () => {
    const cell = fc.string({ maxLength: 20 });
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { maxLength: 10 }), (rows) => {
        const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const text = ['a,b', ...rows.map(([x, y]) => `${q(x)},${q(y)}`)].join('\r\n');
        expect(parseCsv(text)).toEqual(rows.map(([a, b]) => ({ a, b })));
      }),
    );
  });

  it('refuses broken input with the line of the problem', () => {
    const err = (t: string) => {
      try {
        parseCsv(t);
      } catch (e) {
        return e instanceof CsvError ? `${e.line}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    expect(err('a,b\n1,2\n"open,3\n')).toBe('3: unterminated quoted field');
    expect(err('a,b\n1,2,3\n')).toBe('2: 3 fields, the header has 2');
    expect(err('a,a\n')).toBe('1: duplicate column "a"');
    expect(err('a\nx"y\n')).toBe('2: quote inside an unquoted field');
    expect(err('a\n1\n2\n3\n'.replace(/$/, ''))).toBe('no error');
    expect(() => parseCsv('a\n1\n2\n3\n', { maxRows: 2 })).toThrow(/more than 2 rows/);
  });
});
