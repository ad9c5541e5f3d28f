// OCSF mapping: every event shape the gateway and the other faces emit validates against the hand-written OCSF
// 1.8.0 JSON Schemas (ajv, draft-07), with the class, ids and profile attributes the mapping table promises.
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent, DECISIONS, EVENT_KINDS, type NewEvent, type SecurityEvent } from '../../core/event.js';
import type { Finding } from '../../core/finding.js';
import { SEVERITIES } from '../../core/severity.js';
import { formatEvent } from './index.js';
import { toOcsf } from './ocsf.js';
import type { OcsfEvent } from './ocsf-common.js';
import apiActivitySchema from './ocsf-schemas/api-activity.json' with { type: 'json' };
import authenticationSchema from './ocsf-schemas/authentication.json' with { type: 'json' };
import baseEventSchema from './ocsf-schemas/base-event.json' with { type: 'json' };
import detectionFindingSchema from './ocsf-schemas/detection-finding.json' with { type: 'json' };
import objectsSchema from './ocsf-schemas/objects.json' with { type: 'json' };

const ctx = { productVersion: '0.1.0', hostname: 'gw-1.example' };
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
ajv.addSchema(objectsSchema);
const VALIDATORS: Record<number, ValidateFunction> = {
  0: ajv.compile(baseEventSchema),
  2004: ajv.compile(detectionFindingSchema),
  3002: ajv.compile(authenticationSchema),
  6003: ajv.compile(apiActivitySchema),
};

/** Validates against the schema of the event's own class, failing with ajv's messages. */
function expectValid(o: OcsfEvent): void {
  const validate = VALIDATORS[o.class_uid];
  expect(validate, `no schema for class ${o.class_uid}`).toBeDefined();
  const ok = (validate as ValidateFunction)(o);
  expect(ok ? [] : ajv.errorsText((validate as ValidateFunction).errors, { separator: '\n' }).split('\n')).toEqual([]);
  expect(o.type_uid).toBe(o.class_uid * 100 + o.activity_id);
  expect(o.category_uid).toBe(Math.floor(o.class_uid / 1000));
}

const injection: Finding = {
  detector: 'prompt-injection',
  category: 'jailbreak',
  score: 0.97,
  severity: 'critical',
  evidence: 'ignore all previous instructions [...]',
  span: { start: 0, end: 37 },
  tags: { owaspLlm: ['LLM01:2025'], atlas: ['AML.T0051.000', 'AML.T0054'] },
};
const email: Finding = { detector: 'pii', category: 'email', score: 0.9, severity: 'medium', evidence: '[EMAIL_1]', tags: { owaspLlm: ['LLM02:2025'] } };
const secret: Finding = { detector: 'secrets', category: 'aws_access_key', score: 1, severity: 'high', tags: { owaspLlm: ['LLM02:2025'], atlas: ['AML.T0057'] }, metadata: { action: 'block' } };

const request = { route: '/v1/chat/completions', status: 200, durationMs: 12.5, model: 'gpt-4o-mini', upstream: 'openai', promptTokens: 42, completionTokens: 7, sourceIp: '203.0.113.9' };

