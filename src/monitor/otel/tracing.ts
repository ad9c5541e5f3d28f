// One OpenTelemetry span per gateway request, per the GenAI semantic conventions, exported over OTLP/HTTP. The
// OpenTelemetry SDK is imported here on demand (createGatewayTracer), never when this module is imported.
import type { Attributes, Context, TextMapGetter, TextMapPropagator, Tracer } from '@opentelemetry/api';
import { BulwarkError } from '../../core/errors.js';
import { operationOf, type RequestSummary } from '../metrics-summary.js';
import { serverOf, signalUrl } from './endpoint.js';
import { hrTime } from './hr-time.js';
import { loadOptional } from './load.js';
import { addTaxonomyAttributes } from './taxonomy-attributes.js';
import { ATTR, EVENT_EVALUATION_RESULT, GENAI_SEMCONV_VERSION, SCHEMA_URL } from './semconv.js';

export { GENAI_SEMCONV_VERSION };

export interface TracedUpstream {
  /** Upstream name as in the route table (RequestSummary.upstream). */
  name: string;
  /** Its base URL: gives `server.address` / `server.port`. */
  url: string;
  /** `gen_ai.provider.name` (default "openai": the gateway speaks the OpenAI API to every upstream). */
  provider?: string;
}

export interface GatewayTracerOptions {
  /** OTLP/HTTP base URL, e.g. "http://collector:4318" (or the full ".../v1/traces"). */
  endpoint: string;
  /** `service.name` of the resource (default "bulwark-gateway"). */
  serviceName?: string;
  serviceVersion?: string;
  /** Sent with every export (e.g. an authorization header); never logged. */
  headers?: Record<string, string>;
  /** The configured upstreams (CompiledUpstream satisfies this), for server.* and provider attributes. */
  upstreams?: readonly TracedUpstream[];
  /** Spans buffered before new ones are dropped (default 2048). */
  maxQueueSize?: number;
  /** Longest wait before a batch is sent (default 5000 ms). */
  scheduledDelayMs?: number;
  /** Time budget of one export request (default 10000 ms). */
  exportTimeoutMs?: number;
}

export interface GatewayTracer {
  /**
   * Records the span of a finished request (explicit start and end times, so no context propagation is needed
   * on the request path). `traceparent` / `tracestate` are the incoming W3C headers, if any: the span joins the
   * caller's trace. Never throws; never blocks (spans queue and export in batches).
   */
  recordRequest(summary: RequestSummary, traceparent?: string | readonly string[], tracestate?: string | readonly string[]): void;
  /** Exports what is queued. */
  flush(): Promise<void>;
  /** Exports what is queued and stops; later recordRequest calls are ignored. Safe to call twice. */
  shutdown(): Promise<void>;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const MAX_TRACE_HEADER = 512;
const MAX_NAME_MODEL = 128;
const MAX_FINDING_EVENTS = 64;

function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw new BulwarkError('ERR_CONFIG_INVALID', 'OTLP headers must be valid HTTP header names and single-line values', { context: { header: HEADER_NAME.test(name) ? name : '(invalid name)' } });
    }
  }
  return { ...headers };
}

const count = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** `error.type` of a request that failed (decision "error"): its reason code, else its status. */
function errorType(s: RequestSummary): string | undefined {
  if (s.decision !== 'error') return undefined;
  return (s.reason ?? (s.status !== undefined ? String(s.status) : '_OTHER')).slice(0, 128);
}

