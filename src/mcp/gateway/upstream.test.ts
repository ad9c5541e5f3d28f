// The gateway's upstream side against real servers: a Streamable HTTP MCP server (the SDK's McpServer on node:http)
// with a node:http authorization server for token exchange, and a stdio MCP server spawned per session
// (testdata/upstream-stdio.mjs). Only 127.0.0.1 is contacted.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import type { Principal } from '../../gateway/auth/principal.js';
import { mcpServerSchema } from './config.js';
import { createUpstreamConnector, drainStderr, STDERR_LINE_CHARS, STDERR_LOG_BYTES, type UpstreamConnector, type UpstreamSessionContext } from './upstream.js';

const FIXTURE = fileURLToPath(new URL('./testdata/upstream-stdio.mjs', import.meta.url));
const CALLER_TOKEN = 'caller-token-must-never-go-upstream';
const GATEWAY_TOKEN = 'gateway-own-upstream-token';

const principal: Principal = Object.freeze({ id: 'jwt:https://as.example|alice', kind: 'jwt', name: 'alice', models: ['*'], limits: {} });
const session = (subjectToken: () => string | undefined = () => CALLER_TOKEN): UpstreamSessionContext => ({ principal, subjectToken });

let dir: string;
beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'bulwark-upstream-')));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Listening {
  url: string;
  requests: { method: string; headers: IncomingMessage['headers'] }[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void, path = '/mcp'): Promise<Listening> {
  const requests: Listening['requests'] = [];
  const http: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', headers: req.headers });
    Promise.resolve(handler(req, res)).catch(() => (res.headersSent ? res.end() : res.writeHead(500).end()));
  });
  let connections = 0;
  http.on('connection', () => void connections++);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}${path}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/** A stateless Streamable HTTP MCP server with one tool; `accept` decides which authorization headers pass. */
