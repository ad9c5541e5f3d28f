// The gateway's Streamable HTTP client transport against real servers: the SDK's McpServer behind its
// StreamableHTTPServerTransport (JSON and event-stream answers, stateful and stateless) driven by the SDK Client,
// and hostile node:http servers (error statuses, redirects, ended sessions, oversize and malformed answers, a server
// that never answers, connections reset mid-stream). Only 127.0.0.1 is contacted.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { LoggingMessageNotificationSchema, ToolListChangedNotificationSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BulwarkError } from '../../core/errors.js';
import { createUpstreamAgent, HttpClientTransport, STREAM_ENDED_CODE, type HttpClientTransportOptions } from './http-client-transport.js';

const SECRET = 'gateway-upstream-secret-7f3a';
const LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} } as JSONRPCMessage;

interface Listening {
  url: string;
  requests: { method: string; headers: IncomingMessage['headers']; port: number }[];
  /** Connections ever accepted, and the ones still open. */
  connections: number;
  open: Set<Socket>;
  close(): Promise<void>;
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!().catch(() => undefined);
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): Promise<Listening> {
  const requests: Listening['requests'] = [];
  const open = new Set<Socket>();
  const http: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', headers: req.headers, port: req.socket.remotePort ?? 0 });
    Promise.resolve(handler(req, res)).catch(() => (res.headersSent ? res.destroy() : res.writeHead(500).end()));
  });
  const listening: Listening = {
    url: '',
    requests,
    connections: 0,
    open,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  http.on('connection', (s: Socket) => {
    listening.connections++;
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  listening.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  closers.push(listening.close);
  return listening;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

async function rejection(p: Promise<unknown>): Promise<BulwarkError> {
  const e: unknown = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BulwarkError);
  return e as BulwarkError;
}

// ------------------------------------------------------------------------------------------- the SDK server

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

function buildServer(): McpServer {
  const server = new McpServer({ name: 'fixture', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool('echo', { description: 'echoes', inputSchema: { text: z.string() } }, ({ text: t }) => text(t));
  server.registerTool('chatty', { description: 'reports progress and logs before answering' }, async (extra) => {
    await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'working on it' } });
    const token = extra._meta?.progressToken;
    if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } });
    return text('done');
  });
  return server;
}

interface SdkUpstream extends Listening {
  servers: McpServer[];
  sessions: Map<string, StreamableHTTPServerTransport>;
}

