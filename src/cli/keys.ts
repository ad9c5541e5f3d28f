// `bulwark keys create|list|revoke|rotate|suspend|unsuspend`: API keys of the gateway, kept hashed in the store.
import { InvalidArgumentError, type Command } from 'commander';
import { manualResponse } from '../monitor/rules/response-event.js';
import { keyStatus, type ApiKeyRecord, type CreatedKey } from '../store/api-keys.js';
import type { Store } from '../store/db.js';
import { formatDuration, parseDuration } from '../store/duration.js';
import { positiveInt, type CommandContext } from './command-context.js';
import { EXIT_OK } from './exit-codes.js';
import { safeForTerminal } from './output.js';
import { withStore as withStoreOf } from './with-store.js';

export interface StoreOption {
  db?: string;
}

export interface CreateOptions extends StoreOption {
  name: string;
  models: string[];
  policy: string;
  rpm?: number;
  tpm?: number;
  concurrency?: number;
  expires?: number;
  json?: boolean;
}

export interface ListOptions extends StoreOption {
  json?: boolean;
  active?: boolean;
}

export interface RotateOptions extends StoreOption {
  grace?: number;
  json?: boolean;
}

export interface SuspendOptions extends StoreOption {
  for: number;
  reason?: string;
}

const DB_HELP = 'store file or URL (sqlite:<path>); default $BULWARK_HOME/bulwark.db, BULWARK_HOME defaulting to ./.bulwark';
const SHOWN_ONCE = 'store this key now: it cannot be shown again\n';
/** Our errors that the user can fix (exit 64) or that come from the store file (exit 74). */
const USAGE_CODES = new Set(['ERR_KEY_NOT_FOUND', 'ERR_KEY_CONFLICT', 'ERR_INPUT_INVALID', 'ERR_CONFIG_INVALID']);

export function registerKeysCommand(program: Command, ctx: CommandContext): Command {
  const keys = program.command('keys').description('create, list, revoke, rotate and suspend API keys of the gateway (stored hashed)');
  keys
    .command('create')
    .description('create a key and print it once: only its hash is stored')
    .requiredOption('--name <name>', 'principal name, e.g. team-a (letters, digits, . _ - @)')
    .requiredOption('--models <patterns...>', 'model glob patterns the key may call, e.g. "gpt-*" or "*" (comma or space separated)', collectModels)
    .option('--policy <name>', 'policy applied to the requests of this key', 'default')
    .option('--rpm <n>', 'requests per minute', positiveInt)
    .option('--tpm <n>', 'tokens per minute', positiveInt)
    .option('--concurrency <n>', 'concurrent requests', positiveInt)
    .option('--expires <duration>', 'validity, e.g. 30d, 12h, 90m (default: no expiry)', duration)
    .option('--json', 'print the key and its record as JSON')
    .option('--db <path>', DB_HELP)
    .action(async (options: CreateOptions) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => createKey(store, options, ctx)));
    });
  keys
    .command('list')
    .description('list keys (never their secrets): a table on a terminal, JSON otherwise')
    .option('--active', 'only keys that still work')
    .option('--json', 'print JSON even on a terminal')
    .option('--db <path>', DB_HELP)
    .action(async (options: ListOptions) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => listKeys(store, options, ctx)));
    });
  keys
    .command('revoke')
    .description('revoke the key with this id, or every key with this name; takes effect in running gateways within seconds')
    .argument('<name|id>', 'key name or id')
    .option('--db <path>', DB_HELP)
    .action(async (idOrName: string, options: StoreOption) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => revokeKey(store, idOrName, ctx)));
    });
  keys
    .command('rotate')
    .description('replace a key by a new one with the same name, models, policy, limits and validity period')
    .argument('<name|id>', 'key name or id')
    .option('--grace <duration>', 'keep the old key working this long, e.g. 1h (default: revoke it at once)', duration)
    .option('--json', 'print the new key and its record as JSON')
    .option('--db <path>', DB_HELP)
    .action(async (idOrName: string, options: RotateOptions) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => rotateKey(store, idOrName, options, ctx)));
    });
  keys
    .command('suspend')
    .description('refuse the key with this id, or every live key with this name, for a while (never shortens a longer suspension)')
    .argument('<name|id>', 'key name or id')
    .requiredOption('--for <duration>', 'how long, e.g. 1h, 30m, 2d', duration)
    .option('--reason <text>', 'why (shown by keys list, recorded in the event)')
    .option('--db <path>', DB_HELP)
    .action(async (idOrName: string, options: SuspendOptions) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => suspendKey(store, idOrName, options, ctx)));
    });
  keys
    .command('unsuspend')
    .description('end the suspension of a key (set by hand or by an alert rule); takes effect in running gateways within seconds')
    .argument('<name|id>', 'key name or id')
    .option('--db <path>', DB_HELP)
    .action(async (idOrName: string, options: StoreOption) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => unsuspendKey(store, idOrName, ctx)));
    });
  return keys;
}

async function suspendKey(store: Store, idOrName: string, options: SuspendOptions, ctx: CommandContext): Promise<number> {
  const suspended = await store.keys.suspend(idOrName, new Date(Date.now() + options.for), { reason: options.reason });
  if (suspended.length === 0) {
    ctx.io.stderr.write(`nothing to suspend: "${safeForTerminal(idOrName)}" is revoked or expired\n`);
    return EXIT_OK;
  }
  for (const r of suspended) {
    ctx.io.stdout.write(`suspended ${r.name} (id ${r.id}) until ${r.suspendedUntil ?? '?'}\n`);
    store.events.append(manualResponse('suspend_key', r.id, { until: r.suspendedUntil, reason: r.suspensionReason }));
  }
  return EXIT_OK;
}

