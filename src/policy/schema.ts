// The zod schema of bulwark.yaml: server, upstreams, auth, limits, policies, routes, alerts (strict: unknown keys are errors).
import { z } from 'zod';
import { alertsSchema } from '../monitor/rules/alert-schema.js';
import { mcpSchema } from '../mcp/gateway/config.js';
import { JWT_ALGORITHMS, parseUrl, secretRefSchema, secureUrlSchema } from './schema-common.js';

export { JWT_ALGORITHMS, secretRefSchema };

/** Time budget of a rule that names none: covers a ~40 KB text for the slowest shipped detector (measured 3.7 ms / 16 KB). */
export const DEFAULT_BUDGET_MS = 10;
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Budget added per KB of scanned text, so that a long answer is not failed for being long: the slowest shipped
 * detector costs ~0.23 ms per KB on one core (3.7 ms / 16 KB); twice that leaves room for a loaded machine.
 */
export const DEFAULT_BUDGET_MS_PER_KB = 0.5;
/** Largest non-streaming upstream answer read into memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export const ACTIONS = ['block', 'redact', 'flag'] as const;
export const FAIL_MODES = ['open', 'closed'] as const;
export const STREAMING_MODES = ['buffer', 'holdback', 'observe'] as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CLAIM = /^[\x21-\x7e]{1,128}$/;

const nameSchema = z
  .string()
  .regex(NAME, 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit')
  .describe('a name: letters, digits, "_", "." and "-"');

/** A glob: `*` matches any run of characters (also `/`), `?` one character, everything else itself. */
const globSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\x00-\x1f\x7f]+$/, 'must not contain control characters')
  .describe('glob: * matches any run of characters, ? one character');

/** The detector id of a rule; checked against the registry by the loader (json-schema.ts adds the enum). */
export const detectorIdSchema = z.string().min(1).max(128).describe('registered detector id (see `bulwark detectors list`)');

/** http(s) URL without credentials in it: secrets belong in apiKey, never in a URL that ends up in logs. */
const httpUrlSchema = z.string().superRefine((value, ctx) => {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
  } else if (url.username !== '' || url.password !== '') {
    ctx.addIssue({ code: 'custom', message: 'must not contain credentials; use apiKey: { env | file }' });
  }
});

/** Keys fetched over plain http could be swapped: https, or http to a loopback host (tests, a sidecar IdP). */
const jwksUrlSchema = secureUrlSchema;

export const upstreamSchema = z.strictObject({
  name: nameSchema,
  url: httpUrlSchema.describe('base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1'),
  models: z.array(globSchema).min(1).max(256).default(['*']).describe('model name globs routed here; the first upstream that matches wins'),
  apiKey: secretRefSchema.optional(),
  timeoutMs: z.int().min(1).max(3_600_000).default(60_000),
});

export const serverSchema = z.strictObject({
  port: z.int().min(0).max(65535).default(8787),
  host: z.string().min(1).max(255).default('127.0.0.1'),
  bodyLimitBytes: z.int().min(1024).max(64 * 1024 * 1024).default(DEFAULT_BODY_LIMIT_BYTES),
  maxResponseBytes: z
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(DEFAULT_MAX_RESPONSE_BYTES)
    .describe('largest non-streaming upstream answer the gateway reads (a larger one is answered 502)'),
});

export const jwtSchema = z
  .strictObject({
    issuer: z.string().min(1).max(2048).describe('expected iss, compared exactly'),
    audience: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'expected a string or a list of strings' })
      .describe('expected aud, compared exactly'),
    jwksUrl: jwksUrlSchema.optional(),
    publicKey: z
      .string()
      .regex(/^\s*-----BEGIN (?:PUBLIC KEY|CERTIFICATE)-----/, 'must be a PEM public key (SPKI) or certificate')
      .optional(),
    algorithms: z
      .array(z.enum(JWT_ALGORITHMS, { error: `must be one of ${JWT_ALGORITHMS.join(', ')} (asymmetric only)` }))
      .min(1)
      .default(['RS256']),
    clockSkewSeconds: z.int().min(0).max(300).default(30),
    principalClaim: z.string().regex(CLAIM).default('sub'),
    policyClaim: z.string().regex(CLAIM).optional(),
    modelsClaim: z.string().regex(CLAIM).optional(),
  })
  .refine((j) => (j.jwksUrl === undefined) !== (j.publicKey === undefined), 'give exactly one of jwksUrl or publicKey');

export const authSchema = z.strictObject({
  apiKeys: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  jwt: jwtSchema.optional(),
  anonymous: z
    .strictObject({
      enabled: z.boolean().default(false),
      policy: nameSchema.optional().describe('policy for requests without credentials (default: defaultPolicy)'),
    })
    .prefault({}),
});

/** Defaults per principal; an API key's own rpm/tpm override the first two. */
export const limitsSchema = z.strictObject({
  requestsPerMinute: z.int().min(1).default(600),
  tokensPerMinute: z.int().min(1).default(100_000),
  concurrency: z.int().min(1).default(32),
  maxMessages: z.int().min(1).default(256),
  maxTokens: z.int().min(1).default(32_768),
});

