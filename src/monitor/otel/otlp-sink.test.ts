import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent, type SecurityEvent } from '../../core/event.js';
import { createSink, parseSinkUrl } from '../sinks/index.js';
import { SinkSecret, type OtlpSinkConfig } from '../sinks/sink-config.js';
import type { Sink, StoredEvent } from '../types.js';
import { createOtlpSink } from './otlp-sink.js';

interface Posted {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A stand-in OTLP/HTTP collector on 127.0.0.1: records each POST and answers with `answer()`. */
async function collector(answer: () => { status: number; headers?: Record<string, string> } = () => ({ status: 200 })) {
  const posts: Posted[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const a = answer();
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.status === 200 ? '{}' : '{"code":14,"message":"unavailable"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts };
}

type KeyValue = { key: string; value: Record<string, unknown> };
const attrs = (list: KeyValue[] | undefined): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    const v = value['arrayValue'] as { values?: Record<string, unknown>[] } | undefined;
    out[key] = v ? (v.values ?? []).map((x) => Object.values(x)[0]) : Object.values(value)[0];
  }
  return out;
};

interface OtlpLog {
  timeUnixNano: string | number;
  severityNumber: number;
  severityText: string;
  body: { stringValue: string };
  eventName: string;
  attributes: KeyValue[];
}

function logsOf(posts: Posted[]) {
  const logs: OtlpLog[] = [];
  let resource: Record<string, unknown> = {};
  let scope: Record<string, unknown> = {};
  for (const p of posts) {
    for (const rl of (p.body as { resourceLogs: { resource: { attributes: KeyValue[] }; scopeLogs: { scope: Record<string, unknown>; schemaUrl?: string; logRecords: OtlpLog[] }[] }[] }).resourceLogs) {
      resource = attrs(rl.resource.attributes);
      for (const sl of rl.scopeLogs) {
        scope = { ...sl.scope, schemaUrl: sl.schemaUrl };
        logs.push(...sl.logRecords);
      }
    }
  }
  return { logs, resource, scope };
}

const servers: Server[] = [];
const sinks: Sink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const live = (): AbortSignal => new AbortController().signal;
const ctx = { productVersion: '0.1.0', hostname: 'gw-1' };
const config = (endpoint: string, params: Record<string, string> = {}, secrets: Record<string, SinkSecret> = {}): OtlpSinkConfig => ({ kind: 'otlp', id: `otlp+${endpoint}`, endpoint, params, secrets });

const blocked: SecurityEvent = createEvent({
  kind: 'detection',
  source: 'guard',
  decision: 'block',
  principal: 'team-a',
  requestId: 'req-9',
  time: new Date(Date.UTC(2025, 5, 1, 12, 0, 0, 123)),
  findings: [
    { detector: 'prompt-injection', category: 'jailbreak', score: 0.97, severity: 'critical', evidence: 'EVIDENCE-MARKER', tags: { owaspLlm: ['LLM01'], atlas: ['AML.T0051'] }, metadata: { action: 'block' } },
    { detector: 'pii', category: 'email', score: 1, severity: 'medium', tags: { owaspLlm: ['LLM02'] }, metadata: { action: 'redact' } },
  ],
  attributes: { route: '/v1/chat/completions', status: 400, model: 'gpt-4o', promptTokens: 12, upstream: 'main', durationMs: 3.2, nested: { a: { b: { c: 1 } } }, list: [1, 2] },
});
const quiet = createEvent({ kind: 'auth', source: 'guard', decision: 'block', attributes: { route: '/v1/embeddings', reason: 'invalid_key' } });
const batch: StoredEvent[] = [
  { seq: 1, event: blocked },
  { seq: 2, event: quiet },
];

