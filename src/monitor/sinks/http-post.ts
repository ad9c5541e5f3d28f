// POSTs of the HTTP sinks: one undici pool per sink, a deadline over the whole exchange, non-2xx and network
// failures as ERR_SINK (status, redacted body excerpt, retryable hint) that never carry a credential.
import { Pool, errors as undiciErrors } from 'undici';
import type { Dispatcher } from 'undici';
import { isBulwarkError } from '../../core/errors.js';
import { abortedError, closedError, deadline, sinkError, type Deadline } from './delivery.js';
import type { LoadedTlsOptions } from './tls-options.js';

const EXCERPT_BYTES = 512;

export interface HttpTarget {
  sinkId: string;
  /** `http(s)://host:port`. */
  origin: string;
  connectTimeoutMs: number;
  /** Upper bound for one POST: connect, upload, response headers and body. */
  timeoutMs: number;
  tls?: LoadedTlsOptions;
}

/** Printable, short, and with every secret replaced: receivers sometimes echo the request in their error body. */
export function redactExcerpt(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('[REDACTED]');
  out = out.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buf);
      size += buf.length;
      if (size >= EXCERPT_BYTES) break; // leaving the loop destroys the rest of the body
    }
  } catch {
    // An excerpt is a courtesy: a body that fails to arrive leaves it short.
  }
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

/** Answers that refuse this batch (malformed, too large): anything else (401/403 token, 404, 429, 5xx) is an outage. */
const BATCH_REFUSALS = new Set([400, 413, 415, 422]);

function isRetryable(status: number): boolean {
  return !BATCH_REFUSALS.has(status);
}

export class HttpPoster {
  private readonly pool: Pool;
  private closed = false;

  constructor(private readonly target: HttpTarget) {
    this.pool = new Pool(target.origin, {
      connections: 2,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connectTimeout: target.connectTimeoutMs,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      connect: target.tls ? { ca: target.tls.ca, rejectUnauthorized: target.tls.rejectUnauthorized } : undefined,
    });
  }

  /** Resolves on a 2xx answer; otherwise rejects with ERR_SINK. `secrets` are scrubbed from any body excerpt. */
  async post(path: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal, secrets: readonly string[]): Promise<void> {
    const { sinkId } = this.target;
    if (this.closed) throw closedError(sinkId);
    if (signal.aborted) throw abortedError(sinkId);
    const limit = deadline(signal, this.target.timeoutMs);
    try {
      const res = await this.pool.request({ method: 'POST', path, headers, body, signal: limit.signal });
      if (res.statusCode >= 200 && res.statusCode < 300) {
        await res.body.dump({ limit: 64 * 1024 });
        return;
      }
      const excerpt = redactExcerpt(await readExcerpt(res.body), secrets);
      throw sinkError(sinkId, `the receiver answered HTTP ${res.statusCode}${excerpt ? `: ${excerpt}` : ''}`, {
        status: res.statusCode,
        body: excerpt,
        retryable: isRetryable(res.statusCode),
      });
    } catch (e) {
      throw this.failure(e, limit);
    } finally {
      limit.dispose();
    }
  }

  private failure(e: unknown, limit: Deadline): Error {
    const { sinkId, timeoutMs } = this.target;
    if (isBulwarkError(e)) return e;
    const timeout =
      limit.timedOut() ||
      e instanceof undiciErrors.HeadersTimeoutError ||
      e instanceof undiciErrors.BodyTimeoutError ||
      e instanceof undiciErrors.ConnectTimeoutError;
    if (timeout) return sinkError(sinkId, `the receiver did not answer within ${timeoutMs} ms`, { timeout: true, retryable: true });
    if (limit.signal.aborted) return abortedError(sinkId);
    // Only the code: undici messages are safe today, but a message is not a contract.
    const code = (e as { code?: string } | undefined)?.code ?? 'unknown';
    return sinkError(sinkId, `the request failed (${code})`, { code, retryable: true }, e);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }
}
