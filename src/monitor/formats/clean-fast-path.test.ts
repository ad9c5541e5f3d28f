import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeCefHeader, escapeCefValue } from './cef.js';
import { oneLine, stringifyLine, truncate, wellFormed } from './common.js';

// The cleaners skip their passes when a value needs none: these references are the passes, always applied.
const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/g;
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;
const HEADER_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const VALUE_UNSAFE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;
const refOneLine = (s: string, max: number) => truncate(wellFormed(s).replace(LINE_BREAKS, ' ').replace(CONTROLS, ' '), max);
const refHeader = (s: string, max: number) => truncate(wellFormed(s).replace(HEADER_UNSAFE, ' '), max).replace(/[\\|]/g, (c) => `\\${c}`);
const refValue = (s: string, max: number) =>
  truncate(wellFormed(s).replace(VALUE_UNSAFE, ' '), max).replace(/[\\=\n\r]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
const refLine = (v: unknown) => JSON.stringify(v).replace(/[\u0080-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const tricky = fc.constantFrom('a', ' ', '\t', '\n', '\r', '\u0085', '\u0090', '\u00e9', '\u2028', '\u2029', '\ud83d', '\ude00', '\ud83d\ude00', '\\', '|', '=', '\u007f', '\u0000');
const text = fc.oneof(fc.string({ unit: tricky, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 }));

describe('format cleaners: fast path for clean values', () => {
  it('give exactly what the full passes give, for any string and cap', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 2, max: 50 }), (s, max) => {
        expect(oneLine(s, max)).toBe(refOneLine(s, max));
        expect(escapeCefHeader(s, max)).toBe(refHeader(s, max));
        expect(escapeCefValue(s, max)).toBe(refValue(s, max));
        expect(stringifyLine({ s, n: [s] })).toBe(refLine({ s, n: [s] }));
      }),
      { numRuns: 2000 },
    );
  });
});
