// Opens the store for a one-shot command, runs it, closes the store; a BulwarkError becomes a message and an exit
// code (usage codes → 64, the rest → 74), anything else propagates to main (internal error).
import { isBulwarkError, type ErrorCode } from '../core/errors.js';
import { openStore, type Store } from '../store/db.js';
import type { CommandContext } from './command-context.js';
import { EXIT_IO, EXIT_USAGE } from './exit-codes.js';
import { OutputError, safeForTerminal } from './output.js';

export interface StoreOption {
  db?: string;
}

export const DB_HELP = 'store file or URL (sqlite:<path>, postgres://...); default BULWARK_DATABASE_URL, else $BULWARK_HOME/bulwark.db';

export async function withStore(
  ctx: CommandContext,
  options: StoreOption,
  run: (store: Store) => Promise<number>,
  usageCodes: ReadonlySet<ErrorCode | string>,
): Promise<number> {
  let store: Store | undefined;
  try {
    // A one-shot command: no snapshot refresh timer.
    store = await openStore({ url: options.db, cwd: ctx.io.cwd, keys: { refreshIntervalMs: 0 } });
    return await run(store);
  } catch (e) {
    if (e instanceof OutputError || !isBulwarkError(e)) throw e;
    ctx.io.stderr.write(`bulwark: ${safeForTerminal(e.message)}\n`);
    return usageCodes.has(e.code) ? EXIT_USAGE : EXIT_IO;
  } finally {
    await store?.close();
  }
}
