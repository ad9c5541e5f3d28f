// The gateway's monitoring side, built from the configuration: sinks and the outbox that delivers stored events
// to them, alert rules with their responses (suspensions, blocks, notifications), Prometheus metrics, and
// OpenTelemetry spans when an otlp sink is configured. start.ts wires the result into the request path.
import { hostname } from 'node:os';
import { BulwarkError } from '../core/errors.js';
import type { SecurityEvent } from '../core/event.js';
import { BULWARK_VERSION } from '../core/version.js';
import { BulwarkMetrics } from '../monitor/metrics.js';
import { requestSummaryFromEvent } from '../monitor/metrics-summary.js';
import type { GatewayTracer } from '../monitor/otel/tracing.js';
import { Outbox } from '../monitor/outbox.js';
import { RuleEngine } from '../monitor/rules/engine.js';
import { observeRules } from '../monitor/rules/observing-sink.js';
import { createStoreResponder, type Notifier } from '../monitor/rules/responder.js';
import { createSink, parseSinkUrl } from '../monitor/sinks/index.js';
import type { SinkConfig } from '../monitor/sinks/sink-config.js';
import type { FormatContext, Sink } from '../monitor/types.js';
import type { BulwarkConfig } from '../policy/schema.js';
import type { CompiledConfig } from '../policy/types.js';
import { BlockList } from '../store/blocks.js';
import type { Store } from '../store/db.js';
import type { EventSink, GatewayDeps, RequestObserver } from './deps.js';

export interface MonitoringOptions {
  config: BulwarkConfig;
  compiled: CompiledConfig;
  store: Store;
  /** Sink URLs given on the command line (`--sink`), added to the configuration's. */
  sinkUrls?: readonly string[];
  env?: NodeJS.ProcessEnv;
  log?: GatewayDeps['log'];
}

export interface Monitoring {
  /** Where the request path appends events: alert rules first, then the store. */
  events: EventSink;
  observe: RequestObserver;
  metrics: BulwarkMetrics;
  blocks: BlockList;
  outbox: Outbox | undefined;
  tracer: GatewayTracer | undefined;
  /**
   * Lets running responses finish, exports queued spans, writes the buffered events, gives the outbox up to
   * `deliverGraceMs` to deliver them (what it cannot deliver now waits in the store for the next start), then
   * stops it. Call before the store closes.
   */
  stop(deliverGraceMs?: number): Promise<void>;
}

interface NamedSink {
  name: string | undefined;
  config: SinkConfig;
}

