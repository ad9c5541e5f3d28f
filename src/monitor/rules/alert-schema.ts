// The zod schema of the `alerts:` section of bulwark.yaml: alert rules (match, group, threshold, window) and their
// automated responses. Strict like the rest of the configuration: unknown keys are errors at their line.
import { z } from 'zod';
import { DECISIONS, EVENT_KINDS } from '../../core/event.js';
import { STAGES } from '../../core/finding.js';
import { SEVERITIES } from '../../core/severity.js';
import { parseDuration } from '../../store/duration.js';

export const GROUP_BY = ['principal', 'source_ip', 'key'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const COUNT_UNITS = ['events', 'findings'] as const;

export const ALERT_ACTIONS = ['suspend_key', 'revoke_key', 'block_principal', 'block_source', 'notify', 'raise_severity', 'alert'] as const;
export type AlertActionName = (typeof ALERT_ACTIONS)[number];

/** Highest threshold: the sliding window keeps up to threshold+1 timestamps per group. */
export const MAX_THRESHOLD = 10_000;
export const MIN_WINDOW_MS = 1_000;
export const MAX_WINDOW_MS = 7 * 86_400_000;
export const MAX_RESPONSE_MS = 365 * 86_400_000;
export const MAX_ALERT_RULES = 256;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SINK_NAME = NAME;
/** `scheme://...` or `file:...`: the sink URL syntax of src/monitor/sinks (checked fully when the sink is built). */
const SINK_URL = /^[a-z][a-z0-9+.-]{0,31}:[^\s]{1,4096}$/;
/** Query keys that would put a credential into a URL that ends up in configs and events (use secret_env=). */
const SECRET_QUERY_KEYS = new Set(['token', 'secret', 'password', 'passwd', 'pass', 'key', 'apikey', 'api_key', 'auth', 'authorization']);

/** A duration such as 10m, 1h, 1h30m (units required), between `min` and `max` milliseconds. */
function durationSchema(min: number, max: number, what: string) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'expected a duration such as 30s, 10m, 1h or 1h30m') })
    .refine((s) => {
      const ms = parseDuration(s);
      return ms !== undefined && ms >= min && ms <= max;
    }, `${what} must be a duration such as 30s, 10m, 1h or 1h30m, from ${fmt(min)} to ${fmt(max)}`)
    .describe(`${what}: a duration such as 30s, 10m, 1h, 1h30m`);
}

function fmt(ms: number): string {
  return ms >= 86_400_000 ? `${ms / 86_400_000}d` : ms >= 60_000 ? `${ms / 60_000}m` : `${ms / 1_000}s`;
}

function oneOrMany<T extends z.ZodType>(item: T, what: string) {
  return z.union([item, z.array(item).min(1).max(64)], { error: `expected ${what} or a list of them` });
}

const stringItem = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const alertMatchSchema = z
  .strictObject({
    kind: oneOrMany(z.enum(EVENT_KINDS), `an event kind (${EVENT_KINDS.join(', ')})`)
      .optional()
      .describe('event kinds; default: every kind except response (so rules do not count their own responses)'),
    detector: oneOrMany(stringItem, 'a detector id').optional().describe('an event counts when one of its findings comes from this detector'),
    category: oneOrMany(stringItem, 'a finding category').optional().describe('finding categories, e.g. jailbreak, email'),
    decision: oneOrMany(z.enum(DECISIONS), `a decision (${DECISIONS.join(', ')})`).optional(),
    stage: oneOrMany(z.enum(STAGES), `a stage (${STAGES.join(', ')})`).optional(),
    min_severity: z.enum(SEVERITIES).optional().describe('only findings at least this severe (the event\'s severity when neither detector, category nor count: findings is given)'),
  })
  .describe('which events count; every given field must match');

const forSchema = z.strictObject({ for: durationSchema(MIN_WINDOW_MS, MAX_RESPONSE_MS, 'for') });
const emptySchema = z.strictObject({});