export const ruleSchema = z.strictObject({
  detector: detectorIdSchema,
  action: z.enum(ACTIONS),
  threshold: z.number().min(0).max(1).optional().describe("merged into the detector's options"),
  budgetMs: z.number().positive().max(60_000).default(DEFAULT_BUDGET_MS),
  budgetMsPerKb: z
    .number()
    .min(0)
    .max(1_000)
    .default(DEFAULT_BUDGET_MS_PER_KB)
    .describe('added to budgetMs for every KB of text scanned (the budget grows with the text)'),
  failMode: z.enum(FAIL_MODES).optional().describe('what a failed or timed-out detector does; default: closed for block, open otherwise'),
  options: z.record(z.string(), z.unknown()).default({}).describe("the detector's own options, validated against its schema"),
});

const stageRules = z.array(ruleSchema).max(64).default([]);

export const streamingSchema = z.strictObject({
  mode: z.enum(STREAMING_MODES).default('holdback'),
  windowChars: z.int().min(1).max(1_048_576).default(256),
});

export const policySchema = z.strictObject({
  input: stageRules,
  output: stageRules,
  tool_call: stageRules,
  tool_result: stageRules,
  streaming: streamingSchema.prefault({}),
  detectionsInBody: z.boolean().default(false),
  restoreRedactions: z.boolean().default(true),
  logPromptText: z.boolean().default(false),
});

export const routeSchema = z.strictObject({
  path: globSchema
    .refine((p) => p.startsWith('/') || p.startsWith('*'), 'must start with "/" or "*"')
    .default('*')
    .describe('request path glob (no query string), e.g. /v1/chat/*'),
  principal: globSchema.optional().describe('principal id glob; a route with one never matches anonymous requests'),
  policy: nameSchema,
});

/** A SIEM destination: a sink URL (src/monitor/sinks), optionally named so that alert rules can notify it by name. */
export const sinkSchema = z.union([
  z.string().min(1).max(4096),
  z.strictObject({ name: nameSchema.optional(), url: z.string().min(1).max(4096) }),
]);

export const outboxSchema = z.strictObject({
  batchSize: z.int().min(1).max(1000).default(100),
  maxAttempts: z.int().min(1).max(1_000_000).default(10).describe('refusals of one batch before it is dead-lettered'),
  pollIntervalMs: z.int().min(10).max(3_600_000).default(1000).describe('how often events of other processes are looked for'),
  startFrom: z.enum(['latest', 'oldest']).default('latest').describe('where a new sink starts: new events, or every stored event'),
});

export const configSchema = z
  .strictObject({
    version: z.literal(1, { error: (iss) => (iss.input === undefined ? 'is required' : 'must be 1') }),
    server: serverSchema.prefault({}),
    upstreams: z.array(upstreamSchema).max(256).default([]).describe('OpenAI-compatible model servers; at least one unless the file configures only the MCP gateway'),
    auth: authSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    policies: z.record(nameSchema, policySchema).optional().describe('named policies; omitted: the built-in default policy'),
    routes: z.array(routeSchema).max(1024).default([]).describe('first match wins; no match: the principal\'s policy, then defaultPolicy'),
    defaultPolicy: nameSchema.default('default'),
    alerts: alertsSchema,
    sinks: z.array(sinkSchema).max(32).default([]).describe('where security events go: file://, syslog+udp|tcp|tls://, splunk-hec+https://, webhook+https://, otlp+http://'),
    outbox: outboxSchema.prefault({}),
    mcp: mcpSchema.optional(),
  })
  // Runs even when other keys have problems (`when`), so that a file missing both is told so with the rest.
  .refine(
    (c: { upstreams?: unknown; mcp?: unknown }) => c.mcp !== undefined || !Array.isArray(c.upstreams) || c.upstreams.length > 0,
    { path: ['upstreams'], message: 'at least one upstream is required', when: () => true },
  )
  .describe('Bulwark gateway configuration (bulwark.yaml)');

export type SecretRef = z.output<typeof secretRefSchema>;
export type UpstreamConfig = z.output<typeof upstreamSchema>;
export type ServerConfig = z.output<typeof serverSchema>;
export type JwtConfig = z.output<typeof jwtSchema>;
export type AuthConfig = z.output<typeof authSchema>;
export type LimitsConfig = z.output<typeof limitsSchema>;
export type RuleConfig = z.output<typeof ruleSchema>;
export type PolicyConfig = z.output<typeof policySchema>;
export type RouteConfig = z.output<typeof routeSchema>;
/** A validated configuration: every default applied, `policies` filled in when the file has none. */
export type BulwarkConfig = Omit<z.output<typeof configSchema>, 'policies'> & { policies: Record<string, PolicyConfig> };
/** What a file or defaultConfig may write (defaults omitted). */
export type BulwarkConfigInput = z.input<typeof configSchema>;
export type PolicyConfigInput = z.input<typeof policySchema>;
