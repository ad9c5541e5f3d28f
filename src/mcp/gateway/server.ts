// The MCP gateway's HTTP front: per upstream path an OAuth resource server (metadata, challenges, exact-audience
// JWTs, scopes), Origin validation, rate limits, and sessions bound to the principal that opened them; the MCP
// protocol itself is spoken by the official SDK's Streamable HTTP transport inside each session.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, type SecurityEvent } from '../../core/event.js';
import type { Principal } from '../../gateway/auth/principal.js';
import { parseJson, readBody } from '../../gateway/http/body.js';
import { RateLimiter } from '../../gateway/limits/rate.js';
import type { StageResult } from '../../guard/run-stage.js';
import type { McpGatewayConfig } from './config.js';
import { bearerToken, challenge, createOriginCheck, describeFailure, headerMismatch, lacking, METADATA_PREFIX, metadataDocument, type ChallengeKind } from './resource-server.js';
import type { McpRoute } from './route.js';
import { McpSession, type SessionEvents } from './session.js';

export interface McpGatewayDeps {
  config: McpGatewayConfig;
  /** Builds the routes once the bound address is known: `origin` is config.publicUrl's origin or http://host:port. */
  buildRoutes(base: string): Promise<readonly McpRoute[]>;
  events: { append(event: SecurityEvent): void };
  /** Requests per minute per principal (the `limits.requestsPerMinute` of the configuration). */
  requestsPerMinute: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export interface McpGateway {
  server: Server;
  listen(port: number, host: string): Promise<string>;
  close(graceMs?: number): Promise<void>;
  readonly sessions: number;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A JSON-RPC error outside any request (transport-level), as the SDK's own transport answers them. */
function rpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

function requests(body: unknown): Dict[] {
  const list = Array.isArray(body) ? body : [body];
  return list.filter((m): m is Dict => isDict(m) && typeof m.method === 'string' && 'id' in m);
}

export function createMcpGateway(deps: McpGatewayDeps): McpGateway {
  const { config } = deps;
  let routes: readonly McpRoute[] = [];
  let byPath = new Map<string, McpRoute>();
  let byMetadata = new Map<string, McpRoute>();
  let originAllowed: (origin: string | string[] | undefined) => boolean = () => false;
  const sessions = new Map<string, McpSession>();
  const perPrincipal = new Map<string, number>();
  const rate = new RateLimiter({ defaultRpm: deps.requestsPerMinute });
  let opening = 0;
  let closing = false;

  const event = (route: McpRoute, principal: string | undefined, e: Parameters<SessionEvents['record']>[0] & { sourceIp?: string; status?: number }): void => {
    const results = e.results ?? [];
    const findings = [];
    for (let i = 0; i < results.length; i++) {
      const r: StageResult | undefined = results[i];
      const stage = i === 0 && e.stage === 'tool_result' ? 'tool_result' : 'tool_call';
      for (const { action, ...f } of r?.findings ?? []) findings.push({ ...f, metadata: { ...f.metadata, action, stage } });
    }
    const attributes: Dict = { server: route.name, route: route.path, ...e.extra };
    if (e.method !== undefined) attributes.method = e.method;
    if (e.tool !== undefined) attributes.tool = e.tool;
    if (e.reason !== undefined) attributes.reason = e.reason;
    if (e.durationMs !== undefined) attributes.durationMs = Math.round(e.durationMs * 1000) / 1000;
    if (e.sourceIp !== undefined) attributes.sourceIp = e.sourceIp;
    if (e.status !== undefined) attributes.status = e.status;
    if (e.stage === undefined || e.stage === 'tool_result' || e.stage === 'tool_call') attributes.policy = route.policyName;
    deps.events.append(
      createEvent({
        kind: e.kind,
        source: 'mcp-gateway',
        decision: e.decision,
        ...(e.stage ? { stage: e.stage } : {}),
        ...(principal !== undefined ? { principal } : {}),
        findings,
        failures: results.flatMap((r) => r?.failures ?? []),
        attributes,
      }),
    );
  };

  const refuse = (route: McpRoute, req: IncomingMessage, res: ServerResponse, kind: ChallengeKind, reason: string, description?: string, scopes?: readonly string[], principal?: string): void => {
    const c = challenge(route.resource, kind, description, scopes);
    res.writeHead(c.status, { ...c.headers, 'content-length': Buffer.byteLength(c.body) });
    res.end(c.body);
    event(route, principal, { kind: 'auth', decision: 'block', reason, status: c.status, ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}), ...(scopes ? { extra: { scopes: [...scopes] } } : {}) });
  };

