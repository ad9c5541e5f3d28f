// Auth probes of a remote MCP server (live audit), as plain HTTP requests — not the SDK, which would retry, run
// OAuth flows and hide the answers. Each probe is bounded by the timeout, never follows a redirect to another
// host, and sends the user's token (when given) to the server's own origin only, over https or to loopback. The
// bare probe runs first, the others in parallel after it: a remote audit takes at most about twice the timeout.
//   (a) tools listed without a token                    auth.unauthenticated-tools        high
//   (b) RFC 9728 protected-resource metadata served     auth.resource-metadata-*          medium
//   (c) 401 carries `Bearer resource_metadata="…"`      auth.challenge-*                  low
//   (d) token accepted as `?access_token=` (--token)    auth.token-in-query               high
//   (e) foreign Origin refused                          transport.origin-not-validated    medium (loopback/private), low
//   (f) forged JWT for another audience refused         auth.forged-token-accepted        critical
//       --token whose `aud` does not name the server    auth.foreign-audience-accepted    critical
import { randomBytes } from 'node:crypto';
import type { McpFinding } from '../types.js';
import { liveFinding } from './live-checks.js';
import { displayUrl, isLocalHost, jsonRpcMessages, probeMcp, request, type ProbeOutcome } from './live-http.js';

export interface AuthProbeOptions {
  /** The user's token (--token); sent only when `tokenAllowed`. */
  token?: string;
  tokenAllowed: boolean;
  /** Headers of the configuration (secrets already resolved); used for the Origin probe when no token is given. */
  configHeaders: Record<string, string>;
  timeoutMs: number;
}

export interface AuthProbeResult {
  findings: McpFinding[];
  /** What the server answered without credentials (for the live summary). */
  unauthenticated: ProbeOutcome;
}

const EVIL_ORIGIN = 'http://evil.example';
const FOREIGN_AUDIENCE = 'https://bulwark-audit.invalid/another-resource';

const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url');

/** JWTs nobody signed: alg none, and HS256 / RS256 with random signatures; all for another audience. */
export function forgedTokens(now = Math.floor(Date.now() / 1000)): { label: string; token: string }[] {
  const payload = b64url(JSON.stringify({ iss: 'https://bulwark-audit.invalid/', aud: FOREIGN_AUDIENCE, sub: 'bulwark-audit', iat: now, nbf: now - 60, exp: now + 300, scope: 'openid' }));
  const jwt = (header: object, signature: string) => `${b64url(JSON.stringify(header))}.${payload}.${signature}`;
  return [
    { label: 'an unsigned JWT (alg none)', token: jwt({ alg: 'none', typ: 'JWT' }, '') },
    { label: 'an HS256 JWT with a random signature', token: jwt({ alg: 'HS256', typ: 'JWT' }, b64url(randomBytes(32))) },
    { label: 'an RS256 JWT with a random signature', token: jwt({ alg: 'RS256', typ: 'JWT', kid: 'bulwark-audit' }, b64url(randomBytes(256))) },
  ];
}

/** The `aud` claim of a JWT-shaped token, without verifying anything; undefined when it is not a JWT. */
export function tokenAudiences(token: string): string[] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { aud?: unknown };
    if (typeof payload.aud === 'string') return [payload.aud];
    if (Array.isArray(payload.aud)) return payload.aud.filter((a): a is string => typeof a === 'string');
    return undefined;
  } catch {
    return undefined;
  }
}

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

/** Whether a resource identifier (an `aud` or a metadata `resource`) names the server at `url`: same origin, path prefix. */
export function namesServer(resource: string, url: URL): boolean {
  try {
    const r = new URL(resource);
    if (r.origin !== url.origin) return false;
    const path = trimSlash(r.pathname);
    const serverPath = trimSlash(url.pathname);
    return path === '' || serverPath === path || serverPath.startsWith(`${path}/`);
  } catch {
    return false;
  }
}