async function startSdkServer(json: boolean, stateful: boolean): Promise<SdkUpstream> {
  const servers: McpServer[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const listening = await listen(async (req, res) => {
    const body = req.method === 'POST' ? (JSON.parse(await readBody(req)) as unknown) : undefined;
    if (!stateful) {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      const server = buildServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: json });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
      return;
    }
    const sid = req.headers['mcp-session-id'];
    if (typeof sid === 'string') {
      const transport = sessions.get(sid);
      if (!transport) {
        res.writeHead(404).end();
        return;
      }
      await transport.handleRequest(req, res, body);
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: json,
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    const server = buildServer();
    servers.push(server);
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  closers.push(async () => {
    for (const s of servers) await s.close();
  });
  return Object.assign(listening, { servers, sessions });
}

async function sdkClient(url: string, opts: HttpClientTransportOptions = {}) {
  const transport = new HttpClientTransport(url, { name: 'mcp server fixture', headers: () => ({ authorization: `Bearer ${SECRET}` }), ...opts });
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  closers.push(() => client.close());
  await client.connect(transport);
  return { client, transport, errors };
}

describe.each([
  { json: true, stateful: true },
  { json: false, stateful: true },
  { json: true, stateful: false },
  { json: false, stateful: false },
])('with the SDK server (JSON answers: $json, stateful: $stateful)', ({ json, stateful }) => {
  it('initializes, lists and calls tools, carries the session and protocol version, and DELETEs the session on close', async () => {
    const upstream = await startSdkServer(json, stateful);
    const { client, transport, errors } = await sdkClient(upstream.url);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'chatty']);
    const r = await client.callTool({ name: 'echo', arguments: { text: 'hi there' } });
    expect(r.content).toEqual([{ type: 'text', text: 'hi there' }]);

    const posts = upstream.requests.filter((q) => q.method === 'POST');
    expect(posts.length).toBeGreaterThanOrEqual(4); // initialize, initialized, tools/list, tools/call
    for (const q of upstream.requests) {
      expect(q.headers.authorization).toBe(`Bearer ${SECRET}`);
      if (q.method === 'POST') {
        expect(q.headers['content-type']).toBe('application/json');
        expect(q.headers.accept).toBe('application/json, text/event-stream');
      }
    }
    expect(posts[0]!.headers['mcp-session-id']).toBeUndefined();
    expect(posts[0]!.headers['mcp-protocol-version']).toBeUndefined();
    expect(posts.at(-1)!.headers['mcp-protocol-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    if (stateful) {
      expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      for (const q of upstream.requests.slice(1)) expect(q.headers['mcp-session-id']).toBe(transport.sessionId);
      // The GET stream for the upstream's own messages was opened.
      await until(() => upstream.requests.some((q) => q.method === 'GET'));
    } else {
      expect(transport.sessionId).toBeUndefined();
    }
    // Keep-alive: requests one after the other share a connection (the GET stream, and tools/list sent while it
    // opens, take others).
    expect(upstream.connections).toBeLessThanOrEqual(3);
    expect(upstream.connections).toBeLessThan(upstream.requests.length);

    const sessionId = transport.sessionId;
    await client.close();
    const deletes = upstream.requests.filter((q) => q.method === 'DELETE');
    if (stateful) {
      expect(deletes).toHaveLength(1);
      expect(deletes[0]!.headers['mcp-session-id']).toBe(sessionId);
      expect(upstream.sessions.size).toBe(0);
    } else {
      expect(deletes).toHaveLength(0);
    }
    expect(errors).toEqual([]);
  });

  it.runIf(!json)('delivers the progress and log notifications a tool sends before its result', async () => {
    const upstream = await startSdkServer(json, stateful);
    const { client, errors } = await sdkClient(upstream.url);
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params.data));
    const progress: unknown[] = [];
    const r = await client.callTool({ name: 'chatty' }, undefined, { onprogress: (p) => void progress.push(p) });
    expect(r.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(logs).toEqual(['working on it']);
    expect(progress).toEqual([{ progress: 1, total: 2 }]);
    expect(errors).toEqual([]);
  });

  it.runIf(stateful)("delivers the upstream's own messages from the GET stream", async () => {
    const upstream = await startSdkServer(json, stateful);
    const { client, errors } = await sdkClient(upstream.url);
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
    await until(() => upstream.requests.some((q) => q.method === 'GET'));
    await until(() => {
      void upstream.servers[0]!.server.notification({ method: 'notifications/tools/list_changed' }).catch(() => undefined);
      return changed > 0;
    });
    expect(errors).toEqual([]);
  });
});

// --------------------------------------------------------------------------------------- hostile upstreams

async function hostile(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void, opts: HttpClientTransportOptions = {}) {
  const server = await listen(handler);
  const transport = new HttpClientTransport(server.url, { name: 'mcp server hostile', headers: () => ({ authorization: `Bearer ${SECRET}` }), ...opts });
  const errors: Error[] = [];
  const messages: Record<string, unknown>[] = [];
  let closes = 0;
  transport.onerror = (e) => void errors.push(e);
  transport.onmessage = (m) => void messages.push(m as Record<string, unknown>);
  transport.onclose = () => void closes++;
  await transport.start();
  closers.push(() => transport.close());
  return { server, transport, errors, messages, closes: () => closes };
}

const jsonAnswer = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
  const t = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(t)), ...headers }).end(t);
};
const answerTo = (id: number) => ({ jsonrpc: '2.0', id, result: { tools: [] } });
const sseHead = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
};

