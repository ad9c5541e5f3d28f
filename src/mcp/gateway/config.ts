// The `mcp:` section of bulwark.yaml: the MCP gateway's public address, its OAuth resource-server settings, and
// one entry per upstream MCP server (where it is reached, the credential the gateway uses for it, scopes, per
// principal tool access, pins, and the policy whose tool_call / tool_result rules guard its traffic).
import { z } from 'zod';
import { JWT_ALGORITHMS, parseUrl, secretRefSchema, secureUrlSchema } from '../../policy/schema-common.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const CLAIM = /^[\x21-\x7e]{1,128}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** An OAuth scope token (RFC 6749 §3.3: printable ASCII without space, `"` and `\`). */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
/** A URL path of the gateway: `/` then segments of unreserved characters. */
const PATH = /^(?:\/[A-Za-z0-9._~-]+)+$/;

const globSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\x00-\x1f\x7f]+$/, 'must not contain control characters');

const scopeSchema = z.string().regex(SCOPE, 'must be an OAuth scope: printable ASCII without spaces, quotes or backslashes');

/** The authorization server whose tokens the gateway accepts (per server, or shared under `mcp.auth`). */
export const mcpAuthSchema = z
  .strictObject({
    issuer: z.string().min(1).max(2048).describe('expected iss, compared exactly; also listed as the authorization server in the resource metadata'),
    jwksUrl: secureUrlSchema.optional(),
    publicKey: z
      .string()
      .regex(/^\s*-----BEGIN (?:PUBLIC KEY|CERTIFICATE)-----/, 'must be a PEM public key (SPKI) or certificate')
      .optional(),
    algorithms: z
      .array(z.enum(JWT_ALGORITHMS, { error: `must be one of ${JWT_ALGORITHMS.join(', ')} (asymmetric only)` }))
      .min(1)
      .default(['RS256', 'ES256', 'EdDSA']),
    clockSkewSeconds: z.int().min(0).max(300).default(30),
    principalClaim: z.string().regex(CLAIM).default('sub'),
    authorizationServers: z
      .array(z.string().min(1).max(2048))
      .min(1)
      .max(16)
      .optional()
      .describe('authorization_servers of the RFC 9728 metadata (default: [issuer])'),
  })
  .refine((j) => (j.jwksUrl === undefined) !== (j.publicKey === undefined), 'give exactly one of jwksUrl or publicKey');

export const tokenExchangeSchema = z
  .strictObject({
    tokenUrl: secureUrlSchema.describe('the authorization server token endpoint (RFC 8693 token exchange)'),
    clientId: z.string().min(1).max(256),
    clientSecret: secretRefSchema.optional().describe('client secret, sent with HTTP Basic authentication'),
    audience: z.string().min(1).max(2048).optional().describe('audience of the exchanged token (default: the upstream URL)'),
    scope: z.array(scopeSchema).max(64).optional(),
  })
  .describe("the gateway trades the caller's token for one issued to the upstream (never passes the caller's own)");

const envValueSchema = z.union([z.string().max(8192), secretRefSchema]);

export const stdioUpstreamSchema = z.strictObject({
  command: z.string().min(1).max(4096).describe('executable started without a shell, once per client session'),
  args: z.array(z.string().max(8192)).max(256).default([]),
  env: z
    .record(z.string().regex(ENV_NAME), envValueSchema)
    .default({})
    .describe('environment of the server (besides PATH and HOME): plain values, or { env } / { file } secrets'),
  cwd: z.string().min(1).max(4096).optional(),
});

export const httpUpstreamSchema = z
  .strictObject({
    url: secureUrlSchema.describe('Streamable HTTP endpoint of the upstream MCP server'),
    credential: secretRefSchema.optional().describe("bearer token the gateway presents upstream (its own, never the caller's)"),
    headers: z.record(z.string().regex(HEADER_NAME), secretRefSchema).default({}).describe('extra headers, each from a secret'),
    tokenExchange: tokenExchangeSchema.optional(),
  })
  .refine((u) => !(u.credential && u.tokenExchange), 'give at most one of credential or tokenExchange');

export const accessRuleSchema = z.strictObject({
  principal: globSchema.describe('glob over the caller: its token subject (or the configured principalClaim)'),
  allow: z.array(globSchema).max(1024).optional().describe('tool name globs this caller may see and call (default: all)'),
  deny: z.array(globSchema).max(1024).default([]).describe('tool name globs hidden from and refused to this caller (deny wins)'),
});