/** A parameter of a `WWW-Authenticate: Bearer …` challenge. */
export function challengeParam(challenge: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|[\\s,])${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,]+))`, 'i').exec(challenge);
  return m ? (m[1] ?? m[2]) : undefined;
}

type MetadataLookup = { found?: { url: string; resource: string }; invalid?: string };

/** RFC 9728: the URL the challenge names (same origin only), then the path-aware and the root well-known URIs. */
async function lookupMetadata(url: URL, challengeUrl: string | undefined, timeoutMs: number): Promise<MetadataLookup> {
  const candidates: URL[] = [];
  if (challengeUrl) {
    try {
      const u = new URL(challengeUrl);
      if (u.origin === url.origin) candidates.push(u);
    } catch {
      // an unparsable resource_metadata is reported by the caller through the lookups below
    }
  }
  const path = trimSlash(url.pathname);
  if (path) candidates.push(new URL(`/.well-known/oauth-protected-resource${path}`, url.origin));
  candidates.push(new URL('/.well-known/oauth-protected-resource', url.origin));
  let invalid: string | undefined;
  const signal = AbortSignal.timeout(timeoutMs);
  for (const candidate of candidates) {
    const res = await request(candidate, { method: 'GET', headers: { accept: 'application/json' } }, signal).catch(() => undefined);
    if (!res || res.status !== 200) continue;
    let doc: { resource?: unknown; authorization_servers?: unknown };
    try {
      doc = JSON.parse(res.text) as typeof doc;
    } catch {
      invalid ??= `${displayUrl(candidate)} is not JSON`;
      continue;
    }
    if (typeof doc?.resource !== 'string') invalid ??= `${displayUrl(candidate)} has no \`resource\``;
    else if (!Array.isArray(doc.authorization_servers) || doc.authorization_servers.length === 0) invalid ??= `${displayUrl(candidate)} names no \`authorization_servers\``;
    else return { found: { url: displayUrl(candidate), resource: doc.resource } };
  }
  return invalid ? { invalid } : {};
}

const refused = (o: ProbeOutcome): boolean => o.tools === undefined && (o.status === 401 || o.status === 403 || o.listStatus === 401 || o.listStatus === 403);
/** Served with these credentials where the bare request was not: tools listed, or initialize where it was refused. */
const passes = (o: ProbeOutcome | undefined, bare: ProbeOutcome): boolean => o !== undefined && (o.tools !== undefined || (o.initialized && !bare.initialized));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Runs the probes against a Streamable HTTP endpoint and returns their findings (located at the server URL). */
export async function probeRemoteAuth(url: URL, opts: AuthProbeOptions): Promise<AuthProbeResult> {
  const where = displayUrl(url);
  const findings: McpFinding[] = [];
  const unauth = await probeMcp(url, {}, opts.timeoutMs);
  if (unauth.status === 0) return { findings, unauthenticated: unauth };

  // (a) unauthenticated listing: the rest of the auth probes are meaningless on a server that needs no token.
  if (unauth.tools !== undefined) {
    findings.push(liveFinding('auth.unauthenticated-tools', `The server listed ${unauth.tools} tool(s) to a request without any credentials.`, where));
    findings.push(...(await probeOrigin(url, {}, opts.timeoutMs, where)));
    return { findings, unauthenticated: unauth };
  }
  if (!refused(unauth)) return { findings, unauthenticated: unauth };

  const token = opts.token !== undefined && opts.tokenAllowed ? opts.token : undefined;
  // The Origin probe needs a request that would otherwise be served: the token, else the configured headers.
  const originCredentials = token ? bearer(token) : opts.configHeaders;
  const [metadataFindings, forged, withToken, inQuery, origin] = await Promise.all([
    checkMetadata(url, unauth, opts.timeoutMs, where),
    Promise.all(forgedTokens().map(async (f) => ({ ...f, outcome: await probeMcp(url, bearer(f.token), opts.timeoutMs) }))),
    token ? probeMcp(url, bearer(token), opts.timeoutMs) : undefined,
    token ? probeMcp(withQueryToken(url, token), {}, opts.timeoutMs) : undefined,
    probeOrigin(url, originCredentials, opts.timeoutMs, where),
  ]);
  findings.push(...metadataFindings);
  // (f) forged tokens: one report, naming every kind accepted.
  const accepted = forged.filter((f) => passes(f.outcome, unauth));
  if (accepted.length > 0) {
    findings.push(
      liveFinding('auth.forged-token-accepted', `The server accepted ${accepted.map((f) => f.label).join(', ')}, issued for the audience ${FOREIGN_AUDIENCE}: bearer tokens are not validated.`, where),
    );
  }
  // (d) token in the query string.
  if (passes(inQuery, unauth)) {
    findings.push(liveFinding('auth.token-in-query', 'The server accepted the token as `?access_token=` in the URL, where logs and proxies record it.', where));
  }
  // The user's own token, for another audience: accepted while a missing token is refused.
  if (token && passes(withToken, unauth) && accepted.length === 0) {
    const audiences = tokenAudiences(token);
    if (audiences && audiences.length > 0 && !audiences.some((a) => namesServer(a, url))) {
      findings.push(
        liveFinding('auth.foreign-audience-accepted', `The server accepted the given token although its audience (${audiences.map((a) => JSON.stringify(a)).join(', ')}) does not name ${where}.`, where),
      );
    }
  }
  findings.push(...origin);
  return { findings, unauthenticated: unauth };
}

