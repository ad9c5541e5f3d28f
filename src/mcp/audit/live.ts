// Live audit of one configured MCP server (`bulwark mcp audit --live`): connects with the official SDK client —
// stdio servers started with a minimal environment (see live-env.ts) and always killed, remote ones over Streamable
// HTTP (SSE when the configuration says so) — lists what the server serves (tools, prompts, resources, resource
// templates, instructions), runs the description checks on it, lists the tools a second time to catch definitions
// that change within a session, and probes remote servers' auth (auth-probes.ts).
//
// Network: only the configured server's own origin is contacted, redirects to other hosts are never followed, and
// the token (--token) is sent only over https or to a loopback address. Every step is bounded by `timeoutMs`.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { BULWARK_VERSION } from '../../core/version.js';
import { maskSecret } from '../../detectors/secrets.js';
import { changedFields, definitionKey, hashDefinition } from '../pins-canonical.js';
import type { ConfiguredServer, McpFinding, ServedDefinitions, ServerReport, ToolDefinition } from '../types.js';
import { probeRemoteAuth } from './auth-probes.js';
import { checkDefinitions } from './descriptions.js';
import { liveFinding } from './live-checks.js';
import { expandReferences, resolvedHeaders, stdioLaunch, type Env } from './live-env.js';
import { describeFetchError, displayUrl, isLoopbackHost, originBoundFetch } from './live-http.js';

export interface LiveAuditOptions {
  /** Bearer token for remote servers (--token); never sent to another origin, nor over plain http off loopback. */
  token?: string;
  /** Bound of the whole listing and of each probe request. */
  timeoutMs: number;
  /** Start stdio servers (they run code from the configuration); without it they are reported as not started. */
  allowStdio: boolean;
  /** The auditor's environment: PATH, HOME and the variables a configuration references come from here. */
  env?: NodeJS.ProcessEnv;
  /** Names of the other configured servers, for the shadowing checks of the descriptions. */
  otherServers?: string[];
  /** Tool names other servers serve, by server (shadowing and name collisions), when known. */
  otherTools?: Readonly<Record<string, readonly string[]>>;
}

export interface LiveAuditResult {
  findings: McpFinding[];
  live: NonNullable<ServerReport['live']>;
  served?: ServedDefinitions;
}

export const DEFAULT_LIVE_TIMEOUT_MS = 15_000;
/** Pages and items per list: a hostile server may paginate forever. */
const MAX_PAGES = 20;
const MAX_ITEMS = 1000;
/** How long a stdio server may take to exit after its stdin closes before it is killed. */
const EXIT_GRACE_MS = 500;
const STDERR_TAIL = 2048;

type Lister<T> = (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>;

async function paginate<T>(list: Lister<T>): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await list(cursor);
    items.push(...res.items);
    if (items.length >= MAX_ITEMS) return { items: items.slice(0, MAX_ITEMS), truncated: true };
    if (!res.nextCursor || seen.has(res.nextCursor)) return { items, truncated: false };
    seen.add(res.nextCursor);
    cursor = res.nextCursor;
  }
  return { items, truncated: true };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A definition as a model reads it; `mimeType` rides along on resources (hashed by pins, not yet in the contract). */
function definition(kind: ToolDefinition['kind'], raw: Record<string, unknown>, extra: Partial<ToolDefinition> & { mimeType?: string }): ToolDefinition {
  const def: ToolDefinition & { mimeType?: string } = { kind, name: str(raw.name) ?? '' };
  const title = str(raw.title);
  const description = str(raw.description);
  if (title !== undefined) def.title = title;
  if (description !== undefined) def.description = description;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (def as unknown as Record<string, unknown>)[k] = v;
  return def;
}

interface Deadline {
  signal: AbortSignal;
  options(): { signal: AbortSignal; timeout: number };
}

function deadlineOf(timeoutMs: number): Deadline & { dispose(): void } {
  const controller = new AbortController();
  const end = Date.now() + timeoutMs;
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    options: () => ({ signal: controller.signal, timeout: Math.max(1, end - Date.now()) }),
    dispose: () => clearTimeout(timer),
  };
}

