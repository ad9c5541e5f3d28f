// Splunk HTTP Event Collector: a batch is one POST of concatenated JSON envelopes to /services/collector/event.
import { randomUUID } from 'node:crypto';
import type { SecurityEvent } from '../../core/event.js';
import type { FormatContext, Sink, StoredEvent } from '../types.js';
import { closedError, formatLine } from './delivery.js';
import { HttpPoster } from './http-post.js';
import type { SplunkHecSinkConfig } from './sink-config.js';
import { loadTlsOptions } from './tls-options.js';

/** HEC `time`: epoch seconds with milliseconds, written as a JSON number (`1700000000.123`). */
export function hecTime(isoTime: string, now: () => number = Date.now): string {
  const ms = Date.parse(isoTime);
  return ((Number.isNaN(ms) ? now() : ms) / 1000).toFixed(3);
}

/**
 * One HEC envelope. The formatted event is already one line of JSON, so it is spliced in rather than parsed and
 * serialised again; every other field goes through JSON.stringify.
 */
export function hecEnvelope(event: SecurityEvent, config: SplunkHecSinkConfig, ctx: FormatContext): string {
  const index = config.index === undefined ? '' : `,"index":${JSON.stringify(config.index)}`;
  const line = formatLine(config.id, event, config.format, ctx);
  return `{"time":${hecTime(event.time)},"host":${JSON.stringify(ctx.hostname)},"source":${JSON.stringify(config.source)},"sourcetype":${JSON.stringify(config.sourcetype)}${index},"event":${line}}`;
}

class SplunkHecSink implements Sink {
  readonly id: string;
  private closed = false;
  /** A channel id makes /event work with tokens that have indexer acknowledgement on (we do not poll acks). */
  private readonly channel = randomUUID();

  constructor(
    private readonly config: SplunkHecSinkConfig,
    private readonly ctx: FormatContext,
    private readonly http: HttpPoster,
  ) {
    this.id = config.id;
  }

  async send(batch: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    if (this.closed) throw closedError(this.id);
    if (batch.length === 0) return;
    const body = Buffer.from(batch.map(({ event }) => hecEnvelope(event, this.config, this.ctx)).join('\n'), 'utf8');
    const token = this.config.token.reveal();
    const headers = {
      authorization: `Splunk ${token}`,
      'content-type': 'application/json',
      'x-splunk-request-channel': this.channel,
      'user-agent': `bulwark/${this.ctx.productVersion}`,
    };
    await this.http.post(this.config.path, headers, body, signal, [token]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.http.close();
  }
}

export async function createSplunkHecSink(config: SplunkHecSinkConfig, ctx: FormatContext): Promise<Sink> {
  const tls = config.origin.startsWith('https:') ? await loadTlsOptions(config) : undefined;
  const http = new HttpPoster({ sinkId: config.id, origin: config.origin, connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs, tls });
  return new SplunkHecSink(config, ctx, http);
}
