// The store's tables as kysely types: portable to PostgreSQL (TEXT ids, ISO 8601 UTC timestamps, JSON as TEXT).
import type { Generated } from 'kysely';
import type { OutboxTables } from './schema-outbox.js';
import type { ResponseTables } from './schema-responses.js';
import type { EvalTables } from './schema-eval.js';

export interface ApiKeysTable {
  /** Non-secret key id, the `<id>` of `bwk_<id>_<secret>`. */
  id: string;
  /** Principal name (e.g. team-a); unique among keys that are not revoked. */
  name: string;
  /** Non-secret display form: `bwk_<id>_` plus the first characters of the secret. */
  prefix: string;
  /** Hex digest of the whole presented key under `hash_alg`. */
  secret_hash: string;
  hash_alg: string;
  /** JSON array of model glob patterns. */
  models: string;
  policy: string;
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  created_at: string;
  expires_at: string | null;
  /** Set at revocation; a time in the future means "revoked then" (rotation grace period). */
  revoked_at: string | null;
  /** Id of the key that replaced this one by rotation. */
  replaced_by: string | null;
}

export interface SecurityEventsTable {
  /** Insertion order, assigned by the database. */
  seq: Generated<number>;
  /** The event's UUID (not unique-indexed: see the migration). */
  id: string;
  time: string;
  kind: string;
  source: string;
  decision: string;
  severity: string;
  stage: string | null;
  principal: string | null;
  request_id: string | null;
  /** JSON arrays / objects. */
  findings: string;
  failures: string;
  tags: string;
  attributes: string;
}

/** Counters bumped in the same transaction as every change to a table, so other processes notice changes cheaply. */
export interface RevisionsTable {
  name: string;
  value: Generated<number>;
}

export interface Database extends OutboxTables, ResponseTables, EvalTables {
  api_keys: ApiKeysTable;
  security_events: SecurityEventsTable;
  revisions: RevisionsTable;
}
