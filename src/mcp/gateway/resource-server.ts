// The MCP gateway as an OAuth 2.1 resource server, one per upstream path: RFC 9728 protected-resource metadata,
// bearer challenges (RFC 6750 §3 with `resource_metadata`), the token taken only from the Authorization header,
// JWT validation with the exact audience of the path, Origin validation, and the 2026 Mcp-Method / Mcp-Name
// header checks. Pure functions over headers and verified principals; the HTTP plumbing is in server.ts.
import type { IncomingHttpHeaders } from 'node:http';
import { extractCredential } from '../../gateway/auth/credentials.js';
import type { JwtVerification } from '../../gateway/auth/jwt.js';
import type { Principal } from '../../gateway/auth/principal.js';

export const METADATA_PREFIX = '/.well-known/oauth-protected-resource';

/** What a client needs to find the authorization server of one gateway path. */
export interface ProtectedResource {
  /** The gateway path, e.g. /github/mcp. */
  path: string;
  /** Canonical resource URL (RFC 8707): the URL clients call; tokens must name it (or a configured audience). */
  resource: string;
  /** Where the metadata document is served (RFC 9728 §3.1: the well-known path inserted before the resource path). */
  metadataUrl: string;
  authorizationServers: readonly string[];
  /** Every scope this resource knows (server scopes and tool scopes). */
  scopesSupported: readonly string[];
  /** Scopes every request needs (announced in the 401 challenge). */
  requiredScopes: readonly string[];
  name: string;
}

export function protectedResource(base: string, path: string, opts: { name: string; authorizationServers: readonly string[]; requiredScopes: readonly string[]; toolScopes: readonly string[] }): ProtectedResource {
  const origin = base.replace(/\/+$/, '');
  const scopes = [...new Set([...opts.requiredScopes, ...opts.toolScopes])].sort();
  return {
    path,
    resource: origin + path,
    metadataUrl: origin + METADATA_PREFIX + path,
    authorizationServers: opts.authorizationServers,
    scopesSupported: scopes,
    requiredScopes: opts.requiredScopes,
    name: opts.name,
  };
}

/** The RFC 9728 metadata document of a resource. */
export function metadataDocument(r: ProtectedResource): Record<string, unknown> {
  return {
    resource: r.resource,
    authorization_servers: r.authorizationServers,
    scopes_supported: r.scopesSupported,
    bearer_methods_supported: ['header'],
    resource_name: `Bulwark MCP gateway: ${r.name}`,
  };
}

export type ChallengeKind = 'missing' | 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export interface Challenge {
  status: 401 | 403;
  headers: Record<string, string>;
  body: string;
}

/** RFC 6750 quoted-string: the values here are ours (URLs, scope tokens, fixed texts), but quotes and backslashes are escaped anyway. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A bearer challenge. `missing` carries no error code (RFC 6750 §3.1: a request without credentials gets none);
 * `invalid_request` (token in the query string, malformed header) and `invalid_token` are 401; `insufficient_scope`
 * is 403 with the scopes needed. Every challenge names the metadata URL, so a client can find the authorization server.
 */
export function challenge(r: ProtectedResource, kind: ChallengeKind, description?: string, scopes?: readonly string[]): Challenge {
  const parts: string[] = [];
  if (kind !== 'missing') parts.push(`error=${quoted(kind)}`);
  if (description !== undefined && kind !== 'missing') parts.push(`error_description=${quoted(description)}`);
  const scope = scopes ?? (kind === 'missing' || kind === 'invalid_token' ? r.requiredScopes : []);
  if (scope.length > 0) parts.push(`scope=${quoted(scope.join(' '))}`);
  parts.push(`resource_metadata=${quoted(r.metadataUrl)}`);
  const body = JSON.stringify(kind === 'missing' ? { error: 'unauthorized', error_description: 'a bearer token is required' } : { error: kind, error_description: description ?? kind });
  return {
    status: kind === 'insufficient_scope' ? 403 : 401,
    headers: { 'www-authenticate': `Bearer ${parts.join(', ')}`, 'content-type': 'application/json', 'cache-control': 'no-store' },
    body,
  };
}

