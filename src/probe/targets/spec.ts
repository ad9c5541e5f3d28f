// What a suite may say about a target: the zod-validated TargetSpec union (openai, gateway, http, command,
// simulated). Strict objects: a misspelt key is an error that names it, never a silently ignored option.
import { z } from 'zod';
import { configError } from '../../policy/issues.js';
import { convertIssues, messageFor } from '../../policy/zod-issues.js';

const SIMULATED_PROFILES = ['naive', 'hardened', 'echo'] as const;
export type SimulatedProfile = (typeof SIMULATED_PROFILES)[number];

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name');
const headers = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'must be an HTTP header name'), z.string().max(8192));
const timeoutMs = z.number().int().min(1).max(3_600_000);

export const openAiSpecSchema = z.strictObject({
  type: z.literal('openai'),
  /** e.g. https://api.openai.com/v1 (the chat path is appended). */
  baseUrl: httpUrl,
  model: z.string().min(1).max(256),
  /** Name of the environment variable holding the API key (the key itself never goes in a suite). */
  apiKeyEnv: envName.optional(),
  /** Extra headers; values may hold `{{env:NAME}}` references. */
  headers: headers.optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  timeoutMs: timeoutMs.optional(),
});

export const gatewaySpecSchema = z.strictObject({
  type: z.literal('gateway'),
  /** The gateway's base URL, with or without /v1. */
  url: httpUrl,
  /** Variable holding the Bulwark API key; absent for an anonymous (loopback) gateway. */
  apiKeyEnv: envName.optional(),
  model: z.string().min(1).max(256),
  timeoutMs: timeoutMs.optional(),
});

export const httpSpecSchema = z.strictObject({
  type: z.literal('http'),
  url: httpUrl,
  method: z.enum(['POST', 'PUT', 'PATCH']).optional(),
  headers: headers.optional(),
  /**
   * The request body: a JSON template string or an object; `{{prompt}}`, `{{messages}}`, `{{system}}` and
   * `{{sessionId}}` are filled in, JSON-escaped for where they stand.
   */
  body: z.union([z.string().max(1_000_000), z.record(z.string(), z.unknown())]).optional(),
  /** `json` (default): placeholders are JSON-escaped; `text`: inserted as they are (form or plain bodies). */
  bodyFormat: z.enum(['json', 'text']).optional(),
  /** Where the answer is in the response JSON, e.g. `$.choices[0].message.content`; absent: the whole body as text. */
  responsePath: z.string().min(1).max(1024).optional(),
  /** Where the session id comes back in the response JSON. */
  sessionPath: z.string().min(1).max(1024).optional(),
  /** Header the session id is sent in on later turns (and read from when sessionPath is absent). */
  sessionHeader: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'must be an HTTP header name').optional(),
  timeoutMs: timeoutMs.optional(),
});

export const commandSpecSchema = z.strictObject({
  type: z.literal('command'),
  /** argv: the program and its arguments; run without a shell. */
  command: z.array(z.string().max(32_768)).min(1).max(256),
  /** `text` (default): the last user message on stdin; `json`: the whole TargetRequest as JSON. */
  input: z.enum(['text', 'json']).optional(),
  timeoutMs: timeoutMs.optional(),
  maxOutputBytes: z.number().int().min(1).max(256 * 1024 * 1024).optional(),
});

export const simulatedSpecSchema = z.strictObject({
  type: z.literal('simulated'),
  profile: z.enum(SIMULATED_PROFILES),
});

const SIMULATED_STRING = /^simulated:(naive|hardened|echo)$/;

/** Every target form; the string `simulated:<profile>` is accepted as a shorthand. */
export const targetSpecSchema = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const m = SIMULATED_STRING.exec(v);
    return m ? { type: 'simulated', profile: m[1] } : v;
  },
  z.discriminatedUnion('type', [openAiSpecSchema, gatewaySpecSchema, httpSpecSchema, commandSpecSchema, simulatedSpecSchema]),
);

export type OpenAiTargetSpec = z.infer<typeof openAiSpecSchema>;
export type GatewayTargetSpec = z.infer<typeof gatewaySpecSchema>;
export type HttpTargetSpec = z.infer<typeof httpSpecSchema>;
export type CommandTargetSpec = z.infer<typeof commandSpecSchema>;
export type SimulatedTargetSpec = z.infer<typeof simulatedSpecSchema>;
export type TargetSpec = OpenAiTargetSpec | GatewayTargetSpec | HttpTargetSpec | CommandTargetSpec | SimulatedTargetSpec;
/** What a suite may write: a TargetSpec or the `simulated:<profile>` shorthand. */
export type TargetSpecInput = TargetSpec | `simulated:${SimulatedProfile}`;

/** Validates a target as written in a suite; throws BulwarkError ERR_CONFIG_INVALID naming the bad key. */
export function parseTargetSpec(input: unknown, source = 'target'): TargetSpec {
  if (typeof input === 'string' && !SIMULATED_STRING.test(input)) {
    throw configError([{ source, path: '', message: `unknown target "${input.slice(0, 64)}" (expected simulated:naive, simulated:hardened, simulated:echo or a target object)` }]);
  }
  const parsed = targetSpecSchema.safeParse(input, { error: messageFor });
  if (parsed.success) return parsed.data as TargetSpec;
  throw configError(convertIssues(parsed.error.issues, targetSpecSchema as unknown as z.ZodType, source, () => undefined));
}
