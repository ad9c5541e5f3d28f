// `bulwark events query|tail|purge|dead-letters`: read, follow and prune the security events in the store.
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DECISIONS, EVENT_KINDS, type Decision, type EventKind } from '../core/event.js';
import { listDeadLetters } from '../monitor/outbox-state.js';
import type { Store } from '../store/db.js';
import { formatDuration, parseDuration } from '../store/duration.js';
import { matchesFilter, type EventFilter } from '../store/event-filter.js';
import { EventFeed, POSTGRES_GAP_GRACE_MS } from '../store/event-feed.js';
import { MAX_QUERY_LIMIT } from '../store/events.js';
import { positiveInt, shutdownOnSignals, type CommandContext } from './command-context.js';
import { CSV_HEADER, csvLine, csvRow, EVENT_OUTPUT_FORMATS, jsonLine, table, tableCells, tailLine, type EventOutputFormat } from './events-format.js';
import { EXIT_OK } from './exit-codes.js';
import { LineWriter, safeForTerminal } from './output.js';
import { withStore } from './with-store.js';

interface StoreOption {
  db?: string;
}

interface FilterOptions extends StoreOption {
  kind?: EventKind[];
  decision?: Decision[];
  principal?: string;
  requestId?: string;
  detector?: string[];
  category?: string[];
  format?: EventOutputFormat;
}

export interface QueryOptions extends FilterOptions {
  since?: Date;
  until?: Date;
  limit: number;
}

export interface TailOptions extends FilterOptions {
  lines: number;
  follow: boolean;
  interval: number;
}

export interface PurgeCliOptions extends StoreOption {
  olderThan: number;
}

const DB_HELP = 'store file or URL (sqlite:<path>, postgres://...); default BULWARK_DATABASE_URL, else $BULWARK_HOME/bulwark.db';
const USAGE_CODES = new Set(['ERR_INPUT_INVALID', 'ERR_CONFIG_INVALID']);
/** Events read per poll of `tail`. */
const TAIL_BATCH = 500;

export function registerEventsCommand(program: Command, ctx: CommandContext): Command {
  const events = program.command('events').description('query, follow and purge the security events in the store');
  withFilters(events.command('query').description('print stored events: the newest --limit matching ones, oldest first'))
    .option('--since <time>', 'events at or after: a duration back from now (1h, 7d) or an ISO 8601 time', time)
    .option('--until <time>', 'events before: a duration back from now or an ISO 8601 time', time)
    .option('--limit <n>', `most events printed (at most ${MAX_QUERY_LIMIT})`, limitArg, 100)
    .addOption(new Option('--format <format>', 'table, json (one event per line) or csv; default table on a terminal, json otherwise').choices(EVENT_OUTPUT_FORMATS))
    .action(async (options: QueryOptions) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => queryEvents(store, options, ctx), USAGE_CODES));
    });
  withFilters(events.command('tail').description('print the latest events, then new ones as they are stored, until Ctrl-C'))
    .option('-n, --lines <n>', 'recent events printed first', nonNegativeInt, 10)
    .option('--no-follow', 'print the recent events and exit')
    .option('--interval <ms>', 'how often to look for new events', positiveInt, 500)
    .addOption(new Option('--format <format>', 'table or json (one event per line); default table on a terminal, json otherwise').choices(['table', 'json']))
    .action(async (options: TailOptions) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => tailEvents(store, options, ctx), USAGE_CODES));
    });
  events
    .command('purge')
    .description('delete events older than a duration (in short batches); says how many no sink had delivered yet')
    .requiredOption('--older-than <duration>', 'e.g. 30d, 12h, 2w', duration)
    .option('--db <url>', DB_HELP)
    .action(async (options: PurgeCliOptions) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => purge(store, options, ctx), USAGE_CODES));
    });
  events
    .command('dead-letters')
    .description('list events that a sink refused too often (newest first)')
    .option('--sink <id>', 'only this sink')
    .option('--limit <n>', 'most rows', limitArg, 100)
    .option('--json', 'print JSON lines')
    .option('--db <url>', DB_HELP)
    .action(async (options: StoreOption & { sink?: string; limit: number; json?: boolean }) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => deadLetters(store, options, ctx), USAGE_CODES));
    });
  return events;
}

function withFilters(cmd: Command): Command {
  return cmd
    .addOption(new Option('--kind <kind...>', 'only these kinds').choices(EVENT_KINDS))
    .addOption(new Option('--decision <decision...>', 'only these decisions').choices(DECISIONS))
    .option('--principal <name>', 'only this principal')
    .option('--request-id <id>', 'only the events of this request (the x-request-id header of its answer); with --since on a large store')
    .option('--detector <id...>', 'only events with a finding of one of these detectors')
    .option('--category <name...>', 'only events with a finding of one of these categories')
    .option('--db <url>', DB_HELP);
}

function filterOf(o: FilterOptions): EventFilter {
  const f: EventFilter = {};
  if (o.kind) f.kind = o.kind;
  if (o.decision) f.decision = o.decision;
  if (o.principal !== undefined) f.principal = o.principal;
  if (o.requestId !== undefined) f.requestId = o.requestId;
  if (o.detector) f.detector = o.detector;
  if (o.category) f.category = o.category;
  return f;
}

