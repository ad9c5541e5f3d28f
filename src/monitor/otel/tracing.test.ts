import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestSummary } from '../metrics-summary.js';
import { createGatewayTracer, GENAI_SEMCONV_VERSION, type GatewayTracer } from './tracing.js';

interface Posted {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A stand-in OTLP/HTTP collector on 127.0.0.1 that records what it receives and answers `status`. */
async function collector(status = 200): Promise<{ url: string; posts: Posted[]; server: Server }> {
  const posts: Posted[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, server };
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

interface OtlpSpan {
  name: string;
  kind: number;
  traceId: string;
  parentSpanId?: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes: KeyValue[];
  events?: { name: string; attributes: KeyValue[] }[];
  status?: { code?: number; message?: string };
}

function spansOf(posts: Posted[]): { spans: OtlpSpan[]; scope: Record<string, unknown>; resource: Record<string, unknown> } {
  const spans: OtlpSpan[] = [];
  let scope: Record<string, unknown> = {};
  let resource: Record<string, unknown> = {};
  for (const p of posts) {
    for (const rs of (p.body as { resourceSpans: { resource: { attributes: KeyValue[] }; scopeSpans: { scope: Record<string, unknown>; schemaUrl?: string; spans: OtlpSpan[] }[] }[] }).resourceSpans) {
      resource = attrs(rs.resource.attributes);
      for (const ss of rs.scopeSpans) {
        scope = { ...ss.scope, schemaUrl: ss.schemaUrl };
        spans.push(...ss.spans);
      }
    }
  }
  return { spans, scope, resource };
}

const servers: Server[] = [];
const tracers: GatewayTracer[] = [];
afterEach(async () => {
  await Promise.all(tracers.splice(0).map((t) => t.shutdown()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const summary: RequestSummary = {
  route: '/v1/chat/completions',
  decision: 'redact',
  durationMs: 250,
  endTimeMs: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
  requestId: 'req-1',
  status: 200,
  model: 'gpt-4o-mini',
  stream: false,
  maxTokens: 64,
  upstream: 'main',
  upstreamStatus: 200,
  upstreamMs: 200,
  responseId: 'chatcmpl-1',
  responseModel: 'gpt-4o-mini-2024-07-18',
  finishReasons: ['stop'],
  inputTokens: 31,
  outputTokens: 9,
  findings: [
    { detector: 'pii', category: 'email', action: 'redact', stage: 'input', score: 1, tags: { owaspLlm: ['LLM02'], atlas: ['AML.T0057'] } },
    // A RuledFinding carries evidence: it must never reach the exporter.
    { detector: 'secrets', category: 'aws_access_key', action: 'flag', stage: 'output', score: 0.9, evidence: 'SECRET-EVIDENCE-MARKER' } as never,
  ],
};

describe('createGatewayTracer', () => {
  it('exports one CLIENT span per request with GenAI attributes and guardrail events, in the caller trace', async () => {
    const c = await collector();
    servers.push(c.server);
    const tracer = await createGatewayTracer({ endpoint: c.url, serviceVersion: '9.9.9', headers: { authorization: 'Bearer t0ken' }, upstreams: [{ name: 'main', url: 'https://api.example.com:8443/v1' }] });
    tracers.push(tracer);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    tracer.recordRequest(summary, `00-${traceId}-00f067aa0ba902b7-01`);
    tracer.recordRequest({ route: '/v1/embeddings', decision: 'error', durationMs: 5, reason: 'upstream_timeout', upstream: 'main', model: 'e5', status: 504 });
    await tracer.shutdown();

    expect(c.posts.length).toBeGreaterThan(0);
    expect(c.posts[0]!.path).toBe('/v1/traces');
    expect(c.posts[0]!.headers['authorization']).toBe('Bearer t0ken');
    expect(JSON.stringify(c.posts.map((p) => p.body))).not.toContain('SECRET-EVIDENCE-MARKER');
    const { spans, scope, resource } = spansOf(c.posts);
    expect(scope).toMatchObject({ name: 'bulwark.gateway', version: '9.9.9', schemaUrl: `https://opentelemetry.io/schemas/${GENAI_SEMCONV_VERSION}` });
    expect(resource).toMatchObject({ 'service.name': 'bulwark-gateway', 'service.version': '9.9.9' });
    expect(spans).toHaveLength(2);

    const chat = spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(chat.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(chat.traceId).toBe(traceId);
    expect(chat.parentSpanId).toBe('00f067aa0ba902b7');
    expect(String(chat.endTimeUnixNano)).toBe(`${Date.UTC(2025, 0, 2, 3, 4, 5, 678)}000000`);
    expect(BigInt(chat.endTimeUnixNano) - BigInt(chat.startTimeUnixNano)).toBe(250_000_000n);
    expect(attrs(chat.attributes)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.stream': false,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 31,
      'gen_ai.usage.output_tokens': 9,
      'server.address': 'api.example.com',
      'server.port': 8443,
      'bulwark.decision': 'redact',
      'bulwark.request_id': 'req-1',
      'bulwark.finding.count': 2,
    });
    expect(attrs(chat.attributes)['error.type']).toBeUndefined();
    expect(chat.events?.map((e) => e.name)).toEqual(['gen_ai.evaluation.result', 'gen_ai.evaluation.result']);
    expect(attrs(chat.events![0]!.attributes)).toMatchObject({
      'gen_ai.evaluation.name': 'pii',
      'gen_ai.evaluation.score.label': 'email',
      'gen_ai.evaluation.score.value': 1,
      'gen_ai.response.id': 'chatcmpl-1',
      'bulwark.finding.action': 'redact',
      'bulwark.finding.stage': 'input',
      'bulwark.taxonomy.owasp_llm': ['LLM02'],
      'bulwark.taxonomy.atlas': ['AML.T0057'],
    });

    const failed = spans.find((s) => s.name === 'embeddings e5')!;
    expect(failed.parentSpanId ?? '').toBe('');
    expect(attrs(failed.attributes)).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'error.type': 'upstream_timeout' });
    expect(failed.status?.code).toBe(2); // STATUS_CODE_ERROR
  });

  it('starts a new trace for a malformed or duplicated traceparent, and honours an unsampled one', async () => {
    const c = await collector();
    servers.push(c.server);
    const tracer = await createGatewayTracer({ endpoint: `${c.url}/v1/traces` });
    tracers.push(tracer);
    const base = { ...summary, findings: [] };
    tracer.recordRequest({ ...base, requestId: 'bad' }, 'zz-not-a-traceparent');
    tracer.recordRequest({ ...base, requestId: 'dup' }, ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']);
    tracer.recordRequest({ ...base, requestId: 'huge' }, `00-${'a'.repeat(100_000)}`);
    tracer.recordRequest({ ...base, requestId: 'unsampled' }, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    await tracer.flush();
    const { spans } = spansOf(c.posts);
    expect(spans.map((s) => attrs(s.attributes)['bulwark.request_id']).sort()).toEqual(['bad', 'dup', 'huge']);
    for (const s of spans) expect(s.parentSpanId ?? '').toBe('');
  });

  it('rejects a bad endpoint or header with ERR_CONFIG_INVALID, and never throws from recordRequest', async () => {
    await expect(createGatewayTracer({ endpoint: 'ftp://collector' })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    await expect(createGatewayTracer({ endpoint: 'http://user:pw@collector:4318' })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    await expect(createGatewayTracer({ endpoint: 'http://127.0.0.1:1', headers: { 'bad header': 'x' } })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    const tracer = await createGatewayTracer({ endpoint: 'http://127.0.0.1:1', exportTimeoutMs: 200 });
    expect(() => tracer.recordRequest(null as unknown as RequestSummary)).not.toThrow();
    await tracer.shutdown();
    await tracer.shutdown();
    expect(() => tracer.recordRequest(summary)).not.toThrow();
  });
});
