// ECS mapping: the shape of detections, auth failures, limit hits and allowed requests, with values drawn only
// from the allowed ECS vocabularies (event.kind, category, type, outcome).
import { describe, expect, it } from 'vitest';
import { createEvent, DECISIONS, EVENT_KINDS, type NewEvent } from '../../core/event.js';
import type { Finding } from '../../core/finding.js';
import { toEcs } from './ecs.js';

const ctx = { productVersion: '0.1.0', hostname: 'gw-1' };
const KINDS = ['alert', 'asset', 'enrichment', 'event', 'metric', 'state', 'pipeline_error', 'signal'];
const CATEGORIES = ['api', 'authentication', 'configuration', 'database', 'driver', 'email', 'file', 'host', 'iam', 'intrusion_detection', 'library', 'malware', 'network', 'package', 'process', 'registry', 'session', 'threat', 'vulnerability', 'web'];
const TYPES = ['access', 'admin', 'allowed', 'change', 'connection', 'creation', 'deletion', 'denied', 'device', 'end', 'error', 'group', 'indicator', 'info', 'installation', 'protocol', 'start', 'user'];

const injection: Finding = { detector: 'prompt-injection', category: 'jailbreak', score: 0.97, severity: 'critical', evidence: '[...]', tags: { owaspLlm: ['LLM01:2025'], atlas: ['AML.T0051.000', 'AML.T0054'] } };
const request = { route: '/v1/chat/completions', status: 200, model: 'gpt-4o-mini', upstream: 'openai', promptTokens: 42, completionTokens: 7, sourceIp: '203.0.113.9', durationMs: 2.5 };

describe('toEcs', () => {
  it('maps a blocked detection to an alert with rule, threat, gen_ai and OWASP tags', () => {
    const e = createEvent({ kind: 'detection', source: 'guard', decision: 'block', stage: 'input', principal: 'team-a', requestId: 'r1', findings: [injection], attributes: { ...request, status: 400 } });
    const doc = toEcs(e, ctx);
    expect(doc).toMatchObject({
      '@timestamp': e.time,
      ecs: { version: '9.1.0' },
      event: {
        id: e.id,
        kind: 'alert',
        category: ['intrusion_detection', 'api'],
        type: ['denied'],
        outcome: 'failure',
        action: 'block',
        severity: 5,
        risk_score: 99,
        dataset: 'bulwark.security',
        code: 'prompt-injection',
        reason: 'prompt-injection: jailbreak',
        duration: 2_500_000,
      },
      rule: { id: 'prompt-injection', name: 'prompt-injection: jailbreak', category: 'jailbreak', ruleset: 'bulwark' },
      threat: {
        framework: 'MITRE ATLAS',
        technique: { id: ['AML.T0051', 'AML.T0054'], name: ['LLM Prompt Injection', 'LLM Jailbreak'], subtechnique: { id: ['AML.T0051.000'], name: ['LLM Prompt Injection: Direct'] } },
        tactic: { id: ['AML.TA0005', 'AML.TA0012', 'AML.TA0007'], name: ['Execution', 'Privilege Escalation', 'Defense Evasion'] },
      },
      user: { name: 'team-a' },
      source: { ip: '203.0.113.9' },
      http: { request: { id: 'r1' }, response: { status_code: 400 } },
      url: { path: '/v1/chat/completions' },
      host: { name: 'gw-1' },
      observer: { vendor: 'Bulwark', product: 'Bulwark', version: '0.1.0' },
      gen_ai: { operation: { name: 'chat' }, request: { model: 'gpt-4o-mini' }, usage: { input_tokens: 42, output_tokens: 7 } },
      tags: ['LLM01:2025', 'AML.T0051.000', 'AML.T0054'],
      labels: { bulwark_kind: 'detection', bulwark_source: 'guard', bulwark_stage: 'input' },
      bulwark: { request_id: 'r1', findings: [{ detector: 'prompt-injection', evidence: '[...]' }] },
    });
    expect(doc['message']).toContain('request blocked');
  });

  it('maps auth failures, limits, allowed requests and redactions', () => {
    const auth = toEcs(createEvent({ kind: 'auth', source: 'guard', decision: 'block', attributes: { route: '/v1/chat/completions', status: 401, reason: 'expired' } }), ctx);
    expect(auth).toMatchObject({ event: { kind: 'event', category: ['authentication'], type: ['start'], outcome: 'failure', code: 'auth.expired', reason: 'expired' } });
    expect(auth).not.toHaveProperty('user');
    const limit = toEcs(createEvent({ kind: 'limit', source: 'guard', decision: 'block', principal: 'team-a', attributes: { route: '/v1/chat/completions', status: 429, reason: 'rate_limited' } }), ctx);
    expect(limit).toMatchObject({ event: { kind: 'event', category: ['api'], type: ['denied'], outcome: 'failure', code: 'limit.rate_limited' }, user: { name: 'team-a' } });
    const allowed = toEcs(createEvent({ kind: 'detection', source: 'guard', decision: 'allow', principal: 'team-a', attributes: request }), ctx);
    expect(allowed).toMatchObject({ event: { kind: 'event', category: ['api'], type: ['allowed'], outcome: 'success', severity: 1, risk_score: 0 } });
    expect(allowed).not.toHaveProperty('rule');
    expect(allowed).not.toHaveProperty('threat');
    const redacted = toEcs(createEvent({ kind: 'detection', source: 'guard', decision: 'redact', findings: [{ ...injection, severity: 'medium', tags: { owaspLlm: ['LLM02:2025'] } }], attributes: request }), ctx);
    expect(redacted).toMatchObject({ event: { kind: 'event', category: ['intrusion_detection', 'api'], type: ['allowed'], outcome: 'success', risk_score: 47 }, tags: ['LLM02:2025'] });
    const upstream = toEcs(createEvent({ kind: 'system', source: 'guard', decision: 'error', attributes: { ...request, status: 504, reason: 'upstream_timeout' } }), ctx);
    expect(upstream).toMatchObject({ event: { category: ['api'], type: ['error'], outcome: 'failure' } });
  });

  it('maps an automated response to an alert naming its rule', () => {
    const doc = toEcs(createEvent({ kind: 'response', source: 'guard', decision: 'flag', attributes: { rule: 'spike', action: 'alert', group: 'team-a' } }), ctx);
    expect(doc).toMatchObject({ event: { kind: 'alert', category: ['intrusion_detection'], code: 'response.alert' }, rule: { id: 'spike', category: 'alert', ruleset: 'bulwark-alert-rules' } });
  });

  it.each(EVENT_KINDS.flatMap((kind) => DECISIONS.map((decision) => [kind, decision] as const)))('uses only ECS vocabulary for %s/%s', (kind, decision) => {
    for (const input of [
      { kind, source: 'guard', decision } as NewEvent,
      { kind, source: 'guard', decision, findings: [injection] } as NewEvent,
      { kind, source: 'guard', decision, attributes: request } as NewEvent,
    ]) {
      const event = toEcs(createEvent(input), ctx).event as { kind: string; category: string[]; type: string[]; outcome: string };
      expect(KINDS).toContain(event.kind);
      for (const c of event.category) expect(CATEGORIES).toContain(c);
      for (const t of event.type) expect(TYPES).toContain(t);
      expect(['success', 'failure', 'unknown']).toContain(event.outcome);
    }
  });
});
