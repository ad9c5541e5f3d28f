// Transport helpers: Retry-After forms, redaction, public URLs, and env references in headers.
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, publicUrl, redactor, resolveHeaders } from './transport.js';

describe('transport helpers', () => {
  it('reads Retry-After as seconds, an HTTP date or retry-after-ms, clamped at zero', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }, now)).toBe(10_000);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }, now)).toBe(0);
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-1' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '99999999999' }, now)).toBe(86_400_000);
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });

  it('redacts every secret of 4+ characters, longest first', () => {
    const r = redactor(['abc', 'secret-1', 'secret-12']);
    expect(r('a secret-12 and secret-1, abc')).toBe('a [redacted] and [redacted], abc');
    expect(redactor([])('x')).toBe('x');
  });

  it('drops user-info and query from public URLs', () => {
    expect(publicUrl(new URL('https://u:p@api.test:8443/v1?key=k#f'))).toBe('https://api.test:8443/v1');
    expect(publicUrl(new URL('http://h.test/'))).toBe('http://h.test');
  });

  it('fills {{env:NAME}} in header values, lower-cases names, and names a missing variable', () => {
    const secrets: string[] = [];
    expect(resolveHeaders({ 'X-Key': 'k={{ env:A }};{{env:B}}' }, { A: 'aaaa', B: 'bbbb' }, secrets)).toEqual({ 'x-key': 'k=aaaa;bbbb' });
    expect(secrets).toEqual(['aaaa', 'bbbb']);
    expect(() => resolveHeaders({ h: '{{env:NOPE}}' }, {}, [])).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('NOPE') }));
  });
});
