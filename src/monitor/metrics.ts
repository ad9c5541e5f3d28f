// Prometheus metrics of the gateway on a private prom-client registry: requests, decisions, detector and upstream
// latency, tokens, auth failures, limit hits, outbox delivery and the guard's request-text memory, all with bounded
// label values.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { stageCacheLookups } from '../guard/stage-cache.js';
import { FastCounterChild, FastHistogramChild } from './metrics-fast-child.js';
import { BoundedValues, ChildCache, OTHER } from './metrics-labels.js';
import { operationOf, type RequestSummary } from './metrics-summary.js';

/** One sink's delivery counters, as the outbox keeps them (cumulative since start, except `lag`). */
export interface OutboxStats {
  /** Sink id (its URL without credentials). */
  sink: string;
  /** Events stored but not yet delivered to this sink. */
  lag: number;
  delivered: number;
  retries: number;
  deadLettered: number;
}

/** Read once per scrape; may be async (a store query), must not be slow. */
export type OutboxStatsProvider = () => readonly OutboxStats[] | Promise<readonly OutboxStats[]>;

export interface BulwarkMetricsOptions {
  /** Also export prom-client's default process_* and nodejs_* metrics (default false). */
  defaultMetrics?: boolean;
  /**
   * Models that may appear as a label (e.g. `(m) => config.routeModel(m) !== undefined`); any other model is
   * counted as "other". Default: none, every model is "other".
   */
  knownModels?: (model: string) => boolean;
  /** At most this many distinct model labels, even among known models (globs match unboundedly); default 50. */
  maxModels?: number;
  outboxStats?: OutboxStatsProvider;
}

/** Detectors cost microseconds; a slow ML detector tens of milliseconds. */
const DETECTOR_BUCKETS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160];
/** gen_ai.client.token.usage: powers of 4 up to 4^13 (OTel GenAI semconv). */
const TOKEN_BUCKETS = Array.from({ length: 14 }, (_, i) => 4 ** i);
/** gen_ai.client.operation.duration: 0.01 s doubling to 81.92 s (OTel GenAI semconv). */
const GENAI_DURATION_BUCKETS = Array.from({ length: 14 }, (_, i) => Math.round(0.01 * 2 ** i * 100) / 100);

type Inc = { inc(value?: number): void };
type Obs = { observe(value: number): void };

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function statusClass(status: number | undefined): string {
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) return 'error';
  return `${Math.floor(status / 100)}xx`;
}

export class BulwarkMetrics {
  /** The private registry (not prom-client's global one), e.g. to merge with another. */
  readonly registry = new Registry();
  private readonly knownModels: (model: string) => boolean;
  private outboxStats: OutboxStatsProvider | undefined;
  private outboxSnapshot: readonly OutboxStats[] = [];

  // Every label dimension is bounded, also those fed by configuration: a mistake must not explode the series.
  private readonly routes = new BoundedValues(32);
  private readonly decisions = new BoundedValues(16);
  private readonly detectors = new BoundedValues(256);
  private readonly categories = new BoundedValues(512);
  private readonly actions = new BoundedValues(8);
  private readonly stages = new BoundedValues(8);
  private readonly upstreams = new BoundedValues(64);
  private readonly models: BoundedValues;
  private readonly reasons = new BoundedValues(64);
  private readonly providers = new BoundedValues(32);
  private readonly sinks = new BoundedValues(32, 256);

  private readonly requests: ChildCache<Inc>;
  private readonly detections: ChildCache<Inc>;
  private readonly detectorDuration: ChildCache<Obs>;
  private readonly upstreamDuration: ChildCache<Obs>;
  private readonly requestDuration: ChildCache<Obs>;
  private readonly tokens: ChildCache<Inc>;
  private readonly authFailures: ChildCache<Inc>;
  private readonly limitHits: ChildCache<Inc>;
  private readonly dropped: Counter;
  private readonly genAiTokens: ChildCache<Obs>;
  private readonly genAiDuration: ChildCache<Obs>;

