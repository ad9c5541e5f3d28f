// Live audit against real MCP servers built with the official SDK (test/fixtures/mcp-servers): a deliberately
// vulnerable one over stdio and Streamable HTTP, a clean OAuth-protected one, and servers that never answer or
// redirect elsewhere. Only 127.0.0.1 is contacted.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveAudit, type LiveAuditOptions, type LiveAuditResult } from '../src/mcp/audit/live.js';
import { comparePins, createPins, readPins, writePins } from '../src/mcp/pins.js';
import type { ConfiguredServer, McpFinding } from '../src/mcp/types.js';
import { startCleanHttpServer, type CleanServer } from './fixtures/mcp-servers/clean-http.js';
import { startVulnerableHttpServer, type VulnerableHttpOptions } from './fixtures/mcp-servers/vulnerable-http.js';
import { startVulnerableSseServer } from './fixtures/mcp-servers/vulnerable-sse.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/mcp-servers/', import.meta.url));
const SOURCE = { client: 'file', path: '/audited/mcp.json', scope: 'given' } as const;
const OTHERS = { otherServers: ['gmail', 'whatsapp'] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulwark-mcp-live-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function stdioServer(args: string[], env?: Record<string, string>): ConfiguredServer {
  return {
    name: 'vulnerable',
    source: SOURCE,
    pointer: '/mcpServers/vulnerable',
    transport: 'stdio',
    command: process.execPath,
    args: ['--import', 'tsx', join(FIXTURES, 'vulnerable-stdio.ts'), ...args],
    ...(env ? { env } : {}),
    enabled: true,
  };
}

const httpServer = (url: string, name = 'remote'): ConfiguredServer => ({ name, source: SOURCE, pointer: `/mcpServers/${name}`, transport: 'http', url, enabled: true });

const checksAt = (r: LiveAuditResult, location: string): string[] => r.findings.filter((f) => f.location === location).map((f) => f.check);
const byCheck = (r: LiveAuditResult, check: string): McpFinding | undefined => r.findings.find((f) => f.check === check);

async function withVulnerableHttp<T>(opts: VulnerableHttpOptions, run: (url: string, requests: { url: string; headers: IncomingMessage['headers'] }[]) => Promise<T>): Promise<T> {
  const server = await startVulnerableHttpServer(opts);
  try {
    return await run(server.url, server.requests);
  } finally {
    await server.close();
  }
}

describe('live audit of the vulnerable stdio server', () => {
  it('finds every planted problem in what the server really serves', async () => {
    const r = await liveAudit(stdioServer(['--plants', 'poison,shadow,invisible,instructions,sleeper', '--sleeper-after', '2']), { timeoutMs: 15_000, allowStdio: true, ...OTHERS });
    expect(r.live).toEqual({ reached: true, tools: 4, prompts: 1, resources: 1 });
    expect(r.served?.instructions).toContain('SYSTEM OVERRIDE');
    // poisoned tool: hidden directive to read ~/.ssh/id_rsa and pass it in a parameter
    expect(checksAt(r, 'tool:add')).toEqual(expect.arrayContaining(['descriptions.hidden-directive', 'descriptions.file-access', 'descriptions.exfiltration']));
    // shadowing another server's tool
    expect(checksAt(r, 'tool:daily_quote')).toContain('descriptions.shadowing');
    // invisible Unicode (tag characters)
    expect(checksAt(r, 'tool:weather')).toContain('descriptions.invisible-unicode');
    // injected instructions
    expect(checksAt(r, 'instructions').length).toBeGreaterThan(0);
    // the sleeper changes its description on the second listing of the session
    expect(byCheck(r, 'live.tools-changed-during-session')).toMatchObject({ severity: 'high', location: 'tool:fact_of_the_day' });
    expect(checksAt(r, 'tool:fact_of_the_day')).toContain('descriptions.shadowing');
    // the clean parts of the same server are not flagged
    expect(checksAt(r, 'prompt:explain_sum')).toEqual([]);
    expect(checksAt(r, 'resource:readme')).toEqual([]);
    for (const f of r.findings) expect(f.tags.owaspMcp?.length, f.check).toBeGreaterThan(0);
  });

  it('starts the server with a minimal environment: PATH, HOME and what the configuration names, never the parent secrets', async () => {
    const envOut = join(dir, 'child-env.json');
    process.env.BULWARK_TEST_SECRET = 'parent-secret-value-1234';
    process.env.BULWARK_TEST_REFERENCED = 'referenced-value-5678';
    try {
      const server = stdioServer(['--env-out', envOut], { CONFIGURED: 'from-config', REFERENCED: '${env:BULWARK_TEST_REFERENCED}', UNRESOLVED: '${input:api-key}' });
      const r = await liveAudit(server, { timeoutMs: 15_000, allowStdio: true });
      expect(r.live.reached).toBe(true);
      const childEnv = JSON.parse(await readFile(envOut, 'utf8')) as Record<string, string>;
      expect(childEnv.BULWARK_TEST_SECRET).toBeUndefined();
      expect(JSON.stringify(childEnv)).not.toContain('parent-secret-value-1234');
      expect(childEnv.BULWARK_TEST_REFERENCED).toBeUndefined();
      expect(childEnv).toMatchObject({ CONFIGURED: 'from-config', REFERENCED: 'referenced-value-5678', PATH: process.env.PATH });
      expect(childEnv.UNRESOLVED).toBeUndefined();
      const allowed = new Set(['PATH', 'HOME', 'LOGNAME', 'SHELL', 'TERM', 'USER', 'CONFIGURED', 'REFERENCED']);
      expect(Object.keys(childEnv).filter((k) => !allowed.has(k))).toEqual([]);
    } finally {
      delete process.env.BULWARK_TEST_SECRET;
      delete process.env.BULWARK_TEST_REFERENCED;
    }
  });

  it('detects a rug pull through pins: the tool changes between two audits', async () => {
    const flag = join(dir, 'sleeper-awake');
    const server = stdioServer(['--plants', 'sleeper', '--sleeper-flag', flag]);
    const opts: LiveAuditOptions = { timeoutMs: 15_000, allowStdio: true };
    const first = await liveAudit(server, opts);
    expect(first.findings).toEqual([]);
    const pinsPath = join(dir, 'mcp-pins.json');
    await writePins(pinsPath, createPins([{ server: server.name, source: server.source, served: first.served! }]));
    const pins = await readPins(pinsPath);

    const unchanged = await liveAudit(server, opts);
    expect(comparePins(pins, server, unchanged.served!)).toEqual([]);

    await writeFile(flag, '');
    const second = await liveAudit(server, opts);
    const drift = comparePins(pins, server, second.served!);
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ check: 'pins.changed', severity: 'high', location: 'tool:fact_of_the_day', tags: { owaspMcp: ['MCP03'] } });
    expect(drift[0]?.message).toContain('fact_of_the_day');
    expect(drift[0]?.message).toContain('description');
  });

  it('times out cleanly on a server that never answers, and kills it', async () => {
    const pidFile = join(dir, 'silent.pid');
    const server: ConfiguredServer = { ...stdioServer([]), command: process.execPath, args: [join(FIXTURES, 'silent-stdio.mjs'), pidFile] };
    const started = Date.now();
    const r = await liveAudit(server, { timeoutMs: 1500, allowStdio: true });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.live.reached).toBe(false);
    expect(r.live.error).toMatch(/timed out after 1500 ms/);
    expect(r.findings).toEqual([]);
    const pid = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 3000 }).toBe(false);
  });

  it('reports a command that cannot start as a clean error', async () => {
    const r = await liveAudit({ ...stdioServer([]), command: join(dir, 'no-such-binary'), args: [] }, { timeoutMs: 5000, allowStdio: true });
    expect(r.live.reached).toBe(false);
    expect(r.live.error).toMatch(/ENOENT/);
  });

  it('starts nothing without allowStdio, and contacts no disabled server', async () => {
    const pidFile = join(dir, 'never.pid');
    const server: ConfiguredServer = { ...stdioServer([]), args: [join(FIXTURES, 'silent-stdio.mjs'), pidFile] };
    expect((await liveAudit(server, { timeoutMs: 1000, allowStdio: false })).live).toEqual({ reached: false, error: expect.stringMatching(/not allowed/) as unknown });
    expect((await liveAudit({ ...server, enabled: false }, { timeoutMs: 1000, allowStdio: true })).live.reached).toBe(false);
    await expect(readFile(pidFile)).rejects.toThrow();
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('live audit of the vulnerable Streamable HTTP server', () => {
  it('reports tools listed without any credentials and a foreign Origin accepted', async () => {
    await withVulnerableHttp({ plants: ['poison'], auth: 'none' }, async (url) => {
      const r = await liveAudit(httpServer(url), { timeoutMs: 5000, allowStdio: false });
      expect(r.live).toMatchObject({ reached: true, tools: 1 });
      expect(byCheck(r, 'auth.unauthenticated-tools')).toMatchObject({ severity: 'high', location: url, tags: { owaspMcp: ['MCP07'] } });
      expect(byCheck(r, 'transport.origin-not-validated')).toMatchObject({ severity: 'medium', location: url });
      expect(checksAt(r, 'tool:add')).toContain('descriptions.file-access');
    });
  });

  it('reports a token accepted in the query string, and the missing protected-resource metadata', async () => {
    const token = 'query-token-0123456789';
    await withVulnerableHttp({ plants: [], auth: { token, acceptQueryToken: true } }, async (url, requests) => {
      const r = await liveAudit(httpServer(url), { timeoutMs: 5000, allowStdio: false, token });
      expect(r.live.reached).toBe(true);
      expect(byCheck(r, 'auth.token-in-query')).toMatchObject({ severity: 'high', tags: { owaspMcp: ['MCP01', 'MCP07'] } });
      expect(byCheck(r, 'auth.resource-metadata-missing')).toMatchObject({ severity: 'medium' });
      expect(byCheck(r, 'auth.unauthenticated-tools')).toBeUndefined();
      expect(byCheck(r, 'auth.forged-token-accepted')).toBeUndefined();
      for (const f of r.findings) expect(f.message).not.toContain(token);
      // The token went in the Authorization header, and in the query only to the one probe that tests it.
      const inQuery = requests.filter((q) => q.url.includes(token));
      expect(inQuery.length).toBeGreaterThan(0);
      expect(inQuery.every((q) => q.headers.authorization === undefined)).toBe(true);
    });
  });

  it('reports forged tokens accepted (any bearer passes)', async () => {
    await withVulnerableHttp({ plants: [], auth: { token: 'the-real-token-xyz', acceptAnyBearer: true } }, async (url) => {
      const r = await liveAudit(httpServer(url), { timeoutMs: 5000, allowStdio: false });
      expect(byCheck(r, 'auth.forged-token-accepted')).toMatchObject({ severity: 'critical', tags: { owaspMcp: ['MCP01', 'MCP07'] } });
      expect(byCheck(r, 'auth.forged-token-accepted')?.message).toMatch(/alg none/);
    });
  });

  it('reports a token for another audience accepted', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    await withVulnerableHttp({ plants: [], auth: { jwtWithoutAudience: { key: publicKey, issuer: 'https://issuer.test' } } }, async (url) => {
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://issuer.test').setAudience('https://calendar.example/api').setExpirationTime('5m').sign(privateKey);
      const r = await liveAudit(httpServer(url), { timeoutMs: 5000, allowStdio: false, token });
      expect(r.live.reached).toBe(true);
      expect(byCheck(r, 'auth.forged-token-accepted')).toBeUndefined();
      expect(byCheck(r, 'auth.foreign-audience-accepted')).toMatchObject({ severity: 'critical' });
      expect(byCheck(r, 'auth.foreign-audience-accepted')?.message).toContain('https://calendar.example/api');
    });
  });
});

describe('live audit of a legacy SSE server', () => {
  it('falls back to SSE for an `sse` entry and reports tools served to a client without credentials', async () => {
    const sse = await startVulnerableSseServer({ plants: ['invisible'] });
    try {
      const r = await liveAudit({ ...httpServer(sse.url, 'legacy'), transport: 'sse' }, { timeoutMs: 5000, allowStdio: false });
      expect(r.live).toMatchObject({ reached: true, tools: 2 });
      expect(byCheck(r, 'auth.unauthenticated-tools')).toMatchObject({ severity: 'high', location: sse.url });
      expect(checksAt(r, 'tool:weather')).toContain('descriptions.invisible-unicode');
      expect(sse.requests.some((q) => q.method === 'GET' && q.url === '/sse')).toBe(true);
    } finally {
      await sse.close();
    }
  });
});

describe('live audit of a clean, OAuth-protected server', () => {
  let clean: CleanServer;
  beforeAll(async () => {
    clean = await startCleanHttpServer();
  });
  afterAll(async () => {
    await clean.close();
  });

  it('reports nothing with a valid token, and lists what it serves', async () => {
    const r = await liveAudit(httpServer(clean.url, 'clean'), { timeoutMs: 5000, allowStdio: false, token: await clean.mintToken(), ...OTHERS });
    expect(r.findings).toEqual([]);
    expect(r.live).toEqual({ reached: true, tools: 2, prompts: 1, resources: 1 });
    expect(r.served?.items.map((i) => `${i.kind}:${i.name}`).sort()).toEqual(['prompt:summarise', 'resource:changelog', 'tool:add', 'tool:get_time']);
  });

  it('reports nothing without a token either, and says the server requires one', async () => {
    const r = await liveAudit(httpServer(clean.url, 'clean'), { timeoutMs: 5000, allowStdio: false });
    expect(r.findings).toEqual([]);
    expect(r.live).toEqual({ reached: false, error: 'HTTP 401: the server requires a token (pass --token)' });
  });

  it('gets refused with a token for another audience, and reports nothing', async () => {
    const token = await clean.mintToken({ audience: 'https://other.example/mcp' });
    const r = await liveAudit(httpServer(clean.url, 'clean'), { timeoutMs: 5000, allowStdio: false, token });
    expect(r.findings).toEqual([]);
    expect(r.live).toEqual({ reached: false, error: 'HTTP 401: the server refused the token' });
  });
});

describe('live audit network boundaries', () => {
  async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; origin: string; hits: string[] }> {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
  }
  const close = (s: Server) =>
    new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    });

  it('never follows a redirect or a resource_metadata URL to another host, and never sends the token there', async () => {
    const trap = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const redirecting = await listen((_req, res) =>
      res.writeHead(307, { location: `${trap.origin}/mcp`, 'www-authenticate': `Bearer resource_metadata="${trap.origin}/.well-known/oauth-protected-resource"` }).end(),
    );
    try {
      const r = await liveAudit(httpServer(`${redirecting.origin}/mcp`), { timeoutMs: 3000, allowStdio: false, token: 'user-token-abcdef-123456' });
      expect(r.live.reached).toBe(false);
      expect(r.live.error).not.toContain('user-token-abcdef-123456');
      expect(trap.hits).toEqual([]);
      expect(redirecting.hits.length).toBeGreaterThan(0);
    } finally {
      await close(trap.server);
      await close(redirecting.server);
    }
  });

  it('bounds a remote server that never answers by the timeout', async () => {
    const silent = await listen(() => undefined);
    try {
      const started = Date.now();
      const r = await liveAudit(httpServer(`${silent.origin}/mcp`), { timeoutMs: 1000, allowStdio: false, token: 'tok-123456789' });
      expect(Date.now() - started).toBeLessThan(4000);
      expect(r.live).toEqual({ reached: false, error: 'timed out after 1000 ms' });
      expect(r.findings).toEqual([]);
    } finally {
      await close(silent.server);
    }
  });
});
