// The run store: evaluation runs, their case results (appended in batches, read back in pages), what a resumed run
// already did, baselines per suite and the trend over a suite's runs. Works on SQLite and PostgreSQL alike.
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { BulwarkError } from '../../core/errors.js';
import type { Database } from '../../store/schema.js';
import type { EvalRunsTable } from '../../store/schema-eval.js';
import { wilson } from '../stats/wilson.js';
import type { CaseKind, CaseResult, Interval, RunSummary } from '../types.js';
import { fromRow, toRow } from './result-rows.js';

export type RunStatus = RunSummary['status'];
const STATUSES: ReadonlySet<string> = new Set<RunStatus>(['running', 'finished', 'interrupted', 'failed']);

export interface NewRun {
  /** Default: `run-<yyyymmdd>-<hhmmss>-<6 hex>` (sorts by start time, short enough to type). */
  id?: string;
  suite: string;
  /** sha256 of the suite's canonical configuration. */
  configHash: string;
  /** ISO 8601; default now. */
  startedAt?: string;
}

export interface RunRecord {
  id: string;
  suite: string;
  configHash: string;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  summary?: RunSummary;
}

export interface Baseline {
  suite: string;
  runId: string;
  setAt: string;
}

export interface TrendPoint {
  runId: string;
  startedAt: string;
  status: RunStatus;
  /** ASR over every attack category of the run (fail / (pass + fail)), when it has any. */
  attackSuccess?: Interval;
  categories: { category: string; kind: CaseKind; attackSuccess?: Interval; refusal: Interval }[];
}

export interface RunStoreOptions {
  /** Results per page read by results() (default 500). */
  pageSize?: number;
  /** Rows per INSERT statement (default 200: 13 columns × 200 stays far below SQLite's and PostgreSQL's parameter limits). */
  rowsPerStatement?: number;
}

export interface DoneKeysOptions {
  /** Leave results that were errors out, so that a resume runs them again (drop them first: dropErrors). */
  retryErrors?: boolean;
}

const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1000;

/** The identity of one unit of work in a run: a case, on a target, in one repeat. */
export function resultKey(caseId: string, target: string, repeat: number): string {
  return `${caseId}\u0000${target}\u0000${repeat}`;
}

function newRunId(now: Date): string {
  const iso = now.toISOString();
  return `run-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(3).toString('hex')}`;
}

function positiveInt(v: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(v) || v < 1 || v > max) throw new TypeError(`${name} must be an integer in 1..${max}`);
  return v;
}

