// The persistent response cache on SQLite (a file: answers survive reopening) and PostgreSQL when BULWARK_TEST_DATABASE_URL is set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../../test/fixtures/store-backends.js';
import { openStore, type Store } from '../../store/db.js';
import { responseCacheKey } from './cache.js';
import { createStoreCache, parseCached } from './store-cache.js';

const [, postgres] = storeBackends('response cache on PostgreSQL');
const dir = mkdtempSync(join(tmpdir(), 'bulwark-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let file = 0;

const backends = [
  { name: 'sqlite', available: true, reopens: true, open: (path: string) => openStore({ url: path, keys: { refreshIntervalMs: 0 } }) },
  { name: 'postgres', available: postgres?.available ?? false, reopens: false, open: () => (postgres as NonNullable<typeof postgres>).open({ keys: { refreshIntervalMs: 0 } }) },
];
const key = (n: number): string => responseCacheKey('stub', 0, { messages: [{ role: 'user', content: `q${n}-${file}` }] });

for (const b of backends) {
  describe.skipIf(!b.available)(`store response cache (${b.name})`, () => {
    it('keeps answers across stores, bounded to 4 KB of text; failures and bad keys are not stored', async () => {
      const path = join(dir, `cache-${file++}.db`);
      let store: Store = await b.open(path);
      try {
        const cache = createStoreCache(store.db);
        expect(await cache.get(key(1))).toBeUndefined();
        await cache.set(key(1), { text: 'x'.repeat(10_000), latencyMs: 5, toolCalls: [{ name: 'f', arguments: '{}' }], blocked: undefined });
        await cache.set(key(2), { text: '', error: { code: 'http_500', message: 'boom' }, latencyMs: 1 });
        await cache.set(key(3), { text: 'first', latencyMs: 1 });
        await cache.set(key(3), { text: 'second', latencyMs: 2 });
        await expect(Promise.resolve().then(() => cache.set('not-a-key', { text: '', latencyMs: 0 }))).rejects.toThrow(TypeError);
        expect(await cache.get('../../etc')).toBeUndefined();
        if (b.reopens) {
          await store.close();
          store = await b.open(path);
        }
        const again = createStoreCache(store.db);
        const hit = await again.get(key(1));
        expect(hit?.text).toHaveLength(4096);
        expect(hit?.toolCalls).toEqual([{ name: 'f', arguments: '{}' }]);
        expect(await again.get(key(2))).toBeUndefined();
        expect(await again.get(key(3))).toMatchObject({ text: 'second', latencyMs: 2 });
      } finally {
        await store.close();
      }
    });
  });
}

describe('parseCached', () => {
  it('reads back what was stored and turns anything else into a miss, never a throw', () => {
    expect(parseCached(JSON.stringify({ text: 'hi', latencyMs: 1, sessionId: 's' }))).toEqual({ text: 'hi', latencyMs: 1, sessionId: 's' });
    for (const bad of ['', 'null', '[]', '{"text": 1, "latencyMs": 0}', '{"text": "", "latencyMs": 0, "error": {"code": "x"}}', '{"text": "", "latencyMs": 0, "toolCalls": [1]}', 'x'.repeat(70_000)]) {
      expect(parseCached(bad)).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
        const r = parseCached(raw);
        return r === undefined || (typeof r.text === 'string' && r.text.length <= 4096);
      }),
    );
  });
});