/** Event shapes as the gateway (src/gateway/routes/guarded.ts) and the other faces record them. */
const SHAPES: [string, NewEvent, number][] = [
  ['blocked prompt injection', { kind: 'detection', source: 'guard', decision: 'block', stage: 'input', principal: 'team-a', requestId: 'r1', findings: [injection], attributes: { ...request, status: 400 } }, 2004],
  ['redacted PII', { kind: 'detection', source: 'guard', decision: 'redact', principal: 'team-a', requestId: 'r2', findings: [email], attributes: request }, 2004],
  ['flagged output', { kind: 'detection', source: 'guard', decision: 'flag', stage: 'output', principal: 'fms', requestId: 'r3', findings: [email, secret], attributes: { route: '/api/v2/chat/completions-detection', status: 200 } }, 2004],
  ['allowed with low findings', { kind: 'detection', source: 'guard', decision: 'allow', requestId: 'r4', findings: [{ ...email, severity: 'low', score: 0.3 }], attributes: request }, 2004],
  ['upstream error after an input finding', { kind: 'system', source: 'guard', decision: 'error', principal: 'team-a', requestId: 'r5', findings: [email], attributes: { ...request, status: 502, reason: 'upstream_status_500' } }, 2004],
  ['detector failure (fail open) with finding', { kind: 'detection', source: 'guard', decision: 'allow', findings: [email], failures: [{ detector: 'toxicity', code: 'ERR_DETECTOR_TIMEOUT', message: 'timed out', failMode: 'open' }], attributes: request }, 2004],
  ['scan finding (no request)', { kind: 'scan', source: 'scan', decision: 'flag', findings: [secret] }, 2004],
  ['eval verdict', { kind: 'eval', source: 'probe', decision: 'flag', findings: [injection], attributes: { probe: 'dan', attempt: 3 } }, 2004],
  ['risk change', { kind: 'risk', source: 'govern', decision: 'flag', findings: [{ ...injection, tags: { nistAi600: ['S10'] } }] }, 2004],
  ['finding with unknown ATLAS id and odd tags', { kind: 'detection', source: 'detector-api', decision: 'flag', findings: [{ ...email, tags: { atlas: ['AML.T9999', 'AML.M0015', 'not-an-id'] } }] }, 2004],
  ['auth failure: expired key', { kind: 'auth', source: 'guard', decision: 'block', requestId: 'r6', attributes: { route: '/v1/chat/completions', status: 401, reason: 'expired', sourceIp: '::1' } }, 3002],
  ['auth failure: no credential, no address', { kind: 'auth', source: 'guard', decision: 'block', attributes: { route: '/v1/embeddings', status: 401, reason: 'missing' } }, 3002],
  ['auth: model not allowed', { kind: 'auth', source: 'guard', decision: 'block', principal: 'team-b', attributes: { route: '/v1/chat/completions', status: 403, reason: 'model_not_allowed', model: 'gpt-4o' } }, 3002],
  ['allowed request', { kind: 'detection', source: 'guard', decision: 'allow', principal: 'team-a', requestId: 'r7', attributes: request }, 6003],
  ['streamed request', { kind: 'detection', source: 'guard', decision: 'allow', principal: 'team-a', attributes: { ...request, stream: true, streamEnd: 'done', completionTokens: undefined } }, 6003],
  ['rate limit hit', { kind: 'limit', source: 'guard', decision: 'block', principal: 'team-a', attributes: { route: '/v1/chat/completions', status: 429, reason: 'rate_limited', model: 'gpt-4o', promptTokens: 10 } }, 6003],
  ['body too large (no model)', { kind: 'limit', source: 'guard', decision: 'block', principal: 'team-a', attributes: { route: '/v1/completions', status: 413, reason: 'body_too_large' } }, 6003],
  ['upstream timeout', { kind: 'system', source: 'guard', decision: 'error', principal: 'team-a', attributes: { ...request, status: 504, reason: 'upstream_timeout', completionTokens: undefined } }, 6003],
  ['client closed', { kind: 'system', source: 'guard', decision: 'error', attributes: { route: '/v1/chat/completions', status: 499, reason: 'client_closed' } }, 6003],
  ['detector API call', { kind: 'detection', source: 'detector-api', decision: 'allow', attributes: { method: 'POST', route: '/api/v1/text/contents', status: 200, durationMs: 3 } }, 6003],
  ['models listing', { kind: 'detection', source: 'guard', decision: 'allow', principal: 'team-a', attributes: { method: 'GET', route: '/v1/models', status: 200 } }, 6003],
  ['automated response: key suspended', { kind: 'response', source: 'guard', decision: 'block', principal: 'team-a', attributes: { rule: 'auth-brute-force', action: 'suspend_key', target: 'key-1', until: '2026-01-01T00:00:00.000Z', triggeredBy: 'evt-1', count: 12, threshold: 10, windowMs: 60000 } }, 2004],
  ['automated response that failed', { kind: 'response', source: 'guard', decision: 'error', attributes: { rule: 'r', action: 'block_source', target: '203.0.113.9', error: { code: 'ERR_STORE', message: 'down' } } }, 2004],
  ['clean scan', { kind: 'scan', source: 'scan', decision: 'allow', attributes: { target: 'mcp.json' } }, 0],
  ['system event', { kind: 'system', source: 'cli', decision: 'error', attributes: { reason: 'sink_failed' } }, 0],
  ['risk without findings', { kind: 'risk', source: 'govern', decision: 'allow' }, 0],
];

