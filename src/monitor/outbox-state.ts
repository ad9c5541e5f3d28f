// The outbox's rows in the store: one cursor per sink, and the dead letters of batches a sink refused.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { StoredEvent } from './types.js';

export const MAX_ERROR_LENGTH = 500;

export interface DeadLetter {
  id: number;
  sinkId: string;
  seq: number;
  eventId: string;
  error: string;
  failedAt: string;
}

/** The sink's cursor, created at `initial` when the sink is new. */
export async function loadCursor(db: Kysely<Database>, sinkId: string, initial: () => Promise<number>): Promise<number> {
  const row = await db.selectFrom('sink_cursors').select('seq').where('sink_id', '=', sinkId).executeTakeFirst();
  if (row !== undefined) return Number(row.seq);
  const seq = await initial();
  // Two outboxes starting at once: the first insert wins and both continue from the stored row.
  await db
    .insertInto('sink_cursors')
    .values({ sink_id: sinkId, seq, updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('sink_id').doNothing())
    .execute();
  const stored = await db.selectFrom('sink_cursors').select('seq').where('sink_id', '=', sinkId).executeTakeFirst();
  return Number(stored?.seq ?? seq);
}

/** Moves the cursor forward, never back (another outbox on the same store may be ahead). */
export async function saveCursor(db: Kysely<Database>, sinkId: string, seq: number): Promise<void> {
  await db
    .updateTable('sink_cursors')
    .set({ seq, updated_at: new Date().toISOString() })
    .where('sink_id', '=', sinkId)
    .where('seq', '<', seq)
    .execute();
}

/** Records every event of a refused batch and moves the cursor past it, in one transaction. */
export async function deadLetter(db: Kysely<Database>, sinkId: string, batch: readonly StoredEvent[], error: string): Promise<void> {
  const failedAt = new Date().toISOString();
  const message = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error;
  const last = batch.at(-1);
  if (last === undefined) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('dead_letters')
      .values(batch.map((s) => ({ sink_id: sinkId, seq: s.seq, event_id: s.event.id, error: message, failed_at: failedAt })))
      .execute();
    await trx.updateTable('sink_cursors').set({ seq: last.seq, updated_at: failedAt }).where('sink_id', '=', sinkId).where('seq', '<', last.seq).execute();
  });
}

/** Dead letters, newest first. */
export async function listDeadLetters(db: Kysely<Database>, options: { sinkId?: string; limit?: number } = {}): Promise<DeadLetter[]> {
  let q = db.selectFrom('dead_letters').selectAll();
  if (options.sinkId !== undefined) q = q.where('sink_id', '=', options.sinkId);
  const rows = await q.orderBy('id', 'desc').limit(Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 10_000)).execute();
  return rows.map((r) => ({ id: Number(r.id), sinkId: r.sink_id, seq: Number(r.seq), eventId: r.event_id, error: r.error, failedAt: r.failed_at }));
}

/** Every sink cursor (for `events dead-letters` and diagnostics). */
export async function listCursors(db: Kysely<Database>): Promise<{ sinkId: string; seq: number; updatedAt: string }[]> {
  const rows = await db.selectFrom('sink_cursors').selectAll().orderBy('sink_id').execute();
  return rows.map((r) => ({ sinkId: r.sink_id, seq: Number(r.seq), updatedAt: r.updated_at }));
}