describe('createOtlpSink', () => {
  it('delivers each event as an OTLP log record with mapped severity, short body and flat attributes', async () => {
    const c = await collector();
    const sink = await createOtlpSink(config(c.url, { service_name: 'bulwark-soc' }, { x_api_key: new SinkSecret('k3y') }), ctx);
    sinks.push(sink);
    await sink.send(batch, live());
    // send() resolved: the collector already has the batch.
    expect(c.posts).toHaveLength(1);
    expect(c.posts[0]!.path).toBe('/v1/logs');
    expect(c.posts[0]!.headers['x-api-key']).toBe('k3y');
    expect(JSON.stringify(c.posts[0]!.body)).not.toContain('EVIDENCE-MARKER');
    const { logs, resource, scope } = logsOf(c.posts);
    expect(resource).toMatchObject({ 'service.name': 'bulwark-soc', 'service.version': '0.1.0', 'host.name': 'gw-1' });
    expect(scope).toMatchObject({ name: 'bulwark.monitor', version: '0.1.0', schemaUrl: 'https://opentelemetry.io/schemas/1.41.0' });
    expect(logs).toHaveLength(2);
    const [first, second] = logs as [OtlpLog, OtlpLog];
    expect(String(first.timeUnixNano)).toBe(`${Date.UTC(2025, 5, 1, 12, 0, 0, 123)}000000`);
    expect(first).toMatchObject({ severityNumber: 21, severityText: 'critical', eventName: 'bulwark.security_event' });
    expect(first.body.stringValue).toBe('Bulwark detection block: prompt-injection/jailbreak, pii/email on /v1/chat/completions');
    expect(attrs(first.attributes)).toMatchObject({
      'bulwark.event.id': blocked.id,
      'bulwark.event.kind': 'detection',
      'bulwark.decision': 'block',
      'bulwark.severity': 'critical',
      'bulwark.principal': 'team-a',
      'bulwark.request_id': 'req-9',
      'bulwark.detector.ids': ['prompt-injection', 'pii'],
      'bulwark.finding.categories': ['jailbreak', 'email'],
      'bulwark.finding.actions': ['block', 'redact'],
      'bulwark.finding.count': 2,
      'bulwark.finding.max_score': 1,
      'bulwark.taxonomy.owasp_llm': ['LLM01', 'LLM02'],
      'bulwark.taxonomy.atlas': ['AML.T0051'],
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 400,
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 12,
      'bulwark.attributes.upstream': 'main',
      'bulwark.attributes.durationMs': 3.2,
      'bulwark.attributes.nested.a.b': '{"c":1}',
      'bulwark.attributes.list': [1, 2],
    });
    expect(second).toMatchObject({ severityNumber: 9, severityText: 'info' });
    expect(second.body.stringValue).toBe('Bulwark auth block (invalid_key) on /v1/embeddings');
  });

  it('rejects with ERR_SINK when the collector refuses the batch', async () => {
    const c = await collector(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    const sink = await createOtlpSink(config(c.url), ctx);
    sinks.push(sink);
    await expect(sink.send(batch, live())).rejects.toMatchObject({ code: 'ERR_SINK', context: { retryable: true } });
    const bad = await collector(() => ({ status: 400 }));
    const sink2 = await createOtlpSink(config(bad.url), ctx);
    sinks.push(sink2);
    await expect(sink2.send(batch, live())).rejects.toMatchObject({ code: 'ERR_SINK', context: { status: 400 } });
  });

  it('retries a 503 within timeout_ms, then rejects; succeeds when the collector recovers', async () => {
    let calls = 0;
    const c = await collector(() => (++calls === 1 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 200 }));
    const sink = await createOtlpSink(config(c.url, { timeout_ms: '5000' }), ctx);
    sinks.push(sink);
    await sink.send(batch, live());
    expect(c.posts).toHaveLength(2);
    const down = await collector(() => ({ status: 503 }));
    const sink2 = await createOtlpSink(config(down.url, { timeout_ms: '300' }), ctx);
    sinks.push(sink2);
    await expect(sink2.send(batch, live())).rejects.toMatchObject({ code: 'ERR_SINK', context: { retryable: true } });
    expect(down.posts.length).toBeGreaterThan(0);
  });

  it('rejects with ERR_SINK when nothing listens, when aborted, and after close', async () => {
    const c = await collector();
    const url = c.url;
    servers.splice(0).forEach((s) => s.close());
    const sink = await createOtlpSink(config(url, { timeout_ms: '300' }), ctx);
    sinks.push(sink);
    await expect(sink.send(batch, live())).rejects.toMatchObject({ code: 'ERR_SINK' });
    await expect(sink.send(batch, AbortSignal.abort())).rejects.toMatchObject({ code: 'ERR_SINK', message: /aborted/ });
    await sink.close();
    await sink.close();
    await expect(sink.send(batch, live())).rejects.toMatchObject({ code: 'ERR_SINK', message: /closed/ });
  });

  it('refuses unknown options, bad timeouts and bad endpoints with ERR_SINK_CONFIG', async () => {
    await expect(createOtlpSink(config('http://127.0.0.1:4318', { format: 'cef' }), ctx)).rejects.toMatchObject({ code: 'ERR_SINK_CONFIG' });
    await expect(createOtlpSink(config('http://127.0.0.1:4318', { timeout_ms: '0' }), ctx)).rejects.toMatchObject({ code: 'ERR_SINK_CONFIG' });
    await expect(createOtlpSink(config('file:///tmp/x'), ctx)).rejects.toMatchObject({ code: 'ERR_SINK_CONFIG' });
    await expect(createOtlpSink(config('http://127.0.0.1:4318', {}, { 'bad header': new SinkSecret('v') }), ctx)).rejects.toMatchObject({ code: 'ERR_SINK_CONFIG' });
  });

  it('is what an otlp+http sink URL builds (lazy import through the sink registry)', async () => {
    const c = await collector();
    const sink = await createSink(parseSinkUrl(`otlp+${c.url}?x_api_key_env=OTLP_TEST_KEY`, { OTLP_TEST_KEY: 'k3y' }), ctx);
    sinks.push(sink);
    expect(sink.id).not.toContain('k3y');
    await sink.send(batch.slice(0, 1), live());
    expect(c.posts[0]!.headers['x-api-key']).toBe('k3y');
    expect(logsOf(c.posts).logs).toHaveLength(1);
  });
});
