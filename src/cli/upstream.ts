// `bulwark upstream simulate`: the OpenAI-wire-format upstream simulator, until SIGINT/SIGTERM.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { FAULT_MODELS } from '../simulator/faults.js';
import { PROFILE_MODELS } from '../simulator/profiles/registry.js';
import { PROFILE_NAMES, type ProfileName } from '../simulator/profiles/types.js';
import { createSimulator, DEFAULT_BODY_LIMIT, type Simulator } from '../simulator/server.js';
import { port, positiveInt, untilShutdown, type CommandContext } from './command-context.js';
import { EXIT_CODES_HELP, EXIT_OK, EXIT_UNAVAILABLE } from './exit-codes.js';
import { safeForTerminal } from './output.js';

export interface SimulateOptions {
  port: number;
  host: string;
  profile: ProfileName;
  latency: number;
  chunkDelay: number;
  requireKey?: string;
  bodyLimit: number;
  quiet?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const MODELS_HELP = `
Models (the "model" field of a request picks the behaviour; any other name gets --profile):
  ${Object.keys(PROFILE_MODELS).join(', ')}
  faults: ${Object.keys(FAULT_MODELS).join(', ')}
Routes: POST /v1/chat/completions, /v1/completions, /v1/embeddings; GET /v1/models, /healthz.
Stops cleanly on SIGINT or SIGTERM.`;

/** Commander argument parser for delays: a non-negative safe integer. */
function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

export function registerUpstreamCommand(program: Command, ctx: CommandContext): Command {
  const upstream = program.command('upstream').description('stand-ins for the model server behind the gateway');
  upstream
    .command('simulate')
    .description('serve an OpenAI-wire-format model simulator (streaming included) with behaviour profiles and faults')
    .option('--port <port>', 'TCP port (0 = any free port)', port, 8000)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addOption(new Option('--profile <name>', 'behaviour for model names that select none').choices(PROFILE_NAMES).default('naive'))
    .option('--latency <ms>', 'wait before the first byte of every answer', nonNegativeInt, 0)
    .option('--chunk-delay <ms>', 'wait between streamed chunks', nonNegativeInt, 0)
    .option('--require-key <key>', 'answer 401 unless the Authorization header is "Bearer <key>"')
    .option('--body-limit <bytes>', 'largest request body; larger bodies get 413', positiveInt, DEFAULT_BODY_LIMIT)
    .option('--quiet', 'do not log injected faults and error answers')
    .addHelpText('after', `${MODELS_HELP}\n${EXIT_CODES_HELP}`)
    .action(async (options: SimulateOptions) => {
      ctx.setExitCode(await simulateUpstream(options, ctx));
    });
  return upstream;
}

export async function simulateUpstream(options: SimulateOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const line = (message: string) => io.stderr.write(`bulwark simulator: ${safeForTerminal(message)}\n`);
  let sim: Simulator;
  try {
    sim = await createSimulator({
      port: options.port,
      host: options.host,
      profile: options.profile,
      latencyMs: options.latency,
      chunkDelayMs: options.chunkDelay,
      requireKey: options.requireKey,
      bodyLimit: options.bodyLimit,
      logger: options.quiet === true ? undefined : { info: line, warn: line },
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    io.stderr.write(`bulwark: cannot listen on ${safeForTerminal(options.host)}:${options.port} (${code})\n`);
    return EXIT_UNAVAILABLE;
  }
  if (!LOOPBACK.has(options.host) && options.requireKey === undefined) {
    io.stderr.write(`bulwark: warning: the simulator has no authentication (see --require-key) and listens on ${safeForTerminal(options.host)}\n`);
  }
  io.stderr.write(`bulwark upstream simulator listening on ${sim.url} (OpenAI base URL ${sim.url}/v1, default profile ${options.profile})\n`);
  await untilShutdown(ctx);
  await sim.close();
  io.stderr.write('bulwark upstream simulator stopped\n');
  return EXIT_OK;
}
