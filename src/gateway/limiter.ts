// The gateway's limiter: requests per minute, tokens per minute and concurrent requests per principal (in memory;
// a shared store replaces MemoryLimitStore when several replicas run), combined into one admission.
import type { LimitsConfig } from '../policy/schema.js';
import type { Principal } from './auth/principal.js';
import type { AdmitOutcome, Limiter } from './deps.js';
import { ConcurrencyLimiter } from './limits/concurrency.js';
import type { LimitDenied } from './limits/decision.js';
import { RateLimiter } from './limits/rate.js';
import { TokenLimiter } from './limits/tokens.js';

function denied(d: LimitDenied): AdmitOutcome {
  return { ok: false, status: d.status, code: `${d.limit}_limit`, message: d.message, retryAfterSeconds: d.retryAfterSeconds };
}

function sync<T>(v: T | Promise<T>): T {
  if (v instanceof Promise) throw new TypeError('the in-memory limit store answers synchronously');
  return v;
}

export function createLimiter(limits: LimitsConfig, globalConcurrency?: number): Limiter {
  const rate = new RateLimiter({ defaultRpm: limits.requestsPerMinute });
  const tokens = new TokenLimiter({ defaultTpm: limits.tokensPerMinute });
  const concurrency = new ConcurrencyLimiter({ defaultMax: limits.concurrency, globalMax: globalConcurrency });
  return {
    admit(principal: Principal, request: { promptTokens: number; maxTokens?: number }): AdmitOutcome {
      const r = sync(rate.check(principal));
      if (!r.ok) return denied(r);
      const c = sync(concurrency.acquire(principal));
      if (!c.ok) return denied(c);
      const t = sync(tokens.reserve(principal, request));
      if (!t.ok) {
        c.lease.release();
        return denied(t);
      }
      let settled = false;
      return {
        ok: true,
        admission: {
          reservedTokens: 'reservation' in t && t.reservation ? t.reservation.reserved : 0,
          done(actualTokens: number): void {
            if (settled) return;
            settled = true;
            c.lease.release();
            if ('reservation' in t && t.reservation) t.reservation.commit(actualTokens);
          },
        },
      };
    },
  };
}