async function listTools(client: Client, d: Deadline) {
  return paginate(async (cursor) => {
    const r = await client.listTools(cursor ? { cursor } : {}, d.options());
    return { items: r.tools.map((t) => definition('tool', t, { inputSchema: t.inputSchema, outputSchema: t.outputSchema, annotations: t.annotations })), nextCursor: r.nextCursor };
  });
}

/** Everything the server serves, per its capabilities; truncated lists are said so. */
async function listServed(client: Client, d: Deadline): Promise<{ served: ServedDefinitions; counts: { tools: number; prompts: number; resources: number }; truncated: string[] }> {
  const caps = client.getServerCapabilities() ?? {};
  const items: ToolDefinition[] = [];
  const truncated: string[] = [];
  const counts = { tools: 0, prompts: 0, resources: 0 };
  const take = (what: string, r: { items: ToolDefinition[]; truncated: boolean }) => {
    items.push(...r.items);
    if (r.truncated) truncated.push(what);
    return r.items.length;
  };
  if (caps.tools) counts.tools = take('tools', await listTools(client, d));
  if (caps.prompts) {
    const r = await paginate(async (cursor) => {
      const res = await client.listPrompts(cursor ? { cursor } : {}, d.options());
      return { items: res.prompts.map((p) => definition('prompt', p, { arguments: p.arguments })), nextCursor: res.nextCursor };
    });
    counts.prompts = take('prompts', r);
  }
  if (caps.resources) {
    const r = await paginate(async (cursor) => {
      const res = await client.listResources(cursor ? { cursor } : {}, d.options());
      return { items: res.resources.map((x) => definition('resource', x, { uri: x.uri, mimeType: x.mimeType })), nextCursor: res.nextCursor };
    });
    counts.resources = take('resources', r);
    // Templates are optional even for servers with resources: a refusal is not an error of the audit.
    const t = await paginate(async (cursor) => {
      const res = await client.listResourceTemplates(cursor ? { cursor } : {}, d.options());
      return { items: res.resourceTemplates.map((x) => definition('resource-template', x, { uri: x.uriTemplate, mimeType: x.mimeType })), nextCursor: res.nextCursor };
    }).catch(() => ({ items: [] as ToolDefinition[], truncated: false }));
    counts.resources += take('resource templates', t);
  }
  const served: ServedDefinitions = { items };
  const instructions = client.getInstructions();
  if (instructions !== undefined) served.instructions = instructions;
  return { served, counts, truncated };
}

/** A second tools/list in the same session: any difference is a rug pull happening under the auditor's eyes. */
async function relistTools(client: Client, first: ServedDefinitions, d: Deadline): Promise<{ findings: McpFinding[]; changed: ToolDefinition[] }> {
  if (!client.getServerCapabilities()?.tools) return { findings: [], changed: [] };
  const again = await listTools(client, d);
  const before = new Map(first.items.filter((i) => i.kind === 'tool').map((i) => [definitionKey(i), i]));
  const findings: McpFinding[] = [];
  const changed: ToolDefinition[] = [];
  for (const def of again.items) {
    const old = before.get(definitionKey(def));
    before.delete(definitionKey(def));
    if (old && hashDefinition(old) === hashDefinition(def)) continue;
    changed.push(def);
    const what = old ? `changed (${changedFields(old, def).join(', ')})` : 'appeared';
    findings.push(liveFinding('live.tools-changed-during-session', `Tool \`${def.name}\` ${what} between two listings in the same session.`, `tool:${def.name}`));
  }
  for (const old of before.values()) {
    findings.push(liveFinding('live.tools-changed-during-session', `Tool \`${old.name}\` disappeared between two listings in the same session.`, `tool:${old.name}`));
  }
  return { findings, changed };
}

const notStarted = (error: string): LiveAuditResult => ({ findings: [], live: { reached: false, error } });

