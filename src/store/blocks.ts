// BlockList: principals and source addresses refused until a time, persisted in the store and answered from an
// in-memory snapshot (O(1) per request) that follows changes made by other processes, like the key snapshot.
import { RevisionFollower } from './revision-follower.js';
import { isIPv4, isIPv6 } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { BulwarkError } from '../core/errors.js';
import type { Database } from './schema.js';
import type { BlocksTable } from './schema-responses.js';

/** What a BlockList blocks (key suspensions live in ApiKeyStore, in the same table). */
export const BLOCK_TARGETS = ['principal', 'source'] as const;
export type BlockTarget = (typeof BLOCK_TARGETS)[number];

export interface BlockRecord {
  readonly kind: BlockTarget;
  /** Principal name, or the normalised IP address. */
  readonly value: string;
  readonly until: string;
  readonly reason?: string;
  /** Alert rule that set it; absent when set by hand. */
  readonly rule?: string;
  readonly createdAt: string;
}

export interface BlockOptions {
  /** Free text, at most 256 characters, control characters removed. */
  reason?: string;
  rule?: string;
}

export interface BlockListOptions {
  /** How often (ms) to look for changes by other processes. 0 = never. */
  refreshIntervalMs?: number;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
  /** Most blocks in force at once; add() refuses beyond it so that a flood of addresses cannot exhaust memory. */
  maxActive?: number;
}

export interface BlockListStats {
  principals: number;
  sources: number;
  revision: number;
  refreshes: number;
  refreshErrors: number;
  lastError?: string;
}

export const DEFAULT_BLOCK_REFRESH_MS = 2_000;
export const DEFAULT_MAX_ACTIVE_BLOCKS = 100_000;
const MAX_REASON = 256;
const MAX_PRINCIPAL = 256;
const REVISION = 'blocks';

export class BlockList {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;
  readonly #maxActive: number;
  /** Value → end (ms). */
  #principals = new Map<string, number>();
  #sources = new Map<string, number>();
  readonly #follower: RevisionFollower;

