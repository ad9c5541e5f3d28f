// The HTTP answer to a failed authentication: status, WWW-Authenticate (RFC 6750) and an OpenAI-style error body,
// built once per reason at load time. Messages stay generic: the exact reason belongs in the SecurityEvent.
import type { CredentialFailureReason } from './credentials.js';
import type { JwtFailureReason } from './jwt.js';

/** Reasons from src/store/api-keys.ts verify(): a wrong secret is `unknown`, like an unknown id. */
export type ApiKeyFailureReason = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'suspended';

/** `blocked`: an automated response (or an operator) blocked the principal or the source address for a while. */
export type AuthFailureReason = CredentialFailureReason | JwtFailureReason | ApiKeyFailureReason | 'blocked';

export interface HttpErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Serialised JSON: `{"error":{"message","type","param","code"}}`. */
  readonly body: string;
}

export interface AuthErrorResponse extends HttpErrorResponse {
  readonly status: 401 | 403 | 503;
}

const REALM = 'Bearer realm="bulwark"';

interface Spec {
  status: 401 | 403 | 503;
  /** RFC 6750 error code for WWW-Authenticate; undefined = bare challenge (no credential was sent). */
  bearerError?: 'invalid_request' | 'invalid_token';
  code: string;
  message: string;
}

const INVALID_TOKEN: Spec = { status: 401, bearerError: 'invalid_token', code: 'invalid_token', message: 'The access token is invalid.' };

const SPECS: Record<AuthFailureReason, Spec> = {
  missing: {
    status: 401,
    code: 'missing_credential',
    message: 'No credential provided. Send "Authorization: Bearer <API key or token>".',
  },
  malformed: {
    status: 401,
    bearerError: 'invalid_request',
    code: 'invalid_credential',
    message: 'The credential is malformed: expected a Bulwark API key (bwk_...) or a JWT.',
  },
  credential_in_query: {
    status: 401,
    bearerError: 'invalid_request',
    code: 'credential_in_query',
    message: 'Credentials in the URL are not accepted; send them in the Authorization header.',
  },
  conflicting: {
    status: 401,
    bearerError: 'invalid_request',
    code: 'conflicting_credentials',
    message: 'The Authorization and api-key headers carry different credentials.',
  },
  unknown: { status: 401, bearerError: 'invalid_token', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  // A revoked key gets the same answer as an unknown one: the holder learns nothing an attacker could use.
  revoked: { status: 401, bearerError: 'invalid_token', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  expired: { status: 401, bearerError: 'invalid_token', code: 'credential_expired', message: 'The credential has expired.' },
  suspended: { status: 401, bearerError: 'invalid_token', code: 'key_suspended', message: 'This API key is temporarily suspended.' },
  blocked: { status: 403, code: 'access_blocked', message: 'Access from this client is temporarily blocked.' },
  not_yet_valid: INVALID_TOKEN,
  bad_audience: INVALID_TOKEN,
  bad_issuer: INVALID_TOKEN,
  bad_signature: INVALID_TOKEN,
  alg_not_allowed: INVALID_TOKEN,
  unknown_key: INVALID_TOKEN,
  invalid_claims: INVALID_TOKEN,
  jwks_unavailable: {
    status: 503,
    code: 'auth_unavailable',
    message: "The identity provider's signing keys could not be fetched; try again shortly.",
  },
};

function build(spec: Spec): AuthErrorResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (spec.status === 401) {
    headers['www-authenticate'] = spec.bearerError === undefined ? REALM : `${REALM}, error="${spec.bearerError}"`;
  } else if (spec.status === 503) {
    headers['retry-after'] = '5';
  }
  const type = spec.status === 401 ? 'invalid_request_error' : spec.status === 403 ? 'permission_error' : 'server_error';
  const body = JSON.stringify({ error: { message: spec.message, type, param: null, code: spec.code } });
  return Object.freeze({ status: spec.status, headers: Object.freeze(headers), body });
}

const RESPONSES = new Map<AuthFailureReason, AuthErrorResponse>(
  (Object.keys(SPECS) as AuthFailureReason[]).map((r) => [r, build(SPECS[r])]),
);

/** The response for an authentication failure (401; 403 when blocked; 503 when the identity provider cannot be reached). */
export function authError(reason: AuthFailureReason): AuthErrorResponse {
  const r = RESPONSES.get(reason);
  if (r === undefined) throw new TypeError(`unknown auth failure reason: ${String(reason)}`);
  return r;
}

/** 403 for a model outside the principal's allowlist. The model name is echoed JSON-escaped and truncated. */
export function modelNotAllowedError(model: string): HttpErrorResponse {
  const shown = model.length > 128 ? `${model.slice(0, 128)}...` : model;
  return {
    status: 403,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      error: { message: `This credential may not use model ${JSON.stringify(shown)}.`, type: 'permission_error', param: 'model', code: 'model_not_allowed' },
    }),
  };
}
