// The in-memory snapshot pattern shared by the API keys and the block list: a table read whole into memory,
// answered from there without I/O, kept current by a revision counter that every change bumps in the same
// transaction (other processes' changes are noticed by comparing one number, every refreshIntervalMs).
import type { Kysely, Transaction } from 'kysely';
import { BulwarkError } from '../core/errors.js';
import type { Database } from './schema.js';

export interface FollowerStats {
  revision: number;
  refreshes: number;
  refreshErrors: number;
  lastError?: string;
}

export class RevisionFollower {
  readonly #db: Kysely<Database>;
  readonly #name: string;
  readonly #what: string;
  readonly #load: () => Promise<void>;
  #revision = -1;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<boolean> | undefined;
  readonly #stats = { refreshes: 0, refreshErrors: 0, lastError: undefined as string | undefined };

  /**
   * `name`: the row of the revisions table; `what`: how errors name the data ("the API keys"); `load`: reads the
   * table and swaps the owner's snapshot (called after the revision was read, so a change committed in between
   * makes the next refresh load again instead of being missed).
   */
  constructor(db: Kysely<Database>, name: string, what: string, load: () => Promise<void>) {
    this.#db = db;
    this.#name = name;
    this.#what = what;
    this.#load = load;
  }

  /** Loads now and, when intervalMs > 0, looks for other processes' changes every intervalMs. */
  async start(intervalMs: number): Promise<void> {
    await this.reload();
    if (intervalMs > 0) {
      this.#timer = setInterval(() => {
        this.refresh().catch(() => {
          // Recorded in stats by refresh(); the previous snapshot stays in use.
        });
      }, intervalMs);
      this.#timer.unref();
    }
  }

  async reload(): Promise<void> {
    const revision = await this.#readRevision(this.#db);
    await this.#load();
    this.#revision = revision;
    this.#stats.refreshes++;
  }

  /** Reloads if another process changed the data since the last look; true if it did. Calls share one run. */
  refresh(): Promise<boolean> {
    if (this.#refreshing === undefined) {
      const run = this.#refreshOnce().finally(() => {
        this.#refreshing = undefined;
      });
      this.#refreshing = run;
    }
    return this.#refreshing;
  }

  /**
   * Runs a change and bumps the revision in one transaction, then reloads this process's snapshot. The change is
   * committed before the reload: a failed reload leaves the snapshot marked stale for the next refresh rather than
   * failing a change that happened.
   */
  async write(change: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await change(trx);
      await trx
        .updateTable('revisions')
        .set((eb) => ({ value: eb('value', '+', 1) }))
        .where('name', '=', this.#name)
        .execute();
    });
    await this.reload().catch((e: unknown) => {
      this.#revision = -1;
      this.#noteError(e);
    });
  }

  stats(): FollowerStats {
    const { refreshes, refreshErrors, lastError } = this.#stats;
    return { revision: this.#revision, refreshes, refreshErrors, ...(lastError === undefined ? {} : { lastError }) };
  }

  /** Stops following changes; the snapshot keeps answering. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #refreshOnce(): Promise<boolean> {
    try {
      const revision = await this.#readRevision(this.#db);
      if (revision === this.#revision) return false;
      await this.reload();
      return true;
    } catch (e) {
      this.#noteError(e);
      throw new BulwarkError('ERR_STORE', `refreshing ${this.#what} failed: ${this.#stats.lastError}`, { cause: e });
    }
  }

  #noteError(e: unknown): void {
    this.#stats.refreshErrors++;
    this.#stats.lastError = e instanceof Error ? e.message : String(e);
  }

  async #readRevision(db: Kysely<Database>): Promise<number> {
    const row = await db.selectFrom('revisions').select('value').where('name', '=', this.#name).executeTakeFirst();
    return Number(row?.value ?? 0);
  }
}
