// The opt-in response cache: what the runner needs from it (get/set by key), the key of a request, and a small
// in-memory LRU for one process (the run store can provide a persistent one behind the same interface).
import { canonicalJson, sha256Hex } from '../case-id.js';
import type { TargetRequest, TargetResponse } from '../types.js';

export interface ResponseCache {
  get(key: string): Promise<TargetResponse | undefined> | TargetResponse | undefined;
  set(key: string, response: TargetResponse): Promise<void> | void;
}

/**
 * sha256 over the target id, the repeat index (so that repeats still sample the target independently) and the
 * request without its session id (made up per conversation, it would defeat the cache on later turns).
 */
export function responseCacheKey(targetId: string, repeat: number, request: TargetRequest): string {
  const { sessionId: _sessionId, ...rest } = request;
  return sha256Hex(canonicalJson({ target: targetId, repeat, request: rest }));
}

/** An LRU of at most `maxEntries` answers, kept in this process only. */
export function createMemoryCache(maxEntries = 10_000): ResponseCache & { readonly size: number } {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be a positive integer');
  const map = new Map<string, TargetResponse>();
  return {
    get size() {
      return map.size;
    },
    get(key) {
      const hit = map.get(key);
      if (hit !== undefined) {
        map.delete(key);
        map.set(key, hit);
      }
      return hit;
    },
    set(key, response) {
      map.delete(key);
      map.set(key, response);
      if (map.size > maxEntries) map.delete(map.keys().next().value as string);
    },
  };
}
