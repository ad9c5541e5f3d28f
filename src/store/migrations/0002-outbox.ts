// Second migration: the event outbox's tables.
import type { Kysely, Migration } from 'kysely';

export const outbox: Migration = {
  async up(_db: Kysely<unknown>): Promise<void> {},
  async down(_db: Kysely<unknown>): Promise<void> {},
};