/** Parses every configured sink URL up front: a bad one stops the start with ERR_SINK_CONFIG naming it. */
function parseSinks(config: BulwarkConfig, extra: readonly string[], env: NodeJS.ProcessEnv): NamedSink[] {
  const entries = [...config.sinks.map((s) => (typeof s === 'string' ? { name: undefined, url: s } : s)), ...extra.map((url) => ({ name: undefined, url }))];
  return entries.map((e, i) => {
    try {
      return { name: e.name, config: parseSinkUrl(e.url, env) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new BulwarkError('ERR_SINK_CONFIG', `sink ${e.name ?? i + 1}: ${message}`, { cause: err });
    }
  });
}

export async function startMonitoring(options: MonitoringOptions): Promise<Monitoring> {
  const { config, compiled, store } = options;
  const env = options.env ?? process.env;
  const ctx: FormatContext = { productVersion: BULWARK_VERSION, hostname: hostname() };
  const named = parseSinks(config, options.sinkUrls ?? [], env);
  const sinks: Sink[] = [];
  const opened: Sink[] = [];
  let outbox: Outbox | undefined;
  let tracer: GatewayTracer | undefined;
  const blocks = await BlockList.open(store.db);
  try {
    for (const n of named) {
      const sink = await createSink(n.config, ctx);
      opened.push(sink);
      sinks.push(sink);
    }
    if (sinks.length > 0) {
      outbox = new Outbox(store, {
        sinks,
        batchSize: config.outbox.batchSize,
        maxAttempts: config.outbox.maxAttempts,
        pollIntervalMs: config.outbox.pollIntervalMs,
        startFrom: config.outbox.startFrom,
        onError: (sinkId, e) => options.log?.('warn', 'event delivery failed', { sink: sinkId, code: e.code, error: e.message }),
      });
      await outbox.start();
    }
    // Spans go to the collector of the first otlp sink, with that sink's headers.
    const otlp = named.find((n) => n.config.kind === 'otlp')?.config;
    if (otlp?.kind === 'otlp') {
      const { createGatewayTracer } = await import('../monitor/otel/tracing.js');
      const headers = Object.fromEntries(Object.entries(otlp.secrets).map(([k, v]) => [k.replaceAll('_', '-'), v.reveal()]));
      tracer = await createGatewayTracer({ endpoint: otlp.endpoint, serviceVersion: BULWARK_VERSION, headers, upstreams: compiled.upstreams });
    }
  } catch (e) {
    await outbox?.stop().catch(() => undefined);
    if (!outbox) await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
    blocks.close();
    throw e;
  }

  // Alert rules notify a named sink, or any sink URL (a sink made for the purpose, kept for later notifications).
  const notifySinks = new Map<string, Promise<Sink>>();
  const notify: Notifier = async (ref, event) => {
    let sink = notifySinks.get(ref);
    if (!sink) {
      const byName = config.sinks.find((s) => typeof s !== 'string' && s.name === ref);
      const url = byName && typeof byName !== 'string' ? byName.url : ref;
      sink = createSink(parseSinkUrl(url, env), ctx);
      notifySinks.set(ref, sink);
      sink.catch(() => notifySinks.delete(ref));
    }
    await (await sink).send([{ seq: 0, event }], AbortSignal.timeout(10_000));
  };
  const engine = new RuleEngine(compiled.alerts, {
    responder: createStoreResponder({ keys: store.keys, blocks, notify }),
    emit: (e: SecurityEvent) => store.events.append(e),
  });
  const events = observeRules(engine, store.events);

  const metrics = new BulwarkMetrics({
    defaultMetrics: true,
    knownModels: (m) => compiled.routeModel(m) !== undefined,
    ...(outbox
      ? {
          outboxStats: () =>
            outbox.stats().sinks.map((s) => ({ sink: s.sinkId, lag: s.lag, delivered: s.delivered, retries: s.retries, deadLettered: s.deadLettered })),
        }
      : {}),
  });
  const observe: RequestObserver = (event, facts, req) => {
    const summary = requestSummaryFromEvent(event, {
      ...(facts.upstreamMs === undefined ? {} : { upstreamMs: facts.upstreamMs }),
      ...(facts.upstreamStatus === undefined ? {} : { upstreamStatus: facts.upstreamStatus }),
      ...(facts.maxTokens === undefined ? {} : { maxTokens: facts.maxTokens }),
    });
    metrics.observeRequest(summary);
    tracer?.recordRequest(summary, req.headers['traceparent'], req.headers['tracestate']);
  };

  let stopping: Promise<void> | undefined;
  return {
    events,
    observe,
    metrics,
    blocks,
    outbox,
    tracer,
    stop(deliverGraceMs = 2_000) {
      stopping ??= (async () => {
        await engine.drain().catch(() => undefined);
        await tracer?.shutdown().catch(() => undefined);
        if (outbox) {
          await store.events.flush().catch(() => undefined);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            outbox.drained().catch(() => false),
            new Promise((resolve) => {
              timer = setTimeout(resolve, deliverGraceMs);
            }),
          ]);
          clearTimeout(timer);
          await outbox.stop();
        }
        await Promise.all([...notifySinks.values()].map((p) => p.then((s) => s.close()).catch(() => undefined)));
        blocks.close();
      })();
      return stopping;
    },
  };
}