describe('toOcsf', () => {
  it.each(SHAPES)('%s validates against its class schema', (_name, input, classUid) => {
    const o = toOcsf(createEvent(input), ctx);
    expect(o.class_uid).toBe(classUid);
    expectValid(o);
    expect(o.metadata).toMatchObject({ version: '1.8.0', product: { name: 'Bulwark', vendor_name: 'Bulwark', version: '0.1.0' } });
  });

  it('maps a blocked detection to a Detection Finding with security_control, ATLAS attacks and OWASP types', () => {
    const e = createEvent(SHAPES[0]![1]);
    const o = toOcsf(e, ctx);
    expect(o).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      severity_id: 5,
      status_id: 1,
      action_id: 2,
      disposition_id: 2,
      is_alert: true,
      risk_level_id: 4,
      confidence_id: 3,
      confidence_score: 97,
      time: Date.parse(e.time),
      metadata: { uid: e.id, correlation_uid: 'r1', profiles: ['security_control'] },
      finding_info: {
        uid: e.id,
        title: 'prompt-injection: jailbreak',
        types: ['LLM01:2025'],
        analytic: { uid: 'prompt-injection', name: 'prompt-injection', category: 'jailbreak', type_id: 0 },
      },
      resources: [{ name: 'gpt-4o-mini', type: 'AI Model' }],
      evidences: [{ actor: { user: { name: 'team-a' } }, src_endpoint: { ip: '203.0.113.9' }, api: { operation: 'chat.completions', request: { uid: 'r1' } } }],
    });
    expect(o['attacks']).toEqual([
      { technique: { uid: 'AML.T0051', name: 'LLM Prompt Injection' }, sub_technique: { uid: 'AML.T0051.000', name: 'LLM Prompt Injection: Direct' }, tactic: { uid: 'AML.TA0005', name: 'Execution' }, version: '5.6.0' },
      { technique: { uid: 'AML.T0054', name: 'LLM Jailbreak' }, tactic: { uid: 'AML.TA0012', name: 'Privilege Escalation' }, version: '5.6.0' },
      { technique: { uid: 'AML.T0054', name: 'LLM Jailbreak' }, tactic: { uid: 'AML.TA0007', name: 'Defense Evasion' }, version: '5.6.0' },
    ]);
    // The Detection Finding profile note: security-control attacks are duplicated into finding_info.
    expect((o['finding_info'] as { attacks: unknown }).attacks).toEqual(o['attacks']);
  });

  it('maps each decision to its action and disposition', () => {
    const outcome = (decision: (typeof DECISIONS)[number]): unknown => {
      const o = toOcsf(createEvent({ kind: 'detection', source: 'guard', decision, findings: [email] }), ctx);
      return [o['action_id'], o['disposition_id'], o['disposition'], o['is_alert']];
    };
    expect(outcome('allow')).toEqual([1, 1, 'Allowed', false]);
    expect(outcome('block')).toEqual([2, 2, 'Blocked', true]);
    expect(outcome('flag')).toEqual([3, 19, 'Alert', true]);
    expect(outcome('redact')).toEqual([4, 99, 'Redacted', false]);
    expect(outcome('error')).toEqual([0, 27, 'Error', false]);
  });

  it('gives several findings one analytic, related analytics and every finding under unmapped.bulwark', () => {
    const o = toOcsf(createEvent(SHAPES[2]![1]), ctx);
    const info = o['finding_info'] as Record<string, unknown>;
    // The highest severity decides the title; the other detector is related.
    expect(info['title']).toBe('secrets: aws_access_key');
    expect(info['related_analytics']).toEqual([{ uid: 'pii', name: 'pii', type_id: 0, type: 'Unknown', category: 'email' }]);
    expect(info['types']).toEqual(['LLM02:2025']);
    const bulwark = (o['unmapped'] as { bulwark: { findings: unknown[]; stage: string } }).bulwark;
    expect(bulwark.findings).toHaveLength(2);
    expect(bulwark.stage).toBe('output');
  });

  it('maps an automated response to a finding whose analytic is the alert rule', () => {
    const o = toOcsf(createEvent(SHAPES.find(([n]) => n === 'automated response: key suspended')![1]), ctx);
    expect(o).toMatchObject({
      class_uid: 2004,
      action_id: 2,
      disposition_id: 2,
      is_alert: true,
      finding_info: { title: 'auth-brute-force: suspend_key key-1', analytic: { uid: 'auth-brute-force', type_id: 1, type: 'Rule', category: 'suspend_key' }, related_events: [{ uid: 'evt-1' }] },
      evidences: [{ actor: { user: { name: 'team-a' } } }],
    });
    expect(o).not.toHaveProperty('confidence_id');
    expect(o.message).toContain('response suspend_key on key-1 until 2026-01-01T00:00:00.000Z');
  });

  it('maps a risk change to a finding Update', () => {
    const o = toOcsf(createEvent(SHAPES[8]![1]), ctx);
    expect([o.activity_id, o.type_uid, o.activity_name]).toEqual([2, 200402, 'Update']);
    expect((o['finding_info'] as { types: string[] }).types).toEqual(['S10']);
  });

  it('maps an auth failure to a failed Logon with the principal or "unknown" as user', () => {
    const expired = toOcsf(createEvent(SHAPES[10]![1]), ctx);
    expect(expired).toMatchObject({
      class_uid: 3002,
      category_uid: 3,
      activity_id: 1,
      type_uid: 300201,
      status_id: 2,
      status: 'Failure',
      status_detail: 'expired',
      user: { name: 'unknown' },
      src_endpoint: { ip: '::1' },
      action_id: 2,
      disposition_id: 2,
      service: { name: 'Bulwark' },
      dst_endpoint: { hostname: 'gw-1.example' },
    });
    const model = toOcsf(createEvent(SHAPES[12]![1]), ctx);
    expect(model).toMatchObject({ user: { name: 'team-b' }, disposition_id: 26, disposition: 'Unauthorized', status_detail: 'model_not_allowed' });
    expect(toOcsf(createEvent(SHAPES[11]![1]), ctx)['src_endpoint']).toBeUndefined();
  });

  it('maps an allowed request to API Activity with the ai_operation profile', () => {
    const e = createEvent(SHAPES[13]![1]);
    const o = toOcsf(e, ctx);
    expect(o).toMatchObject({
      class_uid: 6003,
      category_uid: 6,
      activity_id: 1,
      type_uid: 600301,
      status_id: 1,
      severity_id: 1,
      action_id: 1,
      disposition_id: 1,
      is_alert: false,
      actor: { user: { name: 'team-a' } },
      api: { operation: 'chat.completions', request: { uid: 'r7' }, response: { code: 200 } },
      src_endpoint: { ip: '203.0.113.9' },
      ai_model: { name: 'gpt-4o-mini', ai_provider: 'openai' },
      message_context: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49, service: { name: 'openai' } },
      duration: 13,
      metadata: { profiles: ['security_control', 'ai_operation'], correlation_uid: 'r7' },
    });
  });

  it('maps limits and upstream failures to failed API Activity', () => {
    const limit = toOcsf(createEvent(SHAPES[15]![1]), ctx);
    expect(limit).toMatchObject({ status_id: 2, status_detail: 'rate_limited', action_id: 2, disposition_id: 2, api: { response: { code: 429, error: 'rate_limited' } } });
    expect(limit['message_context']).toMatchObject({ prompt_tokens: 10 });
    expect(limit['message_context']).not.toHaveProperty('total_tokens');
    const timeout = toOcsf(createEvent(SHAPES[17]![1]), ctx);
    expect(timeout).toMatchObject({ status_id: 2, action_id: 0, disposition_id: 27, status_detail: 'upstream_timeout' });
    const models = toOcsf(createEvent(SHAPES[20]![1]), ctx);
    expect([models.activity_id, models.type_uid, (models['api'] as { operation: string }).operation]).toEqual([2, 600302, 'models']);
    // No address recorded: the required src_endpoint says so instead of inventing one.
    expect(toOcsf(createEvent(SHAPES[18]![1]), ctx)['src_endpoint']).toEqual({ name: 'unknown' });
  });

  it('never adds prompt text: only the redacted evidence the event holds', () => {
    const e = createEvent({ ...SHAPES[1]![1], attributes: { ...request } });
    const line = formatEvent(e, 'ocsf', ctx);
    expect(line).toContain('[EMAIL_1]');
    expect(line).not.toMatch(/@example\.com/);
  });

  it('drops a source address that is not an IP address', () => {
    const o = toOcsf(createEvent({ ...SHAPES[13]![1], attributes: { ...request, sourceIp: 'evil"host\n' } }), ctx);
    expect(o['src_endpoint']).toEqual({ name: 'unknown' });
    expectValid(o);
    const mapped = toOcsf(createEvent({ ...SHAPES[13]![1], attributes: { ...request, sourceIp: '::ffff:192.0.2.1' } }), ctx);
    expect(mapped['src_endpoint']).toEqual({ ip: '192.0.2.1' });
  });

  it('has schemas that reject what OCSF forbids', () => {
    const valid = (o: unknown, classUid: number): boolean => (VALIDATORS[classUid] as ValidateFunction)(o) === true;
    const finding = toOcsf(createEvent(SHAPES[0]![1]), ctx);
    const api = toOcsf(createEvent(SHAPES[13]![1]), ctx);
    const auth = toOcsf(createEvent(SHAPES[10]![1]), ctx);
    expect([valid(finding, 2004), valid(api, 6003), valid(auth, 3002)]).toEqual([true, true, true]);
    const without = (o: OcsfEvent, key: string): unknown => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
    expect(valid(without(finding, 'finding_info'), 2004)).toBe(false);
    expect(valid(without(finding, 'metadata'), 2004)).toBe(false);
    expect(valid({ ...finding, finding_info: { title: 'no uid' } }, 2004)).toBe(false);
    expect(valid({ ...finding, type_uid: 600301 }, 2004)).toBe(false);
    expect(valid({ ...finding, disposition_id: 28 }, 2004)).toBe(false);
    expect(valid({ ...finding, severity_id: 7 }, 2004)).toBe(false);
    expect(valid({ ...finding, attacks: [{ version: '5.6.0' }] }, 2004)).toBe(false);
    expect(valid({ ...finding, metadata: { ...finding.metadata, version: 'latest' } }, 2004)).toBe(false);
    expect(valid({ ...finding, surprise: 1 }, 2004)).toBe(false);
    expect(valid(without(api, 'src_endpoint'), 6003)).toBe(false);
    expect(valid({ ...api, api: { service: { name: 'x' } } }, 6003)).toBe(false);
    expect(valid({ ...api, ai_model: { name: 'gpt-4o' } }, 6003)).toBe(false);
    expect(valid({ ...api, src_endpoint: {} }, 6003)).toBe(false);
    expect(valid({ ...api, status_id: 3 }, 6003)).toBe(false);
    expect(valid(without(auth, 'user'), 3002)).toBe(false);
    expect(valid({ ...auth, user: {} }, 3002)).toBe(false);
    expect(valid(without(without(auth, 'service') as OcsfEvent, 'dst_endpoint'), 3002)).toBe(false);
  });

  it('validates and stays bounded for arbitrary events', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const finding = fc.record({
      detector: text,
      category: text,
      score: fc.double({ noNaN: false }),
      severity: fc.constantFrom(...SEVERITIES),
      evidence: fc.option(fc.string({ unit: 'binary', maxLength: 2000 }), { nil: undefined }),
      tags: fc.record({ owaspLlm: fc.array(fc.constantFrom('LLM01:2025', 'LLM02:2025', 'LLM07:2025')), atlas: fc.array(fc.constantFrom('AML.T0051', 'AML.T0051.001', 'AML.T0057', 'AML.M0015', 'bogus')) }, { requiredKeys: [] }),
    });
    const newEvent = fc.record({
      kind: fc.constantFrom(...EVENT_KINDS),
      source: fc.constantFrom('guard', 'probe', 'scan', 'govern', 'cli', 'detector-api' as const),
      decision: fc.constantFrom(...DECISIONS),
      principal: fc.option(text, { nil: undefined }),
      requestId: fc.option(text, { nil: undefined }),
      findings: fc.array(finding, { maxLength: 4 }),
      attributes: fc.record(
        {
          route: fc.oneof(fc.constantFrom('/v1/chat/completions', '/v1/embeddings', '/v1/models'), text),
          status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.double()),
          model: text,
          upstream: text,
          promptTokens: fc.oneof(fc.nat(), fc.integer()),
          completionTokens: fc.nat(),
          sourceIp: fc.oneof(fc.ipV4(), fc.ipV6(), text),
          reason: text,
        },
        { requiredKeys: [] },
      ),
    });
    fc.assert(
      fc.property(newEvent, (input) => {
        const e: SecurityEvent = createEvent(input as NewEvent);
        const o = toOcsf(e, ctx);
        expectValid(o);
        expect(formatEvent(e, 'ocsf', ctx).length).toBeLessThan(64 * 1024);
      }),
      { numRuns: 100 },
    );
  });
});