/** A sink URL (e.g. webhook+https://host/path?secret_env=HOOK) or the name of a configured sink. */
export const sinkRefSchema = z
  .string()
  .min(1)
  .max(4096)
  .superRefine((value, ctx) => {
    if (SINK_NAME.test(value)) return;
    if (!SINK_URL.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be a sink URL (e.g. webhook+https://host/path) or a sink name' });
      return;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid sink URL' });
      return;
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials; use secret_env=NAME in the query' });
    }
    for (const k of url.searchParams.keys()) {
      if (SECRET_QUERY_KEYS.has(k.toLowerCase())) ctx.addIssue({ code: 'custom', message: `must not carry a secret in "${k}="; use secret_env=NAME` });
    }
  })
  .describe('sink URL (webhook+https://..., syslog+tls://..., file:...) or sink name; secrets by secret_env=NAME only');

export const alertActionSchema = z
  .strictObject({
    suspend_key: forSchema.optional().describe("suspend the key(s) behind the group (or the triggering event's key) for a while"),
    revoke_key: emptySchema.nullable().optional().describe('revoke the key(s) for good'),
    block_principal: forSchema.optional().describe('refuse every request of the principal for a while'),
    block_source: forSchema.optional().describe('refuse every request from the source address for a while'),
    notify: z.strictObject({ sink: sinkRefSchema }).optional().describe('send the response event to a sink'),
    raise_severity: z
      .union([z.enum(SEVERITIES), z.strictObject({ to: z.enum(SEVERITIES) })], {
        error: `expected a severity (${SEVERITIES.join(', ')}) or { to: SEVERITY }`,
      })
      .optional()
      .describe("raise the group's matching events (until the window ends) and this rule's response events to this severity"),
    alert: z
      .strictObject({ severity: z.enum(SEVERITIES).optional(), message: z.string().max(256).optional() })
      .nullable()
      .optional()
      .describe('emit an alert event'),
  })
  .superRefine((a, ctx) => {
    const given = ALERT_ACTIONS.filter((k) => a[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `each action has exactly one of: ${ALERT_ACTIONS.join(', ')}${given.length > 1 ? ` (got ${given.join(', ')})` : ''}` });
    }
  });

export const alertRuleSchema = z.strictObject({
  name: z.string().regex(NAME, 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit'),
  description: z.string().max(256).optional(),
  enabled: z.boolean().default(true),
  match: alertMatchSchema,
  group_by: z.enum(GROUP_BY).default('principal').describe('principal: event principal; source_ip: attributes.sourceAddress; key: attributes.keyId'),
  count: z.enum(COUNT_UNITS).default('events').describe('count matching events, or their matching findings'),
  threshold: z.int().min(0).max(MAX_THRESHOLD).describe('the rule fires when MORE than this many are counted within the window (> threshold)'),
  window: durationSchema(MIN_WINDOW_MS, MAX_WINDOW_MS, 'window'),
  cooldown: durationSchema(MIN_WINDOW_MS, MAX_RESPONSE_MS, 'cooldown').optional().describe('quiet time per group after the rule fires; default: the window'),
  severity: z.enum(SEVERITIES).default('medium').describe("severity of the rule's response events"),
  actions: z.array(alertActionSchema).min(1, 'give at least one action').max(16),
});

export const alertsSchema = z
  .array(alertRuleSchema)
  .max(MAX_ALERT_RULES)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate alert rule name "${r.name}"` });
      seen.add(r.name);
    });
  })
  .default([])
  .describe('alert rules: counts of matching security events per group in a sliding window, and the responses when exceeded');

export type AlertMatchConfig = z.output<typeof alertMatchSchema>;
export type AlertActionConfig = z.output<typeof alertActionSchema>;
export type AlertRuleConfig = z.output<typeof alertRuleSchema>;
export type AlertRuleConfigInput = z.input<typeof alertRuleSchema>;