describe('requests and answers', () => {
  it('sends the protocol headers and the supplied ones, never a supplied protocol header, over one keep-alive connection', async () => {
    const presented: string[][] = [];
    const { server, transport, messages } = await hostile(async (req, res) => jsonAnswer(res, answerTo((JSON.parse(await readBody(req)) as { id: number }).id), { 'mcp-session-id': 'sid-1' }), {
      headers: () => ({ authorization: `Bearer ${SECRET}`, 'X-Tenant': 'acme', 'Mcp-Session-Id': 'forged', accept: 'text/html', host: 'evil.example' }),
      presented: (h) => void presented.push(Object.keys(h).sort()),
    });
    await transport.send(LIST);
    transport.setProtocolVersion('2025-11-25');
    transport.setProtocolVersion('bad\r\nversion');
    await transport.send({ ...LIST, id: 2 } as JSONRPCMessage);
    await transport.send({ ...LIST, id: 3 } as JSONRPCMessage);
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(transport.sessionId).toBe('sid-1');
    const [first, second] = server.requests;
    expect(first!.headers).toMatchObject({ authorization: `Bearer ${SECRET}`, 'x-tenant': 'acme', accept: 'application/json, text/event-stream', 'content-type': 'application/json', host: new URL(server.url).host });
    expect(first!.headers['mcp-session-id']).toBeUndefined();
    expect(first!.headers['mcp-protocol-version']).toBeUndefined();
    expect(second!.headers).toMatchObject({ 'mcp-session-id': 'sid-1', 'mcp-protocol-version': '2025-11-25' });
    expect(server.connections).toBe(1);
    expect(new Set(server.requests.map((q) => q.port)).size).toBe(1);
    expect(presented.at(-1)).toEqual(['accept', 'authorization', 'content-length', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'x-tenant']);
  });

  it('resolves a notification on 202 and then opens the GET stream; a 405 there is no error', async () => {
    const { server, transport, errors } = await hostile((req, res) => void res.writeHead(req.method === 'POST' ? 202 : 405).end());
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
    await until(() => server.requests.some((q) => q.method === 'GET'));
    const get = server.requests.find((q) => q.method === 'GET')!;
    expect(get.headers.accept).toBe('text/event-stream');
    expect(get.headers.authorization).toBe(`Bearer ${SECRET}`);
    await sleep(30);
    expect(server.requests.filter((q) => q.method === 'GET')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('rejects an error status naming the status only, and reports it', async () => {
    const { transport, errors } = await hostile((_req, res) => void res.writeHead(500, { 'x-echo': SECRET }).end(`internal error, token ${SECRET}`));
    const e = await rejection(transport.send(LIST));
    expect(e.code).toBe('ERR_IO');
    expect(e.message).toBe('mcp server hostile: the upstream answered HTTP 500');
    expect(e.context).toEqual({ status: 500 });
    expect(errors).toEqual([e]);
  });

  it('never follows a redirect', async () => {
    const elsewhere = await listen((_req, res) => jsonAnswer(res, answerTo(1)));
    const { transport } = await hostile((_req, res) => void res.writeHead(302, { location: elsewhere.url }).end());
    const e = await rejection(transport.send(LIST));
    expect(e.message).toContain('HTTP 302 (redirects are not followed)');
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('reports a 404 to a request with a session id as the end of the session', async () => {
    let calls = 0;
    const { transport, errors } = await hostile((_req, res) => (calls++ === 0 ? jsonAnswer(res, answerTo(1), { 'mcp-session-id': 'sid-9' }) : void res.writeHead(404).end()));
    await transport.send(LIST);
    const e = await rejection(transport.send({ ...LIST, id: 2 } as JSONRPCMessage));
    expect(e.context).toEqual({ status: 404, sessionExpired: true });
    expect(e.message).toContain('its session has ended');
    expect(errors).toEqual([e]);
    // Without a session, a 404 is just a status.
    const fresh = await hostile((_req, res) => void res.writeHead(404).end());
    expect((await rejection(fresh.transport.send(LIST))).context).toEqual({ status: 404 });
  });

  it('refuses an oversize JSON answer, declared or not', async () => {
    const big = { jsonrpc: '2.0', id: 1, result: { pad: 'x'.repeat(4096) } };
    const declared = await hostile((_req, res) => jsonAnswer(res, big), { maxResponseBytes: 1024 });
    expect((await rejection(declared.transport.send(LIST))).code).toBe('ERR_INPUT_TOO_LARGE');
    const chunked = await hostile(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(JSON.stringify(big).slice(0, 800));
        res.end(JSON.stringify(big).slice(800));
      },
      { maxResponseBytes: 1024 },
    );
    expect((await rejection(chunked.transport.send(LIST))).code).toBe('ERR_INPUT_TOO_LARGE');
    expect([...declared.messages, ...chunked.messages]).toEqual([]);
    expect(chunked.errors).toHaveLength(1);
  });

  it('refuses malformed JSON, JSON that is no JSON-RPC message and an unexpected content type', async () => {
    const bodies: [string, string][] = [
      ['application/json', '{"jsonrpc":"2.0","id":1,"result":'],
      ['application/json', '{"hello":"world"}'],
      ['application/json', '[{"jsonrpc":"2.0","id":1,"result":{}}, 7]'],
      ['text/html; charset=utf-8', '<html></html>'],
    ];
    const codes: string[] = [];
    for (const [type, body] of bodies) {
      const { transport, messages, errors } = await hostile((_req, res) => void res.writeHead(200, { 'content-type': type }).end(body));
      const e = await rejection(transport.send(LIST));
      codes.push(e.code);
      expect(messages).toEqual([]);
      expect(errors).toEqual([e]);
    }
    expect(codes).toEqual(['ERR_INPUT_INVALID_JSON', 'ERR_INPUT_INVALID', 'ERR_INPUT_INVALID', 'ERR_INPUT_INVALID']);
  });

  it('rejects a network failure with its code only', async () => {
    const gone = await listen(() => undefined);
    await gone.close();
    const transport = new HttpClientTransport(gone.url, { headers: () => ({ authorization: `Bearer ${SECRET}` }) });
    closers.push(() => transport.close());
    const e = await rejection(transport.send(LIST));
    expect(e.context).toEqual({ code: 'ECONNREFUSED' });
    expect(e.message).not.toContain(SECRET);
  });

  it('sends nothing when the headers cannot be built (no token to exchange, a line break in a value)', async () => {
    const missing = new BulwarkError('ERR_INPUT_MISSING_FIELD', 'no caller token');
    const failing = await hostile((_req, res) => jsonAnswer(res, answerTo(1)), { headers: () => Promise.reject(missing) });
    expect(await rejection(failing.transport.send(LIST))).toBe(missing);
    const injected = await hostile((_req, res) => jsonAnswer(res, answerTo(1)), { headers: () => ({ 'x-bad': 'a\r\nInjected: yes' }) });
    const e = await rejection(injected.transport.send(LIST));
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.message).not.toContain('Injected');
    expect([...failing.server.requests, ...injected.server.requests]).toEqual([]);
  });

  it('reports an onmessage handler that throws and carries on', async () => {
    const { transport, errors } = await hostile(async (req, res) => jsonAnswer(res, answerTo((JSON.parse(await readBody(req)) as { id: number }).id)));
    const boom = new Error('handler failed');
    transport.onmessage = () => {
      throw boom;
    };
    await transport.send(LIST);
    expect(errors).toEqual([boom]);
  });
});

describe('event streams', () => {
  it('parses an event stream arriving byte by byte with CRLF, comments, ids, retry, other events and multi-line data', async () => {
    const stream =
      ': priming comment\r\nid: 1\r\nretry: 1000\r\ndata:\r\n\r\n' +
      'event: ping\r\ndata: {"jsonrpc":"2.0","method":"ignored"}\r\n\r\n' +
      'event: message\r\ndata: {"jsonrpc":"2.0",\r\ndata: "method":"notifications/message","params":{"level":"info","data":"é€"}}\r\n\r\n' +
      'data: {"jsonrpc":"2.0","id":1,"result":{"tools":[]}}\n\n';
    const { transport, messages, errors } = await hostile(async (_req, res) => {
      sseHead(res);
      for (const byte of Buffer.from(stream)) {
        res.write(Buffer.of(byte));
        if (byte === 0x0d) await sleep(1); // a CR and its LF in different chunks
      }
      res.end();
    });
    await transport.send(LIST);
    await until(() => messages.length === 2);
    expect(messages).toEqual([
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'é€' } },
      { jsonrpc: '2.0', id: 1, result: { tools: [] } },
    ]);
    expect(errors).toEqual([]);
  });

  it('reports malformed events and goes on with the stream', async () => {
    const { transport, messages, errors } = await hostile((_req, res) => {
      sseHead(res);
      res.end('data: {nope\n\ndata: {"jsonrpc":"2.0"}\n\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n');
    });
    await transport.send(LIST);
    await until(() => messages.length === 1);
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(errors.map((e) => (e as BulwarkError).code)).toEqual(['ERR_INPUT_INVALID_JSON', 'ERR_INPUT_INVALID']);
  });

  it('cuts an oversize event and answers the waiting request with an error', async () => {
    const { transport, messages, errors } = await hostile(
      (_req, res) => {
        sseHead(res);
        res.write(`data: {"jsonrpc":"2.0","id":1,"result":{"pad":"`);
        res.write('x'.repeat(2048));
      },
      { maxResponseBytes: 1024 },
    );
    await transport.send(LIST);
    await until(() => messages.length === 1);
    expect(messages[0]).toEqual({ jsonrpc: '2.0', id: 1, error: { code: STREAM_ENDED_CODE, message: "the upstream's event stream ended before the answer" } });
    expect((errors[0] as BulwarkError).code).toBe('ERR_INPUT_TOO_LARGE');
  });

  it('answers a request whose stream was reset mid-way with an error, after what did arrive', async () => {
    const { transport, messages, errors } = await hostile((_req, res) => {
      sseHead(res);
      res.write('data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
    });
    await transport.send(LIST);
    await until(() => messages.length === 2);
    expect(messages[0]!.method).toBe('notifications/progress');
    expect(messages[1]).toMatchObject({ id: 1, error: { code: STREAM_ENDED_CODE } });
    expect(errors.map((e) => e.message)).toEqual(['mcp server hostile: the event stream was cut off']);
  });

  it('answers a request whose stream ended without its answer', async () => {
    const { transport, messages, errors } = await hostile((_req, res) => {
      sseHead(res);
      res.end('data: {"jsonrpc":"2.0","id":99,"result":{}}\n\n');
    });
    await transport.send(LIST);
    await until(() => messages.length === 2);
    expect(messages[1]).toMatchObject({ id: 1, error: { code: STREAM_ENDED_CODE } });
    expect(errors).toHaveLength(1);
  });

  it('reopens a dropped GET stream a bounded number of times, then gives up with an error', async () => {
    const { server, messages, errors, transport } = await hostile(
      (req, res) => {
        if (req.method === 'POST') return void res.writeHead(202).end();
        sseHead(res);
        res.end('data: {"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n\n');
      },
      { streamRetries: 2, streamRetryDelayMs: 5 },
    );
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
    await until(() => errors.length > 0);
    expect(server.requests.filter((q) => q.method === 'GET')).toHaveLength(3);
    expect(messages).toHaveLength(3);
    expect(errors[0]!.message).toContain('could not be kept open');
  });

  it('reports a GET stream refused with an error status once', async () => {
    const { server, transport, errors } = await hostile((req, res) => void res.writeHead(req.method === 'POST' ? 202 : 500).end(), { streamRetryDelayMs: 5 });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
    await until(() => errors.length > 0);
    await sleep(30);
    expect(server.requests.filter((q) => q.method === 'GET')).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual(['mcp server hostile: the upstream answered HTTP 500']);
  });
});

describe('connections and close', () => {
  it('aborts a request the server never answers on close, without a leak', async () => {
    let serverSaw: IncomingMessage | undefined;
    const { server, transport, errors, closes } = await hostile((req) => {
      serverSaw = req;
    });
    const sent = transport.send(LIST);
    let settled = false;
    void sent.then(
      () => (settled = true),
      () => (settled = true),
    );
    await until(() => serverSaw !== undefined);
    await sleep(50);
    expect(settled).toBe(false);
    await transport.close();
    await transport.close();
    const e = await rejection(sent);
    expect(e.context).toEqual({ closed: true });
    await until(() => server.open.size === 0);
    expect(closes()).toBe(1);
    expect(errors).toEqual([]);
    expect((await rejection(transport.send(LIST))).context).toEqual({ closed: true });
  });

  it('ends an event stream in progress on close', async () => {
    const { server, transport, errors } = await hostile((_req, res) => {
      sseHead(res);
      res.write(': still working\n\n');
    });
    await transport.send(LIST);
    expect(server.open.size).toBe(1);
    await transport.close();
    await until(() => server.open.size === 0);
    expect(errors).toEqual([]);
  });

  it('bounds the DELETE of the session on close', async () => {
    const { server, transport } = await hostile(
      (req, res) => {
        if (req.method === 'POST') jsonAnswer(res, answerTo(1), { 'mcp-session-id': 'sid-2' });
        // DELETE: never answered
      },
      { closeTimeoutMs: 100 },
    );
    await transport.send(LIST);
    const started = Date.now();
    await transport.close();
    expect(Date.now() - started).toBeLessThan(900);
    const del = server.requests.find((q) => q.method === 'DELETE')!;
    expect(del.headers).toMatchObject({ 'mcp-session-id': 'sid-2', authorization: `Bearer ${SECRET}` });
    await until(() => server.open.size === 0);
  });

  it('sends a request again on a new connection when the reused one was closed by the server just then', async () => {
    const perSocket = new Map<Socket, number>();
    const { server, transport, messages } = await hostile(async (req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      const { id } = JSON.parse(await readBody(req)) as { id: number };
      if (n === 2) req.socket.destroy();
      else jsonAnswer(res, answerTo(id));
    });
    await transport.send(LIST);
    await transport.send({ ...LIST, id: 2 } as JSONRPCMessage);
    expect(messages.map((m) => m.id)).toEqual([1, 2]);
    expect(server.connections).toBe(2);
  });

  it('keeps a slow answer beyond the idle timeout, and closes an idle connection after it', async () => {
    const url = new URL('http://127.0.0.1/');
    const agent = createUpstreamAgent(url, { idleSocketMs: 40 });
    closers.push(async () => agent.destroy());
    const { server, transport, messages } = await hostile(
      async (req, res) => {
        const { id } = JSON.parse(await readBody(req)) as { id: number };
        await sleep(150);
        jsonAnswer(res, answerTo(id));
      },
      { agent },
    );
    await transport.send(LIST);
    expect(messages).toHaveLength(1);
    await until(() => server.open.size === 0);
    await transport.send({ ...LIST, id: 2 } as JSONRPCMessage);
    expect(server.connections).toBe(2);
    // A shared Agent outlives the transport.
    await transport.close();
    const next = new HttpClientTransport(server.url, { agent });
    closers.push(() => next.close());
    await next.send({ ...LIST, id: 3 } as JSONRPCMessage);
  });
});

const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;

describe('https', () => {
  it.runIf(HAS_OPENSSL)('reaches an https upstream, verifying its certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-upstream-tls-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const cert = readFileSync(join(dir, 'cert.pem'));
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => jsonAnswer(res, answerTo(1)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;

    const agent = new HttpsAgent({ keepAlive: true, ca: cert });
    closers.push(async () => agent.destroy());
    const trusted = new HttpClientTransport(url, { agent });
    const messages: unknown[] = [];
    trusted.onmessage = (m) => void messages.push(m);
    closers.push(() => trusted.close());
    await trusted.send(LIST);
    expect(messages).toEqual([answerTo(1)]);

    const untrusted = new HttpClientTransport(url);
    closers.push(() => untrusted.close());
    const e = await rejection(untrusted.send(LIST));
    expect(String(e.context.code)).toMatch(/CERT|SIGNED/);
  });
});
