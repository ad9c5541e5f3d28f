// The credential a request presents (Authorization: Bearer, or Azure-style api-key header) and what kind it is.
// Failures are typed (auth-error.ts turns them into the 401); the credential value never appears in a message.

export const API_KEY_PREFIX = 'bwk_';
/** Longer credentials are refused before any parsing: a 1 MB header costs one length check. */
export const MAX_CREDENTIAL_LENGTH = 8192;

export type CredentialKind = 'api-key' | 'jwt';
export type CredentialSource = 'authorization' | 'api-key';

export interface PresentedCredential {
  readonly kind: CredentialKind;
  /** The credential itself: pass it to the verifier, never to logs, events or upstream. */
  readonly value: string;
  readonly source: CredentialSource;
}

export type CredentialFailureReason = 'missing' | 'malformed' | 'credential_in_query' | 'conflicting';

export type CredentialResult =
  | { readonly ok: true; readonly credential: PresentedCredential }
  | { readonly ok: false; readonly reason: CredentialFailureReason; readonly detail: string };

/** Header values as node:http gives them (lower-cased names). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

// RFC 6750 b64token. No quantified group over overlapping classes: linear.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// header.payload.signature; '.' is outside every class, so matching is linear. An empty signature (alg none)
// still classifies as a JWT so that the verifier, not the classifier, rejects it.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const API_KEY_SHAPE = /^bwk_[A-Za-z0-9_-]+$/;
const BEARER = /^bearer +/i;

// Query parameters that carry credentials in the wild (OAuth access_token, Gemini key, api_key, ...), compared
// lower-cased with '-' and '_' removed.
const QUERY_CREDENTIAL_NAMES = new Set(['accesstoken', 'apikey', 'key', 'token', 'jwt', 'auth', 'authorization', 'bearer', 'idtoken', 'xapikey', 'secret']);
const NAME_SEPARATORS = /[-_]/g;

/** The kind of a token by its shape, or undefined when it is neither a Bulwark key nor a compact JWT. */
export function classifyToken(token: string): CredentialKind | undefined {
  if (token.length === 0 || token.length > MAX_CREDENTIAL_LENGTH) return undefined;
  if (token.startsWith(API_KEY_PREFIX)) return API_KEY_SHAPE.test(token) ? 'api-key' : undefined;
  return JWT_SHAPE.test(token) ? 'jwt' : undefined;
}

function single(v: string | readonly string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  // node:http joins repeated custom headers with ", "; an array comes from other callers. Either way several
  // values for one credential header are ambiguous: returning the joined form makes the shape check reject it.
  return typeof v === 'string' ? v : v.join(', ');
}

/** True when the URL's query string has a parameter that carries a credential. */
export function hasQueryCredential(url: string | undefined): boolean {
  if (url === undefined) return false;
  const q = url.indexOf('?');
  if (q < 0) return false;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  if (query.length === 0) return false;
  for (const name of new URLSearchParams(query).keys()) {
    if (QUERY_CREDENTIAL_NAMES.has(name.toLowerCase().replace(NAME_SEPARATORS, ''))) return true;
  }
  return false;
}

function fail(reason: CredentialFailureReason, detail: string): CredentialResult {
  return { ok: false, reason, detail };
}

function fromValue(value: string, source: CredentialSource): CredentialResult {
  if (value.length > MAX_CREDENTIAL_LENGTH) return fail('malformed', `credential longer than ${MAX_CREDENTIAL_LENGTH} characters`);
  if (!B64TOKEN.test(value)) return fail('malformed', 'credential has characters outside the bearer token alphabet');
  const kind = classifyToken(value);
  if (kind === undefined) return fail('malformed', `expected a Bulwark API key (${API_KEY_PREFIX}...) or a JWT`);
  return { ok: true, credential: { kind, value, source } };
}

/**
 * The credential presented with a request. `url` is the request target (path and query): credentials in the
 * query string end up in access logs and browser history, so a request carrying one is refused outright.
 */
export function extractCredential(headers: RequestHeaders, url?: string): CredentialResult {
  if (hasQueryCredential(url)) return fail('credential_in_query', 'credential passed in the query string');

  const authorization = single(headers['authorization']);
  const apiKey = single(headers['api-key']);

  let fromAuth: string | undefined;
  if (authorization !== undefined) {
    if (authorization.length > MAX_CREDENTIAL_LENGTH + 16) return fail('malformed', 'Authorization header too long');
    const m = BEARER.exec(authorization);
    if (m === null) return fail('malformed', 'Authorization scheme must be Bearer');
    fromAuth = authorization.slice(m[0].length).trimEnd();
    if (fromAuth.length === 0) return fail('malformed', 'empty bearer token');
  }
  if (apiKey !== undefined && apiKey.trim().length === 0) return fail('malformed', 'empty api-key header');

  if (fromAuth !== undefined && apiKey !== undefined && fromAuth !== apiKey.trim()) {
    return fail('conflicting', 'Authorization and api-key headers carry different credentials');
  }
  if (fromAuth !== undefined) return fromValue(fromAuth, 'authorization');
  if (apiKey !== undefined) return fromValue(apiKey.trim(), 'api-key');
  return fail('missing', 'no credential');
}
