// The request ring: newest N kept oldest first, headers lower-cased and joined, capacity 0 keeps nothing.
import { describe, expect, it } from 'vitest';
import { RequestLog } from './request-log.js';

describe('RequestLog', () => {
  it('keeps the last N requests, oldest first', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 5; i++) log.record('POST', `/r${i}`, ['X-N', String(i)]);
    expect(log.entries().map((e) => [e.url, e.headers['x-n']])).toEqual([
      ['/r2', '2'],
      ['/r3', '3'],
      ['/r4', '4'],
    ]);
    log.clear();
    expect(log.entries()).toEqual([]);
    log.record('GET', '/again', []);
    expect(log.entries().map((e) => e.url)).toEqual(['/again']);
  });

  it('lower-cases names, joins repeated headers, and is safe with __proto__', () => {
    const log = new RequestLog(1);
    log.record('GET', '/', ['Accept', 'a', 'ACCEPT', 'b', '__proto__', 'x']);
    const [entry] = log.entries();
    expect(entry?.headers.accept).toBe('a, b');
    expect(entry?.headers.__proto__).toBe('x');
  });

  it('records nothing with capacity 0', () => {
    const log = new RequestLog(0);
    log.record('GET', '/', []);
    expect(log.entries()).toEqual([]);
  });
});
