// API keys: create (plaintext shown once, only a hash stored), list, revoke, rotate with a grace period, suspend
// for a while, and verify() on the request path, answered from an in-memory snapshot that follows changes made
// by other processes.
import { RevisionFollower } from './revision-follower.js';
import { timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { BulwarkError } from '../core/errors.js';
import { validateKeyFields, type NewApiKey } from './api-key-input.js';
import { clean, keepLaterBlock } from './blocks.js';
import { generateKey, HASH_ALG, hashKey, parseKeyId } from './api-key-format.js';
import type { ApiKeysTable, Database } from './schema.js';

export type { NewApiKey } from './api-key-input.js';

export interface ApiKeyRecord {
  readonly id: string;
  /** The principal: requests made with the key are attributed to this name. */
  readonly name: string;
  /** Non-secret display form, e.g. `bwk_4fQx…_Ab3d…`. */
  readonly prefix: string;
  readonly models: readonly string[];
  readonly policy: string;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly concurrency?: number;
  readonly createdAt: string;
  readonly expiresAt?: string;
  /** When the key stops (stopped) working; a future time during a rotation grace period. */
  readonly revokedAt?: string;
  /** Id of the key that replaced this one by rotation. */
  readonly replacedBy?: string;
  /** Set while a suspension is recorded for the key: it is refused (`suspended`) until then. */
  readonly suspendedUntil?: string;
  /** Why it was suspended (CLI reason or alert rule); present only with suspendedUntil. */
  readonly suspensionReason?: string;
}

export type KeyFailureReason = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'suspended';

/**
 * What verify() says. A wrong secret is `unknown`, like an unknown id: only a holder of the right secret learns
 * that the key is revoked or expired (and then `key` names the principal for the audit event).
 */
export type KeyVerification =
  | { readonly ok: true; readonly key: ApiKeyRecord }
  | { readonly ok: false; readonly reason: KeyFailureReason; readonly key?: ApiKeyRecord };

export type KeyStatus = 'active' | 'revoking' | 'suspended' | 'revoked' | 'expired';

export interface SuspendOptions {
  /** Free text shown by `keys list`; at most 256 characters, control characters removed. */
  reason?: string;
  /** Name of the alert rule that suspends the key. */
  rule?: string;
}

export interface CreatedKey {
  /** The plaintext key: give it to the user now, it cannot be recovered. */
  readonly key: string;
  readonly record: ApiKeyRecord;
}

export interface RotatedKey extends CreatedKey {
  readonly previous: ApiKeyRecord;
}

export interface ApiKeyStoreOptions {
  /** How often (ms) to look for changes by other processes; revocations there take effect within it. 0 = never. */
  refreshIntervalMs?: number;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
}

export interface ApiKeyCacheStats {
  keys: number;
  revision: number;
  refreshes: number;
  refreshErrors: number;
  lastError?: string;
}

export const DEFAULT_REFRESH_INTERVAL_MS = 2_000;

interface CacheEntry {
  hash: Buffer;
  revokedAtMs: number;
  expiresAtMs: number;
  /** -Infinity when the key is not suspended. */
  suspendedUntilMs: number;
  // Answers built once per snapshot so that verify() allocates nothing but the digest.
  ok: KeyVerification;
  revoked: KeyVerification;
  expired: KeyVerification;
  suspended: KeyVerification;
}

interface Suspension {
  until: string;
  reason: string | null;
}

const MALFORMED: KeyVerification = Object.freeze({ ok: false, reason: 'malformed' });
const UNKNOWN: KeyVerification = Object.freeze({ ok: false, reason: 'unknown' });
/** Compared against when the id is unknown, so that unknown ids and wrong secrets cost the same. */
const DUMMY_DIGEST = hashKey('bulwark-dummy-key');

export class ApiKeyStore {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;
  #byId = new Map<string, CacheEntry>();
  readonly #follower: RevisionFollower;

  private constructor(db: Kysely<Database>, options: ApiKeyStoreOptions) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#follower = new RevisionFollower(db, 'api_keys', 'the API keys', () => this.#load());
  }

  /** Loads the snapshot and starts following changes. The database must be migrated. */
  static async open(db: Kysely<Database>, options: ApiKeyStoreOptions = {}): Promise<ApiKeyStore> {
    const store = new ApiKeyStore(db, options);
    await store.#follower.start(options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS);
    return store;
  }

  /**
   * Checks a presented key against the snapshot: no I/O, one SHA-256, a constant-time comparison. The answer
   * is a shared frozen object (built once per snapshot): read it, do not change it.
   */
  verify(presented: string): KeyVerification {
    if (typeof presented !== 'string') return MALFORMED;
    const id = parseKeyId(presented);
    if (id === undefined) return MALFORMED;
    const digest = hashKey(presented);
    const entry = this.#byId.get(id);
    if (entry === undefined) {
      timingSafeEqual(digest, DUMMY_DIGEST);
      return UNKNOWN;
    }
    if (!timingSafeEqual(digest, entry.hash)) return UNKNOWN;
    const now = this.#now();
    if (now >= entry.revokedAtMs) return entry.revoked;
    if (now >= entry.expiresAtMs) return entry.expired;
    if (now < entry.suspendedUntilMs) return entry.suspended;
    return entry.ok;
  }

  async create(input: NewApiKey): Promise<CreatedKey> {
    const fields = validateKeyFields(input, this.#now());
    const material = generateKey();
    const row: ApiKeysTable = {
      id: material.id,
      name: fields.name,
      prefix: material.prefix,
      secret_hash: material.hash,
      hash_alg: HASH_ALG,
      models: JSON.stringify(fields.models),
      policy: fields.policy,
      rpm: fields.rpm,
      tpm: fields.tpm,
      concurrency: fields.concurrency,
      created_at: new Date(this.#now()).toISOString(),
      expires_at: fields.expiresAt,
      revoked_at: null,
      replaced_by: null,
    };
    await this.#write(async (trx) => {
      await insertKey(trx, row);
    });
    return { key: material.key, record: toRecord(row) };
  }

  /**
   * Every key (never a secret), oldest first, read from the database; `activeOnly`: only keys that still work
   * or will again (a suspended key counts: the suspension ends by itself).
   */
  async list(options: { activeOnly?: boolean } = {}): Promise<ApiKeyRecord[]> {
    const rows = await this.#db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
    const now = this.#now();
    const suspensions = await readSuspensions(this.#db, now);
    const records = rows.map((r) => toRecord(r, suspensions.get(r.id)));
    if (options.activeOnly !== true) return records;
    return records.filter((r) => {
      const status = keyStatus(r, now);
      return status === 'active' || status === 'revoking' || status === 'suspended';
    });
  }

  /**
   * Refuses the key with this id, or every live key with this name, until `until` (verify says `suspended`).
   * A suspension is never shortened by a later, shorter one: unsuspend first to shorten it. Returns the keys
   * suspended (with the resulting suspendedUntil); empty when every key of the name is revoked or expired.
   */
  async suspend(idOrName: string, until: Date, options: SuspendOptions = {}): Promise<ApiKeyRecord[]> {
    const untilMs = until instanceof Date ? until.getTime() : Number.NaN;
    if (!Number.isFinite(untilMs)) throw new TypeError('until must be a valid Date');
    const now = this.#now();
    if (untilMs <= now) throw new TypeError('until must be in the future');
    const nowIso = new Date(now).toISOString();
    const untilIso = new Date(untilMs).toISOString();
    const reason = clean(options.reason);
    const rule = options.rule === undefined ? null : clean(options.rule);
    let suspended: ApiKeyRecord[] = [];
    await this.#write(async (trx) => {
      const rows = await findKeys(trx, idOrName);
      const live = rows.filter((r) => (r.revoked_at === null || r.revoked_at > nowIso) && (r.expires_at === null || r.expires_at > nowIso));
      await trx.deleteFrom('blocks').where('kind', '=', 'key').where('until', '<=', nowIso).execute();
      for (const r of live) {
        // Atomic "keep the later end": `excluded` is the row we tried to insert (SQLite and PostgreSQL alike).
        await trx
          .insertInto('blocks')
          .values({ kind: 'key', value: r.id, until: untilIso, reason, rule, created_at: nowIso })
          .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet(keepLaterBlock()))
          .execute();
      }
      const after = await readSuspensions(trx, now);
      suspended = live.map((r) => toRecord(r, after.get(r.id)));
    });
    return suspended;
  }

  /** Ends the suspension of the key with this id, or of every key with this name; returns the keys it freed. */
  async unsuspend(idOrName: string): Promise<ApiKeyRecord[]> {
    const now = this.#now();
    let freed: ApiKeyRecord[] = [];
    await this.#write(async (trx) => {
      const rows = await findKeys(trx, idOrName);
      const before = await readSuspensions(trx, now);
      const ids = rows.map((r) => r.id);
      await trx.deleteFrom('blocks').where('kind', '=', 'key').where('value', 'in', ids).execute();
      freed = rows.filter((r) => before.has(r.id)).map((r) => toRecord(r));
    });
    return freed;
  }

  /**
   * Revokes the key with this id, or every not-yet-revoked key with this name (including one in a rotation
   * grace period). Returns the keys it revoked: empty when the key was revoked already.
   */
  async revoke(idOrName: string): Promise<ApiKeyRecord[]> {
    const nowIso = new Date(this.#now()).toISOString();
    let revoked: ApiKeyRecord[] = [];
    await this.#write(async (trx) => {
      const rows = await findKeys(trx, idOrName);
      const live = rows.filter((r) => r.revoked_at === null || r.revoked_at > nowIso);
      for (const r of live) {
        await trx.updateTable('api_keys').set({ revoked_at: nowIso }).where('id', '=', r.id).execute();
      }
      revoked = live.map((r) => toRecord({ ...r, revoked_at: nowIso }));
    });
    return revoked;
  }

  /**
   * Replaces the active key with this id or name by a new one with the same name, models, policy, limits and
   * validity period. The old key stops working at once, or after `graceMs` so that clients can switch over.
   */
  async rotate(idOrName: string, options: { graceMs?: number } = {}): Promise<RotatedKey> {
    const graceMs = options.graceMs ?? 0;
    if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw new TypeError('graceMs must be a non-negative integer');
    const now = this.#now();
    const material = generateKey();
    let result: RotatedKey | undefined;
    await this.#write(async (trx) => {
      const old = await trx
        .selectFrom('api_keys')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      if (old === undefined) throw notFound(idOrName, 'no active key');
      const revokedAt = new Date(now + graceMs).toISOString();
      // `revoked_at is null` again: of two processes rotating at once, exactly one wins.
      const updated = await trx
        .updateTable('api_keys')
        .set({ revoked_at: revokedAt, replaced_by: material.id })
        .where('id', '=', old.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (updated.numUpdatedRows !== 1n) throw notFound(idOrName, 'no active key');
      let expiresAt: string | null = null;
      if (old.expires_at !== null) {
        const period = Date.parse(old.expires_at) - Date.parse(old.created_at);
        expiresAt = new Date(now + Math.max(period, 0)).toISOString();
      }
      const row: ApiKeysTable = {
        ...old,
        id: material.id,
        prefix: material.prefix,
        secret_hash: material.hash,
        hash_alg: HASH_ALG,
        created_at: new Date(now).toISOString(),
        expires_at: expiresAt,
        revoked_at: null,
        replaced_by: null,
      };
      await insertKey(trx, row);
      result = {
        key: material.key,
        record: toRecord(row),
        previous: toRecord({ ...old, revoked_at: revokedAt, replaced_by: material.id }),
      };
    });
    return result as RotatedKey;
  }

  /** Reloads the snapshot if another process changed the keys since the last look; true if it did. */
  refresh(): Promise<boolean> {
    return this.#follower.refresh();
  }


  stats(): ApiKeyCacheStats {
    return { keys: this.#byId.size, ...this.#follower.stats() };
  }

  /** Stops following changes; verify() keeps answering from the last snapshot. */
  close(): void {
    this.#follower.close();
  }

  /** Runs a change and bumps the revision in one transaction, then reloads this process's snapshot. */
  #write(change: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    // The change is committed before the reload: a failed reload must not lose a plaintext key that exists.
    return this.#follower.write(change);
  }


  /** Reads the keys and swaps the snapshot (the follower reads the revision first). */
  async #load(): Promise<void> {
    const rows = await this.#db.selectFrom('api_keys').selectAll().execute();
    // Every recorded suspension, past ones too: verify() compares with its own clock.
    const suspensions = await readSuspensions(this.#db, Number.NEGATIVE_INFINITY);
    const next = new Map<string, CacheEntry>();
    for (const row of rows) {
      if (row.hash_alg !== HASH_ALG) continue;
      const suspension = suspensions.get(row.id);
      const record = toRecord(row, suspension);
      const ok: KeyVerification = Object.freeze({ ok: true, key: record });
      next.set(row.id, {
        hash: Buffer.from(row.secret_hash, 'hex'),
        revokedAtMs: timeOrInfinity(row.revoked_at),
        expiresAtMs: timeOrInfinity(row.expires_at),
        suspendedUntilMs: suspensionEnd(suspension),
        ok,
        revoked: Object.freeze({ ok: false, reason: 'revoked', key: record }),
        expired: Object.freeze({ ok: false, reason: 'expired', key: record }),
        suspended: Object.freeze({ ok: false, reason: 'suspended', key: record }),
      });
    }
    this.#byId = next;
  }

}

