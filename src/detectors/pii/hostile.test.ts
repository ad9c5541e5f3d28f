import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/finding.js';
import { analyzeText } from '../../text/analysis.js';
import { piiDetector } from '../pii.js';

const detect = piiDetector.create(piiDetector.options.parse({ threshold: 0 }));
function scan(text: string): Finding[] {
  const out = detect({ text, stage: 'tool_result' }, { analysis: analyzeText('') });
  if (out instanceof Promise) throw new Error('pii is synchronous');
  return out;
}

/** Spans inside the text, non-empty, in order and disjoint; evidence never the raw value. */
function checkFindings(text: string, findings: readonly Finding[]): void {
  let end = 0;
  const bad: string[] = [];
  for (const f of findings) {
    const span = f.span;
    const value = span ? text.slice(span.start, span.end) : '';
    if (!span || !Number.isInteger(span.start) || !Number.isInteger(span.end)) bad.push('span missing or not integer');
    else if (span.start < end || span.end <= span.start || span.end > text.length) bad.push(`span ${span.start}-${span.end}`);
    else if (f.evidence === undefined || f.evidence === value) bad.push(`evidence of ${f.category}`);
    if (span) end = span.end;
    if (bad.length > 0) break;
  }
  expect(bad).toEqual([]);
}

const MB = 1 << 20;
// Each string aims at one scanner: long runs that a backtracking pattern would choke on. Only linear scans
// finish inside the test timeout; no timing is asserted.
const hostile: Record<string, string> = {
  'digits': '7'.repeat(MB),
  'at signs': '@'.repeat(MB),
  'local parts before one @': `${'a'.repeat(MB)}@b.co`,
  'a@ pairs': 'a@'.repeat(MB / 2),
  'capitalised words': 'Anna Smith Street '.repeat(MB / 18),
  'one-digit numbers': '1 '.repeat(MB / 2),
  'dotted digits': '1.'.repeat(MB / 2),
  'dashed digits': '1-'.repeat(MB / 2),
  'hex and colons': 'a:'.repeat(MB / 2),
  'plus signs': '+1 '.repeat(MB / 3),
  'house numbers': '12 Main '.repeat(MB / 8),
  'iban starts': 'GB82 '.repeat(MB / 5),
  'birth cues': 'DOB 1990 '.repeat(MB / 9),
  'id cues': 'passport '.repeat(MB / 9),
  'spaces': ' '.repeat(200_000),
  'brackets': '('.repeat(200_000),
  'initials': 'A. '.repeat(200_000),
  'newlines and commas': ',\n'.repeat(200_000),
  'lower-case words': 'anna smith and '.repeat(MB / 15),
  'naming cues': 'my name is '.repeat(MB / 11),
  'list of names': 'Anna, '.repeat(MB / 6),
  'addressed names': ', Anna!'.repeat(MB / 7),
  'titles': 'Dear Mr. '.repeat(MB / 9),
  'german words': ' und der '.repeat(MB / 9),
  'corners': 'corner of Main '.repeat(MB / 15),
  'russian streets': 'ул. Тверская, д. '.repeat(MB / 17),
  'address cues': 'my address is 12 '.repeat(MB / 17),
  'one long capitalised word': `A${'b'.repeat(MB)}`,
  'particles': 'Anna van '.repeat(MB / 9),
};

describe('pii on hostile input', () => {
  for (const [name, text] of Object.entries(hostile)) {
    it(`stays linear on ${name}`, () => {
      checkFindings(text, scan(text));
    });
  }

  it('handles lone surrogates and astral characters around matches', () => {
    const text = '\ud800 jane@acme.io \udc00 John Smith 😀 4111 1111 1111 1111 \ud83d';
    const findings = scan(text);
    checkFindings(text, findings);
    expect(findings.map((f) => f.category)).toEqual(expect.arrayContaining(['email', 'credit_card', 'person']));
  });

  it('keeps every span inside the text and in order, for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        checkFindings(text, scan(text));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every span inside the text for text built from PII-like pieces', () => {
    const piece = fc.constantFrom(
      'jane@acme.io', '+44 20 7946 0958', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '536-90-4399',
      '10.0.0.1', 'fe80::1', 'DOB: 12/05/1987', '221B Baker Street', 'John Smith', 'Mr.', ' ', '\n', ',', '.', '@', '1',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        checkFindings(text, scan(text));
      }),
      { numRuns: 300 },
    );
  });
});
