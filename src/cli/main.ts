// The `bulwark` command: builds the commander program, runs it, and turns every outcome into an exit code.
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { isBulwarkError } from '../core/errors.js';
import { formatIssue, issuesOf } from '../policy/issues.js';
import { defaultRegistry, type DetectorRegistry } from '../gateway/detector-api/registry.js';
import type { CommandContext } from './command-context.js';
import { registerDetectCommand } from './detect.js';
import { registerDetectorsCommand } from './detectors.js';
import { registerBlocksCommand } from './blocks.js';
import { registerEvalCommand } from './eval.js';
import { registerEventsCommand } from './events.js';
import { registerGatewayCommands } from './gateway.js';
import { registerKeysCommand } from './keys.js';
import { registerPolicyCommand } from './policy.js';
import { registerUpstreamCommand } from './upstream.js';
import { EXIT_CODES_HELP, EXIT_INTERNAL, EXIT_IO, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { OutputError, safeForTerminal } from './output.js';

export interface MainDeps {
  registry?: DetectorRegistry;
  io?: CliIo;
  /** Stops long-running commands (serve); default: SIGINT or SIGTERM. */
  shutdown?: AbortSignal;
}

/** Errors that are the user's to fix (exit 64); every other error is ours (exit 70). */
const USAGE_ERRORS = new Set(['ERR_CONFIG_INVALID', 'ERR_DETECTOR_UNKNOWN', 'ERR_DETECTOR_OPTIONS', 'ERR_IO']);

/** Runs the CLI with `argv` as in process.argv (node, script, args...) and resolves to the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? processIo();
  let exitCode = EXIT_OK;
  const ctx: CommandContext = {
    registry: deps.registry ?? defaultRegistry(),
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  if (deps.shutdown) ctx.shutdown = deps.shutdown;
  try {
    const program = await buildProgram(ctx);
    await program.parseAsync(argv, { from: 'node' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; commander already printed its message for the rest.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof OutputError) {
      io.stderr.write(`bulwark: ${e.message}\n`);
      return EXIT_IO;
    }
    if (isBulwarkError(e) && USAGE_ERRORS.has(e.code)) {
      const issues = issuesOf(e);
      if (issues.length > 0) for (const i of issues) io.stderr.write(`${safeForTerminal(formatIssue(i))}\n`);
      else io.stderr.write(`bulwark: ${safeForTerminal(e.message)}\n`);
      return EXIT_USAGE;
    }
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.stderr.write(`bulwark: internal error: ${safeForTerminal(what)}\n`);
    return EXIT_INTERNAL;
  }
}

async function buildProgram(ctx: CommandContext): Promise<Command> {
  const program = new Command('bulwark')
    .description('Bulwark: AI security and safety platform: detectors, gateway, evaluation, scanners, risk register')
    .version(await packageVersion(), '-V, --version', 'print the version')
    // Set before adding subcommands: .command() copies these settings into each of them.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  registerDetectCommand(program, ctx);
  registerDetectorsCommand(program, ctx);
  registerGatewayCommands(program, ctx);
  registerPolicyCommand(program, ctx);
  registerKeysCommand(program, ctx);
  registerEventsCommand(program, ctx);
  registerBlocksCommand(program, ctx);
  registerEvalCommand(program, ctx);
  registerUpstreamCommand(program, ctx);
  return program;
}

/** package.json sits two levels above both src/cli/main.ts and dist/cli/main.js. */
async function packageVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
