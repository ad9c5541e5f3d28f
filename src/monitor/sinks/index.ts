// Entry point of the sinks: parse a sink URL, then build the Sink for its kind (OTLP is loaded only when configured).
import { BulwarkError } from '../../core/errors.js';
import type * as OtlpModuleNs from '../otel/otlp-sink.js';
import type { FormatContext, Sink } from '../types.js';
import { createFileSink } from './file-sink.js';
import type { OtlpSinkConfig, SinkConfig } from './sink-config.js';
import { createSplunkHecSink } from './splunk-hec-sink.js';
import { createSyslogStreamSink } from './syslog-stream-sink.js';
import { createSyslogUdpSink } from './syslog-udp-sink.js';
import { createWebhookSink } from './webhook-sink.js';

export { parseSinkUrl, SINK_SCHEMES } from './parse-sink-url.js';
export { SinkSecret } from './sink-config.js';
export type {
  FileSinkConfig,
  OtlpSinkConfig,
  SinkConfig,
  SplunkHecSinkConfig,
  SyslogSinkConfig,
  TlsClientOptions,
  WebhookSinkConfig,
} from './sink-config.js';
export { signWebhookBody, verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-sink.js';

type OtlpModule = typeof OtlpModuleNs;

async function createOtlp(config: OtlpSinkConfig, ctx: FormatContext): Promise<Sink> {
  let mod: OtlpModule;
  try {
    // Loaded only when an OTLP sink is configured: importing the sinks never pulls in OpenTelemetry.
    mod = await import('../otel/otlp-sink.js');
  } catch (e) {
    throw new BulwarkError('ERR_SINK_CONFIG', 'sink URL: the OTLP sink could not be loaded (src/monitor/otel/otlp-sink)', {
      context: { sink: config.id },
      cause: e,
    });
  }
  return mod.createOtlpSink(config, ctx);
}

/**
 * Builds the sink a config describes. Async because some kinds do I/O at creation (the TLS CA file is read,
 * the OTLP module is imported); a bad CA file or a missing OTLP module rejects with ERR_SINK_CONFIG.
 */
export async function createSink(config: SinkConfig, ctx: FormatContext): Promise<Sink> {
  switch (config.kind) {
    case 'file':
      return createFileSink(config, ctx);
    case 'syslog':
      return config.transport === 'udp' ? createSyslogUdpSink(config, ctx) : createSyslogStreamSink(config, ctx);
    case 'splunk-hec':
      return createSplunkHecSink(config, ctx);
    case 'webhook':
      return createWebhookSink(config, ctx);
    case 'otlp':
      return createOtlp(config, ctx);
    default:
      throw new TypeError(`createSink: unknown sink kind ${(config as { kind?: unknown }).kind as string}`);
  }
}
