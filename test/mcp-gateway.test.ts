// The MCP gateway end to end with the official SDK on both sides: SDK Client → `bulwark mcp gateway` → SDK servers
// over Streamable HTTP and stdio. The negative matrix of the MCP authorization rules (no token, expired, wrong
// audience, wrong issuer, token in the query, bad Origin, missing scope, a session id reused by another principal,
// header/body mismatch), no token passthrough, tool access per principal, guardrails on tool results, and pinned
// definitions enforced against a server that changes a tool after approval. Only 127.0.0.1 is contacted.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { SecurityEvent } from '../src/core/event.js';
import { toDefinition } from '../src/mcp/audit/served.js';
import { startMcpGateway, type RunningMcpGateway } from '../src/mcp/gateway/start.js';
import { createPins, writePins } from '../src/mcp/pins.js';
import type { ToolDefinition } from '../src/mcp/types.js';
import { validateConfig } from '../src/policy/load.js';
import { INJECTED_PAGE, LEAKED_KEY, startToolServer, type ToolServer } from './fixtures/mcp-servers/tool-server.js';
import { SLEEPER_MALICIOUS } from './fixtures/mcp-servers/vulnerable-server.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/mcp-servers/', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));
const ISSUER = 'https://idp.test.example';
const UPSTREAM_TOKEN = 'upstream-only-token-4b1d';

let dir: string;
let flagFile: string;
let key: CryptoKey;
let otherKey: CryptoKey;
let upstream: ToolServer;
let gw: RunningMcpGateway;
const open: Client[] = [];

async function mint(claims: { sub?: string; aud?: string; iss?: string; scope?: string; exp?: string | number; signWith?: CryptoKey } = {}): Promise<string> {
  const jwt = new SignJWT({ ...(claims.scope !== undefined ? { scope: claims.scope } : {}) })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject(claims.sub ?? 'alice')
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? `${gw.url}/tools/mcp`)
    .setIssuedAt();
  jwt.setExpirationTime(claims.exp ?? '5m');
  return jwt.sign(claims.signWith ?? key);
}