/** Secrets that must not appear in a message: the token and the configured values, each shown masked. */
function masker(secrets: (string | undefined)[]): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6).sort((a, b) => b.length - a.length);
  return (text) => list.reduce((t, s) => t.split(s).join(maskSecret(s)), text);
}

const MAX_ERROR_CHARS = 300;

/** What went wrong, in a bounded sentence (a server's error body can be anything). */
function errorText(e: unknown, d: Deadline, timeoutMs: number, tokenSent = false): string {
  if (d.signal.aborted) return `timed out after ${timeoutMs} ms`;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 401) return tokenSent ? 'HTTP 401: the server refused the token' : 'HTTP 401: the server requires a token (pass --token)';
  if (code === 403) return 'HTTP 403: the server refused the request';
  const message = describeFetchError(e);
  if (/request timed out/i.test(message)) return `timed out after ${timeoutMs} ms`;
  const text = typeof code === 'number' && code >= 400 && code < 600 ? `HTTP ${code}: ${message}` : message;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/** Lists through a connected client and runs the description checks on what it serves (both listings). */
async function auditConnected(client: Client, server: ConfiguredServer, opts: LiveAuditOptions, d: Deadline): Promise<LiveAuditResult> {
  const { served, counts, truncated } = await listServed(client, d);
  const relisted = await relistTools(client, served, d);
  const ctx = { serverName: server.name, otherServers: opts.otherServers ?? [], ...(opts.otherTools ? { otherTools: opts.otherTools } : {}) };
  const findings = [...checkDefinitions(served, ctx), ...relisted.findings];
  if (relisted.changed.length > 0) findings.push(...checkDefinitions({ items: relisted.changed }, ctx));
  const live: LiveAuditResult['live'] = { reached: true, ...counts };
  if (truncated.length > 0) live.error = `listing stopped at ${MAX_ITEMS} items or ${MAX_PAGES} pages (${truncated.join(', ')})`;
  return { findings: dedupe(findings), live, served };
}

function dedupe(findings: McpFinding[]): McpFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.check}\u0000${f.location}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Remembers the child's pid at spawn: the SDK forgets it as soon as a failed connect closes the transport. */
class TrackedStdioTransport extends StdioClientTransport {
  spawnedPid: number | null = null;
  override start(): Promise<void> {
    const started = super.start();
    this.spawnedPid = this.pid;
    return started;
  }
}

const newClient = () => new Client({ name: 'bulwark-mcp-audit', version: BULWARK_VERSION }, { capabilities: {} });

/** Starts, lists and always stops a stdio server. */
async function auditStdio(server: ConfiguredServer, opts: LiveAuditOptions, env: Env): Promise<LiveAuditResult> {
  const launch = stdioLaunch(server, env);
  if (!launch.command) return notStarted('no command configured');
  const mask = masker(Object.values(launch.env).filter((v) => v !== env.PATH && v !== env.HOME));
  const transport = new TrackedStdioTransport({ command: launch.command, args: launch.args, env: launch.env, stderr: 'pipe', maxBufferSize: 16 * 1024 * 1024 });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  const client = newClient();
  const d = deadlineOf(opts.timeoutMs);
  try {
    await client.connect(transport, d.options());
    return await auditConnected(client, server, opts, d);
  } catch (e) {
    const tail = stderr.trim().split('\n').pop()?.slice(0, 200);
    const dropped = launch.dropped.length > 0 ? `; not set, unresolved references: ${launch.dropped.join(', ')}` : '';
    return notStarted(mask(`${errorText(e, d, opts.timeoutMs)}${tail ? ` (stderr: ${tail})` : ''}${dropped}`));
  } finally {
    d.dispose();
    await stopStdio(client, transport);
  }
}

