// Tables of the event outbox (per-sink delivery cursors, dead letters).
import type { Generated } from 'kysely';

export interface SinkCursorsTable {
  /** The sink's id (its URL without credentials). */
  sink_id: string;
  /** Every event with seq <= this was delivered to the sink (or dead-lettered, or skipped as a permanent gap). */
  seq: number;
  updated_at: string;
}

/** One row per event of a batch that a sink rejected too often. */
export interface DeadLettersTable {
  id: Generated<number>;
  sink_id: string;
  seq: number;
  event_id: string;
  /** The sink's last error message (credentials never reach sink errors; cut to 500 characters). */
  error: string;
  failed_at: string;
}

export interface OutboxTables {
  sink_cursors: SinkCursorsTable;
  dead_letters: DeadLettersTable;
}
