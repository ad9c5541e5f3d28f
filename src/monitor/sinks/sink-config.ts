// The parsed, validated form of a sink URL: one config kind per transport, and a wrapper that keeps secrets out of logs.
import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * A secret read from the environment (HEC token, webhook key). It prints, serialises and inspects as `[REDACTED]`
 * so a config object that reaches a log or an error context never carries the value; `reveal()` is the only way out.
 */
export class SinkSecret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Formats each transport can carry: JSON-bodied transports cannot carry CEF, syslog carries CEF or JSON. */
export const FILE_FORMATS = ['json', 'ocsf', 'ecs'] as const;
export const HTTP_FORMATS = ['json', 'ocsf', 'ecs'] as const;
export const SYSLOG_FORMATS = ['cef', 'json'] as const;

interface BaseConfig {
  /** The sink id: the URL in canonical form (credentials never, query sorted); the outbox cursor key. */
  id: string;
}

export interface FileSinkConfig extends BaseConfig {
  kind: 'file';
  path: string;
  format: (typeof FILE_FORMATS)[number];
  /** Rotate before a write would take the file past this size. */
  maxBytes: number;
  /** Rotated files kept (`events.jsonl.1` … `.N`). */
  maxFiles: number;
  /** fsync once at the end of every batch (default true): the outbox advances its cursor only after that. */
  fsync: boolean;
}

export interface TlsClientOptions {
  /** PEM file of the CA(s) to trust instead of Node's bundled roots. */
  caFile?: string;
  /** Skip certificate verification; only when the URL says `insecure=1`. */
  insecure: boolean;
}

export interface SyslogSinkConfig extends BaseConfig, TlsClientOptions {
  kind: 'syslog';
  transport: 'udp' | 'tcp' | 'tls';
  host: string;
  port: number;
  format: (typeof SYSLOG_FORMATS)[number];
  /** Syslog facility 0..23. */
  facility: number;
  appName: string;
  /** Whole syslog message (header + MSG) is cut to this many bytes, on a UTF-8 boundary. */
  maxMessageBytes: number;
  connectTimeoutMs: number;
  /** Upper bound for one batch to be handed to the socket (drain waits included). */
  writeTimeoutMs: number;
}

export interface SplunkHecSinkConfig extends BaseConfig, TlsClientOptions {
  kind: 'splunk-hec';
  /** `http(s)://host:port`, no path. */
  origin: string;
  path: string;
  token: SinkSecret;
  format: (typeof HTTP_FORMATS)[number];
  index?: string;
  source: string;
  sourcetype: string;
  connectTimeoutMs: number;
  /** Upper bound for one POST, response included. */
  timeoutMs: number;
}

export interface WebhookSinkConfig extends BaseConfig, TlsClientOptions {
  kind: 'webhook';
  origin: string;
  /** Path POSTed to; the URL query holds only our options, so a receiver query string cannot be given. */
  path: string;
  secret: SinkSecret;
  format: (typeof HTTP_FORMATS)[number];
  connectTimeoutMs: number;
  timeoutMs: number;
}

/** Handed to the OTLP sink (src/monitor/otel/otlp-sink.ts), which validates its own options. */
export interface OtlpSinkConfig extends BaseConfig {
  kind: 'otlp';
  /** `http(s)://host:port/path` of the collector. */
  endpoint: string;
  /** Query parameters other than `*_env`, unvalidated. */
  params: Record<string, string>;
  /** Every `<name>_env=VAR` parameter, resolved from the environment and keyed by `<name>`. */
  secrets: Record<string, SinkSecret>;
}

export type SinkConfig = FileSinkConfig | SyslogSinkConfig | SplunkHecSinkConfig | WebhookSinkConfig | OtlpSinkConfig;
