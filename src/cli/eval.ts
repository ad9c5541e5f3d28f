// `bulwark eval run|list|show|diff|baseline|schema`: the evaluation and red-team harness on the command line.
// `run` exits 1 when a threshold gate of the suite fails, so CI can gate on it.
// The harness, the store and its drivers are imported by the actions that use them: `eval schema` and `--help`
// load none of them, and start-up time is mostly module loading.
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunSuiteResult } from '../probe/run-suite.js';
import type { RunStore } from '../probe/store/run-store.js';
import { REPORT_FORMATS, suiteJsonSchema, type ReportFormat } from '../probe/suite/schema.js';
import { targetSpecSchema } from '../probe/targets/spec.js';
import type { CaseResult, CategorySummary, Interval, RunSummary } from '../probe/types.js';
import type { Store } from '../store/db.js';
import { positiveInt, shutdownOnSignals, type CommandContext } from './command-context.js';
import { EXIT_FLAGGED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { safeForTerminal } from './output.js';
import { extraSummaryLines } from '../probe/summary-text.js';
import type { StoreOption } from './with-store.js';
import { compileRegexpsNatively } from './v8-tuning.js';

/** Same text as with-store's DB_HELP, which cannot be imported without loading the store drivers. */
const DB_HELP = 'store file or URL (sqlite:<path>, postgres://...); default BULWARK_DATABASE_URL, else $BULWARK_HOME/bulwark.db';

/** withStore, loaded on first use. */
async function withStore(ctx: CommandContext, options: StoreOption, run: (store: Store) => Promise<number>, usageCodes: ReadonlySet<string>): Promise<number> {
  return (await import('./with-store.js')).withStore(ctx, options, run, usageCodes);
}

async function runStoreOf(store: Store): Promise<RunStore> {
  return new (await import('../probe/store/run-store.js')).RunStore(store.db);
}

type RunOptions = StoreOption & { dryRun?: boolean; resume?: string; retryErrors?: boolean; json?: boolean } & Partial<Record<string, string>>;

/** The report options of `eval run`: --html, --junit, --sarif, --markdown and --json-report (--json prints the summary). */
const REPORT_FLAGS: Readonly<Record<ReportFormat, { flag: string; key: string }>> = {
  html: { flag: '--html', key: 'html' },
  junit: { flag: '--junit', key: 'junit' },
  sarif: { flag: '--sarif', key: 'sarif' },
  json: { flag: '--json-report', key: 'jsonReport' },
  markdown: { flag: '--markdown', key: 'markdown' },
};

const USAGE_CODES: ReadonlySet<string> = new Set(['ERR_INPUT_INVALID', 'ERR_CONFIG_INVALID', 'ERR_IO']);

export function registerEvalCommand(program: Command, ctx: CommandContext): Command {
  const evalCmd = program.command('eval').description('run evaluation and red-team suites against models, apps and gateways');
  const run = evalCmd
    .command('run')
    .description('run a suite (or an unchanged promptfoo config); exit 1 when a threshold gate fails')
    .argument('<file>', 'suite YAML (see `bulwark eval schema`) or promptfooconfig.yaml')
    .option('--dry-run', 'print the plan, the request count and every endpoint that would be contacted; send nothing')
    .option('--resume <run>', 'continue an interrupted run (finished cases are skipped)')
    .option('--retry-errors', 'with --resume: run the cases that ended in error again')
    .option('--json', 'print the run summary as JSON')
    .option('--db <url>', DB_HELP);
  for (const f of REPORT_FORMATS) run.option(`${REPORT_FLAGS[f].flag} <path>`, `write the ${f} report here (overrides the suite)`);
  run.action(async (file: string, options: RunOptions) => {
    ctx.setExitCode(await withStore(ctx, options, (store) => runCommand(file, options, store, ctx), USAGE_CODES));
  });
  evalCmd
    .command('list')
    .description('list stored runs, newest first')
    .option('--suite <name>', 'only runs of this suite')
    .option('--limit <n>', 'most runs listed', positiveInt, 20)
    .option('--json', 'one JSON object per line')
    .option('--db <url>', DB_HELP)
    .action(async (options: StoreOption & { suite?: string; limit: number; json?: boolean }) => {
      ctx.setExitCode(
        await withStore(ctx, options, async (store) => {
          const runs = await (await runStoreOf(store)).listRuns({ ...(options.suite ? { suite: options.suite } : {}), limit: options.limit });
          for (const r of runs) {
            ctx.io.stdout.write(options.json ? `${JSON.stringify(r)}\n` : `${r.id}  ${r.status.padEnd(11)} ${r.startedAt}  ${safeForTerminal(r.suite)}\n`);
          }
          return EXIT_OK;
        }, USAGE_CODES),
      );
    });
  evalCmd
    .command('show')
    .description('print the summary of a stored run')
    .argument('<run>', 'run id (see `bulwark eval list`)')
    .option('--json', 'print the summary as JSON')
    .option('--db <url>', DB_HELP)
    .action(async (runId: string, options: StoreOption & { json?: boolean }) => {
      ctx.setExitCode(
        await withStore(ctx, options, async (store) => {
          const run = await (await runStoreOf(store)).getRun(runId);
          if (!run?.summary) {
            ctx.io.stderr.write(`bulwark: no finished run ${safeForTerminal(runId)}\n`);
            return EXIT_USAGE;
          }
          ctx.io.stdout.write(options.json ? `${JSON.stringify(run.summary, null, 2)}\n` : summaryText(run.summary));
          return EXIT_OK;
        }, USAGE_CODES),
      );
    });
  evalCmd
    .command('diff')
    .description('compare two runs: per-test regressions and per-category changes with a significance test')
    .argument('<runA>', 'the earlier run (baseline)')
    .argument('<runB>', 'the later run')
    .option('--json', 'print the diff as JSON')
    .option('--db <url>', DB_HELP)
    .action(async (a: string, b: string, options: StoreOption & { json?: boolean }) => {
      ctx.setExitCode(await withStore(ctx, options, (store) => diffCommand(store, a, b, options.json === true, ctx), USAGE_CODES));
    });
  const baseline = evalCmd.command('baseline').description('the run that later runs of its suite are compared with');
  baseline
    .command('set')
    .argument('<run>', 'run id')
    .option('--db <url>', DB_HELP)
    .action(async (runId: string, options: StoreOption) => {
      ctx.setExitCode(
        await withStore(ctx, options, async (store) => {
          const runs = await runStoreOf(store);
          const run = await runs.getRun(runId);
          if (!run) {
            ctx.io.stderr.write(`bulwark: no run ${safeForTerminal(runId)}\n`);
            return EXIT_USAGE;
          }
          await runs.setBaseline(run.suite, runId);
          ctx.io.stdout.write(`baseline of ${safeForTerminal(run.suite)}: ${runId}\n`);
          return EXIT_OK;
        }, USAGE_CODES),
      );
    });
  evalCmd
    .command('schema')
    .description('print the JSON Schema of suite files')
    .action(() => {
      ctx.io.stdout.write(`${JSON.stringify(suiteJsonSchema(targetSpecSchema), null, 2)}\n`);
      ctx.setExitCode(EXIT_OK);
    });
  return evalCmd;
}

async function runCommand(file: string, options: RunOptions, store: Store, ctx: CommandContext): Promise<number> {
  const path = resolve(ctx.io.cwd, file);
  compileRegexpsNatively();
  const [{ loadEvalInput }, { runSuite }] = await Promise.all([import('../probe/suite/eval-input.js'), import('../probe/run-suite.js')]);
  const input = await loadEvalInput(path);
  // Report paths in a suite are relative to the suite file, like its dataset paths; on the command line, to the cwd.
  const fromSuite = Object.fromEntries(Object.entries(input.suite.reports ?? {}).filter(([, p]) => p !== undefined).map(([f, p]) => [f, resolve(dirname(path), p!)]));
  const reports = Object.fromEntries(
    REPORT_FORMATS.filter((f) => options[REPORT_FLAGS[f].key] !== undefined).map((f) => [f, resolve(ctx.io.cwd, options[REPORT_FLAGS[f].key]!)]),
  );
  const signals = options.dryRun ? undefined : shutdownOnSignals();
  let result: RunSuiteResult;
  try {
    result = await runSuite({
      input,
      store,
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(options.resume ? { resume: options.resume } : {}),
      ...(options.retryErrors ? { retryErrors: true } : {}),
      reports: { ...fromSuite, ...reports },
      ...(signals ? { signal: signals.signal } : {}),
      progress: process.stderr,
      suiteUri: relative(ctx.io.cwd, path),
    });
  } finally {
    signals?.dispose();
  }
  for (const w of result.warnings) ctx.io.stderr.write(`bulwark: warning: ${safeForTerminal(w)}\n`);
  if (options.dryRun) {
    const p = result.plan;
    const plan = { suite: result.suite.name, cases: p.cases.length, targets: p.targets.map((t) => t.id), repeats: p.repeats, conversations: p.conversations, requests: p.requests, budget: p.budget ?? null, endpoints: p.endpoints };
    if (options.json) ctx.io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    else {
      ctx.io.stdout.write(
        [
          `plan for ${safeForTerminal(plan.suite)}: ${plan.cases} cases × ${plan.targets.length} targets × ${plan.repeats} repeats = ${plan.conversations} conversations, ${plan.requests} requests${plan.budget === null ? '' : ` (budget ${plan.budget})`}`,
          `targets: ${plan.targets.map(safeForTerminal).join(', ')}`,
          plan.endpoints.length === 0 ? 'endpoints contacted: none (every target is local)' : `endpoints contacted:\n${plan.endpoints.map((e) => `  ${safeForTerminal(e)}`).join('\n')}`,
          '',
        ].join('\n'),
      );
    }
    return EXIT_OK;
  }
  const summary = result.summary!;
  ctx.io.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : summaryText(summary));
  for (const r of result.reports ?? []) ctx.io.stderr.write(`bulwark: wrote ${r.format} report ${safeForTerminal(r.path)}\n`);
  return summary.gates.some((g) => !g.ok) ? EXIT_FLAGGED : EXIT_OK;
}

