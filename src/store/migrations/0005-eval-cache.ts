// Fifth migration: the opt-in response cache of evaluation runs (answers by request hash; schema builder only).
import type { Kysely, Migration } from 'kysely';

export const evalCache: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('eval_cache')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('eval_cache').execute();
  },
};
