import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrontChannel, MAX_BATCH, validMessage, type Message } from './front.js';

// A real HTTP server in front of one channel per test; the "upstream" echoes requests back as answers.
let server: Server;
let base: string;
let channel: FrontChannel;
let received: Message[] = [];

function fresh(echo = true): FrontChannel {
  received = [];
  channel = new FrontChannel('sess-1');
  channel.onmessage = (m) => {
    received.push(m);
    if (echo && typeof m.method === 'string' && 'id' in m) queueMicrotask(() => channel.send({ jsonrpc: '2.0', id: m.id, result: { echoed: m.method } }));
  };
  return channel;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'GET') return channel.handleGet(req, res);
    if (req.method === 'DELETE') return channel.handleDelete(res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => channel.handlePost(req, res, JSON.parse(Buffer.concat(chunks).toString('utf8'))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const post = (body: unknown, headers: Record<string, string> = HEADERS) => fetch(base, { method: 'POST', headers, body: JSON.stringify(body) });
const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

describe('FrontChannel', () => {
  it('answers a request with JSON carrying the session id, and a batch with an array in request order of arrival', async () => {
    fresh();
    const r = await post(init);
    expect(r.status).toBe(200);
    expect(r.headers.get('mcp-session-id')).toBe('sess-1');
    expect(await r.json()).toEqual({ jsonrpc: '2.0', id: 1, result: { echoed: 'initialize' } });
    const b = await post([
      { jsonrpc: '2.0', id: 'a', method: 'tools/list' },
      { jsonrpc: '2.0', method: 'notifications/progress', params: {} },
      { jsonrpc: '2.0', id: 7, method: 'ping' },
    ]);
    expect((await b.json()) as unknown[]).toHaveLength(2);
    expect(received.map((m) => m.method)).toEqual(['initialize', 'tools/list', 'notifications/progress', 'ping']);
  });

  it('accepts notifications and answers with 202', async () => {
    fresh();
    const r = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(r.status).toBe(202);
    expect(received).toHaveLength(1);
  });

  it.each([
    ['accept without event-stream', init, { 'content-type': 'application/json', accept: 'application/json' }, 406],
    ['a text content type', init, { 'content-type': 'text/plain', accept: HEADERS.accept }, 415],
    ['not JSON-RPC 2.0', { jsonrpc: '1.0', id: 1, method: 'x' }, HEADERS, 400],
    ['an id that is an object', { jsonrpc: '2.0', id: {}, method: 'x' }, HEADERS, 400],
    ['an empty batch', [], HEADERS, 400],
    ['an oversized batch', Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'ping' })), HEADERS, 400],
    ['two initializes in a batch', [init, { ...init, id: 2 }], HEADERS, 400],
    ['duplicate ids in a batch', [{ jsonrpc: '2.0', id: 3, method: 'ping' }, { jsonrpc: '2.0', id: 3, method: 'ping' }], HEADERS, 400],
  ])('refuses %s', async (_name, body, headers, status) => {
    fresh();
    const r = await post(body, headers as Record<string, string>);
    expect(r.status).toBe(status);
    expect(received).toHaveLength(0);
  });

  it('refuses a second initialize and an unsupported protocol version', async () => {
    fresh();
    await (await post(init)).json();
    expect((await post({ ...init, id: 2 })).status).toBe(400);
    expect((await post({ jsonrpc: '2.0', id: 3, method: 'ping' }, { ...HEADERS, 'mcp-protocol-version': '1999-01-01' })).status).toBe(400);
    expect((await post({ jsonrpc: '2.0', id: 4, method: 'ping' }, { ...HEADERS, 'mcp-protocol-version': '2025-06-18' })).status).toBe(200);
  });

  it('delivers messages of the upstream on the GET stream, one stream at a time', async () => {
    fresh();
    const ctrl = new AbortController();
    const get = await fetch(base, { headers: { accept: 'text/event-stream' }, signal: ctrl.signal });
    expect(get.status).toBe(200);
    expect((await fetch(base, { headers: { accept: 'text/event-stream' } })).status).toBe(409);
    channel.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    const reader = get.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n\n');
    ctrl.abort();
  });

  it('answers pending requests with an error when the session closes, and refuses requests after', async () => {
    fresh(false);
    const pending = post({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'slow' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    let closed = 0;
    channel.onclose = () => closed++;
    expect((await fetch(base, { method: 'DELETE' })).status).toBe(200);
    expect(await (await pending).json()).toMatchObject({ id: 9, error: { code: -32001 } });
    expect(closed).toBe(1);
    expect((await post({ jsonrpc: '2.0', id: 10, method: 'ping' })).status).toBe(404);
  });

  it('drops an answer whose client went away, and answers to unknown ids', () => {
    fresh();
    expect(() => channel.send({ jsonrpc: '2.0', id: 'nobody', result: {} })).not.toThrow();
  });

  it('validMessage never throws and accepts only JSON-RPC 2.0 shapes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const ok = validMessage(v);
        if (ok) expect((v as Message).jsonrpc).toBe('2.0');
      }),
      { numRuns: 500 },
    );
    expect(validMessage({ jsonrpc: '2.0', id: 1, result: {} })).toBe(true);
    expect(validMessage({ jsonrpc: '2.0', id: 1, error: { code: -1, message: 'x' } })).toBe(true);
    expect(validMessage({ jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'x' } })).toBe(false);
    expect(validMessage({ jsonrpc: '2.0', id: null, method: 'x' })).toBe(false);
  });
});