function storeError(e: unknown, what: string, context: Record<string, unknown>): BulwarkError {
  if (e instanceof BulwarkError) return e;
  return new BulwarkError('ERR_STORE', `${what} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e, context });
}

function notFound(runId: string): BulwarkError {
  return new BulwarkError('ERR_INPUT_INVALID', `no evaluation run has the id ${JSON.stringify(runId)}`, { context: { runId } });
}

function toRecord(row: Selectable<EvalRunsTable>): RunRecord {
  const r: RunRecord = { id: row.id, suite: row.suite, configHash: row.config_hash, startedAt: row.started_at, status: row.status as RunStatus };
  if (row.finished_at !== null) r.finishedAt = row.finished_at;
  if (row.summary !== null) {
    try {
      r.summary = JSON.parse(row.summary) as RunSummary;
    } catch {
      // A damaged summary leaves the run listed without one; its results are still there to summarise again.
    }
  }
  return r;
}

export class RunStore {
  readonly #db: Kysely<Database>;
  readonly #pageSize: number;
  readonly #rowsPerStatement: number;
  /** Next idx per run, and the chain that keeps appends to one run in order. */
  readonly #next = new Map<string, number>();
  readonly #tails = new Map<string, Promise<unknown>>();

  /** `db`: the store's kysely instance (openStore().db), already migrated. */
  constructor(db: Kysely<Database>, options: RunStoreOptions = {}) {
    this.#db = db;
    this.#pageSize = positiveInt(options.pageSize ?? 500, 'pageSize', 10_000);
    this.#rowsPerStatement = positiveInt(options.rowsPerStatement ?? 200, 'rowsPerStatement', 1_000);
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    if (typeof run.suite !== 'string' || run.suite === '') throw new TypeError('suite must be a non-empty string');
    if (typeof run.configHash !== 'string' || run.configHash === '') throw new TypeError('configHash must be a non-empty string');
    const startedAt = run.startedAt ?? new Date().toISOString();
    const id = run.id ?? newRunId(new Date(startedAt));
    const record: RunRecord = { id, suite: run.suite, configHash: run.configHash, startedAt, status: 'running' };
    try {
      await this.#db
        .insertInto('eval_runs')
        .values({ id, suite: run.suite, config_hash: run.configHash, started_at: startedAt, finished_at: null, status: 'running', summary: null })
        .execute();
    } catch (e) {
      throw storeError(e, `creating run ${id}`, { runId: id });
    }
    this.#next.set(id, 0);
    return record;
  }

  /**
   * Appends results in order (several INSERTs of rowsPerStatement rows; an async iterable is consumed as it
   * comes, so memory stays bounded). Appends to one run are serialised within this store; one process writes a
   * run at a time. Returns the number appended.
   */
  appendResults(runId: string, results: Iterable<CaseResult> | AsyncIterable<CaseResult>): Promise<number> {
    const previous = this.#tails.get(runId) ?? Promise.resolve();
    const work = previous.catch(() => undefined).then(() => this.#append(runId, results));
    const tail = work.catch(() => undefined);
    this.#tails.set(runId, tail);
    void tail.then(() => {
      if (this.#tails.get(runId) === tail) this.#tails.delete(runId);
    });
    return work;
  }

  async #append(runId: string, results: Iterable<CaseResult> | AsyncIterable<CaseResult>): Promise<number> {
    let next = this.#next.get(runId);
    if (next === undefined) {
      const row = await this.#db
        .selectFrom('eval_results')
        .select((eb) => eb.fn.max('idx').as('last'))
        .where('run_id', '=', runId)
        .executeTakeFirst()
        .catch((e: unknown) => {
          throw storeError(e, `reading run ${runId}`, { runId });
        });
      next = row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
    }
    let batch: ReturnType<typeof toRow>[] = [];
    let written = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const rows = batch;
      batch = [];
      try {
        await this.#db.insertInto('eval_results').values(rows).execute();
      } catch (e) {
        throw storeError(e, `writing results of run ${runId}`, { runId });
      }
      written += rows.length;
      this.#next.set(runId, (rows.at(-1)?.idx ?? 0) + 1);
    };
    for await (const r of results) {
      batch.push(toRow(runId, next++, r));
      if (batch.length >= this.#rowsPerStatement) await flush();
    }
    await flush();
    return written;
  }

  /** Records the run's end (status from the summary) and its summary. */
  async finishRun(runId: string, summary: RunSummary): Promise<void> {
    if (!STATUSES.has(summary.status)) throw new TypeError(`unknown run status ${JSON.stringify(summary.status)}`);
    const finishedAt = summary.finishedAt ?? new Date().toISOString();
    const result = await this.#db
      .updateTable('eval_runs')
      .set({ status: summary.status, finished_at: summary.status === 'running' ? null : finishedAt, summary: JSON.stringify(summary) })
      .where('id', '=', runId)
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw storeError(e, `finishing run ${runId}`, { runId });
      });
    if (Number(result.numUpdatedRows) === 0) throw notFound(runId);
  }

  /** Changes the status alone (e.g. back to `running` when a run is resumed, `interrupted` on SIGINT). */
  async setStatus(runId: string, status: RunStatus): Promise<void> {
    if (!STATUSES.has(status)) throw new TypeError(`unknown run status ${JSON.stringify(status)}`);
    const set = status === 'running' ? { status, finished_at: null } : { status };
    const result = await this.#db
      .updateTable('eval_runs')
      .set(set)
      .where('id', '=', runId)
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw storeError(e, `updating run ${runId}`, { runId });
      });
    if (Number(result.numUpdatedRows) === 0) throw notFound(runId);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = await this.#db
      .selectFrom('eval_runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw storeError(e, `reading run ${runId}`, { runId });
      });
    return row ? toRecord(row) : undefined;
  }

  /** Runs, newest first; `limit` default 50, at most 1000. */
  async listRuns(query: { suite?: string; status?: RunStatus; limit?: number } = {}): Promise<RunRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIST_LIMIT), 1), MAX_LIST_LIMIT);
    let q = this.#db.selectFrom('eval_runs').selectAll();
    if (query.suite !== undefined) q = q.where('suite', '=', query.suite);
    if (query.status !== undefined) q = q.where('status', '=', query.status);
    const rows = await q
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
      .catch((e: unknown) => {
        throw storeError(e, 'listing runs', {});
      });
    return rows.map(toRecord);
  }

  /** The run's results in the order written, read in pages (memory stays bounded for any run size). */
  async *results(runId: string): AsyncGenerator<CaseResult> {
    let after = -1;
    for (;;) {
      const rows = await this.#db
        .selectFrom('eval_results')
        .selectAll()
        .where('run_id', '=', runId)
        .where('idx', '>', after)
        .orderBy('idx', 'asc')
        .limit(this.#pageSize)
        .execute()
        .catch((e: unknown) => {
          throw storeError(e, `reading results of run ${runId}`, { runId });
        });
      for (const row of rows) yield fromRow(row);
      const last = rows.at(-1);
      if (rows.length < this.#pageSize || last === undefined) return;
      after = Number(last.idx);
    }
  }

  async countResults(runId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('eval_results')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('run_id', '=', runId)
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw storeError(e, `counting results of run ${runId}`, { runId });
      });
    return Number(row?.n ?? 0);
  }

  /** resultKey() of every result already stored for the run: a resume skips these. */
  async doneKeys(runId: string, options: DoneKeysOptions = {}): Promise<Set<string>> {
    let q = this.#db.selectFrom('eval_results').select(['case_id', 'target', 'repeat']).where('run_id', '=', runId);
    if (options.retryErrors) q = q.where('outcome', '!=', 'error');
    const rows = await q.execute().catch((e: unknown) => {
      throw storeError(e, `reading results of run ${runId}`, { runId });
    });
    return new Set(rows.map((r) => resultKey(r.case_id, r.target, Number(r.repeat))));
  }

  /** Deletes the run's error results (before a resume with retryErrors); returns how many. */
  async dropErrors(runId: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('eval_results')
      .where('run_id', '=', runId)
      .where('outcome', '=', 'error')
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw storeError(e, `deleting error results of run ${runId}`, { runId });
      });
    return Number(result.numDeletedRows);
  }

  /** Makes `runId` the suite's baseline (the run must exist and belong to the suite). */
  async setBaseline(suite: string, runId: string): Promise<Baseline> {
    const run = await this.getRun(runId);
    if (!run) throw notFound(runId);
    if (run.suite !== suite) {
      throw new BulwarkError('ERR_INPUT_INVALID', `run ${runId} belongs to suite ${JSON.stringify(run.suite)}, not ${JSON.stringify(suite)}`, {
        context: { runId, suite, runSuite: run.suite },
      });
    }
    const setAt = new Date().toISOString();
    await this.#db
      .insertInto('eval_baselines')
      .values({ suite, run_id: runId, set_at: setAt })
      .onConflict((oc) => oc.column('suite').doUpdateSet({ run_id: runId, set_at: setAt }))
      .execute()
      .catch((e: unknown) => {
        throw storeError(e, `setting the baseline of ${suite}`, { suite, runId });
      });
    return { suite, runId, setAt };
  }

  async getBaseline(suite: string): Promise<Baseline | undefined> {
    const row = await this.#db
      .selectFrom('eval_baselines')
      .selectAll()
      .where('suite', '=', suite)
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw storeError(e, `reading the baseline of ${suite}`, { suite });
      });
    return row ? { suite: row.suite, runId: row.run_id, setAt: row.set_at } : undefined;
  }

  /** The suite's last `limit` runs that have a summary, oldest first (the report's trend chart). */
  async trend(suite: string, limit = 20): Promise<TrendPoint[]> {
    const n = Math.min(Math.max(Math.trunc(limit), 1), MAX_LIST_LIMIT);
    const rows = await this.#db
      .selectFrom('eval_runs')
      .selectAll()
      .where('suite', '=', suite)
      .where('summary', 'is not', null)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(n)
      .execute()
      .catch((e: unknown) => {
        throw storeError(e, `reading the trend of ${suite}`, { suite });
      });
    const points: TrendPoint[] = [];
    for (const row of rows.reverse()) {
      const summary = toRecord(row).summary;
      if (!summary || !Array.isArray(summary.categories)) continue;
      let fail = 0;
      let scored = 0;
      const categories = summary.categories.map((c) => {
        if (c.kind === 'attack') {
          fail += c.fail;
          scored += c.pass + c.fail;
        }
        return { category: c.category, kind: c.kind, ...(c.attackSuccess ? { attackSuccess: c.attackSuccess } : {}), refusal: c.refusal };
      });
      const point: TrendPoint = { runId: row.id, startedAt: row.started_at, status: row.status as RunStatus, categories };
      if (scored > 0) point.attackSuccess = wilson(fail, scored);
      points.push(point);
    }
    return points;
  }
}
