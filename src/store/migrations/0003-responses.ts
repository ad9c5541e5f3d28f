// Third migration: the automated responses' tables.
import type { Kysely, Migration } from 'kysely';

export const responses: Migration = {
  async up(_db: Kysely<unknown>): Promise<void> {},
  async down(_db: Kysely<unknown>): Promise<void> {},
};