/** Closes stdin and the client, then kills what is still running after a short grace. */
async function stopStdio(client: Client, transport: TrackedStdioTransport): Promise<void> {
  const pid = transport.spawnedPid;
  await Promise.race([client.close().catch(() => undefined), new Promise((r) => setTimeout(r, EXIT_GRACE_MS).unref())]);
  if (pid === null) return;
  try {
    process.kill(pid, 0);
  } catch {
    return;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Lists a remote server (Streamable HTTP; SSE for `sse` entries when Streamable HTTP fails) and probes its auth. */
async function auditRemote(server: ConfiguredServer, opts: LiveAuditOptions, env: Env): Promise<LiveAuditResult> {
  const raw = server.url ? expandReferences(server.url, server, env) : undefined;
  let url: URL;
  try {
    url = new URL(raw ?? '');
  } catch {
    return notStarted(raw === undefined && server.url ? 'the URL holds a reference that cannot be resolved' : 'no valid URL configured');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return notStarted(`unsupported URL scheme ${url.protocol}`);
  const configHeaders = resolvedHeaders(server, env);
  const tokenAllowed = opts.token !== undefined && (url.protocol === 'https:' || isLoopbackHost(url.hostname));
  const headers: Record<string, string> = { ...configHeaders };
  if (tokenAllowed) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
    headers.Authorization = `Bearer ${opts.token}`;
  }
  const mask = masker([opts.token, ...Object.values(configHeaders), url.search.length > 1 ? url.search.slice(1) : undefined]);

  const [listed, probes] = await Promise.all([
    listRemote(url, headers, server, opts, tokenAllowed),
    server.transport === 'http' ? probeRemoteAuth(url, { token: opts.token, tokenAllowed, configHeaders, timeoutMs: opts.timeoutMs }) : undefined,
  ]);
  const findings = [...listed.findings, ...(probes?.findings ?? [])];
  // An SSE server (not probed) that listed its tools to a client holding no credentials at all.
  const noCredentials = Object.keys(headers).length === 0;
  if (listed.live.reached && noCredentials && !findings.some((f) => f.check === 'auth.unauthenticated-tools') && (listed.live.tools ?? 0) > 0) {
    findings.push(liveFinding('auth.unauthenticated-tools', `The server listed ${listed.live.tools} tool(s) to a client without any credentials.`, displayUrl(url)));
  }
  const live = { ...listed.live };
  if (live.error) {
    live.error = mask(live.error);
    if (opts.token !== undefined && !tokenAllowed) live.error += ' (the token was not sent: plain http to a non-loopback host)';
  }
  return { findings: dedupe(findings), live, ...(listed.served ? { served: listed.served } : {}) };
}

async function listRemote(url: URL, headers: Record<string, string>, server: ConfiguredServer, opts: LiveAuditOptions, tokenSent: boolean): Promise<LiveAuditResult> {
  const d = deadlineOf(opts.timeoutMs);
  const transportOptions = { requestInit: { headers }, fetch: originBoundFetch(url.origin) };
  const attempt = async (transport: Transport): Promise<LiveAuditResult> => {
    const client = newClient();
    try {
      await client.connect(transport, d.options());
      return await auditConnected(client, server, opts, d);
    } finally {
      if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
        await Promise.race([transport.terminateSession().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
      }
      await client.close().catch(() => undefined);
    }
  };
  try {
    try {
      return await attempt(new StreamableHTTPClientTransport(url, transportOptions));
    } catch (e) {
      if (server.transport !== 'sse' || d.signal.aborted) throw e;
      return await attempt(new SSEClientTransport(url, transportOptions));
    }
  } catch (e) {
    return notStarted(errorText(e, d, opts.timeoutMs, tokenSent));
  } finally {
    d.dispose();
  }
}

/**
 * Live audit of one server. Disabled entries are not contacted; stdio entries are started only with `allowStdio`.
 * Never throws for anything the server does: an unreachable or misbehaving server is `live.reached: false` with
 * an error (secrets masked).
 */
export async function liveAudit(server: ConfiguredServer, opts: LiveAuditOptions): Promise<LiveAuditResult> {
  if (!server.enabled) return notStarted('not contacted: the server is disabled in its configuration');
  const env: Env = opts.env ?? process.env;
  if (server.transport === 'stdio') {
    if (!opts.allowStdio) return notStarted('not started: starting stdio servers was not allowed');
    return auditStdio(server, opts, env);
  }
  return auditRemote(server, opts, env);
}
