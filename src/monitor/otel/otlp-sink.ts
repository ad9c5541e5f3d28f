// The OTLP sink (`otlp+http(s)://host:4318`): each SecurityEvent becomes one OTLP log record, POSTed as OTLP/HTTP
// JSON to the collector's /v1/logs. The OpenTelemetry packages load when a sink is created, not on import.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BulwarkError } from '../../core/errors.js';
import type { OtlpSinkConfig } from '../sinks/sink-config.js';
import type { FormatContext, Sink, StoredEvent } from '../types.js';
import { signalUrl } from './endpoint.js';
import { hrTime } from './hr-time.js';
import { loadOptional } from './load.js';
import { eventLogFields } from './otlp-log-record.js';
import { ATTR, SCHEMA_URL } from './semconv.js';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const SERVICE_NAME = /^[\x21-\x7e][\x20-\x7e]{0,127}$/;

interface OtlpOptions {
  timeoutMs: number;
  serviceName: string;
}

/** Query options of an otlp+http(s) URL: `timeout_ms` (default 10000) and `service_name` (default "bulwark"). */
function parseParams(params: Record<string, string>): OtlpOptions {
  const out: OtlpOptions = { timeoutMs: 10_000, serviceName: 'bulwark' };
  for (const [key, value] of Object.entries(params)) {
    if (key === 'timeout_ms') {
      const n = /^\d{1,7}$/.test(value) ? Number(value) : Number.NaN;
      if (!(n >= 1 && n <= 600_000)) throw new BulwarkError('ERR_SINK_CONFIG', 'sink URL: timeout_ms must be a whole number between 1 and 600000');
      out.timeoutMs = n;
    } else if (key === 'service_name') {
      if (!SERVICE_NAME.test(value)) throw new BulwarkError('ERR_SINK_CONFIG', 'sink URL: service_name must be 1 to 128 printable ASCII characters');
      out.serviceName = value;
    } else {
      const shown = key.replace(/[^\x21-\x7e]/g, '?').slice(0, 40);
      throw new BulwarkError('ERR_SINK_CONFIG', `sink URL: unknown option ${shown} for otlp (known: timeout_ms, service_name, <header>_env)`, { context: { option: shown } });
    }
  }
  return out;
}

/** `<name>_env=VAR` secrets become request headers: `authorization_env` → `authorization`, `x_api_key_env` → `x-api-key`. */
function headersOf(secrets: OtlpSinkConfig['secrets']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, secret] of Object.entries(secrets)) {
    const header = name.replace(/_/g, '-').toLowerCase();
    const value = secret.reveal();
    if (!HEADER_NAME.test(header)) throw new BulwarkError('ERR_SINK_CONFIG', 'sink URL: a *_env option does not name a valid HTTP header', { context: { option: `${name.slice(0, 40)}_env` } });
    if (/[\r\n\0]/.test(value)) throw new BulwarkError('ERR_SINK_CONFIG', `sink URL: the value of ${header} must be a single line`, { context: { option: `${name}_env` } });
    headers[header] = value;
  }
  return headers;
}

function failure(sink: string, error: unknown): BulwarkError {
  const status = (error as { code?: unknown } | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number') return new BulwarkError('ERR_SINK', `the OTLP collector answered HTTP ${status}`, { context: { sink, status }, cause: error });
  // The exporter's retry loop reports only that it gave up (the last status is not kept).
  if (/retryable/i.test(text)) {
    return new BulwarkError('ERR_SINK', 'the OTLP collector stayed unavailable (429, 502-504 or no connection) within timeout_ms', { context: { sink, retryable: true }, cause: error });
  }
  return new BulwarkError('ERR_SINK', `OTLP export failed: ${text.slice(0, 200)}`, { context: { sink }, cause: error });
}

/**
 * Builds the sink; rejects with ERR_SINK_CONFIG for bad options or a missing OpenTelemetry package. `send`
 * resolves only when the collector accepted the whole batch (2xx), so the outbox's at-least-once holds.
 */
export async function createOtlpSink(config: OtlpSinkConfig, ctx: FormatContext): Promise<Sink> {
  const url = signalUrl(config.endpoint, 'logs', 'ERR_SINK_CONFIG');
  const options = parseParams(config.params);
  const headers = headersOf(config.secrets);
  const [resources, exporters] = await Promise.all([
    loadOptional('@opentelemetry/resources', () => import('@opentelemetry/resources'), 'ERR_SINK_CONFIG'),
    loadOptional('@opentelemetry/exporter-logs-otlp-http', () => import('@opentelemetry/exporter-logs-otlp-http'), 'ERR_SINK_CONFIG'),
  ]);
  // The exporter is called directly (no batch processor): its callback is the collector's answer for exactly
  // this batch. It retries 429/502/503/504 itself within timeout_ms; the outbox retries after that.
  const exporter = new exporters.OTLPLogExporter({ url: url.href, headers, timeoutMillis: options.timeoutMs, concurrencyLimit: 4 });
  const resource = resources.resourceFromAttributes({
    [ATTR.serviceName]: options.serviceName,
    [ATTR.serviceVersion]: ctx.productVersion,
    [ATTR.hostName]: ctx.hostname,
  });
  // One scope object for every record: the serializer groups records by scope identity.
  const scope = { name: 'bulwark.monitor', version: ctx.productVersion, schemaUrl: SCHEMA_URL };
  const id = config.id;
  let closed: Promise<void> | undefined;

  const toRecord = ({ event }: StoredEvent, observed: ReturnType<typeof hrTime>): ReadableLogRecord => {
    const f = eventLogFields(event);
    return {
      hrTime: hrTime(f.timeMs),
      hrTimeObserved: observed,
      severityNumber: f.severityNumber,
      severityText: f.severityText,
      body: f.body,
      eventName: f.eventName,
      resource,
      instrumentationScope: scope,
      attributes: f.attributes,
      droppedAttributesCount: 0,
    };
  };

  return {
    id,
    async send(batch, signal) {
      if (closed) throw new BulwarkError('ERR_SINK', 'the OTLP sink is closed', { context: { sink: id } });
      if (signal.aborted) throw new BulwarkError('ERR_SINK', 'delivery to the OTLP collector was aborted', { context: { sink: id } });
      if (batch.length === 0) return;
      const observed = hrTime(Date.now());
      const records = batch.map((e) => toRecord(e, observed));
      await new Promise<void>((resolve, reject) => {
        // An abort rejects at once; the request in flight ends by itself within timeout_ms. The outbox then
        // retries the batch, so a collector may see it twice (at-least-once), never not at all.
        const onAbort = (): void => reject(new BulwarkError('ERR_SINK', 'delivery to the OTLP collector was aborted', { context: { sink: id } }));
        signal.addEventListener('abort', onAbort, { once: true });
        exporter.export(records, (result) => {
          signal.removeEventListener('abort', onAbort);
          if (result.code === 0) resolve();
          else reject(failure(id, result.error));
        });
      });
    },
    close() {
      closed ??= exporter.shutdown().catch(() => undefined);
      return closed;
    },
  };
}
