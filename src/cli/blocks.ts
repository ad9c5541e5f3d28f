// `bulwark blocks list|add|remove`: principals and source addresses the gateway refuses for a while.
import { InvalidArgumentError, type Command } from 'commander';
import { manualResponse } from '../monitor/rules/response-event.js';
import { BLOCK_TARGETS, BlockList, type BlockTarget } from '../store/blocks.js';
import type { Store } from '../store/db.js';
import type { CommandContext } from './command-context.js';
import { EXIT_OK } from './exit-codes.js';
import { duration, withStore, type StoreOption } from './keys.js';
import { safeForTerminal } from './output.js';

const DB_HELP = 'store file or URL (sqlite:<path>); default $BULWARK_HOME/bulwark.db, BULWARK_HOME defaulting to ./.bulwark';

export interface BlocksListOptions extends StoreOption {
  json?: boolean;
}

export interface BlocksAddOptions extends StoreOption {
  for: number;
  reason?: string;
}

export function registerBlocksCommand(program: Command, ctx: CommandContext): Command {
  const blocks = program
    .command('blocks')
    .description('principals and source addresses refused by the gateway for a while (set by hand or by alert rules)');
  blocks
    .command('list')
    .description('blocks in force, soonest end first: a table on a terminal, JSON otherwise')
    .option('--json', 'print JSON even on a terminal')
    .option('--db <path>', DB_HELP)
    .action(async (options: BlocksListOptions) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => withBlocks(store, (list) => listBlocks(list, options, ctx))));
    });
  blocks
    .command('add')
    .description('block a principal (key name, JWT subject) or a source IP address; a longer block in force is kept')
    .argument('<kind>', `what to block: ${BLOCK_TARGETS.join(' or ')}`, target)
    .argument('<value>', 'principal name or IP address')
    .requiredOption('--for <duration>', 'how long, e.g. 1h, 30m, 2d', duration)
    .option('--reason <text>', 'why (shown by blocks list, recorded in the event)')
    .option('--db <path>', DB_HELP)
    .action(async (kind: BlockTarget, value: string, options: BlocksAddOptions) => {
      ctx.setExitCode(
        await withStore(ctx, options, (store) =>
          withBlocks(store, async (list) => {
            const b = await list.add(kind, value, new Date(Date.now() + options.for), { reason: options.reason });
            ctx.io.stdout.write(`blocked ${b.kind} ${safeForTerminal(b.value)} until ${b.until}\n`);
            store.events.append(manualResponse(kind === 'source' ? 'block_source' : 'block_principal', b.value, { until: b.until, reason: b.reason }));
            return EXIT_OK;
          }),
        ),
      );
    });
  blocks
    .command('remove')
    .description('lift a block; takes effect in running gateways within seconds')
    .argument('<kind>', `${BLOCK_TARGETS.join(' or ')}`, target)
    .argument('<value>', 'principal name or IP address')
    .option('--db <path>', DB_HELP)
    .action(async (kind: BlockTarget, value: string, options: StoreOption) => {
      ctx.setExitCode(
        await withStore(ctx, options, (store) =>
          withBlocks(store, async (list) => {
            if (!(await list.remove(kind, value))) {
              ctx.io.stderr.write(`nothing to remove: ${kind} "${safeForTerminal(value)}" is not blocked\n`);
              return EXIT_OK;
            }
            ctx.io.stdout.write(`unblocked ${kind} ${safeForTerminal(value)}\n`);
            store.events.append(manualResponse(kind === 'source' ? 'unblock_source' : 'unblock_principal', value));
            return EXIT_OK;
          }),
        ),
      );
    });
  return blocks;
}

async function withBlocks(store: Store, run: (list: BlockList) => Promise<number>): Promise<number> {
  // A one-shot command: no refresh timer.
  const list = await BlockList.open(store.db, { refreshIntervalMs: 0 });
  try {
    return await run(list);
  } finally {
    list.close();
  }
}

async function listBlocks(list: BlockList, options: BlocksListOptions, ctx: CommandContext): Promise<number> {
  const rows = await list.list();
  if (options.json === true || !ctx.io.stdoutIsTTY) {
    ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    ctx.io.stdout.write('no blocks in force\n');
    return EXIT_OK;
  }
  const header = ['KIND', 'VALUE', 'UNTIL', 'RULE', 'REASON'];
  const table = rows.map((b) => [b.kind, b.value, b.until, b.rule ?? '-', b.reason ?? '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join('  ');
  ctx.io.stdout.write(`${[line(header), ...table.map(line)].map(safeForTerminal).join('\n')}\n`);
  return EXIT_OK;
}

function target(value: string): BlockTarget {
  if (value !== 'principal' && value !== 'source') throw new InvalidArgumentError(`expected ${BLOCK_TARGETS.join(' or ')}`);
  return value;
}
