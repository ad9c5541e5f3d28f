// Tests of the bounded-memory line splitter: chunk boundaries, line endings, the byte cap and huge lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines, type RawLine } from './jsonl-lines.js';

async function collect(chunks: (string | Uint8Array)[], max = 1000): Promise<(string | { tooLarge: number })[]> {
  const out: (string | { tooLarge: number })[] = [];
  let expected = 0;
  for await (const line of splitLines(chunks, max)) {
    expect(line.index).toBe(expected++);
    out.push(line.tooLarge ? { tooLarge: line.byteLength } : Buffer.from(line.bytes).toString('utf8'));
  }
  return out;
}

describe('splitLines', () => {
  it('yields nothing for empty input', async () => {
    expect(await collect([])).toEqual([]);
    expect(await collect(['', ''])).toEqual([]);
  });

  it('counts a final line without newline, and no extra line after a final newline', async () => {
    expect(await collect(['a\nb'])).toEqual(['a', 'b']);
    expect(await collect(['a\nb\n'])).toEqual(['a', 'b']);
    expect(await collect(['\n'])).toEqual(['']);
    expect(await collect(['\n\n'])).toEqual(['', '']);
  });

  it('strips \\r of \\r\\n, also across chunks, but keeps a lone \\r inside a line', async () => {
    expect(await collect(['a\r', '\nb\r\n'])).toEqual(['a', 'b']);
    expect(await collect(['a\rb\n'])).toEqual(['a\rb']);
  });

  it('joins a line split over many chunks, including inside a multi-byte character', async () => {
    const bytes = Buffer.from('héllo €\nwörld');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    expect(await collect(chunks)).toEqual(['héllo €', 'wörld']);
  });

  it('reports a line over the cap by index and goes on', async () => {
    expect(await collect(['12345\n123456\n', '1234567', '8\nok'], 6)).toEqual(['12345', '123456', { tooLarge: 8 }, 'ok']);
  });

  it('measures the cap without the \\r of a \\r\\n ending', async () => {
    expect(await collect(['123456\r\n'], 6)).toEqual(['123456']);
    expect(await collect(['1234567\r\n'], 6)).toEqual([{ tooLarge: 8 }]);
  });

  it('copies bytes, so a caller reusing its buffer does not corrupt earlier lines', async () => {
    const buf = Buffer.from('ab');
    const lines: RawLine[] = [];
    async function* source() {
      yield buf;
      buf.write('\nc');
      yield buf;
    }
    for await (const l of splitLines(source(), 10)) lines.push(l);
    expect(lines.map((l) => (l.tooLarge ? '' : Buffer.from(l.bytes).toString()))).toEqual(['ab', 'c']);
  });

  it('discards a 200 MB line as it streams instead of buffering it', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x61);
    async function* source() {
      yield Buffer.from('first\n');
      for (let i = 0; i < 200; i++) yield chunk;
      yield Buffer.from('\nlast');
    }
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const out: unknown[] = [];
    for await (const l of splitLines(source(), 4 << 20)) {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.arrayBuffers - before.arrayBuffers + (now.heapUsed - before.heapUsed));
      out.push(l.tooLarge ? { tooLarge: l.byteLength } : Buffer.from(l.bytes).toString());
    }
    expect(out).toEqual(['first', { tooLarge: 200 << 20 }, 'last']);
    // Buffering the line would hold 200 MB; the cap is 4 MB.
    expect(peak).toBeLessThan(64 << 20);
  });

  it('refuses a nonsense cap', async () => {
    await expect(collect(['a'], 0)).rejects.toThrow(TypeError);
  });

  it('gives the same lines whatever the chunking (property)', async () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        async (lines, crlf, trailing, cuts) => {
          const eol = crlf ? '\r\n' : '\n';
          const text = lines.join(eol) + (trailing && lines.length > 0 ? eol : '');
          const bytes = Buffer.from(text);
          const chunks: Uint8Array[] = [];
          for (let pos = 0, i = 0; pos < bytes.length; i++) {
            const size = cuts[i % cuts.length] ?? 1;
            chunks.push(bytes.subarray(pos, pos + size));
            pos += size;
          }
          // Oracle: split the whole string; a final '\n' ends the last line instead of starting an empty one.
          const expected = text.split(eol);
          if (expected.at(-1) === '') expected.pop();
          expect(await collect(chunks, 1000)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
