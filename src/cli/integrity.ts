// Shared by `bulwark bom`, `pin`, `sign` and `verify`: which of our errors are the user's to fix (exit 64), and
// how a message about a file reaches the terminal (file names in a model folder are hostile input).
import { isBulwarkError } from '../core/errors.js';
import type { CommandContext } from './command-context.js';
import { EXIT_USAGE } from './exit-codes.js';
import { safeForTerminal } from './output.js';

/** Missing or unreadable files, invalid lock/key/trust root, folders over the entry limit. */
const USAGE_CODES = new Set(['ERR_IO', 'ERR_CONFIG_INVALID', 'ERR_INPUT_INVALID', 'ERR_SCAN_LIMIT']);

/** Prints a usage error and returns 64; rethrows what is not ours to explain (main reports it as a bug). */
export function usageExit(e: unknown, ctx: CommandContext, codes: ReadonlySet<string> = USAGE_CODES): number {
  if (isBulwarkError(e) && codes.has(e.code)) {
    ctx.io.stderr.write(`bulwark: ${safeForTerminal(e.message)}\n`);
    return EXIT_USAGE;
  }
  throw e;
}

export function say(ctx: CommandContext, stream: 'stdout' | 'stderr', text: string): void {
  ctx.io[stream].write(`${safeForTerminal(text)}\n`);
}
