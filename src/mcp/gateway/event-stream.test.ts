import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { SseParser } from './event-stream.js';

describe('SseParser', () => {
  const parse = (chunks: (string | Buffer)[], max = 1024) => {
    const events: [string, string][] = [];
    const p = new SseParser(max, (e, d) => void events.push([e, d]));
    for (const c of chunks) p.push(typeof c === 'string' ? Buffer.from(c) : c);
    return events;
  };

  it('splits on CR, LF and CRLF, also across chunks, and joins data lines', () => {
    expect(parse(['data: a\r', '\ndata: b\rdata:c\n', '\r\n', 'event: x\ndata\n\n', 'data: tail'])).toEqual([
      ['message', 'a\nb\nc'],
      ['x', ''],
    ]);
    expect(parse(['data: one\r\r', 'data: two\n\n'])).toEqual([
      ['message', 'one'],
      ['message', 'two'],
    ]);
  });

  it('skips a leading byte order mark, also split', () => {
    expect(parse([Buffer.of(0xef, 0xbb), Buffer.concat([Buffer.of(0xbf), Buffer.from('data: x\n\n')])])).toEqual([['message', 'x']]);
    expect(parse(['data: \ufeffx\n\n'])).toEqual([['message', '\ufeffx']]);
  });

  it('keeps multi-byte characters split across chunks', () => {
    const bytes = Buffer.from('data: €\n\n');
    expect(parse([bytes.subarray(0, 7), bytes.subarray(7)])).toEqual([['message', '€']]);
  });

  it('bounds a line and the data of one event', () => {
    expect(() => parse(['data: ' + 'x'.repeat(100)], 64)).toThrow(/exceeds 64 bytes/);
    expect(() => parse(Array.from({ length: 10 }, () => 'data: 0123456789\n'), 64)).toThrow(BulwarkError);
    expect(parse(Array.from({ length: 10 }, () => 'data: 0123456789\n\n'), 64)).toHaveLength(10);
  });
});
