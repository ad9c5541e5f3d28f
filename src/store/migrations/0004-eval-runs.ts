// Fourth migration: evaluation runs, their case results and baselines (schema builder only, portable to PostgreSQL).
import type { Kysely, Migration } from 'kysely';

export const evalRuns: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('eval_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('suite', 'text', (c) => c.notNull())
      .addColumn('config_hash', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('summary', 'text')
      .execute();
    // `eval list --suite` and the trend chart read the newest runs of one suite.
    await db.schema.createIndex('eval_runs_suite_started').on('eval_runs').columns(['suite', 'started_at']).execute();

    // The primary key (run_id, idx) is also the index on run_id: results are read per run, in pages by idx.
    await db.schema
      .createTable('eval_results')
      .addColumn('run_id', 'text', (c) => c.notNull().references('eval_runs.id').onDelete('cascade'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('repeat', 'integer', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('refused', 'integer', (c) => c.notNull())
      .addColumn('verdicts', 'text', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint('eval_results_pk', ['run_id', 'idx'])
      .execute();
    // A test's history across runs (`eval show`, flaky-test views).
    await db.schema.createIndex('eval_results_case').on('eval_results').column('case_id').execute();

    await db.schema
      .createTable('eval_baselines')
      .addColumn('suite', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('eval_runs.id').onDelete('cascade'))
      .addColumn('set_at', 'text', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('eval_baselines').execute();
    await db.schema.dropTable('eval_results').execute();
    await db.schema.dropTable('eval_runs').execute();
  },
};
