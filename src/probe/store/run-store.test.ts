// The run store on SQLite (a file in a temp dir) and on PostgreSQL when BULWARK_TEST_DATABASE_URL is set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/db.js';
import { storeBackends } from '../../../test/fixtures/store-backends.js';
import type { CaseResult, CategorySummary, Outcome, RunSummary } from '../types.js';
import { MAX_STORED_TEXT } from './result-rows.js';
import { resultKey, RunStore } from './run-store.js';

const [, postgres] = storeBackends('run store on PostgreSQL');
const dir = mkdtempSync(join(tmpdir(), 'bulwark-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let file = 0;

const backends = [
  { name: 'sqlite', available: true, open: () => openStore({ url: join(dir, `runs-${file++}.db`), keys: { refreshIntervalMs: 0 } }) },
  { name: 'postgres', available: postgres?.available ?? false, open: () => (postgres as NonNullable<typeof postgres>).open({ keys: { refreshIntervalMs: 0 } }) },
];

function result(i: number, outcome: Outcome = 'pass', extra: Partial<CaseResult> = {}): CaseResult {
  return {
    caseId: `pack/${String(i).padStart(16, '0')}`,
    category: i % 2 === 0 ? 'jailbreak' : 'over-refusal',
    kind: i % 2 === 0 ? 'attack' : 'control',
    repeat: 0,
    target: 'simulated:naive',
    outcome,
    verdicts: [{ grader: 'refusal', graderHash: 'a'.repeat(64), outcome, score: 0.5, reason: 'r' }],
    response: { text: `answer ${i}`, latencyMs: 3.25 },
    refused: i % 3 === 0,
    startedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i % 60)).toISOString(),
    durationMs: 12.5,
    ...extra,
  };
}

function category(name: string, pass: number, fail: number): CategorySummary {
  return {
    category: name,
    kind: 'attack',
    total: pass + fail,
    pass,
    fail,
    error: 0,
    unscored: 0,
    attackSuccess: { rate: fail / (pass + fail), low: 0, high: 1, n: pass + fail },
    refusal: { rate: 0, low: 0, high: 1, n: pass + fail },
    tags: {},
  };
}

