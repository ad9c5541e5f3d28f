// Transport helpers: Retry-After forms, redaction, public URLs, env references in headers, and the keep-alive
// client against a real HTTP server (body limit, reset, abort, keep-alive reuse).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, isTimeout, parseRetryAfter, publicUrl, redactor, resolveHeaders, transportError } from './transport.js';

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

describe('createHttpClient', () => {
  let server: Server;
  let base: URL;
  const remotePorts = new Set<number>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      remotePorts.add(req.socket.remotePort ?? 0);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/big') {
          res.end('x'.repeat(5000));
        } else if (req.url === '/reset') {
          res.writeHead(200, { 'content-length': '100' });
          res.write('partial');
          setTimeout(() => res.socket?.destroy(), 10);
        } else if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 2000);
        } else if (req.url === '/stall') {
          // Headers and the start of the body at once, the rest much later.
          res.writeHead(200, { 'content-length': '100' });
          res.write('partial');
          setTimeout(() => res.end('x'.repeat(93)), 2000);
        } else {
          res.writeHead(201, { 'x-echo': req.headers['x-test'] ?? '' });
          res.end(`${req.method} ${body} ${req.headers['content-length'] ?? ''}`);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the body with its length, returns status, headers and text, and reuses the connection', async () => {
    const client = createHttpClient(base);
    remotePorts.clear();
    for (let i = 0; i < 3; i++) {
      const res = await client.request({ method: 'POST', path: '/echo', headers: { 'x-test': 'yes' }, body: 'héllo', signal: new AbortController().signal });
      expect(res).toMatchObject({ statusCode: 201, text: 'POST héllo 6' });
      expect(res.headers['x-echo']).toBe('yes');
    }
    expect(remotePorts.size).toBe(1);
    await client.close();
  });

  it('gives up on a body over the limit without buffering it', async () => {
    const client = createHttpClient(base);
    const res = await client.request({ method: 'GET', path: '/big', headers: {}, signal: new AbortController().signal }, 1000);
    expect(res.text).toBeUndefined();
    await client.close();
  });

  it('turns a connection reset mid-body into a retryable connection_reset', async () => {
    const client = createHttpClient(base);
    const err = await client.request({ method: 'GET', path: '/reset', headers: {}, signal: new AbortController().signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeDefined();
    expect(transportError(err, false, false, 1000)).toMatchObject({ code: 'connection_reset', retryable: true });
    await client.close();
  });

  it.each([
    ['before any answer', '/slow', 100],
    ['while the answer is being read (a timeout, not a reset)', '/stall', 150],
  ])('stops at its deadline and reports a timeout %s', async (_when, path, timeoutMs) => {
    const client = createHttpClient(base);
    const started = performance.now();
    const err = await client.request({ method: 'GET', path, headers: {}, signal: new AbortController().signal, timeoutMs }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(performance.now() - started).toBeLessThan(1500);
    expect(isTimeout(err)).toBe(true);
    expect(transportError(err, isTimeout(err), false, timeoutMs)).toMatchObject({ code: 'timeout' });
    await client.close();
  });

  it('ends every request of a run when the run is aborted, and only those', async () => {
    const client = createHttpClient(base);
    const run = new AbortController();
    const other = new AbortController();
    const slow = (signal: AbortSignal): Promise<unknown> =>
      client.request({ method: 'GET', path: '/slow', headers: {}, signal }).then(
        () => 'answered',
        (e: unknown) => e,
      );
    const started = performance.now();
    const mine = [slow(run.signal), slow(run.signal)];
    const theirs = client.request({ method: 'GET', path: '/big', headers: {}, signal: other.signal });
    await new Promise((r) => setTimeout(r, 50));
    run.abort(new Error('cancelled'));
    const ended = await Promise.all(mine);
    // Ended by the abort, long before the server's answer (2 s).
    expect(performance.now() - started).toBeLessThan(1500);
    for (const e of ended) {
      expect(e).toMatchObject({ name: 'AbortError' });
      expect(isTimeout(e)).toBe(false);
      expect(transportError(e, false, run.signal.aborted, 1000)).toMatchObject({ code: 'aborted' });
    }
    expect((await theirs).statusCode).toBe(200);
    // A request on an already aborted signal never starts.
    await expect(client.request({ method: 'GET', path: '/big', headers: {}, signal: run.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await client.close();
  });

  it('reports an unreachable origin', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const client = createHttpClient(new URL(`http://127.0.0.1:${port}`));
    const err = await client.request({ method: 'GET', path: '/', headers: {}, signal: new AbortController().signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(transportError(err, false, false, 1000)).toMatchObject({ code: 'unreachable' });
    await client.close();
  });
});