/** Where a key stands at `nowMs`. */
export function keyStatus(key: ApiKeyRecord, nowMs: number): KeyStatus {
  if (key.revokedAt !== undefined && Date.parse(key.revokedAt) <= nowMs) return 'revoked';
  if (key.expiresAt !== undefined && Date.parse(key.expiresAt) <= nowMs) return 'expired';
  if (key.suspendedUntil !== undefined && Date.parse(key.suspendedUntil) > nowMs) return 'suspended';
  return key.revokedAt !== undefined ? 'revoking' : 'active';
}

/** The key with this id, else every key with this name (any state); ERR_KEY_NOT_FOUND when there is none. */
async function findKeys(trx: Transaction<Database>, idOrName: string): Promise<ApiKeysTable[]> {
  if (typeof idOrName !== 'string') throw new TypeError('idOrName must be a string');
  const byId = await trx.selectFrom('api_keys').selectAll().where('id', '=', idOrName).executeTakeFirst();
  const rows = byId ? [byId] : await trx.selectFrom('api_keys').selectAll().where('name', '=', idOrName).execute();
  if (rows.length === 0) throw notFound(idOrName);
  return rows;
}

/** Suspensions by key id that end after `nowMs`. */
async function readSuspensions(db: Kysely<Database>, nowMs: number): Promise<Map<string, Suspension>> {
  let q = db.selectFrom('blocks').select(['value', 'until', 'reason']).where('kind', '=', 'key');
  if (Number.isFinite(nowMs)) q = q.where('until', '>', new Date(nowMs).toISOString());
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.value, { until: r.until, reason: r.reason }]));
}