function withQueryToken(url: URL, token: string): URL {
  const u = new URL(url);
  u.searchParams.set('access_token', token);
  return u;
}

/** (b) and (c), for a server that refused a request without credentials. */
async function checkMetadata(url: URL, unauth: ProbeOutcome, timeoutMs: number, where: string): Promise<McpFinding[]> {
  const out: McpFinding[] = [];
  const challenge = unauth.wwwAuthenticate;
  const isBearer = challenge !== undefined && /^\s*bearer\b/i.test(challenge);
  const challengeUrl = isBearer ? challengeParam(challenge, 'resource_metadata') : undefined;
  const metadata = await lookupMetadata(url, challengeUrl, timeoutMs);
  const status = unauth.initialized ? unauth.listStatus : unauth.status;
  if (status !== 401) {
    out.push(liveFinding('auth.challenge-missing', `A request without a token was refused with HTTP ${status}, not 401 with a Bearer challenge.`, where));
  } else if (!isBearer) {
    out.push(liveFinding('auth.challenge-missing', 'A request without a token was refused with 401 but no `WWW-Authenticate: Bearer` challenge.', where));
  }
  if (metadata.found) {
    if (!namesServer(metadata.found.resource, url)) {
      out.push(liveFinding('auth.resource-metadata-mismatch', `The protected-resource metadata at ${metadata.found.url} names the resource ${JSON.stringify(metadata.found.resource)}, not ${where}.`, where));
    }
    if (isBearer && challengeUrl === undefined) {
      out.push(liveFinding('auth.challenge-without-resource-metadata', 'The 401 challenge carries no `resource_metadata`; clients must fall back to the well-known URI.', where));
    }
  } else if (metadata.invalid) {
    out.push(liveFinding('auth.resource-metadata-invalid', `The protected-resource metadata is unusable: ${metadata.invalid}.`, where));
  } else if (challengeUrl !== undefined && !sameOrigin(challengeUrl, url)) {
    // Metadata on another host: declared, but the audit does not contact other hosts to check it.
  } else {
    out.push(
      liveFinding(
        'auth.resource-metadata-missing',
        `The server requires a token but serves no protected-resource metadata (RFC 9728): ${challengeUrl ? 'its 401 names a document that cannot be fetched' : 'no `resource_metadata` in its 401'} and nothing at /.well-known/oauth-protected-resource.`,
        where,
      ),
    );
  }
  return out;
}

function sameOrigin(u: string, url: URL): boolean {
  try {
    return new URL(u).origin === url.origin;
  } catch {
    return false;
  }
}

/** (e) initialize with `Origin: http://evil.example` and working credentials: served means Origin is not validated. */
async function probeOrigin(url: URL, credentials: Record<string, string>, timeoutMs: number, where: string): Promise<McpFinding[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', origin: EVIL_ORIGIN, ...credentials },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bulwark-mcp-audit', version: '0' } } }),
    },
    signal,
  ).catch(() => undefined);
  if (!res || res.status !== 200) return [];
  const answered = jsonRpcMessages(res.text, res.headers.get('content-type')).some((m) => (m as { id?: unknown; result?: unknown } | null)?.id === 1 && (m as { result?: unknown }).result !== undefined);
  if (!answered) return [];
  const sessionId = res.headers.get('mcp-session-id');
  if (sessionId) await request(url, { method: 'DELETE', headers: { ...credentials, 'mcp-session-id': sessionId } }, signal).catch(() => undefined);
  const local = isLocalHost(url.hostname);
  return [
    liveFinding(
      'transport.origin-not-validated',
      local
        ? `The server on a local address answered a request from Origin ${EVIL_ORIGIN}: any web page can reach it through the browser (DNS rebinding).`
        : `The server answered a request from Origin ${EVIL_ORIGIN}; it should refuse foreign origins with 403.`,
      where,
      local ? 'medium' : 'low',
    ),
  ];
}