function pct(i: Interval | undefined): string {
  if (!i || i.n === 0) return '—';
  return `${(100 * i.rate).toFixed(1)}% [${(100 * i.low).toFixed(1)}–${(100 * i.high).toFixed(1)}]`;
}

/** The run as a terminal table: per category, ASR and refusal rate with Wilson 95% intervals; then the gates. */
export function summaryText(s: RunSummary): string {
  const rows: string[][] = [['category', 'kind', 'n', 'pass', 'fail', 'error', 'attack success (95% CI)', 'refusal (95% CI)']];
  const sorted = [...s.categories].sort((a: CategorySummary, b: CategorySummary) => (a.target ?? '').localeCompare(b.target ?? '') || a.category.localeCompare(b.category));
  for (const c of sorted) rows.push([c.target === undefined ? c.category : `${c.category} @ ${c.target}`, c.kind, String(c.total), String(c.pass), String(c.fail), String(c.error), pct(c.attackSuccess), pct(c.refusal)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => safeForTerminal(cell).padEnd(widths[i]!)).join('  ').trimEnd());
  const gates = s.gates.map((g) => `${g.ok ? 'ok  ' : 'FAIL'} ${safeForTerminal(g.name)}: ${safeForTerminal(g.detail)}`);
  const extra = extraSummaryLines(s).map((l) => `${safeForTerminal(l)}\n`).join('');
  return `run ${s.runId} (${safeForTerminal(s.suite)}): ${s.status}, ${s.requests} requests, targets ${s.targets.map(safeForTerminal).join(', ')}\n${lines.join('\n')}\n${gates.length ? `${gates.join('\n')}\n` : ''}${extra}`;
}

