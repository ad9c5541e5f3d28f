// Fourth migration: evaluation runs, their case results and baselines.
import type { Kysely, Migration } from 'kysely';

export const evalRuns: Migration = {
  async up(_db: Kysely<unknown>): Promise<void> {},
  async down(_db: Kysely<unknown>): Promise<void> {},
};