  constructor(options: BulwarkMetricsOptions = {}) {
    const registers = [this.registry];
    this.knownModels = options.knownModels ?? (() => false);
    this.models = new BoundedValues(options.maxModels ?? 50);
    this.outboxStats = options.outboxStats;
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });

    // Children update their series directly (see metrics-fast-child.ts): the request path observes several per request.
    const counter = (name: string, help: string, labelNames: string[]) => {
      const c = new Counter({ name, help, labelNames, registers });
      return { labels: (...values: string[]): Inc => new FastCounterChild(c, labelNames, values) };
    };
    const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) => {
      const h = new Histogram({ name, help, labelNames, buckets, registers });
      return { labels: (...values: string[]): Obs => new FastHistogramChild(h, labelNames, values, buckets) };
    };

    const requests = counter('bulwark_requests_total', 'Gateway requests by route and decision.', ['route', 'decision']);
    this.requests = new ChildCache(2, (...v) => requests.labels(...v));
    const detections = counter('bulwark_detections_total', 'Findings by detector, category, policy action and stage.', ['detector', 'category', 'action', 'stage']);
    this.detections = new ChildCache(4, (...v) => detections.labels(...v));
    const detectorDuration = histogram('bulwark_detector_duration_seconds', 'Time of one detector call.', ['detector', 'stage'], DETECTOR_BUCKETS);
    this.detectorDuration = new ChildCache(2, (...v) => detectorDuration.labels(...v));
    const upstreamDuration = histogram('bulwark_upstream_duration_seconds', 'Time of the upstream call, by upstream and HTTP status class ("error": no answer).', ['upstream', 'status_class'], REQUEST_BUCKETS);
    this.upstreamDuration = new ChildCache(2, (...v) => upstreamDuration.labels(...v));
    const requestDuration = histogram('bulwark_request_duration_seconds', 'Time of a whole gateway request.', ['route'], REQUEST_BUCKETS);
    this.requestDuration = new ChildCache(1, (...v) => requestDuration.labels(...v));
    const tokens = counter('bulwark_tokens_total', 'Tokens by direction (input, output) and model ("other" for models outside the route table).', ['direction', 'model']);
    this.tokens = new ChildCache(2, (...v) => tokens.labels(...v));
    const authFailures = counter('bulwark_auth_failures_total', 'Refused credentials by reason.', ['reason']);
    this.authFailures = new ChildCache(1, (...v) => authFailures.labels(...v));
    const limitHits = counter('bulwark_limit_hits_total', 'Requests refused by a limit (rate, tokens, concurrency, size).', ['limit']);
    this.limitHits = new ChildCache(1, (...v) => limitHits.labels(...v));
    this.dropped = new Counter({ name: 'bulwark_events_dropped_total', help: 'Security events dropped before they were stored (queue full).', registers });

    const genAiTokens = histogram('gen_ai_client_token_usage', 'OTel GenAI gen_ai.client.token.usage: tokens per operation.', ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_token_type', 'gen_ai_request_model'], TOKEN_BUCKETS);
    this.genAiTokens = new ChildCache(4, (...v) => genAiTokens.labels(...v));
    const genAiDuration = histogram('gen_ai_client_operation_duration_seconds', 'OTel GenAI gen_ai.client.operation.duration: time of the model call.', ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'], GENAI_DURATION_BUCKETS);
    this.genAiDuration = new ChildCache(3, (...v) => genAiDuration.labels(...v));

    // Outbox series are rebuilt from the snapshot metricsText() takes once per scrape.
    const snapshot = () => this.outboxSnapshot;
    const sinkLabel = (s: OutboxStats) => ({ sink: this.sinks.get(s.sink) });
    new Gauge({
      name: 'bulwark_outbox_lag_events',
      help: 'Stored events not yet delivered, per sink.',
      labelNames: ['sink'],
      registers,
      collect() {
        this.reset();
        for (const s of snapshot()) if (finite(s.lag)) this.set(sinkLabel(s), s.lag);
      },
    });
    const cumulative = (name: string, help: string, pick: (s: OutboxStats) => number) =>
      new Counter({
        name,
        help,
        labelNames: ['sink'],
        registers,
        collect() {
          this.reset();
          for (const s of snapshot()) {
            const v = pick(s);
            if (finite(v)) this.inc(sinkLabel(s), v);
          }
        },
      });
    cumulative('bulwark_outbox_delivered_total', 'Events delivered, per sink.', (s) => s.delivered);
    cumulative('bulwark_outbox_retries_total', 'Failed delivery attempts that will be retried, per sink.', (s) => s.retries);
    cumulative('bulwark_outbox_dead_letters_total', 'Events given up on (dead-lettered), per sink.', (s) => s.deadLettered);
    new Counter({
      name: 'bulwark_guard_cache_lookups_total',
      help: 'Request-side texts looked up among those the same caller sent before (hit: not scanned again).',
      labelNames: ['result'],
      registers,
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, stageCacheLookups.hits);
        this.inc({ result: 'miss' }, stageCacheLookups.misses);
      },
    });
  }

  /** Content-Type of metricsText() (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Late wiring: the outbox may be built after the metrics. */
  setOutboxStats(provider: OutboxStatsProvider | undefined): void {
    this.outboxStats = provider;
  }

  /** Records one finished gateway request; never throws. */
  observeRequest(s: RequestSummary): void {
    try {
      const route = this.routes.get(s.route);
      this.requests.get(route, this.decisions.get(s.decision)).inc();
      if (finite(s.durationMs)) this.requestDuration.get(route).observe(s.durationMs / 1000);
      if (s.kind === 'auth') this.authFailure(s.reason ?? 'unknown');
      else if (s.kind === 'limit') this.limitHit(s.reason ?? 'unknown');

      const model = s.model !== undefined && this.knownModels(s.model) ? this.models.get(s.model) : OTHER;
      if (finite(s.inputTokens) && s.inputTokens > 0) this.tokens.get('input', model).inc(s.inputTokens);
      if (finite(s.outputTokens) && s.outputTokens > 0) this.tokens.get('output', model).inc(s.outputTokens);
      if (s.upstream !== undefined && finite(s.upstreamMs)) {
        this.upstreamDuration.get(this.upstreams.get(s.upstream), statusClass(s.upstreamStatus)).observe(s.upstreamMs / 1000);
      }
      if (s.findings) {
        for (const f of s.findings) this.detections.get(this.detectors.get(f.detector), this.categories.get(f.category), this.actions.get(f.action), this.stages.get(f.stage)).inc();
      }
      if (s.detectorTimings) {
        for (const t of s.detectorTimings) if (finite(t.ms)) this.detectorDuration.get(this.detectors.get(t.detector), this.stages.get(t.stage)).observe(t.ms / 1000);
      }

      // GenAI client metrics describe the model call, so only requests that reached the upstream count.
      const operation = operationOf(s);
      if (operation !== undefined && s.upstream !== undefined && finite(s.upstreamMs)) {
        const provider = this.providers.get(s.provider ?? 'openai');
        this.genAiDuration.get(operation, provider, model).observe(s.upstreamMs / 1000);
        if (finite(s.inputTokens)) this.genAiTokens.get(operation, provider, 'input', model).observe(s.inputTokens);
        if (finite(s.outputTokens)) this.genAiTokens.get(operation, provider, 'output', model).observe(s.outputTokens);
      }
    } catch {
      // Metrics must never fail a request.
    }
  }

  authFailure(reason: string): void {
    this.authFailures.get(this.reasons.get(reason)).inc();
  }

  limitHit(limit: string): void {
    this.limitHits.get(this.reasons.get(limit)).inc();
  }

  eventsDropped(count = 1): void {
    if (finite(count) && count > 0) this.dropped.inc(count);
  }

  /** The exposition text for GET /metrics; reads the outbox stats once. */
  async metricsText(): Promise<string> {
    try {
      this.outboxSnapshot = this.outboxStats ? await this.outboxStats() : [];
    } catch {
      // A failing stats provider leaves the outbox series out of this scrape rather than failing the scrape.
      this.outboxSnapshot = [];
    }
    return this.registry.metrics();
  }
}