function startMcpHttp(accept: (authorization: string | undefined) => boolean): Promise<Listening> {
  return listen(async (req, res) => {
    if (!accept(req.headers.authorization)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const text = await readBody(req);
    const server = new McpServer({ name: 'upstream', version: '1.0.0' });
    server.registerTool('echo', { description: 'says hello' }, () => ({ content: [{ type: 'text', text: 'hello' }] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, JSON.parse(text));
  });
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  while (closers.length > 0) await closers.pop()!().catch(() => undefined);
});

async function connect(connector: UpstreamConnector, ctx = session()): Promise<Client> {
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  const transport = connector.open(ctx);
  // Registered before connecting: a server that never answers is still stopped.
  closers.push(() => transport.close());
  await client.connect(transport);
  return client;
}

function httpConfig(url: string, http: Record<string, unknown> = {}) {
  return mcpServerSchema.parse({ name: 'remote', http: { url, ...http } });
}

async function failure(p: Promise<unknown>): Promise<BulwarkError> {
  const e: unknown = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BulwarkError);
  return e as BulwarkError;
}

const allHeaderValues = (requests: Listening['requests']): string => JSON.stringify(requests.map((r) => r.headers));

describe('http upstream', () => {
  it('presents the configured credential and headers, never the caller token', async () => {
    const upstream = await startMcpHttp((a) => a === `Bearer ${GATEWAY_TOKEN}`);
    closers.push(upstream.close);
    await writeFile(join(dir, 'api-key.txt'), 'key-from-file\n');
    const connector = await createUpstreamConnector(
      httpConfig(upstream.url, { credential: { env: 'UP_TOKEN' }, headers: { 'X-Api-Key': { file: 'api-key.txt' }, 'X-Tenant': { env: 'TENANT' } } }),
      { env: { UP_TOKEN: GATEWAY_TOKEN, TENANT: 'acme' }, cwd: dir },
    );
    expect(connector.kind).toBe('http');
    const client = await connect(connector);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['echo']);
    expect(upstream.requests.length).toBeGreaterThanOrEqual(2);
    for (const r of upstream.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${GATEWAY_TOKEN}`);
      expect(r.headers['x-api-key']).toBe('key-from-file');
      expect(r.headers['x-tenant']).toBe('acme');
    }
    const post = upstream.requests.find((r) => r.method === 'POST')!;
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers.accept).toContain('text/event-stream');
    expect(upstream.requests.some((r) => r.headers['mcp-protocol-version'] !== undefined)).toBe(true);
    expect(allHeaderValues(upstream.requests)).not.toContain(CALLER_TOKEN);
    expect(connector.lastPresentedHeaders).toEqual(expect.arrayContaining(['authorization', 'x-api-key', 'x-tenant']));
    expect(JSON.stringify(connector.lastPresentedHeaders)).not.toContain(GATEWAY_TOKEN);
  });

  it('sends no authorization at all without a credential or exchange', async () => {
    const upstream = await startMcpHttp(() => true);
    closers.push(upstream.close);
    const client = await connect(await createUpstreamConnector(httpConfig(upstream.url), { env: {} }));
    await client.listTools();
    for (const r of upstream.requests) expect(r.headers.authorization).toBeUndefined();
    expect(allHeaderValues(upstream.requests)).not.toContain(CALLER_TOKEN);
  });

  it('presents the token exchanged for the caller token, following the caller token as it is refreshed', async () => {
    const subjects: string[] = [];
    const as = await listen(async (req, res) => {
      const form = new URLSearchParams(await readBody(req));
      subjects.push(form.get('subject_token') ?? '');
      expect(form.get('resource')).toBe(upstream.url);
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from('gateway:client-secret').toString('base64')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `exchanged-${subjects.length}`, token_type: 'Bearer', expires_in: 600 }));
    }, '/token');
    closers.push(as.close);
    const upstream = await startMcpHttp((a) => a === 'Bearer exchanged-1' || a === 'Bearer exchanged-2');
    closers.push(upstream.close);
    const connector = await createUpstreamConnector(
      httpConfig(upstream.url, { tokenExchange: { tokenUrl: as.url, clientId: 'gateway', clientSecret: { env: 'AS_SECRET' } } }),
      { env: { AS_SECRET: 'client-secret' } },
    );
    let callerToken = CALLER_TOKEN;
    const client = await connect(connector, session(() => callerToken));
    await client.listTools();
    expect(subjects).toEqual([CALLER_TOKEN]); // one exchange, cached for the following requests
    callerToken = `${CALLER_TOKEN}-refreshed`;
    await client.callTool({ name: 'echo' });
    expect(subjects).toEqual([CALLER_TOKEN, callerToken]);
    const auths = upstream.requests.map((r) => r.headers.authorization);
    expect(new Set(auths)).toEqual(new Set(['Bearer exchanged-1', 'Bearer exchanged-2']));
    expect(auths.at(-1)).toBe('Bearer exchanged-2');
    expect(allHeaderValues(upstream.requests)).not.toContain(CALLER_TOKEN);
  });

  it('shares warm keep-alive connections between sessions, and closing one session leaves the others working', async () => {
    const upstream = await startMcpHttp(() => true);
    closers.push(upstream.close);
    const connector = await createUpstreamConnector(httpConfig(upstream.url), { env: {} });
    const first = await connect(connector);
    await first.listTools();
    const second = await connect(connector);
    await second.listTools();
    await first.close();
    expect((await second.callTool({ name: 'echo' })).content).toEqual([{ type: 'text', text: 'hello' }]);
    // Two sessions, each with initialize, initialized, GET (405), tools/list; fewer connections than requests.
    expect(upstream.requests.length).toBeGreaterThanOrEqual(8);
    expect(upstream.connections()).toBeLessThan(upstream.requests.length / 2);
  });

  it('fails a request when there is no caller token to exchange', async () => {
    const upstream = await startMcpHttp(() => true);
    closers.push(upstream.close);
    const connector = await createUpstreamConnector(httpConfig(upstream.url, { tokenExchange: { tokenUrl: 'http://127.0.0.1:1/token', clientId: 'gateway' } }), { env: {} });
    const client = new Client({ name: 'gateway-test', version: '1.0.0' });
    const e = await failure(client.connect(connector.open(session(() => undefined))));
    expect(e.code).toBe('ERR_INPUT_MISSING_FIELD');
    expect(upstream.requests).toHaveLength(0);
  });

  it('does not follow a redirect to another origin, so the credential never leaves the upstream', async () => {
    const elsewhere = await startMcpHttp(() => true);
    closers.push(elsewhere.close);
    const upstream = await listen((req, res) => void res.writeHead(307, { location: elsewhere.url }).end());
    closers.push(upstream.close);
    const connector = await createUpstreamConnector(httpConfig(upstream.url, { credential: { env: 'UP_TOKEN' } }), { env: { UP_TOKEN: GATEWAY_TOKEN } });
    const client = new Client({ name: 'gateway-test', version: '1.0.0' });
    await expect(client.connect(connector.open(session()))).rejects.toThrow();
    expect(upstream.requests.length).toBeGreaterThan(0);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('fails at start-up on a missing secret, naming the source and never a value', async () => {
    const e = await failure(createUpstreamConnector(httpConfig('http://127.0.0.1:9/mcp', { credential: { env: 'MISSING_TOKEN' } }), { env: { OTHER: 'x' } }));
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.message).toContain('MISSING_TOKEN');
    expect(e.context).toMatchObject({ server: 'remote', field: 'http.credential', env: 'MISSING_TOKEN' });
    const f = await failure(
      createUpstreamConnector(httpConfig('http://127.0.0.1:9/mcp', { headers: { 'X-Key': { file: 'no-such-file' } } }), { env: {}, cwd: dir }),
    );
    expect(f.code).toBe('ERR_CONFIG_INVALID');
    expect(f.message).toContain('no-such-file');
  });

  it('refuses headers that would override the transport or double the credential, and unsafe values', async () => {
    const env = { V: 'value', T: 'token', BAD: 'a\r\nInjected: yes', SPACE: 'two words' };
    const cases: Record<string, unknown>[] = [
      { headers: { 'Mcp-Session-Id': { env: 'V' } } },
      { headers: { 'Content-Type': { env: 'V' } } },
      { credential: { env: 'T' }, headers: { Authorization: { env: 'V' } } },
      { headers: { 'X-Bad': { env: 'BAD' } } },
      { credential: { env: 'SPACE' } },
    ];
    for (const http of cases) {
      const e = await failure(createUpstreamConnector(httpConfig('http://127.0.0.1:9/mcp', http), { env }));
      expect(e.code).toBe('ERR_CONFIG_INVALID');
      expect(e.message).not.toContain('Injected');
      expect(e.message).not.toContain('two words');
    }
  });
});

describe('stdio upstream', () => {
  const stdioConfig = (stdio: Record<string, unknown> = {}) =>
    mcpServerSchema.parse({ name: 'local', stdio: { command: process.execPath, args: [FIXTURE], ...stdio } });

  async function childEnv(client: Client): Promise<{ env: Record<string, string>; cwd: string }> {
    const result = await client.callTool({ name: 'env' });
    const [first] = result.content as { type: string; text: string }[];
    return JSON.parse(first!.text) as { env: Record<string, string>; cwd: string };
  }

  it('spawns the server per session with only PATH, HOME and the configured environment', async () => {
    vi.stubEnv('SECRET_IN_GATEWAY', 'gateway-secret-value');
    vi.stubEnv('GW_VAR', 'from-gateway-env');
    await writeFile(join(dir, 'db-password'), 'from-file\n');
    const log = vi.fn();
    const connector = await createUpstreamConnector(
      stdioConfig({ env: { PLAIN: 'plain-value', FROM_ENV: { env: 'GW_VAR' }, FROM_FILE: { file: 'db-password' } }, cwd: '.' }),
      { env: process.env, cwd: dir, log },
    );
    expect(connector.kind).toBe('stdio');
    const client = await connect(connector);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['env']);
    const { env, cwd } = await childEnv(client);
    expect(env.SECRET_IN_GATEWAY).toBeUndefined();
    expect(env).toMatchObject({ PLAIN: 'plain-value', FROM_ENV: 'from-gateway-env', FROM_FILE: 'from-file' });
    if (process.env.PATH) expect(env.PATH).toBe(process.env.PATH);
    // Besides the configured variables, only the SDK's short list of harmless ones.
    const allowed = new Set(['PLAIN', 'FROM_ENV', 'FROM_FILE', 'PATH', 'HOME', 'LOGNAME', 'SHELL', 'TERM', 'USER']);
    expect(Object.keys(env).filter((k) => !allowed.has(k))).toEqual([]);
    expect(cwd).toBe(dir);
    expect(log).toHaveBeenCalledWith('info', 'mcp upstream stderr', expect.objectContaining({ server: 'local', principal: principal.id, line: 'upstream fixture ready' }));

    // A second session is a second process.
    const other = await connect(connector);
    await other.listTools();
  });

  it('drains a stderr flood without blocking the server and logs a bounded amount', async () => {
    const log = vi.fn();
    const connector = await createUpstreamConnector(stdioConfig({ env: { FLOOD_STDERR: String(1024 * 1024) } }), { env: process.env, log });
    const client = await connect(connector);
    expect((await client.listTools()).tools).toHaveLength(1);
    const lines = log.mock.calls.filter(([, msg]) => msg === 'mcp upstream stderr').map(([, , fields]) => (fields as { line: string }).line);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.length <= STDERR_LINE_CHARS)).toBe(true);
    expect(lines.join('').length).toBeLessThanOrEqual(STDERR_LOG_BYTES);
    expect(log.mock.calls.filter(([level]) => level === 'warn')).toHaveLength(1);
  });

  it('fails at start-up on a missing env secret or a missing working directory', async () => {
    const e = await failure(createUpstreamConnector(stdioConfig({ env: { TOKEN: { env: 'NOT_SET_ANYWHERE' } } }), { env: {} }));
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.message).toContain('NOT_SET_ANYWHERE');
    expect(e.context).toMatchObject({ server: 'local', field: 'stdio.env.TOKEN' });
    const f = await failure(createUpstreamConnector(stdioConfig({ cwd: 'no-such-dir' }), { env: {}, cwd: dir }));
    expect(f.code).toBe('ERR_CONFIG_INVALID');
  });

  it('logs stderr line by line, cut, without control characters, up to the budget', () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    let overflows = 0;
    drainStderr(stream, (l) => lines.push(l), () => overflows++);
    const euro = Buffer.from('€');
    stream.write(Buffer.concat([Buffer.from('a\x1b[31mred\nsplit '), euro.subarray(0, 1)]));
    stream.write(Buffer.concat([euro.subarray(1), Buffer.from(`\n${'y'.repeat(2000)}\n`)]));
    stream.write('z'.repeat(STDERR_LOG_BYTES));
    stream.write('never logged\n');
    expect(lines.slice(0, 2)).toEqual(['a[31mred', 'split €']);
    expect(lines[2]).toBe('y'.repeat(STDERR_LINE_CHARS));
    expect(lines[3]).toMatch(/^z+$/);
    expect(lines).toHaveLength(4);
    expect(overflows).toBe(1);
  });
});
