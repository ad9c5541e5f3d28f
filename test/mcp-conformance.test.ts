// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned devDependency) run through
// `bulwark mcp gateway`: its CLI → a bearer-adding proxy → the gateway (no guard rules) → our everything-style
// upstream (test/fixtures/conformance/everything-server.ts) over Streamable HTTP. Every `server` scenario of spec
// 2025-11-25 must run and report no FAILURE check. While it runs the gateway must keep the caller's token to itself:
// the upstream sees only the gateway's own credential. Only 127.0.0.1 is contacted.
//
// Why the proxy: the CLI cannot send an Authorization header, and the gateway requires a token on every request. The
// proxy adds `Authorization: Bearer <JWT>` (audience = publicUrl + path) and forwards everything else unchanged,
// streaming both ways. It is also the real deployment shape: a TLS-terminating proxy in front, `mcp.publicUrl` set
// to the proxy's origin.
//
// The dns-rebinding-protection scenario sends two initialize requests to the URL it is given (the proxy): one with
// `Host: evil.example.com` / `Origin: http://evil.example.com`, which must get a 4xx, and one with the URL's own
// host, `Origin: http://127.0.0.1:<proxy port>`, which must get a 2xx. The gateway accepts, besides
// mcp.allowedOrigins, only its own origin, which is publicUrl's origin; publicUrl is the proxy's origin, so the
// valid probe's Origin is exactly the gateway's own origin (→ 200, with the proxy's token), and the evil one is
// refused with 403 bad_origin before any token is looked at.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpGateway, type RunningMcpGateway } from '../src/mcp/gateway/start.js';
import { validateConfig } from '../src/policy/load.js';
import { startEverythingServer, type EverythingServer } from './fixtures/conformance/everything-server.js';

const CLI = join(dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json')), 'dist', 'index.js');
/** Preload that lets the CLI start on Node 20 (see the file). */
const SHIM = pathToFileURL(fileURLToPath(new URL('./fixtures/conformance/node20.mjs', import.meta.url))).href;
const SPEC_VERSION = '2025-11-25';
const ISSUER = 'https://idp.test.example';
const SERVER = 'conf';
const UPSTREAM_TOKEN = 'conformance-upstream-only-7c3e';
/** The CLI's own limit; below the test's 90 s so that a hang is reported with the CLI's output. */
const CLI_TIMEOUT_MS = 80_000;

/**
 * Scenarios the gateway cannot pass by design, each with the reason; their FAILURE checks are tolerated (and an
 * entry that starts passing must be removed). Empty: every scenario passes.
 */
const KNOWN_FAILURES: ReadonlyMap<string, string> = new Map<string, string>([]);

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO';
  errorMessage?: string;
}

let dir: string;
let upstream: EverythingServer;
let gw: RunningMcpGateway;
let proxy: Server;
let publicUrl: string;
let minted: string;
let child: ChildProcess | undefined;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs the conformance CLI with all output captured (its summary must not reach the test runner's stdout). */
function conformance(args: string[], timeoutMs: number): Promise<Run> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', SHIM, CLI, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      proc.kill('SIGKILL');
    }, timeoutMs);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (child === proc) child = undefined;
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}

