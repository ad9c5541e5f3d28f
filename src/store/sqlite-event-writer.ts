// The SQLite fast path for event batches: one prepared INSERT reused for every row, one transaction per batch,
// taken through kysely's connection lock so that it never lands inside another open transaction.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { EventRow, EventRowWriter } from './events.js';
import type { Database } from './schema.js';

/**
 * How long (ms) an event write waits for another process's write lock. better-sqlite3 waits synchronously, so a
 * long wait would freeze the gateway's event loop; a busy batch is simply retried at the next flush.
 */
export const EVENT_BUSY_TIMEOUT_MS = 100;

const COLUMNS = ['id', 'time', 'kind', 'source', 'decision', 'severity', 'stage', 'principal', 'request_id', 'findings', 'failures', 'tags', 'attributes'] as const;

/** A writer for a migrated database; about half the CPU time of building the same INSERT with kysely per batch. */
export function sqliteEventWriter(db: Kysely<Database>, sqlite: BetterSqlite3.Database, busyTimeoutMs: number): EventRowWriter {
  const insert = sqlite.prepare(
    `insert into security_events (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
  );
  // Returns the rowids (seqs) in order, so the event store can serve its own fresh events from memory.
  const writeAll = sqlite.transaction((rows: readonly EventRow[]): number[] => {
    const seqs: number[] = [];
    for (const r of rows) {
      const info = insert.run(r.id, r.time, r.kind, r.source, r.decision, r.severity, r.stage, r.principal, r.request_id, r.findings, r.failures, r.tags, r.attributes);
      seqs.push(Number(info.lastInsertRowid));
    }
    return seqs;
  });
  const shortWait = Math.min(EVENT_BUSY_TIMEOUT_MS, busyTimeoutMs);
  return (rows) =>
    db.connection().execute(() => {
      sqlite.pragma(`busy_timeout = ${shortWait}`);
      try {
        return Promise.resolve(writeAll(rows));
      } finally {
        sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
      }
    });
}
