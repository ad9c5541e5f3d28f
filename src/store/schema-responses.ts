// Tables of the automated responses (key suspensions, blocked principals and addresses).

/** The kinds of things a block applies to: an API key (by id), a principal (by name), a source address. */
export const BLOCK_KINDS = ['key', 'principal', 'source'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/**
 * One row per blocked thing; a later block of the same thing replaces the row (primary key kind + value).
 * Rows whose `until` has passed no longer count and are pruned on the next write.
 */
export interface BlocksTable {
  kind: BlockKind;
  /** Key id, principal name, or normalised IP address. */
  value: string;
  /** ISO 8601 UTC time the block ends. */
  until: string;
  /** Why (free text from the CLI, or the rule's description); never a secret. */
  reason: string | null;
  /** Name of the alert rule that set it; null when set by hand. */
  rule: string | null;
  created_at: string;
}

export interface ResponseTables {
  blocks: BlocksTable;
}