/** The end of the CLI's output for a failure message, without its "Total: N passed, N failed" line. */
function outputTail(run: Run, lines = 60): string {
  return `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((l) => !/\bpassed, \d+ failed\b|^Results saved to |^Running client scenario /.test(l))
    .slice(-lines)
    .join('\n');
}

/** Forwards everything to the gateway unchanged (Host, Origin, bodies, event streams), adding the route's token. */
function startProxy(gatewayPort: () => number, tokenFor: (path: string) => string | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    const token = tokenFor(new URL(req.url ?? '/', 'http://x').pathname);
    const headers = { ...req.headers, ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) };
    const up = request({ host: '127.0.0.1', port: gatewayPort(), method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
    });
    up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.on('error', () => up.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulwark-mcp-conformance-'));
  upstream = await startEverythingServer(UPSTREAM_TOKEN);
  const pair = await generateKeyPair('RS256', { extractable: true });
  const publicKey = await exportSPKI(pair.publicKey);

  // The proxy first: its origin is the gateway's publicUrl, hence the token audience.
  let gatewayPort = 0;
  const tokens = new Map<string, string>();
  proxy = await startProxy(
    () => gatewayPort,
    (path) => tokens.get(path),
  );
  publicUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  const config = validateConfig(
    {
      version: 1,
      policies: { default: {} },
      // The suite opens ~35 sessions and ~150 requests for one principal and never DELETEs a session.
      limits: { requestsPerMinute: 100_000 },
      mcp: {
        publicUrl,
        maxSessionsPerPrincipal: 1000,
        auth: { issuer: ISSUER, publicKey, algorithms: ['RS256'] },
        servers: [{ name: SERVER, http: { url: upstream.url, credential: { env: 'CONFORMANCE_UPSTREAM_TOKEN' } } }],
      },
    },
    'conformance',
  );
  gw = await startMcpGateway({ config, storeUrl: ':memory:', port: 0, host: '127.0.0.1', env: { CONFORMANCE_UPSTREAM_TOKEN: UPSTREAM_TOKEN } });
  gatewayPort = Number(new URL(gw.url).port);
  minted = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject('conformance')
    .setIssuer(ISSUER)
    .setAudience(`${publicUrl}/${SERVER}/mcp`)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(pair.privateKey);
  tokens.set(`/${SERVER}/mcp`, minted);
}, 60_000);

afterAll(async () => {
  if (child?.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await gw?.stop();
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('MCP conformance suite through the gateway', () => {
  it(`runs every server scenario of ${SPEC_VERSION} without a FAILURE check`, async () => {
    // The scenarios `server --suite all --spec-version` runs are the ones `list --server --spec-version` prints.
    const listed = await conformance(['list', '--server', '--spec-version', SPEC_VERSION], 30_000);
    expect(listed.code, outputTail(listed)).toBe(0);
    const expected = [...listed.stdout.matchAll(/^ {2}- (\S+)/gm)].map((m) => m[1]!);
    expect(expected).toEqual(expect.arrayContaining(['server-initialize', 'tools-call-with-progress', 'tools-call-elicitation', 'dns-rebinding-protection']));

    const out = join(dir, 'results');
    const run = await conformance(
      ['server', '--url', `${publicUrl}/${SERVER}/mcp`, '--suite', 'all', '--spec-version', SPEC_VERSION, '-o', out],
      CLI_TIMEOUT_MS,
    );
    expect(run.timedOut, `the conformance CLI did not finish in ${CLI_TIMEOUT_MS} ms:\n${outputTail(run)}`).toBe(false);

    // One directory per scenario: server-<scenario>-<ISO time with : and . as ->.
    const results = new Map<string, Check[]>();
    for (const name of await readdir(out).catch(() => [] as string[])) {
      const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(name)?.[1];
      if (scenario === undefined) continue;
      results.set(scenario, JSON.parse(await readFile(join(out, name, 'checks.json'), 'utf8')) as Check[]);
    }
    expect([...results.keys()].sort(), `scenarios that did not run or left no checks.json:\n${outputTail(run)}`).toEqual([...expected].sort());

    const failures: string[] = [];
    const stale: string[] = [];
    for (const [scenario, checks] of results) {
      const failed = checks.filter((c) => c.status === 'FAILURE');
      if (checks.length === 0) failures.push(`${scenario}: no checks recorded`);
      if (KNOWN_FAILURES.has(scenario)) {
        if (failed.length === 0) stale.push(scenario);
        continue;
      }
      for (const c of failed) failures.push(`${scenario} / ${c.id}: ${c.errorMessage ?? '(no message)'}`);
    }
    expect(failures, `FAILURE checks:\n${failures.join('\n')}\n--- CLI output (end) ---\n${outputTail(run)}`).toEqual([]);
    expect(stale, 'KNOWN_FAILURES entries that now pass: remove them').toEqual([]);
    // Exit code 0 means no FAILURE anywhere; with tolerated failures it is 1.
    if (KNOWN_FAILURES.size === 0) expect(run.code, outputTail(run)).toBe(0);
  }, 90_000);

  it("never lets the caller's token reach the upstream: it sees only the gateway's own credential", () => {
    expect(upstream.authorizations.length).toBeGreaterThan(30);
    expect(upstream.authorizations.filter((a) => a?.includes(minted))).toEqual([]);
    expect(new Set(upstream.authorizations)).toEqual(new Set([`Bearer ${UPSTREAM_TOKEN}`]));
  });

  it('closes a session whose upstream session ended, so that the client starts a new one', async () => {
    const connect = async (): Promise<Client> => {
      const c = new Client({ name: 'expiry', version: '1' });
      await c.connect(new StreamableHTTPClientTransport(new URL(`${publicUrl}/${SERVER}/mcp`)));
      return c;
    };
    const client = await connect();
    expect((await client.callTool({ name: 'test_simple_text', arguments: {} })).isError).toBeFalsy();
    await upstream.dropSessions();
    // The call that finds the upstream session gone fails; the session is then closed: the next request is a 404.
    await expect(client.callTool({ name: 'test_simple_text', arguments: {} })).rejects.toThrow();
    await expect(client.callTool({ name: 'test_simple_text', arguments: {} })).rejects.toThrow(/Session not found|404/);
    await client.close();
    const fresh = await connect();
    expect((await fresh.callTool({ name: 'test_simple_text', arguments: {} })).isError).toBeFalsy();
    await fresh.close();
    const events = await gw.store.events.query({ limit: 10_000 });
    expect(events.some((e) => e.attributes.reason === 'upstream_session_expired')).toBe(true);
  });

  it('refused only the DNS-rebinding probe, and no request over a limit', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const events = await gw.store.events.query({ limit: 10_000 });
    const refused = events
      .filter((e) => e.decision === 'block' || e.kind === 'limit')
      .map((e) => `${e.kind}/${e.decision}/${String(e.attributes.reason)}`);
    expect(refused).toEqual(['auth/block/bad_origin']);
  });
});