async function queryEvents(store: Store, o: QueryOptions, ctx: CommandContext): Promise<number> {
  const found = await store.events.queryStored({ ...filterOf(o), since: o.since, until: o.until, limit: o.limit });
  found.reverse();
  const format = o.format ?? (ctx.io.stdoutIsTTY ? 'table' : 'json');
  const out = new LineWriter(ctx.io.stdout, false);
  if (format === 'json') for (const s of found) await out.writeLine(jsonLine(s));
  else if (format === 'csv') {
    await out.writeLine(csvLine(CSV_HEADER));
    for (const s of found) await out.writeLine(csvRow(s));
  } else if (found.length === 0) ctx.io.stderr.write('no matching events\n');
  else for (const line of table(found.map(tableCells))) await out.writeLine(line);
  return EXIT_OK;
}

async function tailEvents(store: Store, o: TailOptions, ctx: CommandContext): Promise<number> {
  const filter = filterOf(o);
  const json = (o.format ?? (ctx.io.stdoutIsTTY ? 'table' : 'json')) === 'json';
  const out = new LineWriter(ctx.io.stdout, false);
  const print = (s: Parameters<typeof jsonLine>[0]) => out.writeLine(json ? jsonLine(s) : tailLine(s));
  // The head first: an event stored between the two reads is printed by the follow loop, not lost.
  let position = await store.events.headSeq();
  if (o.lines > 0) {
    const recent = await store.events.queryStored({ ...filter, limit: Math.min(o.lines, MAX_QUERY_LIMIT) });
    for (const s of recent.reverse()) if (s.seq <= position) await print(s);
  }
  if (!o.follow) return EXIT_OK;
  const signals = ctx.shutdown ? undefined : shutdownOnSignals();
  const stop = ctx.shutdown ?? (signals as { signal: AbortSignal }).signal;
  const feed = new EventFeed(store.events, { gapGraceMs: store.location.dialect === 'postgres' ? POSTGRES_GAP_GRACE_MS : 0 });
  try {
    while (!stop.aborted) {
      const { events } = await feed.read(position, TAIL_BATCH);
      for (const s of events) if (matchesFilter(s.event, filter)) await print(s);
      position = events.at(-1)?.seq ?? position;
      if (events.length < TAIL_BATCH) await sleep(o.interval, undefined, { signal: stop }).catch(() => undefined);
    }
  } finally {
    signals?.dispose();
  }
  return EXIT_OK;
}

async function purge(store: Store, o: PurgeCliOptions, ctx: CommandContext): Promise<number> {
  const olderThan = new Date(Date.now() - o.olderThan);
  const r = await store.events.purge({ olderThan });
  ctx.io.stdout.write(`deleted ${r.deleted} events older than ${formatDuration(o.olderThan)} (before ${olderThan.toISOString()}), ${r.deadLetters} dead letters\n`);
  if (r.undelivered > 0) ctx.io.stderr.write(`warning: ${r.undelivered} of them had not been delivered to every sink yet\n`);
  return EXIT_OK;
}

async function deadLetters(store: Store, o: { sink?: string; limit: number; json?: boolean }, ctx: CommandContext): Promise<number> {
  const rows = await listDeadLetters(store.db, { sinkId: o.sink, limit: o.limit });
  const out = new LineWriter(ctx.io.stdout, false);
  if (o.json === true || !ctx.io.stdoutIsTTY) {
    for (const r of rows) await out.writeLine(JSON.stringify(r));
  } else if (rows.length === 0) {
    ctx.io.stderr.write('no dead letters\n');
  } else {
    for (const r of rows) await out.writeLine(safeForTerminal(`${r.failedAt}  ${r.sinkId}  seq ${r.seq}  ${r.eventId}  ${r.error}`));
  }
  return EXIT_OK;
}


/** A duration back from now (1h, 7d) or an ISO 8601 time. */
export function parseTimeArg(value: string, now = Date.now()): Date {
  const ms = parseDuration(value);
  if (ms !== undefined) return new Date(now - ms);
  // Only full dates: Date.parse accepts too much ("1", "March").
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
    const t = Date.parse(value.trim());
    if (Number.isFinite(t)) return new Date(t);
  }
  throw new InvalidArgumentError('expected a duration such as 1h or 7d, or an ISO 8601 time such as 2030-01-01T00:00:00Z');
}

function time(value: string): Date {
  return parseTimeArg(value);
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms === 0) throw new InvalidArgumentError('expected a duration such as 30d, 12h or 2w');
  return ms;
}

function limitArg(value: string): number {
  const n = positiveInt(value);
  if (n > MAX_QUERY_LIMIT) throw new InvalidArgumentError(`at most ${MAX_QUERY_LIMIT}`);
  return n;
}

function nonNegativeInt(value: string): number {
  if (value.trim() === '0') return 0;
  return positiveInt(value);
}