async function connect(path: string, token: string | undefined, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}${path}`), {
    requestInit: { headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...headers } },
  });
  await client.connect(transport);
  open.push(client);
  return client;
}

/** A raw JSON-RPC POST, for what the SDK client would never send. */
async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

async function events(): Promise<SecurityEvent[]> {
  // Appends are asynchronous (alert rules, then the store's buffer): let them land, then query (which flushes).
  await new Promise((resolve) => setTimeout(resolve, 50));
  return gw.store.events.query({ limit: 1000 });
}

const textOf = (r: unknown): string => ((r as { content: { type: string; text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulwark-mcp-gw-'));
  flagFile = join(dir, 'sleeper-awake');
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  const publicKey = await exportSPKI(pair.publicKey);
  ({ privateKey: otherKey } = await generateKeyPair('RS256'));
  upstream = await startToolServer(UPSTREAM_TOKEN);

  // Pin what the stdio sleeper serves while it is benign (as `bulwark mcp pin` would), read straight from the server.
  const direct = new Client({ name: 'pinner', version: '1' });
  await direct.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', join(FIXTURES, 'vulnerable-stdio.ts'), '--plants', 'sleeper', '--sleeper-flag', flagFile], cwd: REPO }));
  const listed = await direct.listTools();
  await direct.close();
  const items = listed.tools.map((t) => toDefinition(t, 'tool')).filter((d): d is ToolDefinition => d !== undefined);
  await writePins(join(dir, 'pins.json'), createPins([{ server: 'local', source: 'gateway', served: { items } }]));

  const config = validateConfig(
    {
      version: 1,
      policies: {
        default: {
          tool_call: [{ detector: 'secrets', action: 'block' }],
          tool_result: [
            { detector: 'prompt-injection', action: 'block', budgetMs: 200, failMode: 'closed' },
            { detector: 'secrets', action: 'redact', budgetMs: 200 },
          ],
        },
      },
      mcp: {
        allowedOrigins: ['https://app.example.com'],
        maxSessionsPerPrincipal: 10,
        auth: { issuer: ISSUER, publicKey, algorithms: ['RS256'] },
        servers: [
          {
            name: 'tools',
            http: { url: upstream.url, credential: { env: 'TOOLS_UPSTREAM_TOKEN' } },
            scopes: ['mcp:tools'],
            toolScopes: { delete_repo: ['repo:admin'] },
            access: [{ principal: 'mallory', deny: ['get_config', 'delete_*'] }],
          },
          {
            name: 'stdio-tools',
            stdio: { command: process.execPath, args: ['--import', 'tsx', join(FIXTURES, 'tool-server.ts'), '--stdio'], cwd: REPO },
          },
          {
            name: 'local',
            stdio: { command: process.execPath, args: ['--import', 'tsx', join(FIXTURES, 'vulnerable-stdio.ts'), '--plants', 'sleeper', '--sleeper-flag', flagFile], cwd: REPO },
            pins: join(dir, 'pins.json'),
            descriptions: 'off',
          },
        ],
      },
    },
    'test',
  );
  gw = await startMcpGateway({ config, storeUrl: ':memory:', port: 0, host: '127.0.0.1', env: { ...process.env, TOOLS_UPSTREAM_TOKEN: UPSTREAM_TOKEN } });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.close()));
  await gw?.stop();
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('MCP gateway: the happy path through the official SDK', () => {
  it('lists and calls tools of an HTTP upstream, with its own upstream credential and never the caller token', async () => {
    const token = await mint({ scope: 'mcp:tools' });
    const client = await connect('/tools/mcp', token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['ask', 'count', 'delete_repo', 'echo', 'fetch_page', 'get_config']);
    const r = await client.callTool({ name: 'echo', arguments: { text: 'hello through the gateway' } });
    expect(textOf(r)).toBe('hello through the gateway');
    const seen = upstream.requests.map((q) => JSON.stringify(q.headers));
    expect(seen.length).toBeGreaterThan(0);
    for (const h of seen) {
      expect(h).toContain(`Bearer ${UPSTREAM_TOKEN}`);
      expect(h).not.toContain(token);
      expect(h).not.toContain(token.split('.')[1]!);
    }
  });

  it('serves RFC 9728 metadata per path and a 401 challenge that points to it', async () => {
    const meta = await fetch(`${gw.url}/.well-known/oauth-protected-resource/tools/mcp`);
    expect(meta.status).toBe(200);
    expect(await meta.json()).toMatchObject({ resource: `${gw.url}/tools/mcp`, authorization_servers: [ISSUER], bearer_methods_supported: ['header'], scopes_supported: ['mcp:tools', 'repo:admin'] });
    const res = await post('/tools/mcp', INIT);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer scope="mcp:tools", resource_metadata="${gw.url}/.well-known/oauth-protected-resource/tools/mcp"`);
  });

  it('calls tools of a stdio upstream started per session', async () => {
    const client = await connect('/local/mcp', await mint({ aud: `${gw.url}/local/mcp` }));
    const r = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(textOf(r)).toBe('5');
    // Prompts and resources pass through (checked at tool_result like tool results).
    const prompt = await client.getPrompt({ name: 'explain_sum', arguments: { a: '1', b: '2' } });
    expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'Explain 1 + 2.' });
    const resource = await client.readResource({ uri: 'docs://readme' });
    expect(resource.contents[0]).toMatchObject({ uri: 'docs://readme', text: '# Fixture' });
  });
});

