// What a limit check answers when it refuses: which limit, the HTTP status, Retry-After, and the OpenAI-style
// error response built from it.

export type LimitName = 'rpm' | 'tpm' | 'concurrency' | 'global_concurrency' | 'body_bytes' | 'messages' | 'max_tokens';

export interface LimitDenied {
  readonly ok: false;
  readonly limit: LimitName;
  /** 429 for rate, token and concurrency limits; 413 for the body size; 400 for message and max_tokens caps. */
  readonly status: 429 | 413 | 400;
  /** Whole seconds (≥ 1) until the same request can succeed; undefined when retrying it cannot help. */
  readonly retryAfterSeconds?: number;
  /** The configured limit that was hit. */
  readonly max: number;
  readonly message: string;
}

export interface LimitErrorResponse {
  readonly status: 429 | 413 | 400;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Milliseconds → the Retry-After value in whole seconds, at least 1 (0 would invite a retry storm). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

const TYPE: Record<LimitName, string> = {
  rpm: 'requests',
  concurrency: 'requests',
  global_concurrency: 'requests',
  tpm: 'tokens',
  body_bytes: 'invalid_request_error',
  messages: 'invalid_request_error',
  max_tokens: 'invalid_request_error',
};

const CODE: Record<LimitName, string> = {
  rpm: 'rate_limit_exceeded',
  tpm: 'rate_limit_exceeded',
  concurrency: 'concurrency_limit_exceeded',
  global_concurrency: 'server_busy',
  body_bytes: 'request_too_large',
  messages: 'too_many_messages',
  max_tokens: 'max_tokens_too_large',
};

const PARAM: Partial<Record<LimitName, string>> = { messages: 'messages', max_tokens: 'max_tokens' };

/** The HTTP response for a refused request: `{"error":{message,type,param,code}}` plus Retry-After on 429. */
export function limitError(d: LimitDenied): LimitErrorResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (d.retryAfterSeconds !== undefined) headers['retry-after'] = String(d.retryAfterSeconds);
  const body = JSON.stringify({ error: { message: d.message, type: TYPE[d.limit], param: PARAM[d.limit] ?? null, code: CODE[d.limit] } });
  return { status: d.status, headers, body };
}
