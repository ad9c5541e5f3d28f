// The `bulwark` command: builds the commander program, runs it, and turns every outcome into an exit code.
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { isBulwarkError } from '../core/errors.js';
import { formatIssue, issuesOf } from '../policy/issues.js';
import type { DetectorRegistry } from '../gateway/detector-api/registry.js';
import type { CommandContext } from './command-context.js';
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
  const commands = commandsFor(argv);
  // The detector registry loads every detector: only for the commands that use it.
  const registry = deps.registry ?? (commands.some((c) => c.needsRegistry) ? (await import('../gateway/detector-api/registry.js')).defaultRegistry() : unloadedRegistry());
  const ctx: CommandContext = {
    registry,
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  if (deps.shutdown) ctx.shutdown = deps.shutdown;
  try {
    const program = await buildProgram(ctx, commands);
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

type Register = (program: Command, ctx: CommandContext) => unknown;

interface CommandModule {
  /** Names on the command line that this module registers. */
  names: readonly string[];
  needsRegistry: boolean;
  load(): Promise<Register>;
}

/**
 * Every command, loaded on demand: `bulwark eval …` imports the eval harness and not the gateway, the detectors
 * or the store drivers of other commands (start-up time is module loading). Help and unknown commands load all.
 */
const COMMANDS: readonly CommandModule[] = [
  { names: ['detect'], needsRegistry: true, load: async () => (await import('./detect.js')).registerDetectCommand },
  { names: ['detectors'], needsRegistry: true, load: async () => (await import('./detectors.js')).registerDetectorsCommand },
  { names: ['gateway', 'serve'], needsRegistry: true, load: async () => (await import('./gateway.js')).registerGatewayCommands },
  { names: ['policy'], needsRegistry: true, load: async () => (await import('./policy.js')).registerPolicyCommand },
  { names: ['keys'], needsRegistry: false, load: async () => (await import('./keys.js')).registerKeysCommand },
  { names: ['events'], needsRegistry: false, load: async () => (await import('./events.js')).registerEventsCommand },
  { names: ['blocks'], needsRegistry: false, load: async () => (await import('./blocks.js')).registerBlocksCommand },
  { names: ['eval'], needsRegistry: false, load: async () => (await import('./eval.js')).registerEvalCommand },
  { names: ['upstream'], needsRegistry: false, load: async () => (await import('./upstream.js')).registerUpstreamCommand },
  { names: ['scan'], needsRegistry: false, load: async () => (await import('./scan.js')).registerScanCommand },
  { names: ['bom'], needsRegistry: false, load: async () => (await import('./bom.js')).registerBomCommand },
  { names: ['mcp'], needsRegistry: false, load: async () => (await import('./mcp.js')).registerMcpCommand },
  { names: ['osv'], needsRegistry: false, load: async () => (await import('./osv.js')).registerOsvCommand },
  { names: ['pin'], needsRegistry: false, load: async () => (await import('./pin.js')).registerPinCommand },
  { names: ['sign', 'verify'], needsRegistry: false, load: async () => (await import('./verify.js')).registerVerifyCommands },
];

/** The module of the command named in argv (node, script, command, ...), or all of them. */
function commandsFor(argv: readonly string[]): readonly CommandModule[] {
  const args = argv.slice(2);
  const first = args.find((a) => !a.startsWith('-'));
  // `bulwark --version` needs no command at all.
  if (first === undefined && args.some((a) => a === '-V' || a === '--version') && !args.some((a) => a === '-h' || a === '--help')) return [];
  const one = first === undefined ? undefined : COMMANDS.find((c) => c.names.includes(first));
  return one ? [one] : COMMANDS;
}

/** Stands in for the registry where no command needs it; touching it is a bug. */
function unloadedRegistry(): DetectorRegistry {
  return new Proxy({} as DetectorRegistry, {
    get() {
      throw new TypeError('the detector registry was not loaded for this command');
    },
  });
}

async function buildProgram(ctx: CommandContext, commands: readonly CommandModule[]): Promise<Command> {
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
  const registers = await Promise.all(commands.map((c) => c.load()));
  for (const register of registers) register(program, ctx);
  return program;
}

/** package.json sits two levels above both src/cli/main.ts and dist/cli/main.js. */
async function packageVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
