// The gateway's authenticator: API keys from the store, JWT bearer tokens, or the anonymous principal, with the
// HTTP answer for each failure. The credential itself never leaves this module.
import type { IncomingMessage } from 'node:http';
import type { ApiKeyStore } from '../store/api-keys.js';
import type { BlockList } from '../store/blocks.js';
import { authError } from './auth/auth-error.js';
import { extractCredential } from './auth/credentials.js';
import type { JwtVerifier } from './auth/jwt.js';
import { anonymousPrincipal, principalFromApiKey, type Principal } from './auth/principal.js';
import type { AuthOutcome, Authenticator } from './deps.js';

export interface AuthenticatorOptions {
  keys?: ApiKeyStore;
  jwt?: JwtVerifier;
  /** When set, requests without a credential run as this principal. */
  anonymous?: Principal;
  /** Principals and source addresses blocked by alert rules or operators (checked in memory). */
  blocks?: BlockList;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { keys, jwt, anonymous, blocks } = options;
  const BLOCKED: AuthOutcome = { ok: false, reason: 'blocked', response: authError('blocked') };
  const admitted = (principal: Principal): AuthOutcome => (blocks?.isBlocked('principal', principal.name) ? BLOCKED : { ok: true, principal });
  return {
    authenticate(req: IncomingMessage): AuthOutcome | Promise<AuthOutcome> {
      const address = req.socket.remoteAddress;
      if (blocks && address !== undefined && blocks.isBlocked('source', address)) return BLOCKED;
      const credential = extractCredential(req.headers, req.url);
      if (!credential.ok) {
        if (credential.reason === 'missing' && anonymous) return admitted(anonymous);
        return { ok: false, reason: credential.reason, response: authError(credential.reason) };
      }
      const { kind, value } = credential.credential;
      if (kind === 'api-key') {
        if (!keys) return { ok: false, reason: 'unknown', response: authError('unknown') };
        const v = keys.verify(value);
        if (!v.ok) return { ok: false, reason: v.reason, response: authError(v.reason) };
        return admitted(principalFromApiKey(v.key));
      }
      if (!jwt) return { ok: false, reason: 'malformed', response: authError('malformed') };
      return jwt.verify(value).then((r): AuthOutcome => (r.ok ? admitted(r.principal) : { ok: false, reason: r.reason, response: authError(r.reason) }));
    },
  };
}

export { anonymousPrincipal };