export type BearerResult = { ok: true; token: string } | { ok: false; kind: 'missing' | 'invalid_request'; reason: string; detail: string };

/**
 * The bearer token of a request: only from `Authorization: Bearer` (MCP authorization §Token Requirements). A
 * credential in the query string is refused even when a header is present; so is an `api-key` header (those are
 * the OpenAI gateway's keys, not tokens issued for this resource) and anything that is not a compact JWT.
 */
export function bearerToken(headers: IncomingHttpHeaders, url: string | undefined): BearerResult {
  if (headers['api-key'] !== undefined) return { ok: false, kind: 'invalid_request', reason: 'malformed', detail: 'only an Authorization: Bearer token is accepted here' };
  const c = extractCredential(headers, url);
  if (!c.ok) {
    if (c.reason === 'missing') return { ok: false, kind: 'missing', reason: 'missing', detail: c.detail };
    return { ok: false, kind: 'invalid_request', reason: c.reason, detail: c.detail };
  }
  if (c.credential.kind !== 'jwt') return { ok: false, kind: 'invalid_request', reason: 'malformed', detail: 'the bearer token is not a JWT' };
  return { ok: true, token: c.credential.value };
}

/** A verification failure as the client sees it: a generic description (the reason goes to the event, not to the caller). */
export function describeFailure(v: Extract<JwtVerification, { ok: false }>): string {
  switch (v.reason) {
    case 'expired':
      return 'the token has expired';
    case 'not_yet_valid':
      return 'the token is not yet valid';
    case 'bad_audience':
      return 'the token was not issued for this resource';
    default:
      return 'the token is invalid';
  }
}

/** Origin as browsers send it: scheme://host[:port], lower-cased. */
function normaliseOrigin(value: string): string | undefined {
  if (value === 'null') return 'null';
  try {
    const u = new URL(value);
    return u.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Origin validation (MCP transports §Security Warning, DNS rebinding): a request without Origin is not from a
 * browser and passes; with one, it must be the gateway's own origin or configured. `null` and malformed origins fail.
 */
export function createOriginCheck(allowed: readonly string[], own: string): (origin: string | string[] | undefined) => boolean {
  const set = new Set<string>();
  for (const a of [...allowed, own]) {
    const n = normaliseOrigin(a);
    if (n !== undefined && n !== 'null') set.add(n);
  }
  return (origin) => {
    if (origin === undefined) return true;
    if (Array.isArray(origin)) return false;
    const n = normaliseOrigin(origin);
    return n !== undefined && set.has(n);
  };
}

type JsonRpcLike = { method?: unknown; params?: unknown };

/**
 * The 2026-07-28 wire's routing headers must agree with the body (else `Mcp-Name` becomes a policy bypass): when
 * `Mcp-Method` is present it must equal the method, and `Mcp-Name` the tool / prompt name or resource URI. Returns
 * the mismatch, or undefined. Only single messages carry them; a batch with the headers is a mismatch.
 */
export function headerMismatch(headers: IncomingHttpHeaders, body: unknown): string | undefined {
  const method = headers['mcp-method'];
  const name = headers['mcp-name'];
  if (method === undefined && name === undefined) return undefined;
  if (Array.isArray(body) || typeof body !== 'object' || body === null) return 'Mcp-Method / Mcp-Name headers on a batch or a non-request body';
  const msg = body as JsonRpcLike;
  if (method !== undefined && method !== msg.method) return 'Mcp-Method does not match the request method';
  if (name !== undefined) {
    const p = (typeof msg.params === 'object' && msg.params !== null ? msg.params : {}) as Record<string, unknown>;
    const target = typeof p.name === 'string' ? p.name : typeof p.uri === 'string' ? p.uri : undefined;
    if (target !== name) return 'Mcp-Name does not match the request target';
  }
  return undefined;
}

/** Required scopes the principal's token lacks. */
export function lacking(principal: Principal, required: readonly string[]): string[] {
  if (required.length === 0) return [];
  const granted = principal.scopes ?? [];
  return required.filter((s) => !granted.includes(s));
}
