// `bulwark detectors list` and `bulwark detectors serve` (the FMS / TrustyAI Detector API over HTTP).
import { Option, type Command } from 'commander';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import { createDetectorApi, DEFAULT_BODY_LIMIT, DEFAULT_MAX_ITEMS } from '../gateway/detector-api.js';
import { port, positiveInt, untilShutdown, type CommandContext } from './command-context.js';
import { tuneForServing } from './v8-tuning.js';
import { EXIT_CODES_HELP, EXIT_OK, EXIT_UNAVAILABLE } from './exit-codes.js';
import { safeForTerminal } from './output.js';

export interface ServeOptions {
  port: number;
  host: string;
  bodyLimit: number;
  maxItems: number;
  logLevel: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerDetectorsCommand(program: Command, ctx: CommandContext): Command {
  const detectors = program.command('detectors').description('list the detectors or serve them over the FMS Detector API');
  detectors
    .command('list')
    .description('id, stages, taxonomy tags and description of every registered detector')
    .option('--json', 'print JSON even on a terminal')
    .action((options: { json?: boolean }) => {
      ctx.setExitCode(listDetectors(options, ctx));
    });
  detectors
    .command('serve')
    .description('serve the FMS / TrustyAI Detector API (POST /api/v1/text/contents, generation, chat, context/doc)')
    .option('--port <port>', 'TCP port (0 = any free port)', port, 8788)
    .option('--host <host>', 'address to bind; the API has no authentication, keep it on loopback', '127.0.0.1')
    .option('--body-limit <bytes>', 'largest request body; larger bodies get 413', positiveInt, DEFAULT_BODY_LIMIT)
    .option('--max-items <n>', 'most contents, messages or context documents per request', positiveInt, DEFAULT_MAX_ITEMS)
    .addOption(
      new Option('--log-level <level>', 'request log level (JSON lines on stdout)')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .addHelpText('after', `\nStops cleanly on SIGINT or SIGTERM.\n${EXIT_CODES_HELP}`)
    .action(async (options: ServeOptions) => {
      ctx.setExitCode(await serveDetectors(options, ctx));
    });
  return detectors;
}

export function listDetectors(options: { json?: boolean }, ctx: CommandContext): number {
  const rows = ctx.registry.detectors.map((d) => ({
    id: d.id,
    stages: [...d.stages],
    description: d.description,
    tags: d.tags,
    requiresOptions: d.requiresOptions === true,
  }));
  if (options.json === true || !ctx.io.stdoutIsTTY) {
    ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    ctx.io.stdout.write('no detectors are registered\n');
    return EXIT_OK;
  }
  const table = rows.map((r) => [r.id + (r.requiresOptions ? ' *' : ''), r.stages.join(','), flatTags(r.tags), r.description]);
  const header = ['ID', 'STAGES', 'TAGS', 'DESCRIPTION'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join('  ');
  const text = [line(header), ...table.map(line)].map(safeForTerminal).join('\n');
  const footnote = rows.some((r) => r.requiresOptions) ? '\n* needs options (e.g. --options \'{"<id>": {...}}\')' : '';
  ctx.io.stdout.write(`${text}${footnote}\n`);
  return EXIT_OK;
}

function flatTags(tags: TaxonomyTags): string {
  return Object.values(tags)
    .flatMap((ids) => ids ?? [])
    .join(' ');
}

export async function serveDetectors(options: ServeOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  tuneForServing();
  const app = createDetectorApi({
    registry: ctx.registry,
    bodyLimit: options.bodyLimit,
    maxItems: options.maxItems,
    logger: { level: options.logLevel, stream: io.stdout },
  });
  if (!LOOPBACK.has(options.host)) {
    io.stderr.write(`bulwark: warning: the detector API has no authentication and now listens on ${safeForTerminal(options.host)}\n`);
  }
  let address: string;
  try {
    address = await app.listen({ port: options.port, host: options.host });
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    io.stderr.write(`bulwark: cannot listen on ${safeForTerminal(options.host)}:${options.port} (${code})\n`);
    return EXIT_UNAVAILABLE;
  }
  io.stderr.write(`bulwark detector API listening on ${address} (${ctx.registry.detectors.length} detectors)\n`);
  await untilShutdown(ctx);
  // close() stops accepting, answers new requests on open sockets with 503 and waits for in-flight ones.
  await app.close();
  io.stderr.write('bulwark detector API stopped\n');
  return EXIT_OK;
}
