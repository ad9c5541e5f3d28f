// Generic webhook: a batch is one POST of a JSON array, signed with HMAC-SHA256 over `<timestamp>.<body>`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FormatContext, Sink, StoredEvent } from '../types.js';
import { closedError, formatLine } from './delivery.js';
import { HttpPoster } from './http-post.js';
import type { WebhookSinkConfig } from './sink-config.js';
import { loadTlsOptions } from './tls-options.js';

export const SIGNATURE_HEADER = 'x-bulwark-signature';
export const TIMESTAMP_HEADER = 'x-bulwark-timestamp';

/**
 * The signature scheme: `X-Bulwark-Timestamp: <unix seconds>` and
 * `X-Bulwark-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body bytes)>`.
 * Signing the timestamp lets a receiver refuse replays older than its tolerance (we suggest 5 minutes).
 */
export function signWebhookBody(secret: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Receiver side of the scheme (constant-time compare, timestamp within `toleranceSec` of `nowSec`). */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: Buffer | string,
  signature: string,
  options: { toleranceSec?: number; nowSec?: number } = {},
): boolean {
  const { toleranceSec = 300, nowSec = Math.floor(Date.now() / 1000) } = options;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSec - Number(timestamp)) > toleranceSec) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body), 'latin1');
  const given = Buffer.from(signature, 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

class WebhookSink implements Sink {
  readonly id: string;
  private closed = false;

  constructor(
    private readonly config: WebhookSinkConfig,
    private readonly ctx: FormatContext,
    private readonly http: HttpPoster,
  ) {
    this.id = config.id;
  }

  async send(batch: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    if (this.closed) throw closedError(this.id);
    if (batch.length === 0) return;
    const lines = batch.map(({ event }) => formatLine(this.id, event, this.config.format, this.ctx));
    const body = Buffer.from(`[${lines.join(',')}]`, 'utf8');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/json',
      'user-agent': `bulwark/${this.ctx.productVersion}`,
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhookBody(this.config.secret.reveal(), timestamp, body),
    };
    await this.http.post(this.config.path, headers, body, signal, [this.config.secret.reveal()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.http.close();
  }
}

export async function createWebhookSink(config: WebhookSinkConfig, ctx: FormatContext): Promise<Sink> {
  const tls = config.origin.startsWith('https:') ? await loadTlsOptions(config) : undefined;
  const http = new HttpPoster({ sinkId: config.id, origin: config.origin, connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs, tls });
  return new WebhookSink(config, ctx, http);
}