/** Loads the SDK and builds the tracer; rejects with ERR_CONFIG_INVALID for a bad endpoint or header. */
export async function createGatewayTracer(options: GatewayTracerOptions): Promise<GatewayTracer> {
  const url = signalUrl(options.endpoint, 'traces', 'ERR_CONFIG_INVALID');
  const headers = checkHeaders(options.headers);
  const maxQueueSize = Math.max(1, Math.floor(options.maxQueueSize ?? 2048));
  const code = 'ERR_CONFIG_INVALID' as const;
  const [api, core, resources, sdk, exporters] = await Promise.all([
    loadOptional('@opentelemetry/api', () => import('@opentelemetry/api'), code),
    loadOptional('@opentelemetry/core', () => import('@opentelemetry/core'), code),
    loadOptional('@opentelemetry/resources', () => import('@opentelemetry/resources'), code),
    loadOptional('@opentelemetry/sdk-trace-base', () => import('@opentelemetry/sdk-trace-base'), code),
    loadOptional('@opentelemetry/exporter-trace-otlp-http', () => import('@opentelemetry/exporter-trace-otlp-http'), code),
  ]);

  const exporter = new exporters.OTLPTraceExporter({ url: url.href, headers, timeoutMillis: options.exportTimeoutMs ?? 10_000 });
  const processor = new sdk.BatchSpanProcessor(exporter, {
    maxQueueSize,
    maxExportBatchSize: Math.min(512, maxQueueSize),
    scheduledDelayMillis: options.scheduledDelayMs ?? 5_000,
    exportTimeoutMillis: options.exportTimeoutMs ?? 10_000,
  });
  const resource = resources.defaultResource().merge(
    resources.resourceFromAttributes({
      [ATTR.serviceName]: options.serviceName ?? 'bulwark-gateway',
      ...(options.serviceVersion !== undefined ? { [ATTR.serviceVersion]: options.serviceVersion } : {}),
    }),
  );
  const provider = new sdk.BasicTracerProvider({
    resource,
    spanProcessors: [processor],
    // Hostile client values (model names) must not make spans large.
    spanLimits: { attributeValueLengthLimit: 1024, eventCountLimit: MAX_FINDING_EVENTS + 1 },
  });
  const tracer: Tracer = provider.getTracer('bulwark.gateway', options.serviceVersion, { schemaUrl: SCHEMA_URL });
  const propagator: TextMapPropagator = new core.W3CTraceContextPropagator();
  const getter: TextMapGetter<Record<string, string>> = api.defaultTextMapGetter;
  const upstreams = new Map<string, { address?: string; port?: number; provider: string }>();
  for (const u of options.upstreams ?? []) upstreams.set(u.name, { ...serverOf(u.url), provider: u.provider ?? 'openai' });

  const parentOf = (traceparent: string | readonly string[] | undefined, tracestate: string | readonly string[] | undefined): Context => {
    // Two traceparent headers make the context invalid (W3C trace-context §3.2); an oversized one is ignored.
    if (typeof traceparent !== 'string' || traceparent.length > MAX_TRACE_HEADER) return api.ROOT_CONTEXT;
    const carrier: Record<string, string> = { traceparent };
    if (typeof tracestate === 'string' && tracestate.length <= MAX_TRACE_HEADER) carrier['tracestate'] = tracestate;
    return propagator.extract(api.ROOT_CONTEXT, carrier, getter);
  };

  let stopped: Promise<void> | undefined;

  const record = (s: RequestSummary, traceparent?: string | readonly string[], tracestate?: string | readonly string[]): void => {
    const endMs = s.endTimeMs ?? Date.now();
    const startMs = endMs - (count(s.durationMs) ? s.durationMs : 0);
    const operation = operationOf(s);
    const upstream = s.upstream !== undefined ? upstreams.get(s.upstream) : undefined;
    const providerName = s.provider ?? upstream?.provider ?? 'openai';
    const attributes: Attributes = {
      'bulwark.route': s.route,
      'bulwark.decision': s.decision,
    };
    if (operation !== undefined) {
      attributes[ATTR.operationName] = operation;
      attributes[ATTR.providerName] = providerName;
    }
    if (s.requestId !== undefined) attributes['bulwark.request_id'] = s.requestId;
    if (s.status !== undefined) attributes['bulwark.http.status_code'] = s.status;
    if (s.reason !== undefined) attributes['bulwark.reason'] = s.reason.slice(0, 128);
    if (s.model !== undefined) attributes[ATTR.requestModel] = s.model;
    if (s.stream !== undefined) attributes[ATTR.requestStream] = s.stream;
    if (count(s.maxTokens)) attributes[ATTR.requestMaxTokens] = s.maxTokens;
    if (s.responseModel !== undefined) attributes[ATTR.responseModel] = s.responseModel;
    if (s.responseId !== undefined) attributes[ATTR.responseId] = s.responseId;
    if (s.finishReasons !== undefined) attributes[ATTR.responseFinishReasons] = s.finishReasons.slice(0, 16).map(String);
    if (count(s.inputTokens)) attributes[ATTR.usageInputTokens] = s.inputTokens;
    if (count(s.outputTokens)) attributes[ATTR.usageOutputTokens] = s.outputTokens;
    if (upstream?.address !== undefined) attributes[ATTR.serverAddress] = upstream.address;
    if (upstream?.port !== undefined) attributes[ATTR.serverPort] = upstream.port;
    if (s.upstream !== undefined) attributes['bulwark.upstream'] = s.upstream;
    if (s.upstreamStatus !== undefined) attributes['bulwark.upstream.status_code'] = s.upstreamStatus;
    if (count(s.upstreamMs)) attributes['bulwark.upstream.duration_ms'] = s.upstreamMs;
    const error = errorType(s);
    if (error !== undefined) attributes[ATTR.errorType] = error;
    const findings = s.findings ?? [];
    if (findings.length > 0) attributes['bulwark.finding.count'] = findings.length;

    const name = operation === undefined ? s.route : s.model === undefined ? operation : `${operation} ${s.model.slice(0, MAX_NAME_MODEL)}`;
    // CLIENT: the span describes the model call the gateway makes on the caller's behalf, which is the GenAI
    // inference span (kind CLIENT, server.* naming the model server). A SERVER span would make server.* mean the
    // gateway itself and hide the call from GenAI-aware backends, which key on CLIENT inference spans.
    const span = tracer.startSpan(name, { kind: api.SpanKind.CLIENT, startTime: hrTime(startMs), attributes }, parentOf(traceparent, tracestate));
    const end = hrTime(endMs);
    for (const f of findings.slice(0, MAX_FINDING_EVENTS)) {
      // Only identifiers, scores and decisions: never the finding's evidence or any text of the conversation.
      const e: Attributes = {
        [ATTR.evaluationName]: f.detector,
        [ATTR.evaluationScoreLabel]: f.category,
        [ATTR.evaluationExplanation]: `${f.action} at ${f.stage}`,
        'bulwark.detector.id': f.detector,
        'bulwark.finding.category': f.category,
        'bulwark.finding.action': f.action,
        'bulwark.finding.stage': f.stage,
      };
      if (typeof f.score === 'number' && Number.isFinite(f.score)) {
        e[ATTR.evaluationScoreValue] = f.score;
        e['bulwark.finding.score'] = f.score;
      }
      if (s.responseId !== undefined) e[ATTR.responseId] = s.responseId;
      addTaxonomyAttributes(e, f.tags);
      span.addEvent(EVENT_EVALUATION_RESULT, e, end);
    }
    if (findings.length > MAX_FINDING_EVENTS) span.setAttribute('bulwark.finding.events_dropped', findings.length - MAX_FINDING_EVENTS);
    if (error !== undefined) span.setStatus({ code: api.SpanStatusCode.ERROR, message: error });
    span.end(end);
  };

  return {
    recordRequest(summary, traceparent, tracestate) {
      if (stopped) return;
      try {
        record(summary, traceparent, tracestate);
      } catch {
        // Tracing must never fail a request.
      }
    },
    flush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= provider.shutdown();
      return stopped;
    },
  };
}
