// `bulwark pin DIR`: writes a lockfile of every model file's SHA-256 and size (symlinks by their target), which
// `bulwark scan --lock` enforces; `--check` compares the folder with an existing lockfile instead.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { EXIT_FLAGGED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { say, usageExit } from './integrity.js';

export interface PinCommandOptions {
  output?: string;
  check?: boolean;
  json?: boolean;
}

export function registerPinCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('pin')
    .description('pin a model folder: write a lockfile of every file digest, which `bulwark scan --lock` enforces')
    .argument('<dir>', 'model folder')
    .option('-o, --output <file>', 'lockfile (default: DIR/bulwark.lock)')
    .option('--check', 'compare the folder with the lockfile instead of writing it: exit 1 on any change, addition or removal')
    .option('--json', 'with --check, print the differences as JSON')
    .action(async (dir: string, options: PinCommandOptions) => {
      ctx.setExitCode(await runPin(dir, options, ctx));
    });
}

async function runPin(dir: string, options: PinCommandOptions, ctx: CommandContext): Promise<number> {
  const { compareLock, createLock, describeDrift, LOCK_FILE_NAME, readLock, writeLock } = await import('../scan/lock.js');
  const { isDirectory } = await import('../scan/model-files.js');
  const root = resolve(ctx.io.cwd, dir);
  const lockPath = resolve(ctx.io.cwd, options.output ?? join(root, LOCK_FILE_NAME));
  try {
    if (!(await isDirectory(root))) {
      say(ctx, 'stderr', `bulwark: ${root} is not a folder`);
      return EXIT_USAGE;
    }
    if (options.check) {
      const drifts = await compareLock(await readLock(lockPath), root, { lockPath });
      if (options.json) ctx.io.stdout.write(`${JSON.stringify({ lockfile: lockPath, drifts }, null, 2)}\n`);
      else if (drifts.length === 0) say(ctx, 'stdout', `${root} matches ${lockPath}`);
      else for (const d of drifts) say(ctx, 'stdout', describeDrift(d));
      return drifts.length === 0 ? EXIT_OK : EXIT_FLAGGED;
    }
    const lock = await createLock(root, { lockPath });
    await writeLock(lockPath, lock);
    const entries = Object.values(lock.files);
    const links = entries.filter((e) => 'link' in e).length;
    say(ctx, 'stderr', `pinned ${entries.length - links} file${entries.length - links === 1 ? '' : 's'}${links > 0 ? ` and ${links} symlink${links === 1 ? '' : 's'}` : ''} → ${lockPath}`);
    return EXIT_OK;
  } catch (e) {
    return usageExit(e, ctx);
  }
}