  private constructor(db: Kysely<Database>, options: BlockListOptions) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#maxActive = options.maxActive ?? DEFAULT_MAX_ACTIVE_BLOCKS;
    if (!Number.isSafeInteger(this.#maxActive) || this.#maxActive < 1) throw new TypeError('maxActive must be a positive integer');
    this.#follower = new RevisionFollower(db, REVISION, 'the block list', () => this.#load());
  }

  /** Loads the snapshot and starts following changes. The database must be migrated. */
  static async open(db: Kysely<Database>, options: BlockListOptions = {}): Promise<BlockList> {
    const list = new BlockList(db, options);
    await list.#follower.start(options.refreshIntervalMs ?? DEFAULT_BLOCK_REFRESH_MS);
    return list;
  }

  /** True while `value` (a principal name, or an IP address in any usual spelling) is blocked. No I/O. */
  isBlocked(kind: BlockTarget, value: string): boolean {
    const until = this.blockedUntil(kind, value);
    return until !== undefined;
  }

  /** When the block on `value` ends (ms since the epoch), or undefined when it is not blocked now. */
  blockedUntil(kind: BlockTarget, value: string): number | undefined {
    if (typeof value !== 'string') return undefined;
    const map = kind === 'source' ? this.#sources : this.#principals;
    if (map.size === 0) return undefined;
    const key = kind === 'source' ? normalizeAddress(value) : value;
    if (key === undefined) return undefined;
    const until = map.get(key);
    return until !== undefined && this.#now() < until ? until : undefined;
  }

  /**
   * Blocks `value` until `until`; an existing longer block is kept (remove it first to shorten one). Throws
   * ERR_INPUT_INVALID for a value that is not a principal name / IP address, ERR_STORE when maxActive is reached.
   */
  async add(kind: BlockTarget, value: string, until: Date, options: BlockOptions = {}): Promise<BlockRecord> {
    const key = checkValue(kind, value);
    const untilMs = until instanceof Date ? until.getTime() : Number.NaN;
    if (!Number.isFinite(untilMs)) throw new TypeError('until must be a valid Date');
    const now = this.#now();
    if (untilMs <= now) throw new TypeError('until must be in the future');
    const nowIso = new Date(now).toISOString();
    let stored: BlocksTable | undefined;
    await this.#write(async (trx) => {
      await trx.deleteFrom('blocks').where('kind', 'in', BLOCK_TARGETS).where('until', '<=', nowIso).execute();
      const count = await trx.selectFrom('blocks').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', 'in', BLOCK_TARGETS).executeTakeFirst();
      const existing = await trx.selectFrom('blocks').select('value').where('kind', '=', kind).where('value', '=', key).executeTakeFirst();
      if (existing === undefined && Number(count?.n ?? 0) >= this.#maxActive) {
        throw new BulwarkError('ERR_STORE', `too many blocks in force (${this.#maxActive}); remove some or wait for them to end`, {
          context: { maxActive: this.#maxActive },
        });
      }
      await trx
        .insertInto('blocks')
        .values({ kind, value: key, until: new Date(untilMs).toISOString(), reason: clean(options.reason), rule: clean(options.rule), created_at: nowIso })
        .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet(keepLaterBlock()))
        .execute();
      stored = await trx.selectFrom('blocks').selectAll().where('kind', '=', kind).where('value', '=', key).executeTakeFirstOrThrow();
    });
    return toRecord(stored as BlocksTable);
  }

  /** Lifts the block on `value`; false when there was none in force. */
  async remove(kind: BlockTarget, value: string): Promise<boolean> {
    const key = checkValue(kind, value);
    const nowIso = new Date(this.#now()).toISOString();
    let removed = false;
    await this.#write(async (trx) => {
      const r = await trx.deleteFrom('blocks').where('kind', '=', kind).where('value', '=', key).where('until', '>', nowIso).executeTakeFirst();
      removed = r.numDeletedRows > 0n;
      await trx.deleteFrom('blocks').where('kind', '=', kind).where('value', '=', key).execute();
    });
    return removed;
  }

  /** Blocks in force (read from the database), soonest end first. */
  async list(): Promise<BlockRecord[]> {
    const nowIso = new Date(this.#now()).toISOString();
    const rows = await this.#db
      .selectFrom('blocks')
      .selectAll()
      .where('kind', 'in', BLOCK_TARGETS)
      .where('until', '>', nowIso)
      .orderBy('until')
      .orderBy('kind')
      .orderBy('value')
      .execute();
    return rows.map(toRecord);
  }

  /** Reloads the snapshot if another process changed the blocks since the last look; true if it did. */
  refresh(): Promise<boolean> {
    return this.#follower.refresh();
  }


  stats(): BlockListStats {
    return { principals: this.#principals.size, sources: this.#sources.size, ...this.#follower.stats() };
  }

  /** Stops following changes; isBlocked keeps answering from the last snapshot. */
  close(): void {
    this.#follower.close();
  }

  #write(change: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
    return this.#follower.write(change);
  }


  /** Reads the blocks in force and swaps the snapshot (the follower reads the revision first). */
  async #load(): Promise<void> {
    const nowIso = new Date(this.#now()).toISOString();
    const rows = await this.#db
      .selectFrom('blocks')
      .select(['kind', 'value', 'until'])
      .where('kind', 'in', BLOCK_TARGETS)
      .where('until', '>', nowIso)
      .limit(this.#maxActive)
      .execute();
    const principals = new Map<string, number>();
    const sources = new Map<string, number>();
    for (const r of rows) {
      const ms = Date.parse(r.until);
      // An unreadable end fails closed: blocked until removed.
      (r.kind === 'source' ? sources : principals).set(r.value, Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms);
    }
    this.#principals = principals;
    this.#sources = sources;
  }
}

/**
 * One spelling per address, so that a block matches however the socket reports it: IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`) becomes IPv4, IPv6 is lower-cased and compressed. Undefined for anything else.
 */
export function normalizeAddress(address: string): string | undefined {
  if (typeof address !== 'string' || address.length === 0 || address.length > 64) return undefined;
  if (isIPv4(address)) return address;
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  if (!isIPv6(lower)) return undefined;
  if (lower.includes('%')) return lower; // a zone id: URL cannot parse it, and it is local anyway
  try {
    return new URL(`http://[${lower}]`).hostname.slice(1, -1);
  } catch {
    return lower;
  }
}

/**
 * The ON CONFLICT update of a block row that keeps whichever of the stored and the new row ends later.
 * `excluded` is the row that was to be inserted (SQLite and PostgreSQL alike): one atomic statement.
 */
export function keepLaterBlock() {
  const later = sql<boolean>`${sql.ref('excluded.until')} > ${sql.ref('blocks.until')}`;
  const pick = (column: 'until' | 'reason' | 'rule' | 'created_at') =>
    sql<string>`case when ${later} then ${sql.ref(`excluded.${column}`)} else ${sql.ref(`blocks.${column}`)} end`;
  return { until: pick('until'), reason: pick('reason'), rule: pick('rule'), created_at: pick('created_at') };
}

/** Printable text, bounded; null when empty. */
export function clean(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (typeof text !== 'string') throw new TypeError('reason and rule must be strings');
  const out = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim().slice(0, MAX_REASON);
  return out === '' ? null : out;
}

function checkValue(kind: BlockTarget, value: string): string {
  if (kind !== 'principal' && kind !== 'source') throw new TypeError(`unknown block kind: ${String(kind)}`);
  if (kind === 'source') {
    const address = normalizeAddress(value);
    if (address === undefined) throw invalid('value', 'a source must be an IPv4 or IPv6 address');
    return address;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PRINCIPAL || /[\u0000-\u001f\u007f]/.test(value)) {
    throw invalid('value', `a principal is 1-${MAX_PRINCIPAL} characters without control characters`);
  }
  return value;
}

function invalid(field: string, message: string): BulwarkError {
  return new BulwarkError('ERR_INPUT_INVALID', message, { context: { field } });
}


function toRecord(row: BlocksTable): BlockRecord {
  const r: { -readonly [K in keyof BlockRecord]: BlockRecord[K] } = {
    kind: row.kind === 'source' ? 'source' : 'principal',
    value: row.value,
    until: row.until,
    createdAt: row.created_at,
  };
  if (row.reason !== null) r.reason = row.reason;
  if (row.rule !== null) r.rule = row.rule;
  return Object.freeze(r);
}
