// First migration: API keys, security events and the revision counters (schema builder only, portable to PostgreSQL).
import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

export const keysAndEvents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('hash_alg', 'text', (c) => c.notNull())
      .addColumn('models', 'text', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('rpm', 'integer')
      .addColumn('tpm', 'integer')
      .addColumn('concurrency', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('replaced_by', 'text')
      .execute();
    // A partial unique index (SQLite and PostgreSQL both have them) settles concurrent creates of one name in
    // the database; keys in a rotation grace period carry a revoked_at and so do not count.
    await db.schema
      .createIndex('api_keys_active_name')
      .on('api_keys')
      .column('name')
      .unique()
      .where(sql.ref('revoked_at'), 'is', null)
      .execute();

    // An integer key in insertion order (SQLite's rowid; an identity column on PostgreSQL) rather than the UUID:
    // a unique index over random UUIDs cost ~10 µs per inserted row on a large table, the rowid ~0. It is also
    // the cursor a later outbox reads from. The UUID stays as a plain column.
    const pg = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('security_events')
      .addColumn('seq', pg ? 'bigint' : 'integer', (c) => (pg ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey()))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('stage', 'text')
      .addColumn('principal', 'text')
      .addColumn('request_id', 'text')
      .addColumn('findings', 'text', (c) => c.notNull())
      .addColumn('failures', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('attributes', 'text', (c) => c.notNull())
      .execute();
    // Each index costs every insert (~0.7 µs a row on SQLite): time, and the two filters a dashboard starts from.
    await db.schema.createIndex('security_events_time').on('security_events').column('time').execute();
    await db.schema.createIndex('security_events_kind_time').on('security_events').columns(['kind', 'time']).execute();
    await db.schema.createIndex('security_events_principal_time').on('security_events').columns(['principal', 'time']).execute();

    await db.schema
      .createTable('revisions')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`insert into revisions (name, value) values ('api_keys', 0)`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('revisions').execute();
    await db.schema.dropTable('security_events').execute();
    await db.schema.dropTable('api_keys').execute();
  },
};
