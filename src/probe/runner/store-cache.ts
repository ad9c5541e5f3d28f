// The persistent response cache (`cache: true` in a suite): answers kept in the store's eval_cache table, so that a
// later run of the same requests sends nothing. Answers are stored bounded (4 KB of text), as results are.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { TargetResponse } from '../types.js';
import type { ResponseCache } from './cache.js';
import { storedResponse } from './stored-response.js';

/** A stored row larger than this is not ours (or is damaged): treated as a miss. */
const MAX_ROW_CHARS = 64 * 1024;
const KEY = /^[0-9a-f]{64}$/;

export function createStoreCache(db: Kysely<Database>): ResponseCache {
  return {
    async get(key) {
      if (!KEY.test(key)) return undefined;
      const row = await db.selectFrom('eval_cache').select('response').where('key', '=', key).executeTakeFirst();
      return row === undefined ? undefined : parseCached(row.response);
    },
    async set(key, response) {
      if (!KEY.test(key)) throw new TypeError('a cache key is a sha256 hex digest');
      // Failures are never cached: the dispatcher only stores answers, and a stored error would stick.
      if (response.error) return;
      const value = JSON.stringify(storedResponse(response));
      const now = new Date().toISOString();
      await db
        .insertInto('eval_cache')
        .values({ key, response: value, created_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ response: value, created_at: now }))
        .execute();
    },
  };
}

/** A stored answer read back leniently: anything that is not one is a miss, never a crash or a wrong answer. */
export function parseCached(raw: string): TargetResponse | undefined {
  if (raw.length > MAX_ROW_CHARS) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object') return undefined;
  const r = v as Partial<TargetResponse>;
  if (typeof r.text !== 'string' || typeof r.latencyMs !== 'number' || r.error !== undefined) return undefined;
  if (r.toolCalls !== undefined && !(Array.isArray(r.toolCalls) && r.toolCalls.every((t) => typeof t?.name === 'string' && typeof t.arguments === 'string'))) return undefined;
  if (r.blocked !== undefined && !(typeof r.blocked?.by === 'string' && typeof r.blocked.message === 'string')) return undefined;
  if (r.sessionId !== undefined && typeof r.sessionId !== 'string') return undefined;
  return storedResponse(r as TargetResponse);
}
