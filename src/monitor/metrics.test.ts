import fc from 'fast-check';
import { register as globalRegister } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BulwarkMetrics } from './metrics.js';
import type { RequestSummary } from './metrics-summary.js';
import { requestSummaryFromEvent } from './metrics-summary.js';
import { createEvent } from '../core/event.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (enough of it: samples with escaped label values). */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hit = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hit?.value;
}

const chat: RequestSummary = {
  route: '/v1/chat/completions',
  decision: 'redact',
  durationMs: 120,
  kind: 'detection',
  model: 'gpt-4o',
  upstream: 'openai',
  upstreamStatus: 200,
  upstreamMs: 100,
  inputTokens: 42,
  outputTokens: 7,
  findings: [
    { detector: 'pii', category: 'email', action: 'redact', stage: 'input', score: 1 },
    { detector: 'pii', category: 'email', action: 'redact', stage: 'input', score: 1 },
    { detector: 'prompt-injection', category: 'jailbreak', action: 'flag', stage: 'input', score: 0.7 },
  ],
  detectorTimings: [
    { detector: 'pii', stage: 'input', ms: 0.04 },
    { detector: 'prompt-injection', stage: 'input', ms: 3 },
  ],
};

describe('BulwarkMetrics', () => {
  it('counts requests, findings, tokens and latencies under conventional names', async () => {
    const m = new BulwarkMetrics({ knownModels: (x) => x === 'gpt-4o' });
    m.observeRequest(chat);
    m.observeRequest({ ...chat, decision: 'allow', findings: [], detectorTimings: [] });
    const s = parse(await m.metricsText());
    expect(value(s, 'bulwark_requests_total', { route: '/v1/chat/completions', decision: 'redact' })).toBe(1);
    expect(value(s, 'bulwark_requests_total', { route: '/v1/chat/completions', decision: 'allow' })).toBe(1);
    expect(value(s, 'bulwark_detections_total', { detector: 'pii', category: 'email', action: 'redact', stage: 'input' })).toBe(2);
    expect(value(s, 'bulwark_detections_total', { detector: 'prompt-injection', category: 'jailbreak', action: 'flag' })).toBe(1);
    expect(value(s, 'bulwark_tokens_total', { direction: 'input', model: 'gpt-4o' })).toBe(84);
    expect(value(s, 'bulwark_tokens_total', { direction: 'output', model: 'gpt-4o' })).toBe(14);
    expect(value(s, 'bulwark_request_duration_seconds_count', { route: '/v1/chat/completions' })).toBe(2);
    expect(value(s, 'bulwark_request_duration_seconds_sum', { route: '/v1/chat/completions' })).toBeCloseTo(0.24);
    expect(value(s, 'bulwark_upstream_duration_seconds_count', { upstream: 'openai', status_class: '2xx' })).toBe(2);
    // Sub-millisecond buckets: a 40 µs detector call lands in the 50 µs bucket, not in the 1 ms one only.
    expect(value(s, 'bulwark_detector_duration_seconds_bucket', { detector: 'pii', stage: 'input', le: '0.00005' })).toBe(1);
    expect(value(s, 'bulwark_detector_duration_seconds_bucket', { detector: 'pii', stage: 'input', le: '0.000025' })).toBe(0);
    expect(value(s, 'bulwark_detector_duration_seconds_bucket', { detector: 'prompt-injection', stage: 'input', le: '0.0025' })).toBe(0);
    expect(value(s, 'bulwark_detector_duration_seconds_bucket', { detector: 'prompt-injection', stage: 'input', le: '0.005' })).toBe(1);
    // OTel GenAI metrics, named per the OTel→Prometheus rules.
    const genai = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o' };
    expect(value(s, 'gen_ai_client_operation_duration_seconds_count', genai)).toBe(2);
    expect(value(s, 'gen_ai_client_token_usage_sum', { ...genai, gen_ai_token_type: 'input' })).toBe(84);
    expect(value(s, 'gen_ai_client_token_usage_bucket', { ...genai, gen_ai_token_type: 'output', le: '16' })).toBe(2);
    expect(value(s, 'gen_ai_client_token_usage_bucket', { ...genai, gen_ai_token_type: 'output', le: '4' })).toBe(0);
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts auth failures and limit hits from the request kind, and upstream failures as status class "error"', async () => {
    const m = new BulwarkMetrics();
    m.observeRequest({ route: '/v1/chat/completions', decision: 'block', durationMs: 1, kind: 'auth', reason: 'invalid_key' });
    m.observeRequest({ route: '/v1/chat/completions', decision: 'block', durationMs: 1, kind: 'limit', reason: 'rate_limited' });
    m.observeRequest({ route: '/v1/embeddings', decision: 'error', durationMs: 30_000, kind: 'system', reason: 'upstream_timeout', upstream: 'local', upstreamMs: 30_000 });
    m.limitHit('rate_limited');
    m.eventsDropped(3);
    const s = parse(await m.metricsText());
    expect(value(s, 'bulwark_auth_failures_total', { reason: 'invalid_key' })).toBe(1);
    expect(value(s, 'bulwark_limit_hits_total', { limit: 'rate_limited' })).toBe(2);
    expect(value(s, 'bulwark_events_dropped_total')).toBe(3);
    expect(value(s, 'bulwark_upstream_duration_seconds_count', { upstream: 'local', status_class: 'error' })).toBe(1);
    expect(value(s, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'embeddings' })).toBe(1);
    // Refused requests never reached a model: no GenAI series for them.
    expect(s.filter((x) => x.name === 'gen_ai_client_operation_duration_seconds_count')).toHaveLength(1);
  });

  it('keeps the model label bounded whatever names clients send', async () => {
    const strict = new BulwarkMetrics({ knownModels: (x) => x === 'gpt-4o' });
    // A glob route ("gpt-*") knows unboundedly many names: the distinct-value cap still holds.
    const glob = new BulwarkMetrics({ knownModels: (x) => x.startsWith('gpt-'), maxModels: 5 });
    for (let i = 0; i < 2000; i++) {
      const hostile = { ...chat, findings: [], detectorTimings: [], model: `gpt-${i}-${'x'.repeat(i % 7)}\n"}` };
      strict.observeRequest(hostile);
      glob.observeRequest(hostile);
    }
    glob.observeRequest({ ...chat, model: `gpt-${'y'.repeat(10_000)}` });
    const models = (s: Sample[]) => new Set(s.filter((x) => x.name === 'bulwark_tokens_total').map((x) => x.labels['model']));
    expect([...models(parse(await strict.metricsText()))]).toEqual(['other']);
    const g = models(parse(await glob.metricsText()));
    expect(g.size).toBe(6);
    expect(g.has('other')).toBe(true);
    expect(value(parse(await glob.metricsText()), 'bulwark_tokens_total', { direction: 'input', model: 'other' })).toBe(42 * 1996);
  });

  it('bounds every other label too, and ignores numbers that are not counts', async () => {
    const m = new BulwarkMetrics();
    for (let i = 0; i < 1000; i++) m.observeRequest({ route: `/r${i}`, decision: 'allow', durationMs: Number.NaN, inputTokens: -1, outputTokens: Infinity, findings: [{ detector: `d${i}`, category: `c${i}`, action: 'flag', stage: 'input' }] });
    const s = parse(await m.metricsText());
    expect(new Set(s.filter((x) => x.name === 'bulwark_requests_total').map((x) => x.labels['route'])).size).toBeLessThanOrEqual(33);
    const detections = s.filter((x) => x.name === 'bulwark_detections_total');
    // 256 detector ids, then "other" with each new category up to the category cap: bounded, and nothing lost.
    expect(detections.length).toBeLessThanOrEqual(513);
    expect(detections.reduce((n, x) => n + x.value, 0)).toBe(1000);
    expect(s.filter((x) => x.name === 'bulwark_tokens_total')).toHaveLength(0);
    expect(value(s, 'bulwark_request_duration_seconds_count', { route: '/r0' })).toBeUndefined();
  });

  it('escapes any label value so the exposition stays parseable', async () => {
    const m = new BulwarkMetrics();
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), async (category) => {
        m.observeRequest({ route: '/v1/chat/completions', decision: 'flag', durationMs: 1, findings: [{ detector: 'd', category, action: 'flag', stage: 'output' }] });
        const s = parse(await m.metricsText());
        expect(value(s, 'bulwark_detections_total', { category: category.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '\uFFFD') })).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('reads outbox stats once per scrape, and survives a failing provider', async () => {
    let calls = 0;
    let fail = false;
    const m = new BulwarkMetrics({
      outboxStats: async () => {
        calls++;
        if (fail) throw new Error('store down');
        return [
          { sink: 'https://siem.example/hec', lag: 12, delivered: 340, retries: 2, deadLettered: 1 },
          { sink: 'otlp+http://collector:4318', lag: 0, delivered: 5, retries: 0, deadLettered: 0 },
        ];
      },
    });
    let s = parse(await m.metricsText());
    expect(calls).toBe(1);
    expect(value(s, 'bulwark_outbox_lag_events', { sink: 'https://siem.example/hec' })).toBe(12);
    expect(value(s, 'bulwark_outbox_delivered_total', { sink: 'https://siem.example/hec' })).toBe(340);
    expect(value(s, 'bulwark_outbox_retries_total', { sink: 'https://siem.example/hec' })).toBe(2);
    expect(value(s, 'bulwark_outbox_dead_letters_total', { sink: 'https://siem.example/hec' })).toBe(1);
    expect(value(s, 'bulwark_outbox_delivered_total', { sink: 'otlp+http://collector:4318' })).toBe(5);
    // Cumulative values are set, not added, on each scrape.
    s = parse(await m.metricsText());
    expect(value(s, 'bulwark_outbox_delivered_total', { sink: 'https://siem.example/hec' })).toBe(340);
    fail = true;
    s = parse(await m.metricsText());
    expect(value(s, 'bulwark_outbox_lag_events', { sink: 'https://siem.example/hec' })).toBeUndefined();
    expect(value(s, 'bulwark_requests_total')).toBeUndefined();
    m.setOutboxStats(() => [{ sink: 'late', lag: 1, delivered: 0, retries: 0, deadLettered: 0 }]);
    expect(value(parse(await m.metricsText()), 'bulwark_outbox_lag_events', { sink: 'late' })).toBe(1);
  });

  it('uses its own registry (two instances coexist, the global one stays empty) with optional process metrics', async () => {
    const a = new BulwarkMetrics({ defaultMetrics: true });
    const b = new BulwarkMetrics();
    expect(globalRegister.getSingleMetric('bulwark_requests_total')).toBeUndefined();
    expect(await a.metricsText()).toContain('process_cpu_seconds_total');
    expect(await b.metricsText()).not.toContain('process_cpu_seconds_total');
  });

  it('builds a summary from the gateway request event', () => {
    const event = createEvent({
      kind: 'detection',
      source: 'guard',
      decision: 'block',
      requestId: 'r1',
      findings: [{ detector: 'secrets', category: 'aws_access_key', score: 1, severity: 'high', tags: { owaspLlm: ['LLM02'] }, metadata: { action: 'block' }, evidence: 'AKIA…' }],
      attributes: { route: '/v1/completions', status: 400, durationMs: 5.5, model: 'm', upstream: 'u', stream: false, promptTokens: 9, reason: 'x' },
    });
    const s = requestSummaryFromEvent(event, { upstreamMs: 3 });
    expect(s).toMatchObject({ route: '/v1/completions', decision: 'block', durationMs: 5.5, status: 400, model: 'm', upstream: 'u', stream: false, inputTokens: 9, reason: 'x', requestId: 'r1', upstreamMs: 3, kind: 'detection' });
    expect(s.findings).toEqual([{ detector: 'secrets', category: 'aws_access_key', action: 'block', stage: 'input', score: 1, tags: { owaspLlm: ['LLM02'] } }]);
    expect(s.endTimeMs).toBe(Date.parse(event.time));
  });
});