function suspensionEnd(s: Suspension | undefined): number {
  if (s === undefined) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(s.until);
  // An unreadable end fails closed: the key stays suspended until an unsuspend removes the row.
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

async function insertKey(trx: Transaction<Database>, row: ApiKeysTable): Promise<void> {
  try {
    await trx.insertInto('api_keys').values(row).execute();
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new BulwarkError('ERR_KEY_CONFLICT', `an active API key is already named "${row.name}"; revoke or rotate it`, {
        context: { name: row.name },
      });
    }
    throw e;
  }
}

/** SQLite's SQLITE_CONSTRAINT_UNIQUE or PostgreSQL's 23505. */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

function notFound(idOrName: string, what = 'no key'): BulwarkError {
  return new BulwarkError('ERR_KEY_NOT_FOUND', `${what} with id or name "${idOrName.slice(0, 80)}"`, {
    context: { key: idOrName.slice(0, 80) },
  });
}

function timeOrInfinity(iso: string | null): number {
  if (iso === null) return Number.POSITIVE_INFINITY;
  const ms = Date.parse(iso);
  // An unreadable time fails closed: the key counts as revoked / expired.
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function toRecord(row: ApiKeysTable, suspension?: Suspension): ApiKeyRecord {
  const record: {
    -readonly [K in keyof ApiKeyRecord]: ApiKeyRecord[K];
  } = {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    models: Object.freeze(parseModels(row.models)),
    policy: row.policy,
    createdAt: row.created_at,
  };
  if (row.rpm !== null) record.rpm = Number(row.rpm);
  if (row.tpm !== null) record.tpm = Number(row.tpm);
  if (row.concurrency !== null) record.concurrency = Number(row.concurrency);
  if (row.expires_at !== null) record.expiresAt = row.expires_at;
  if (row.revoked_at !== null) record.revokedAt = row.revoked_at;
  if (row.replaced_by !== null) record.replacedBy = row.replaced_by;
  if (suspension !== undefined) {
    record.suspendedUntil = suspension.until;
    if (suspension.reason !== null) record.suspensionReason = suspension.reason;
  }
  return Object.freeze(record);
}

/** A corrupt models column allows no model rather than crashing the snapshot. */
function parseModels(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((m): m is string => typeof m === 'string') : [];
  } catch {
    return [];
  }
}
