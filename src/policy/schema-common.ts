// Schema parts shared by the gateway's configuration (schema.ts) and the MCP gateway's section (mcp/gateway/config.ts).
import { z } from 'zod';

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * https, or http to a loopback host (tests, a sidecar), without credentials in it: a key set, a token endpoint or an
 * upstream reached over plain http could be swapped or read, and a URL ends up in logs.
 */
export const secureUrlSchema = z.string().superRefine((value, ctx) => {
  const url = parseUrl(value);
  const ok = url && (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)));
  if (!ok) ctx.addIssue({ code: 'custom', message: 'must be an https:// URL (http:// only to a loopback host)' });
  else if (url.username !== '' || url.password !== '') ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
});

/**
 * JWT algorithms we accept: asymmetric only. HS* is refused so that a public key can never be used as an HMAC
 * secret (the RS/HS confusion), and `none` is never accepted.
 */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

export const secretRefSchema = z
  .strictObject(
    {
      env: z.string().regex(ENV_NAME, 'must be an environment variable name (letters, digits and "_", not starting with a digit)').optional(),
      file: z.string().min(1).max(4096).optional(),
    },
    {
      error: (iss) =>
        iss.code === 'invalid_type' ? 'expected { env: NAME } or { file: PATH }; keys are never written in the config file itself' : undefined,
    },
  )
  .refine((s) => (s.env === undefined) !== (s.file === undefined), 'give exactly one of env or file')
  .describe('where the secret comes from at start-up: an environment variable or a file (trailing newline removed)');