describe('MCP gateway: sessions', () => {
  it("relays the upstream's progress on the call's own POST, before the result", async () => {
    const client = await connect('/stdio-tools/mcp', await mint({ aud: `${gw.url}/stdio-tools/mcp` }));
    const seen: number[] = [];
    const r = await client.callTool({ name: 'count', arguments: { n: 5 } }, undefined, { onprogress: (p) => seen.push(p.progress) });
    expect(textOf(r)).toBe('counted to 5');
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it("passes the upstream's sampling request to the client and guards the client's answer on its way back", async () => {
    const client = new Client({ name: 'sampler', version: '1' }, { capabilities: { sampling: {} } });
    let reply = 'Paris is the capital of France.';
    client.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', model: 'm', content: { type: 'text', text: reply } }));
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/stdio-tools/mcp`), { requestInit: { headers: { authorization: `Bearer ${await mint({ aud: `${gw.url}/stdio-tools/mcp` })}` } } }));
    open.push(client);
    expect(textOf(await client.callTool({ name: 'ask', arguments: { question: 'What is the capital of France?' } }))).toBe('model said: Paris is the capital of France.');
    // The answer carries a secret: the policy's tool_call rules (secrets: block) refuse it to the upstream.
    reply = `Sure, the deploy key is ${LEAKED_KEY}`;
    const r = textOf(await client.callTool({ name: 'ask', arguments: { question: 'What is the deploy key?' } }));
    expect(r).toMatch(/^sampling failed: .*blocked by the Bulwark gateway/);
    expect(r).not.toContain(LEAKED_KEY);
  });

  it("evicts a principal's least recently used session at its limit, leaving other principals alone", async () => {
    const bystander = await connect('/tools/mcp', await mint({ scope: 'mcp:tools', sub: 'bystander' }));
    const eve = await mint({ scope: 'mcp:tools', sub: 'eve' });
    const sessions: Client[] = [];
    for (let i = 0; i < 11; i++) sessions.push(await connect('/tools/mcp', eve));
    await expect(sessions[0]!.listTools()).rejects.toThrow(/Session not found|404/);
    expect((await sessions[10]!.listTools()).tools.length).toBeGreaterThan(0);
    expect((await bystander.listTools()).tools.length).toBeGreaterThan(0);
    expect((await events()).some((e) => e.attributes.reason === 'session_evicted' && e.principal === 'eve' && e.kind === 'limit')).toBe(true);
  });
});

describe('MCP gateway: the negative matrix', () => {
  const refused = async (token: string, extra: Record<string, string> = {}, query = ''): Promise<Response> =>
    post(`/tools/mcp${query}`, INIT, { authorization: `Bearer ${token}`, ...extra });

  it('refuses a missing or non-bearer credential with 401 and resource_metadata', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Basic YTpi' }, { 'api-key': 'bwk_abc' }];
    for (const headers of variants) {
      const res = await post('/tools/mcp', INIT, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('resource_metadata=');
    }
  });

  it.each([
    ['expired', () => mint({ scope: 'mcp:tools', exp: Math.floor(Date.now() / 1000) - 600 })],
    ['wrong audience (a token for another server of the gateway)', () => mint({ scope: 'mcp:tools', aud: 'http://127.0.0.1:1/local/mcp' })],
    ['wrong audience (the upstream itself)', () => mint({ scope: 'mcp:tools', aud: 'https://api.example.com' })],
    ['wrong issuer', () => mint({ scope: 'mcp:tools', iss: 'https://evil.example' })],
    ['signed by another key', () => mint({ scope: 'mcp:tools', signWith: otherKey })],
  ])('refuses a token that is %s with 401 invalid_token', async (_name, make) => {
    const res = await refused(await make());
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(`resource_metadata="${gw.url}/.well-known/oauth-protected-resource/tools/mcp"`);
  });

  it('refuses alg none and HS256 tokens', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { sub: 'alice', iss: ISSUER, aud: `${gw.url}/tools/mcp`, scope: 'mcp:tools', exp: Math.floor(Date.now() / 1000) + 300 };
    const none = `${b64({ alg: 'none' })}.${b64(claims)}.`;
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
    for (const t of [none, hs]) expect((await refused(t)).status).toBe(401);
  });

  it('refuses a token in the query string even next to a valid header', async () => {
    const token = await mint({ scope: 'mcp:tools' });
    const res = await refused(token, {}, `?access_token=${token}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('refuses a foreign Origin with 403 and accepts a configured one', async () => {
    const token = await mint({ scope: 'mcp:tools' });
    expect((await refused(token, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await refused(token, { origin: 'null' })).status).toBe(403);
    const ok = await refused(token, { origin: 'https://app.example.com' });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it('answers 403 insufficient_scope for a server scope and a per-tool scope', async () => {
    const noScope = await refused(await mint({}));
    expect(noScope.status).toBe(403);
    expect(noScope.headers.get('www-authenticate')).toContain('error="insufficient_scope", error_description="the token lacks a scope this server needs", scope="mcp:tools"');

    const client = await connect('/tools/mcp', await mint({ scope: 'mcp:tools' }));
    await expect(client.callTool({ name: 'delete_repo', arguments: { repo: 'x' } })).rejects.toThrow(/insufficient_scope/);
    const admin = await connect('/tools/mcp', await mint({ scope: 'mcp:tools repo:admin' }));
    expect(textOf(await admin.callTool({ name: 'delete_repo', arguments: { repo: 'x' } }))).toBe('deleted x');
    const raw = await post('/tools/mcp', { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'delete_repo', arguments: { repo: 'y' } } }, { authorization: `Bearer ${await mint({ scope: 'mcp:tools' })}` });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('www-authenticate')).toContain('scope="repo:admin"');
  });

  it('binds a session to its principal: another principal presenting the session id gets 404', async () => {
    const alice = await mint({ scope: 'mcp:tools', sub: 'alice' });
    const init = await post('/tools/mcp', INIT, { authorization: `Bearer ${alice}` });
    expect(init.status).toBe(200);
    const sid = init.headers.get('mcp-session-id');
    await init.body?.cancel();
    expect(sid).toMatch(/^[0-9a-f-]{36}$/);
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    const asBob = await post('/tools/mcp', list, { authorization: `Bearer ${await mint({ scope: 'mcp:tools', sub: 'bob' })}`, 'mcp-session-id': sid!, 'mcp-protocol-version': '2025-06-18' });
    expect(asBob.status).toBe(404);
    const noToken = await post('/tools/mcp', list, { 'mcp-session-id': sid!, 'mcp-protocol-version': '2025-06-18' });
    expect(noToken.status).toBe(401);
    const e = await events();
    expect(e.some((x) => x.source === 'mcp-gateway' && x.attributes.reason === 'session_principal_mismatch' && x.principal === 'bob')).toBe(true);
  });

  it('refuses Mcp-Method / Mcp-Name headers that disagree with the body (400)', async () => {
    const token = await mint({ scope: 'mcp:tools' });
    const res = await post('/tools/mcp', { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'delete_repo', arguments: {} } }, { authorization: `Bearer ${token}`, 'mcp-method': 'tools/call', 'mcp-name': 'echo' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('HeaderMismatch');
  });

  it('drops a request sent without an id (a tools/call shaped as a notification) instead of forwarding it unchecked', async () => {
    const auth = { authorization: `Bearer ${await mint({ scope: 'mcp:tools', sub: 'mallory' })}` };
    const init = await post('/tools/mcp', INIT, auth);
    const sid = init.headers.get('mcp-session-id')!;
    await init.body?.cancel();
    const h = { ...auth, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' };
    const res = await post('/tools/mcp', { jsonrpc: '2.0', method: 'tools/call', params: { name: 'get_config', arguments: {} } }, h);
    expect(res.status).toBe(202);
    expect((await events()).some((e) => e.attributes.reason === 'request_without_id' && e.principal === 'mallory')).toBe(true);
    // Tasks would carry a tool's result past the tool_result rules: refused.
    const task = await post('/tools/mcp', { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' }, task: {} } }, h);
    expect(((await task.json()) as { error: { code: number } }).error.code).toBe(-32602);
    // A tool name with control characters is refused as a JSON-RPC error, never echoed into a header.
    const crlf = await post('/tools/mcp', { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'echo\r\nx-evil: 1', arguments: {} } }, h);
    expect(crlf.status).toBe(200);
    expect(((await crlf.json()) as { error: { code: number } }).error.code).toBe(-32602);
  });

  it('parallel initializes of one principal cannot exceed its session limit', async () => {
    const auth = { authorization: `Bearer ${await mint({ scope: 'mcp:tools', sub: 'zed' })}` };
    const answers = await Promise.all(Array.from({ length: 15 }, () => post('/tools/mcp', INIT, auth)));
    for (const a of answers) await a.body?.cancel();
    // Each answer is a session (the oldest evicted at the limit) or 429; however they interleave, at most 10 live.
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    const sids = answers.filter((a) => a.status === 200).map((a) => a.headers.get('mcp-session-id')!);
    const ping = (sid: string) => post('/tools/mcp', { jsonrpc: '2.0', id: 1, method: 'ping' }, { ...auth, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' });
    const alive = (await Promise.all(sids.map(ping))).filter((r) => r.status === 200).length;
    expect(alive).toBeGreaterThan(0);
    expect(alive).toBeLessThanOrEqual(10);
  });

  it('answers hostile bodies with JSON-RPC errors, never a crash', async () => {
    const auth = { authorization: `Bearer ${await mint({ scope: 'mcp:tools' })}` };
    const bad = await post('/tools/mcp', '{"jsonrpc": "2.0", "id": 1, "method": ', auth);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const deep = await post('/tools/mcp', '['.repeat(100_000) + ']'.repeat(100_000), auth);
    expect(deep.status).toBe(400);
    const big = await post('/tools/mcp', JSON.stringify({ ...INIT, pad: 'x'.repeat(5 * 1024 * 1024) }), auth);
    expect(big.status).toBe(413);
    const utf8 = await fetch(`${gw.url}/tools/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...auth }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(utf8.status).toBe(400);
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});

describe('MCP gateway: tool access and guardrails', () => {
  it('hides denied tools from a principal and refuses their calls', async () => {
    const client = await connect('/tools/mcp', await mint({ scope: 'mcp:tools repo:admin', sub: 'mallory' }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['ask', 'count', 'echo', 'fetch_page']);
    await expect(client.callTool({ name: 'get_config', arguments: {} })).rejects.toThrow(/not available/);
    await expect(client.callTool({ name: 'delete_repo', arguments: { repo: 'x' } })).rejects.toThrow(/not available/);
  });

  it('blocks a tool result that carries an indirect prompt injection, and records it', async () => {
    const client = await connect('/tools/mcp', await mint({ scope: 'mcp:tools' }));
    const r = await client.callTool({ name: 'fetch_page', arguments: { url: 'https://shop.example/item' } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^Blocked by Bulwark/);
    expect(textOf(r)).not.toContain('id_rsa');
    const e = (await events()).find((x) => x.attributes.tool === 'fetch_page' && x.decision === 'block');
    expect(e).toMatchObject({ kind: 'detection', source: 'mcp-gateway', stage: 'tool_result', principal: 'alice' });
    expect(e!.findings.some((f) => f.detector === 'prompt-injection')).toBe(true);
    expect(JSON.stringify(e)).not.toContain(INJECTED_PAGE.slice(40, 90));
  });

  it('redacts a secret in a tool result and blocks one in tool-call arguments', async () => {
    const client = await connect('/tools/mcp', await mint({ scope: 'mcp:tools' }));
    const r = await client.callTool({ name: 'get_config', arguments: {} });
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toContain('region=eu-west-1');
    expect(textOf(r)).not.toContain(LEAKED_KEY);
    await expect(client.callTool({ name: 'echo', arguments: { text: `my key is ${LEAKED_KEY}` } })).rejects.toThrow(/blocked/);
  });
});

describe('MCP gateway: pinned definitions', () => {
  it('hides and blocks a tool whose description changed after pinning, and records the change', async () => {
    const before = await connect('/local/mcp', await mint({ aud: `${gw.url}/local/mcp` }));
    expect((await before.listTools()).tools.map((t) => t.name)).toContain('fact_of_the_day');
    expect(textOf(await before.callTool({ name: 'fact_of_the_day', arguments: {} }))).toContain('Octopuses');

    await writeFile(flagFile, 'awake');
    const after = await connect('/local/mcp', await mint({ aud: `${gw.url}/local/mcp` }));
    const { tools } = await after.listTools();
    expect(tools.map((t) => t.name)).not.toContain('fact_of_the_day');
    expect(tools.map((t) => t.name)).toContain('add');
    await expect(after.callTool({ name: 'fact_of_the_day', arguments: {} })).rejects.toThrow(/changed since it was approved/);
    const e = await events();
    const changed = e.find((x) => x.attributes.reason === 'tool_changed' && x.attributes.tool === 'fact_of_the_day');
    expect(changed).toMatchObject({ source: 'mcp-gateway', decision: 'block' });
    expect(changed!.attributes.fields).toEqual(['description']);
    expect(JSON.stringify(e)).not.toContain(SLEEPER_MALICIOUS.slice(40, 90));
  });
});

describe('MCP gateway: events', () => {
  it('records decisions without any token', async () => {
    const e = await events();
    expect(e.filter((x) => x.source === 'mcp-gateway').length).toBeGreaterThan(5);
    const text = JSON.stringify(e);
    expect(text).not.toContain(UPSTREAM_TOKEN);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});