  const dropSession = (s: McpSession): void => {
    if (sessions.get(s.id) !== s) return;
    sessions.delete(s.id);
    const n = (perPrincipal.get(s.principal.id) ?? 1) - 1;
    if (n <= 0) perPrincipal.delete(s.principal.id);
    else perPrincipal.set(s.principal.id, n);
  };

  const openSession = async (route: McpRoute, principal: Principal, token: string, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> => {
    // A principal at its limit loses its least recently used session (clients that never DELETE theirs would
    // otherwise lock themselves out until the idle timeout); the gateway-wide limit refuses.
    if ((perPrincipal.get(principal.id) ?? 0) >= config.maxSessionsPerPrincipal) {
      let oldest: McpSession | undefined;
      for (const s of sessions.values()) if (s.principal.id === principal.id && (!oldest || s.lastSeen < oldest.lastSeen)) oldest = s;
      if (oldest) {
        dropSession(oldest);
        void oldest.close();
        event(route, principal.name, { kind: 'limit', decision: 'flag', reason: 'session_evicted', extra: { limit: config.maxSessionsPerPrincipal } });
      }
    }
    if ((perPrincipal.get(principal.id) ?? 0) >= config.maxSessionsPerPrincipal || sessions.size + opening >= config.maxSessions) {
      event(route, principal.name, { kind: 'limit', decision: 'block', reason: 'session_limit', status: 429 });
      rpcError(res, 429, -32000, 'too many open sessions; close one (DELETE) or wait for idle ones to expire', { 'retry-after': '60' });
      return;
    }
    // The slot is taken now, before the first await: parallel initializes cannot all pass the check above.
    perPrincipal.set(principal.id, (perPrincipal.get(principal.id) ?? 0) + 1);
    const release = (): void => {
      const n = (perPrincipal.get(principal.id) ?? 1) - 1;
      if (n <= 0) perPrincipal.delete(principal.id);
      else perPrincipal.set(principal.id, n);
    };
    const recorder: SessionEvents = { record: (e) => event(route, principal.name, e) };
    const session = new McpSession(route, principal, recorder, dropSession);
    session.token = token;
    opening++;
    try {
      await route.refreshPins();
      await session.open();
    } catch (e) {
      opening--;
      release();
      await session.close();
      deps.log?.('error', 'upstream MCP server could not be started', { server: route.name, error: e instanceof Error ? e.message : 'unknown' });
      event(route, principal.name, { kind: 'system', decision: 'error', reason: 'upstream_unavailable', status: 502 });
      rpcError(res, 502, -32002, `the upstream MCP server ${route.name} is not available`);
      return;
    }
    opening--;
    session.front.handlePost(req, res, body);
    // An initialize the channel refused (malformed, batched) never made a session: stop its upstream.
    if (!session.front.initialized) {
      release();
      await session.close();
      return;
    }
    sessions.set(session.id, session);
  };

  const handleMcp = async (route: McpRoute, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sourceIp = req.socket.remoteAddress;
    if (!originAllowed(req.headers.origin)) {
      event(route, undefined, { kind: 'auth', decision: 'block', reason: 'bad_origin', status: 403, ...(sourceIp ? { sourceIp } : {}) });
      sendJson(res, 403, { error: 'forbidden', error_description: 'Origin not allowed' });
      return;
    }
    const bearer = bearerToken(req.headers, req.url);
    if (!bearer.ok) return refuse(route, req, res, bearer.kind, bearer.reason, bearer.kind === 'missing' ? undefined : bearer.detail);
    const verified = await route.verifier.verify(bearer.token);
    if (!verified.ok) {
      if (verified.reason === 'jwks_unavailable') {
        event(route, undefined, { kind: 'auth', decision: 'error', reason: 'jwks_unavailable', status: 503 });
        sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'the token cannot be verified right now' }, { 'retry-after': '5' });
        return;
      }
      return refuse(route, req, res, 'invalid_token', verified.reason, describeFailure(verified));
    }
    const principal = verified.principal;
    const missing = lacking(principal, route.resource.requiredScopes);
    if (missing.length > 0) return refuse(route, req, res, 'insufficient_scope', 'insufficient_scope', 'the token lacks a scope this server needs', route.resource.requiredScopes, principal.name);
    const limited = await rate.check(principal);
    if (!limited.ok) {
      event(route, principal.name, { kind: 'limit', decision: 'block', reason: 'rate_limit', status: 429 });
      rpcError(res, 429, -32000, limited.message, { 'retry-after': String(limited.retryAfterSeconds) });
      return;
    }

    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, config.bodyLimitBytes);
      if (!raw.ok) {
        rpcError(res, raw.status, raw.status === 413 ? -32600 : -32700, raw.message, raw.status === 413 ? { connection: 'close' } : {});
        return;
      }
      const parsed = parseJson(raw.body);
      if (!parsed.ok) return rpcError(res, 400, -32700, `Parse error: ${parsed.message}`);
      body = parsed.value;
      const mismatch = headerMismatch(req.headers, body);
      if (mismatch !== undefined) {
        event(route, principal.name, { kind: 'auth', decision: 'block', reason: 'header_mismatch', status: 400 });
        sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32600, message: `HeaderMismatch: ${mismatch}` }, id: null });
        return;
      }
      for (const r of requests(body)) {
        if (r.method !== 'tools/call' || !isDict(r.params) || typeof r.params.name !== 'string') continue;
        const needed = route.toolScopes(r.params.name);
        if (lacking(principal, needed).length > 0) return refuse(route, req, res, 'insufficient_scope', 'insufficient_scope', 'the tool needs a scope the token lacks', needed, principal.name);
      }
    } else if (req.method !== 'GET' && req.method !== 'DELETE') {
      sendJson(res, 405, { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }, { allow: 'GET, POST, DELETE' });
      return;
    }

    const sid = req.headers['mcp-session-id'];
    if (typeof sid === 'string') {
      const session = sessions.get(sid);
      // Possession of a session id is not authorization: a session answers only the principal that opened it.
      // Another caller gets the same 404 as for an unknown id, so that ids cannot be probed.
      if (!session || session.route !== route || session.principal.id !== principal.id) {
        if (session) event(route, principal.name, { kind: 'auth', decision: 'block', reason: 'session_principal_mismatch', status: 404, ...(sourceIp ? { sourceIp } : {}) });
        rpcError(res, 404, -32001, 'Session not found');
        return;
      }
      session.token = bearer.token;
      session.lastSeen = Date.now();
      if (req.method === 'POST') session.front.handlePost(req, res, body);
      else if (req.method === 'GET') session.front.handleGet(req, res);
      else session.front.handleDelete(res);
      return;
    }
    if (sid !== undefined) return rpcError(res, 400, -32000, 'Bad Request: one Mcp-Session-Id header expected');
    const init = req.method === 'POST' && requests(body).some((r) => r.method === 'initialize');
    if (!init) return rpcError(res, 400, -32000, 'Bad Request: No valid session ID provided');
    if (closing) return rpcError(res, 503, -32000, 'the gateway is shutting down');
    await openSession(route, principal, bearer.token, req, res, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = byPath.get(path);
    if (route) return handleMcp(route, req, res);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const meta = byMetadata.get(path) ?? (path === METADATA_PREFIX && routes.length === 1 ? routes[0] : undefined);
      if (meta) return sendJson(res, 200, metadataDocument(meta.resource), { 'access-control-allow-origin': '*', 'cache-control': 'max-age=300' });
      if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (path === '/readyz') return sendJson(res, closing ? 503 : 200, { status: closing ? 'closing' : 'ready', sessions: sessions.size });
    }
    sendJson(res, 404, { error: 'not_found', error_description: `no MCP server at ${path.slice(0, 200)}` });
  };

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      deps.log?.('error', 'MCP request failed', { error: e instanceof Error ? e.name : 'unknown' });
      if (!res.headersSent) rpcError(res, 500, -32603, 'internal error');
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  const idleMs = config.sessionIdleSeconds * 1000;
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const s of sessions.values()) {
        if (now - s.lastSeen > idleMs) {
          dropSession(s);
          void s.close();
        }
      }
    },
    Math.min(30_000, idleMs),
  );
  sweeper.unref();

  let closed: Promise<void> | undefined;
  return {
    server,
    get sessions() {
      return sessions.size;
    },
    async listen(port, host) {
      const url = await new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
        });
      });
      const base = config.publicUrl ?? url;
      try {
        routes = await deps.buildRoutes(base);
      } catch (e) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        throw e;
      }
      byPath = new Map(routes.map((r) => [r.path, r]));
      byMetadata = new Map(routes.map((r) => [METADATA_PREFIX + r.path, r]));
      originAllowed = createOriginCheck(config.allowedOrigins, new URL(base).origin);
      return url;
    },
    close(graceMs = 5_000) {
      closed ??= (async () => {
        closing = true;
        clearInterval(sweeper);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const all = [...sessions.values()];
        sessions.clear();
        await Promise.race([Promise.allSettled(all.map((s) => s.close())), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}