async function diffCommand(store: Store, a: string, b: string, json: boolean, ctx: CommandContext): Promise<number> {
  const runs = await runStoreOf(store);
  const load = async (id: string): Promise<CaseResult[] | undefined> => {
    if (!(await runs.getRun(id))) return undefined;
    const out: CaseResult[] = [];
    for await (const r of runs.results(id)) out.push(r);
    return out;
  };
  const [before, after] = [await load(a), await load(b)];
  if (!before || !after) {
    ctx.io.stderr.write(`bulwark: no run ${safeForTerminal(!before ? a : b)}\n`);
    return EXIT_USAGE;
  }
  const diff = (await import('../probe/stats/diff-runs.js')).diffRuns(before, after);
  if (json) {
    ctx.io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
    return EXIT_OK;
  }
  const out: string[] = [`${a} → ${b}: ${diff.regressions.length} regressions, ${diff.fixes.length} fixes, ${diff.unchanged} unchanged`];
  for (const c of diff.categories) {
    out.push(
      `  ${safeForTerminal(c.category)} ${c.metric}: ${(100 * c.before.rate).toFixed(1)}% → ${(100 * c.after.rate).toFixed(1)}% (p = ${c.p.toPrecision(2)}${c.significant ? ', significant' : ''})`,
    );
  }
  for (const r of diff.regressions.slice(0, 50)) out.push(`  regression ${r.key} (${safeForTerminal(r.category)})`);
  ctx.io.stdout.write(`${out.join('\n')}\n`);
  return EXIT_OK;
}

