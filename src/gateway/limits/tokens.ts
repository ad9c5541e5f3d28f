// Tokens per minute per principal: reserve the prompt estimate plus the completion budget before the request,
// then commit what the upstream reports as used (or cancel when nothing was sent upstream).
import type { Principal } from '../auth/principal.js';
import { retryAfterSeconds, type LimitDenied } from './decision.js';
import { MemoryLimitStore } from './memory-store.js';
import { mapAwaitable, type Awaitable, type LimitStore, type WindowRule } from './store.js';

export interface TokenLimiterOptions {
  store?: LimitStore;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
  /** Used when the principal has no tpm of its own; undefined = no limit. */
  defaultTpm?: number;
  /** Completion tokens reserved when the request sets no max_tokens (default 256). */
  assumedCompletionTokens?: number;
  windowMs?: number;
  bucketMs?: number;
}

export interface TokenRequest {
  /** Estimated prompt tokens (TokenCounter). */
  readonly promptTokens: number;
  /** max_completion_tokens ?? max_tokens from the request, if any. */
  readonly maxTokens?: number;
}

export interface TokenReservation {
  /** Tokens charged now. */
  readonly reserved: number;
  /** True once commit() or cancel() ran; later calls are ignored. */
  readonly settled: boolean;
  /** Replaces the reservation with the actual usage (usage.total_tokens, or prompt + counted output). */
  commit(actualTokens: number): Awaitable<void>;
  /** Refunds the whole reservation: the request never reached the upstream. */
  cancel(): Awaitable<void>;
}

export type TokenDecision = { readonly ok: true; readonly reservation: TokenReservation; readonly remaining: number } | LimitDenied;

const NO_RESERVATION: TokenReservation = Object.freeze({
  reserved: 0,
  settled: true,
  commit: () => undefined,
  cancel: () => undefined,
});
const UNLIMITED: TokenDecision = Object.freeze({ ok: true, reservation: NO_RESERVATION, remaining: Infinity });

class Reservation implements TokenReservation {
  settled = false;

  constructor(
    private readonly store: LimitStore,
    private readonly key: string,
    private readonly rule: WindowRule,
    private readonly at: number,
    private readonly now: () => number,
    readonly reserved: number,
  ) {}

  commit(actualTokens: number): Awaitable<void> {
    if (this.settled) return;
    this.settled = true;
    const actual = Number.isFinite(actualTokens) && actualTokens > 0 ? Math.ceil(actualTokens) : 0;
    return this.store.adjust(this.key, actual - this.reserved, this.at, this.rule, this.now());
  }

  cancel(): Awaitable<void> {
    return this.commit(0);
  }
}

function nonNegativeInt(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0;
}

export class TokenLimiter {
  private readonly store: LimitStore;
  private readonly now: () => number;
  private readonly defaultTpm: number | undefined;
  private readonly assumedCompletion: number;
  private readonly windowMs: number;
  private readonly bucketMs: number;

  constructor(options: TokenLimiterOptions = {}) {
    this.store = options.store ?? new MemoryLimitStore();
    this.now = options.now ?? Date.now;
    this.defaultTpm = options.defaultTpm;
    this.assumedCompletion = options.assumedCompletionTokens ?? 256;
    this.windowMs = options.windowMs ?? 60_000;
    this.bucketMs = options.bucketMs ?? 1_000;
  }

  /** Reserves prompt + completion tokens if the principal's window has room. */
  reserve(principal: Pick<Principal, 'id' | 'limits'>, request: TokenRequest): Awaitable<TokenDecision> {
    const limit = principal.limits.tpm ?? this.defaultTpm;
    if (limit === undefined) return UNLIMITED;
    const completion = request.maxTokens === undefined ? this.assumedCompletion : nonNegativeInt(request.maxTokens);
    const cost = nonNegativeInt(request.promptTokens) + completion;
    const rule: WindowRule = { limit, windowMs: this.windowMs, bucketMs: this.bucketMs };
    const key = `tpm:${principal.id}`;
    const at = this.now();
    return mapAwaitable(this.store.consume(key, cost, rule, at), (r): TokenDecision => {
      if (r.ok) return { ok: true, reservation: new Reservation(this.store, key, rule, at, this.now, cost), remaining: r.remaining };
      const never = r.retryAfterMs === Infinity;
      return {
        ok: false,
        limit: 'tpm',
        status: 429,
        retryAfterSeconds: never ? undefined : retryAfterSeconds(r.retryAfterMs),
        max: limit,
        message: never
          ? `Request too large: it needs about ${cost} tokens (prompt + max_tokens), more than the limit of ${limit} per ${this.windowMs / 1000} s.`
          : `Token rate limit reached: ${limit} tokens per ${this.windowMs / 1000} s; this request needs about ${cost}.`,
      };
    });
  }
}
