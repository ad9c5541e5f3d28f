// The SSE parser: event boundaries in every line-ending style, events split anywhere (inside multi-byte UTF-8
// too), comments and other fields ignored, multi-line data, the unterminated last event, and the size bound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function parseAll(chunks: readonly Uint8Array[], parser = new SseParser()): SseEvent[] {
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.flush()];
}

function splitAt(b: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of at) {
    out.push(b.subarray(from, p));
    from = p;
  }
  out.push(b.subarray(from));
  return out;
}

const STREAM =
  ': keep-alive\n\n' +
  'data: {"choices":[{"delta":{"content":"héllo 😀 中文"}}]}\n\n' +
  'event: message\nid: 7\nretry: 100\ndata: {"a":1}\n\n' +
  'data: first line\ndata: second line\n\n' +
  'data: [DONE]\n\n';

const EXPECTED = ['{"choices":[{"delta":{"content":"héllo 😀 中文"}}]}', '{"a":1}', 'first line\nsecond line', '[DONE]'];

describe('SseParser', () => {
  it('parses LF-separated events; comments and other fields are ignored, data lines joined', () => {
    const events = new SseParser().push(bytes(STREAM));
    expect(events.map((e) => e.data)).toEqual(EXPECTED);
    expect(events[1]?.raw).toBe('event: message\nid: 7\nretry: 100\ndata: {"a":1}\n\n');
    expect(events[3]?.raw).toBe('data: [DONE]\n\n');
  });

  it('parses CRLF, CR and mixed line endings alike', () => {
    for (const eol of ['\r\n', '\r']) {
      expect(parseAll([bytes(STREAM.replaceAll('\n', eol))]).map((e) => e.data)).toEqual(EXPECTED);
    }
    // A line ended by LF and a blank line by CRLF, and the other way round.
    expect(parseAll([bytes('data: a\n\r\ndata: b\r\n\ndata: c\r\r\ndata: d\n\n')]).map((e) => e.data)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives the same events however the bytes are split, at every position, inside multi-byte characters too', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const all = bytes(STREAM.replaceAll('\n', eol));
      for (let i = 0; i <= all.length; i++) {
        expect(parseAll(splitAt(all, [i])).map((e) => e.data)).toEqual(EXPECTED);
      }
      expect(parseAll([...all].map((b) => Uint8Array.of(b))).map((e) => e.data)).toEqual(EXPECTED);
    }
  });

  it('property: random events cut at random byte positions parse to the events', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' '));
    fc.assert(
      fc.property(fc.array(fc.array(line, { minLength: 1, maxLength: 3 }), { maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.nat(), { maxLength: 20 }), (events, eol, points) => {
        const text = events.map((lines) => `${lines.map((l) => `data: ${l}`).join(eol)}${eol}${eol}`).join('');
        const parsed = parseAll(splitAt(bytes(text), points));
        expect(parsed.map((e) => e.data)).toEqual(events.map((lines) => lines.join('\n')));
      }),
    );
  });

  it('reads "data:" with or without the one optional space, and a bare "data" field as an empty line', () => {
    expect(parseAll([bytes('data:x\n\ndata:  two spaces\n\ndata\ndata: y\n\n')]).map((e) => e.data)).toEqual(['x', ' two spaces', '\ny']);
  });

  it('an event without data (comment only, or other fields) yields nothing', () => {
    expect(parseAll([bytes(': ping\n\nevent: x\nid: 1\n\n\n\n')])).toEqual([]);
  });

  it('flushes an unterminated last event, keeping its trailing spaces; nothing to flush gives nothing', () => {
    expect(parseAll([bytes('data: {"a":1}\n\ndata: [DONE]')]).map((e) => e.data)).toEqual(['{"a":1}', '[DONE]']);
    const p = new SseParser();
    expect(p.push(bytes('data: tail  \n'))).toEqual([]);
    expect(p.flush()).toEqual([{ data: 'tail  ', raw: 'data: tail  \n\n' }]);
    expect(p.flush()).toEqual([]);
    expect(new SseParser().flush()).toEqual([]);
    const comment = new SseParser();
    comment.push(bytes(': only a comment'));
    expect(comment.flush()).toEqual([]);
  });

  it('waits for a trailing CR to learn whether it starts a CRLF', () => {
    const p = new SseParser();
    expect(p.push(bytes('data: a\r\n\r'))).toEqual([]);
    expect(p.push(bytes('\ndata: b\r\r'))).toEqual([{ data: 'a', raw: 'data: a\n\n' }]);
    expect(p.push(bytes('\n'))).toEqual([{ data: 'b', raw: 'data: b\n\n' }]);
  });

  it('decodes invalid UTF-8 to replacement characters instead of throwing', () => {
    expect(parseAll([Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0xc3, 0x0a, 0x0a)]).map((e) => e.data)).toEqual(['\uFFFD\uFFFD']);
  });

  it('throws when one event grows past the limit, whether it arrives in pieces or at once', () => {
    const pieces = new SseParser(100);
    expect(pieces.push(bytes(`data: ${'a'.repeat(50)}`))).toEqual([]);
    expect(() => pieces.push(bytes('a'.repeat(60)))).toThrow(/exceeds 100 bytes/);
    expect(() => new SseParser(100).push(bytes(`data: ${'a'.repeat(200)}\n\n`))).toThrow(/exceeds 100 bytes/);
    // Many events that are each small pass, however large the chunk.
    expect(new SseParser(100).push(bytes('data: ok\n\n'.repeat(1000)))).toHaveLength(1000);
  });

  it('hostile input: a 3 MB event in 1 KB chunks (linear, no rescan), 1 MB of blank lines, 200 KB of CRs', () => {
    const big = new SseParser();
    const kb = bytes('x'.repeat(1024));
    big.push(bytes('data: '));
    for (let i = 0; i < 3 * 1024; i++) expect(big.push(kb)).toEqual([]);
    expect(big.push(bytes('\n\n'))[0]?.data.length).toBe(3 * 1024 * 1024);
    expect(new SseParser().push(bytes('\n'.repeat(1024 * 1024)))).toEqual([]);
    expect(parseAll([bytes('\r'.repeat(200 * 1024))])).toEqual([]);
  });
});