function summary(runId: string, categories: CategorySummary[], status: RunSummary['status'] = 'finished'): RunSummary {
  return { runId, suite: 'smoke', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:01:00.000Z', status, targets: ['simulated:naive'], requests: 10, categories, gates: [] };
}

async function* slowly(n: number): AsyncGenerator<CaseResult> {
  for (let i = 0; i < n; i++) yield result(i, i % 5 === 0 ? 'fail' : 'pass');
}

async function collect(it: AsyncIterable<CaseResult>): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for await (const r of it) out.push(r);
  return out;
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`RunStore on ${backend.name}`, () => {
    let store: Store;
    let runs: RunStore;
    beforeEach(async () => {
      store = await backend.open();
      // The shared fixture empties only the tables it knows; these are ours.
      await store.db.deleteFrom('eval_baselines').execute();
      await store.db.deleteFrom('eval_results').execute();
      await store.db.deleteFrom('eval_runs').execute();
      runs = new RunStore(store.db, { pageSize: 400 });
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates, finishes, reads and lists runs', async () => {
      const a = await runs.createRun({ suite: 'smoke', configHash: 'h1', startedAt: '2025-01-01T00:00:00.000Z' });
      expect(a.id).toMatch(/^run-20250101-000000-[0-9a-f]{6}$/);
      expect(a.status).toBe('running');
      const b = await runs.createRun({ id: 'run-b', suite: 'smoke', configHash: 'h1', startedAt: '2025-01-02T00:00:00.000Z' });
      await runs.createRun({ id: 'run-c', suite: 'other', configHash: 'h2', startedAt: '2025-01-03T00:00:00.000Z' });
      await runs.finishRun(b.id, summary(b.id, [category('jailbreak', 8, 2)]));
      const got = await runs.getRun(b.id);
      expect(got).toMatchObject({ id: 'run-b', suite: 'smoke', configHash: 'h1', status: 'finished', finishedAt: '2025-01-01T00:01:00.000Z' });
      expect(got?.summary?.categories[0]?.fail).toBe(2);
      expect(await runs.getRun('nope')).toBeUndefined();
      expect((await runs.listRuns()).map((r) => r.id)).toEqual(['run-c', 'run-b', a.id]);
      expect((await runs.listRuns({ suite: 'smoke', limit: 1 })).map((r) => r.id)).toEqual(['run-b']);
      expect((await runs.listRuns({ status: 'running' })).map((r) => r.id)).toEqual(['run-c', a.id]);
      await runs.setStatus(b.id, 'running');
      expect(await runs.getRun(b.id)).toMatchObject({ status: 'running' });
      expect((await runs.getRun(b.id))?.finishedAt).toBeUndefined();
      await expect(runs.createRun({ id: 'run-b', suite: 'smoke', configHash: 'h' })).rejects.toMatchObject({ code: 'ERR_STORE' });
      await expect(runs.finishRun('missing', summary('missing', []))).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
      await expect(runs.setStatus('missing', 'failed')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    });

    it('streams 5,000 results in and reads them back in order, in pages', async () => {
      const run = await runs.createRun({ suite: 'big', configHash: 'h' });
      expect(await runs.appendResults(run.id, slowly(5_000))).toBe(5_000);
      expect(await runs.appendResults(run.id, [result(5_000), result(5_001, 'error')])).toBe(2);
      expect(await runs.countResults(run.id)).toBe(5_002);
      const back = await collect(runs.results(run.id));
      expect(back).toHaveLength(5_002);
      expect(back[0]).toEqual(result(0, 'fail'));
      expect(back[4_999]?.caseId).toBe(result(4_999).caseId);
      expect(back.map((r) => r.caseId)).toEqual([...Array(5_002).keys()].map((i) => result(i).caseId));
      expect(back[5_001]).toMatchObject({ outcome: 'error', refused: true, durationMs: 12.5 });
      expect(back[5_000]).toMatchObject({ outcome: 'pass', refused: false });
    });

    it('stores the answer cut to 4 KB of UTF-8 and keeps tool calls, blocks and errors', async () => {
      const run = await runs.createRun({ suite: 's', configHash: 'h' });
      const long = `${'é'.repeat(3_000)}😀`;
      await runs.appendResults(run.id, [
        result(1, 'fail', { response: { text: long, latencyMs: 1, toolCalls: [{ name: 'wire', arguments: '{"to":"x"}' }], blocked: { by: 'bulwark', message: 'policy' } } }),
      ]);
      const [back] = await collect(runs.results(run.id));
      expect(Buffer.byteLength(back?.response.text ?? '')).toBeLessThanOrEqual(MAX_STORED_TEXT);
      expect(back?.response.text).toBe('é'.repeat(2_048));
      expect(back?.response.toolCalls).toEqual([{ name: 'wire', arguments: '{"to":"x"}' }]);
      expect(back?.response.blocked).toEqual({ by: 'bulwark', message: 'policy' });
    });

    it('keeps concurrent appends in order and resumes numbering in a new store', async () => {
      const run = await runs.createRun({ suite: 's', configHash: 'h' });
      await Promise.all([runs.appendResults(run.id, [result(0), result(1)]), runs.appendResults(run.id, [result(2)]), runs.appendResults(run.id, slowly(3))]);
      const again = new RunStore(store.db);
      await again.appendResults(run.id, [result(9)]);
      const ids = (await collect(again.results(run.id))).map((r) => r.caseId);
      expect(ids).toHaveLength(7);
      expect(ids.slice(0, 3)).toEqual([result(0).caseId, result(1).caseId, result(2).caseId]);
      expect(ids.at(-1)).toBe(result(9).caseId);
    });

    it('tells a resume what is done, optionally without the errors', async () => {
      const run = await runs.createRun({ suite: 's', configHash: 'h' });
      await runs.appendResults(run.id, [result(0), result(1, 'error'), result(2, 'fail', { repeat: 1 })]);
      const all = await runs.doneKeys(run.id);
      expect(all).toEqual(new Set([resultKey(result(0).caseId, 'simulated:naive', 0), resultKey(result(1).caseId, 'simulated:naive', 0), resultKey(result(2).caseId, 'simulated:naive', 1)]));
      expect((await runs.doneKeys(run.id, { retryErrors: true })).has(resultKey(result(1).caseId, 'simulated:naive', 0))).toBe(false);
      expect(await runs.dropErrors(run.id)).toBe(1);
      expect(await runs.countResults(run.id)).toBe(2);
    });

    it('rejects results for a run that does not exist', async () => {
      await expect(runs.appendResults('ghost', [result(0)])).rejects.toMatchObject({ code: 'ERR_STORE' });
      const run = await runs.createRun({ suite: 's', configHash: 'h' });
      await expect(runs.appendResults(run.id, [{ ...result(0), outcome: 'maybe' as Outcome }])).rejects.toThrow(TypeError);
      expect(await runs.appendResults(run.id, [result(0)])).toBe(1);
    });

    it('sets and replaces baselines per suite', async () => {
      const a = await runs.createRun({ id: 'a', suite: 'smoke', configHash: 'h' });
      const b = await runs.createRun({ id: 'b', suite: 'smoke', configHash: 'h' });
      await runs.createRun({ id: 'x', suite: 'other', configHash: 'h' });
      expect(await runs.getBaseline('smoke')).toBeUndefined();
      await runs.setBaseline('smoke', a.id);
      expect(await runs.getBaseline('smoke')).toMatchObject({ suite: 'smoke', runId: 'a' });
      await runs.setBaseline('smoke', b.id);
      expect(await runs.getBaseline('smoke')).toMatchObject({ runId: 'b' });
      await expect(runs.setBaseline('smoke', 'x')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
      await expect(runs.setBaseline('smoke', 'nope')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
    });

    it('gives the trend over the last runs with a summary, oldest first', async () => {
      for (const [i, fails] of [3, 2, 1].entries()) {
        const id = `t${i}`;
        await runs.createRun({ id, suite: 'smoke', configHash: 'h', startedAt: `2025-01-0${i + 1}T00:00:00.000Z` });
        await runs.finishRun(id, summary(id, [category('jailbreak', 10 - fails, fails), category('pi', 5, 0)]));
      }
      await runs.createRun({ id: 'unfinished', suite: 'smoke', configHash: 'h', startedAt: '2025-01-09T00:00:00.000Z' });
      const trend = await runs.trend('smoke', 2);
      expect(trend.map((p) => p.runId)).toEqual(['t1', 't2']);
      expect(trend[0]?.attackSuccess).toMatchObject({ rate: 2 / 15, n: 15 });
      expect(trend[1]?.categories.map((c) => c.category)).toEqual(['jailbreak', 'pi']);
      expect(await runs.trend('nothing')).toEqual([]);
    });
  });
}
