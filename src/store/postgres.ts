// The PostgreSQL side of the store: a kysely instance over a lazily loaded `pg` pool, and its event writer.
import { Kysely, PostgresDialect, sql } from 'kysely';
import { BulwarkError } from '../core/errors.js';
import type { EventRowWriter } from './events.js';
import type { Database } from './schema.js';

export interface PostgresOptions {
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** How long (ms) to wait for a connection; default 10,000. */
  connectTimeoutMs?: number;
  /** Told about errors of idle connections (the server restarted, the network dropped); they are replaced. */
  onError?: (error: BulwarkError) => void;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Connects (checking the server answers) and returns the kysely instance. `display` is the URL with its
 * password masked: the only form of the URL that reaches an error.
 */
export async function openPostgres(connectionString: string, display: string, options: PostgresOptions = {}): Promise<Kysely<Database>> {
  const poolSize = options.poolSize ?? 10;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) throw new TypeError('poolSize must be a positive integer');
  const pg = await loadPg();
  const builtin = pg.types;
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // bigint seq and count(*) come back as strings by default; every value we keep there is far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID ? (v: string) => toNumber(v) : builtin.getTypeParser(oid, format)) as typeof builtin.getTypeParser,
    },
  });
  // Without a listener, an idle connection's error (server restart) would be an unhandled 'error' event: a crash.
  pool.on('error', (e) => options.onError?.(pgError(e, 'a PostgreSQL connection', display)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    await db.destroy();
    throw pgError(e, 'opening the store', display);
  }
  return db;
}

/** One INSERT … SELECT FROM unnest(arrays): one statement and 13 parameters whatever the batch size. */
export function postgresEventWriter(db: Kysely<Database>): EventRowWriter {
  return async (rows) => {
    const column = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    await sql`insert into security_events (id, time, kind, source, decision, severity, stage, principal, request_id, findings, failures, tags, attributes)
      select * from unnest(${column('id')}::text[], ${column('time')}::text[], ${column('kind')}::text[], ${column('source')}::text[],
        ${column('decision')}::text[], ${column('severity')}::text[], ${column('stage')}::text[], ${column('principal')}::text[],
        ${column('request_id')}::text[], ${column('findings')}::text[], ${column('failures')}::text[], ${column('tags')}::text[],
        ${column('attributes')}::text[])`.execute(db);
  };
}

async function loadPg() {
  try {
    return (await import('pg')).default;
  } catch (e) {
    throw new BulwarkError('ERR_STORE', 'a PostgreSQL store needs the "pg" package: npm install pg', { cause: e });
  }
}

function toNumber(v: string): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

function pgError(e: unknown, what: string, display: string): BulwarkError {
  const reason = e instanceof Error ? e.message : String(e);
  return new BulwarkError('ERR_STORE', `${what} ${display} failed: ${reason}`, { cause: e, context: { url: display } });
}