async function unsuspendKey(store: Store, idOrName: string, ctx: CommandContext): Promise<number> {
  const freed = await store.keys.unsuspend(idOrName);
  if (freed.length === 0) {
    ctx.io.stderr.write(`nothing to unsuspend: "${safeForTerminal(idOrName)}" is not suspended\n`);
    return EXIT_OK;
  }
  for (const r of freed) {
    ctx.io.stdout.write(`unsuspended ${r.name} (id ${r.id})\n`);
    store.events.append(manualResponse('unsuspend_key', r.id));
  }
  return EXIT_OK;
}

async function createKey(store: Store, options: CreateOptions, ctx: CommandContext): Promise<number> {
  const expiresAt = options.expires === undefined ? undefined : new Date(Date.now() + options.expires);
  const created = await store.keys.create({
    name: options.name,
    models: options.models,
    policy: options.policy,
    rpm: options.rpm,
    tpm: options.tpm,
    concurrency: options.concurrency,
    expiresAt,
  });
  printNewKey(created, options.json === true, ctx);
  const r = created.record;
  ctx.io.stderr.write(
    `created API key "${r.name}" (id ${r.id}, policy ${safeForTerminal(r.policy)}, models ${safeForTerminal(r.models.join(','))}` +
      `${r.expiresAt ? `, expires ${r.expiresAt}` : ''})\n${SHOWN_ONCE}`,
  );
  return EXIT_OK;
}

async function listKeys(store: Store, options: ListOptions, ctx: CommandContext): Promise<number> {
  const now = Date.now();
  const records = await store.keys.list({ activeOnly: options.active === true });
  if (options.json === true || !ctx.io.stdoutIsTTY) {
    const rows = records.map((r) => ({ ...r, status: keyStatus(r, now) }));
    ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  if (records.length === 0) {
    ctx.io.stdout.write('no API keys\n');
    return EXIT_OK;
  }
  const header = ['ID', 'NAME', 'PREFIX', 'MODELS', 'POLICY', 'RPM', 'TPM', 'CONC', 'EXPIRES', 'STATUS'];
  const table = records.map((r) => [
    r.id,
    r.name,
    r.prefix,
    r.models.join(','),
    r.policy,
    r.rpm?.toString() ?? '-',
    r.tpm?.toString() ?? '-',
    r.concurrency?.toString() ?? '-',
    r.expiresAt ?? 'never',
    statusText(r, now),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join('  ');
  ctx.io.stdout.write(`${[line(header), ...table.map(line)].map(safeForTerminal).join('\n')}\n`);
  return EXIT_OK;
}

async function revokeKey(store: Store, idOrName: string, ctx: CommandContext): Promise<number> {
  const revoked = await store.keys.revoke(idOrName);
  if (revoked.length === 0) {
    ctx.io.stderr.write(`nothing to revoke: "${safeForTerminal(idOrName)}" is revoked already\n`);
    return EXIT_OK;
  }
  for (const r of revoked) ctx.io.stdout.write(`revoked ${r.name} (id ${r.id})\n`);
  return EXIT_OK;
}

async function rotateKey(store: Store, idOrName: string, options: RotateOptions, ctx: CommandContext): Promise<number> {
  const rotated = await store.keys.rotate(idOrName, { graceMs: options.grace ?? 0 });
  printNewKey(rotated, options.json === true, ctx);
  const old = rotated.previous;
  const until = options.grace ? `keeps working for ${formatDuration(options.grace)}, until ${old.revokedAt ?? '?'}` : 'is revoked';
  ctx.io.stderr.write(`rotated API key "${old.name}": new id ${rotated.record.id}; the old key (id ${old.id}) ${until}\n${SHOWN_ONCE}`);
  return EXIT_OK;
}

/** The plaintext goes alone to stdout (so `KEY=$(bulwark keys create ...)` works); the notes go to stderr. */
function printNewKey(created: CreatedKey, json: boolean, ctx: CommandContext): void {
  if (json) {
    ctx.io.stdout.write(`${JSON.stringify({ key: created.key, ...created.record }, null, 2)}\n`);
  } else {
    ctx.io.stdout.write(`${created.key}\n`);
  }
}


function statusText(r: ApiKeyRecord, now: number): string {
  const status = keyStatus(r, now);
  if (status === 'suspended') return `suspended until ${r.suspendedUntil ?? '?'}`;
  return status === 'revoking' ? `revoking at ${r.revokedAt ?? '?'}` : status;
}

/** Opens the store for one command and turns our errors into a message and an exit code (64 usage, 74 store). */
/** The store for a keys or blocks command, with their usage errors. */
export function withStore(ctx: CommandContext, options: StoreOption, run: (store: Store) => Promise<number>): Promise<number> {
  return withStoreOf(ctx, options, run, USAGE_CODES);
}

/** Commander parser for a positive duration (30d, 12h, 90m, 1h30m). */
export function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms === 0) throw new InvalidArgumentError('expected a duration such as 30d, 12h, 90m or 1h30m');
  return ms;
}

/** Variadic and repeatable, each value possibly comma-separated. */
function collectModels(value: string, previous: string[] | undefined): string[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [...(previous ?? []), ...parts];
}
