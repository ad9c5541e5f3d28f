// Retention: deletes old security events (and dead letters) in short batches, so that writers never wait long.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface PurgeOptions {
  /** Events whose time is before this are deleted. */
  olderThan: Date;
  /** Rows per delete statement (one short transaction each); default 1,000. */
  batchSize?: number;
  /** Stops between batches; what was deleted stays deleted. */
  signal?: AbortSignal;
}

export interface PurgeResult {
  deleted: number;
  /**
   * Deleted events that some sink had not delivered yet (seq above the lowest sink cursor). Purge is an explicit
   * act of retention: it deletes by time whatever the outbox's progress, and says how much it took from it.
   * A cursor of a sink that is no longer configured counts too: its events were undelivered for that sink.
   */
  undelivered: number;
  /** Dead letters older than the cutoff, deleted with their events. */
  deadLetters: number;
}

export const DEFAULT_PURGE_BATCH = 1_000;

/**
 * Deletes events older than `olderThan`, batch after batch, yielding to the event loop between batches. The
 * newest event is always kept: SQLite hands out max(rowid)+1 as the next seq, so deleting every row would
 * reuse seqs that sink cursors have already passed, and the outbox would never deliver the new events.
 */
export async function purgeEvents(db: Kysely<Database>, options: PurgeOptions): Promise<PurgeResult> {
  const cutoff = options.olderThan;
  if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime())) throw new TypeError('olderThan must be a valid Date');
  const batchSize = options.batchSize ?? DEFAULT_PURGE_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new TypeError('batchSize must be an integer 1..10000');
  const before = cutoff.toISOString();
  const headRow = await db.selectFrom('security_events').select((eb) => eb.fn.max('seq').as('head')).executeTakeFirst();
  const head = Number(headRow?.head ?? 0);
  const cursorRow = await db.selectFrom('sink_cursors').select((eb) => eb.fn.min('seq').as('low')).executeTakeFirst();
  const lowestCursor = cursorRow?.low === null || cursorRow?.low === undefined ? undefined : Number(cursorRow.low);
  const result: PurgeResult = { deleted: 0, undelivered: 0, deadLetters: 0 };
  while (options.signal?.aborted !== true) {
    const rows = await db.selectFrom('security_events').select('seq').where('time', '<', before).where('seq', '<', head).limit(batchSize).execute();
    if (rows.length === 0) break;
    const seqs = rows.map((r) => Number(r.seq));
    const deleted = await db.deleteFrom('security_events').where('seq', 'in', seqs).executeTakeFirst();
    result.deleted += Number(deleted.numDeletedRows);
    if (lowestCursor !== undefined) result.undelivered += seqs.filter((s) => s > lowestCursor).length;
    if (rows.length < batchSize) break;
    await yieldToLoop();
  }
  while (options.signal?.aborted !== true) {
    const rows = await db.selectFrom('dead_letters').select('id').where('failed_at', '<', before).limit(batchSize).execute();
    if (rows.length === 0) break;
    const deleted = await db.deleteFrom('dead_letters').where('id', 'in', rows.map((r) => Number(r.id))).executeTakeFirst();
    result.deadLetters += Number(deleted.numDeletedRows);
    if (rows.length < batchSize) break;
    await yieldToLoop();
  }
  return result;
}
