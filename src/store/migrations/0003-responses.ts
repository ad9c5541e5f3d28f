// Third migration: the automated responses' table (blocks of keys, principals and source addresses).
import { sql, type Kysely, type Migration } from 'kysely';

export const responses: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Schema builder only: the same statements run on SQLite and PostgreSQL.
    await db.schema
      .createTable('blocks')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('until', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('rule', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('blocks_pk', ['kind', 'value'])
      .execute();
    // Key suspensions bump the api_keys revision (the key snapshot reads them); principals and addresses this one.
    await sql`insert into revisions (name, value) values ('blocks', 0)`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await sql`delete from revisions where name = 'blocks'`.execute(db);
    await db.schema.dropTable('blocks').execute();
  },
};