export const mcpServerSchema = z
  .strictObject({
    name: z.string().regex(NAME, 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit'),
    path: z.string().regex(PATH, 'must be a URL path like /github/mcp').optional().describe('where clients reach it (default /<name>/mcp)'),
    stdio: stdioUpstreamSchema.optional(),
    http: httpUpstreamSchema.optional(),
    auth: mcpAuthSchema.optional().describe('overrides mcp.auth for this server'),
    audience: z
      .union([z.string().min(1).max(2048), z.array(z.string().min(1).max(2048)).min(1).max(16)])
      .optional()
      .describe("accepted token aud values, compared exactly (default: this server's resource URL)"),
    scopes: z.array(scopeSchema).max(64).default([]).describe('scopes every request to this server needs'),
    toolScopes: z.record(globSchema, z.array(scopeSchema).min(1).max(64)).default({}).describe('tool name glob → scopes a tools/call of it needs (403 insufficient_scope)'),
    access: z.array(accessRuleSchema).max(1024).default([]).describe('first rule whose principal glob matches decides; no match: every tool'),
    pins: z.string().min(1).max(4096).optional().describe('pin file from `bulwark mcp pin`: changed or new tool definitions (and changed server instructions) are hidden and refused until re-pinned; prompts and resources are not enforced'),
    pinName: z.string().min(1).max(256).optional().describe('server name in the pin file (default: name)'),
    descriptions: z.enum(['block', 'flag', 'off']).default('block').describe('poisoned tool descriptions (hidden directives, shadowing, invisible text): hide, only record, or skip the check'),
    policy: z.string().regex(NAME).optional().describe("policy whose tool_call and tool_result rules guard this server's traffic (default: defaultPolicy)"),
    timeoutMs: z.int().min(100).max(3_600_000).default(60_000).describe('longest wait for the upstream to answer one request'),
  })
  .refine((s) => (s.stdio === undefined) !== (s.http === undefined), 'give exactly one of stdio or http');

export const mcpSchema = z
  .strictObject({
    publicUrl: z
      .string()
      .max(2048)
      .superRefine((value, ctx) => {
        const url = parseUrl(value);
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname !== '/') {
          ctx.addIssue({ code: 'custom', message: 'must be an origin: http(s)://host[:port] without path, credentials, query or fragment' });
        }
      })
      .optional()
      .describe('origin clients use to reach the gateway (behind a TLS-terminating proxy); resource URLs are publicUrl + path. Default: http://host:port'),
    allowedOrigins: z.array(z.string().min(1).max(2048)).max(256).default([]).describe('Origin values accepted from browsers; any other Origin gets 403 (requests without Origin are not browsers)'),
    auth: mcpAuthSchema.optional(),
    sessionIdleSeconds: z.int().min(10).max(86_400).default(1800),
    maxSessionsPerPrincipal: z.int().min(1).max(10_000).default(32),
    maxSessions: z.int().min(1).max(1_000_000).default(4096),
    bodyLimitBytes: z.int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
    servers: z.array(mcpServerSchema).min(1).max(256),
  })
  .superRefine((m, ctx) => {
    const names = new Set<string>();
    const paths = new Set<string>();
    m.servers.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['servers', i, 'name'], message: `duplicate server name "${s.name}"` });
      names.add(s.name);
      const path = s.path ?? `/${s.name}/mcp`;
      if (paths.has(path)) ctx.addIssue({ code: 'custom', path: ['servers', i, 'path'], message: `duplicate path ${path}` });
      paths.add(path);
      if (!s.auth && !m.auth) ctx.addIssue({ code: 'custom', path: ['servers', i, 'auth'], message: 'no authorization server: set mcp.auth or this server\'s auth' });
    });
  })
  .describe('the MCP gateway (`bulwark mcp gateway`)');

export type McpAuthConfig = z.output<typeof mcpAuthSchema>;
export type TokenExchangeConfig = z.output<typeof tokenExchangeSchema>;
export type StdioUpstreamConfig = z.output<typeof stdioUpstreamSchema>;
export type HttpUpstreamConfig = z.output<typeof httpUpstreamSchema>;
export type AccessRule = z.output<typeof accessRuleSchema>;
export type McpServerConfig = z.output<typeof mcpServerSchema>;
export type McpGatewayConfig = z.output<typeof mcpSchema>;
