// One evaluation run from a loaded suite (or translated promptfoo config): build the cases (packs, datasets,
// transforms, suite-wide graders), the targets and the plan; then, unless it is a dry run, execute it, store every
// result, summarise, check the gates and write the reports. `bulwark eval run` is a thin shell around this.
import { BulwarkError } from '../core/errors.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import { BULWARK_VERSION } from '../core/version.js';
import type { Store } from '../store/db.js';
import { canonicalJson, caseId, sha256Hex } from './case-id.js';
import { loadDataset } from './datasets/load-dataset.js';
import { createGrader, prepareGraders } from './graders/index.js';
import { isRefusal } from './graders/refusal.js';
import { loadPack } from './packs/registry.js';
import type { BaselineDiff, CaseInfo, RunReport, TrendPoint } from './reports/types.js';
import type { WrittenReport } from './reports/format.js';
import { writeReports } from './reports/write.js';
import { createRng } from './rng.js';
import { attackConversation, attackerCases, attackRequestBound, isAttackerCase, type AttackRunSpec } from './runner/attack-run.js';
import { executeRun, type RunStats } from './runner/execute.js';
import { gradersFrom } from './runner/graders.js';
import { planRun, type RunPlan } from './runner/plan.js';
import { createProgressBar } from './runner/progress.js';
import { createStoreCache } from './runner/store-cache.js';
import { qualityScores } from './stats/quality-scores.js';
import { summarize } from './stats/summarize.js';
import { diffRuns } from './stats/diff-runs.js';
import { RunStore } from './store/run-store.js';
import type { EvalInput } from './suite/eval-input.js';
import { suiteHash, type Suite } from './suite/schema.js';
import { computeGates } from './suite/thresholds.js';
import { createTarget } from './targets/create-target.js';
import { composeTransforms, getTransform } from './transforms/registry.js';
import type { CaseResult, CategorySummary, Grader, GraderSpec, ProbeCase, RunSummary, Target } from './types.js';

export interface RunSuiteOptions {
  input: EvalInput;
  store: Store;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Build the plan and return it without sending anything. */
  dryRun?: boolean;
  /** Continue this earlier run: finished cases are skipped (failed ones too unless retryErrors). */
  resume?: string;
  retryErrors?: boolean;
  /** Where the progress bar goes (drawn only on a TTY). */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Report paths that replace the suite's (e.g. from the command line). */
  reports?: Suite['reports'];
  /** Suite file as a repository-relative path, for SARIF locations. */
  suiteUri?: string;
}

export interface RunSuiteResult {
  plan: RunPlan;
  suite: Suite;
  runId?: string;
  summary?: RunSummary;
  stats?: RunStats;
  reports?: WrittenReport[];
  warnings: string[];
}

/** A grader for what could not be translated (promptfoo assertion types we do not run): always `unscored`. */
function unscoredGrader(spec: GraderSpec): Grader {
  const hash = sha256Hex(canonicalJson({ type: spec.type, value: spec.value }));
  return {
    type: 'unscored',
    hash,
    grade: () => Promise.resolve({ grader: 'unscored', graderHash: hash, outcome: 'unscored', reason: `not supported: ${String(spec.value ?? '')}` }),
  };
}

/** Packs, datasets and translated cases, with the suite's graders added and its transforms applied. */
export async function buildCases(suite: Suite, extra: readonly ProbeCase[] = []): Promise<ProbeCase[]> {
  return applyTransforms(suite, await baseCases(suite, extra));
}

/** Packs, datasets and translated cases, with the suite's graders added. */
async function baseCases(suite: Suite, extra: readonly ProbeCase[]): Promise<ProbeCase[]> {
  const base: ProbeCase[] = [...extra];
  for (const name of suite.packs) base.push(...loadPack(name).cases);
  for (const d of suite.datasets) {
    const loaded = await loadDataset(d.format, d.path, d.limit === undefined ? {} : { limit: d.limit });
    base.push(...(d.category === undefined ? loaded : loaded.map((c) => ({ ...c, category: d.category! }))));
  }
  if (suite.graders.length === 0) return base;
  return base.map((c) => {
    const { id: _id, ...rest } = c;
    const next = { ...rest, graders: [...c.graders, ...suite.graders] };
    return { ...next, id: caseId(next) };
  });
}

function applyTransforms(suite: Suite, withGraders: ProbeCase[]): ProbeCase[] {
  if (!suite.transforms) return withGraders;
  // Each entry of `apply` makes one variant per attack case; "a+b" composes a then b.
  const transforms = suite.transforms.apply.map((id) => (id.includes('+') ? composeTransforms(id.split('+')) : getTransform(id)));
  const out: ProbeCase[] = suite.transforms.keepOriginal ? [...withGraders] : withGraders.filter((c) => c.kind !== 'attack');
  for (const c of withGraders) {
    if (c.kind !== 'attack') continue;
    for (const t of transforms) out.push(t.apply(c, createRng(`${String(suite.transforms.seed)}:${t.id}:${c.id}`)));
  }
  return out;
}

/** The suite's targets, each under the id the suite gives it (results and reports use that id). */
async function buildTargets(suite: Suite, env: NodeJS.ProcessEnv): Promise<Target[]> {
  const targets: Target[] = [];
  try {
    for (const spec of suite.targets) {
      const { id, ...rest } = spec as { id: string } & Record<string, unknown>;
      const inner = await createTarget(rest as Parameters<typeof createTarget>[0], env);
      targets.push({ id, endpoints: inner.endpoints, send: (req, signal) => inner.send(req, signal), close: () => inner.close() });
    }
  } catch (e) {
    await Promise.all(targets.map((t) => t.close().catch(() => undefined)));
    throw e;
  }
  return targets;
}

export function caseInfos(cases: readonly ProbeCase[]): Map<string, CaseInfo> {
  return new Map(cases.map((c) => [c.id, { category: c.category, intent: c.intent, tags: c.tags, kind: c.kind }]));
}

function categoryTags(cases: readonly ProbeCase[]): Map<string, TaxonomyTags> {
  const tags = new Map<string, TaxonomyTags>();
  for (const c of cases) if (!tags.has(c.category)) tags.set(c.category, c.tags);
  return tags;
}

/** What a stored result needs for the summary and the diff: everything but the answer. */
/** Every grader type the cases use (what prepareGraders needs to know). */
function gradedTypes(cases: readonly ProbeCase[]): Set<string> {
  const types = new Set<string>();
  for (const c of cases) for (const g of c.graders) types.add(g.type);
  return types;
}

function slim(r: CaseResult): CaseResult {
  return { ...r, response: { text: '', latencyMs: r.response.latencyMs, ...(r.response.error ? { error: r.response.error } : {}) } };
}

export async function runSuite(options: RunSuiteOptions): Promise<RunSuiteResult> {
  const { input, store } = options;
  const env = options.env ?? process.env;
  const suite = input.suite;
  const warnings = input.kind === 'promptfoo' ? [...input.warnings] : [];
  const base = await baseCases(suite, input.kind === 'promptfoo' ? input.cases : []);
  // The attacker starts from the untransformed cases: it writes its own prompts, a disguise would be redundant.
  const attack: AttackRunSpec | undefined = suite.attacker ? { strategy: suite.attacker.strategy, maxTurns: suite.attacker.maxTurns } : undefined;
  const cases = [...applyTransforms(suite, base), ...(attack ? attackerCases(base, attack.strategy) : [])];
  if (cases.length === 0) throw new BulwarkError('ERR_CONFIG_INVALID', `suite ${suite.name} has no cases: name packs, datasets or tests`);
  const targets = await buildTargets(suite, env);
  let attacker: Target | undefined;
  const runs = new RunStore(store.db);
  try {
    if (suite.attacker) {
      const { type, baseUrl, model, apiKeyEnv } = suite.attacker;
      attacker = await createTarget({ type, baseUrl, model, timeoutMs: suite.timeoutMs, ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }) }, env);
    }
    let done: Set<string> | undefined;
    if (options.resume) {
      const previous = await runs.getRun(options.resume);
      if (!previous) throw new BulwarkError('ERR_INPUT_INVALID', `no run ${options.resume} to resume`);
      if (previous.suite !== suite.name) throw new BulwarkError('ERR_INPUT_INVALID', `run ${options.resume} belongs to suite ${previous.suite}, not ${suite.name}`);
      done = await runs.doneKeys(options.resume, { retryErrors: options.retryErrors === true });
    }
    const plan = planRun({
      cases,
      targets,
      repeats: suite.repeats,
      ...(suite.budget === undefined ? {} : { budget: suite.budget }),
      ...(done ? { done } : {}),
      ...(attack && attacker ? { requestsOf: (c: ProbeCase) => (isAttackerCase(c, attack.strategy) ? attackRequestBound(attack) : undefined), endpoints: attacker.endpoints } : {}),
    });
    if (options.dryRun) return { plan, suite, warnings };

    const runId = options.resume ?? (await runs.createRun({ suite: suite.name, configHash: suiteHash(suite) })).id;
    if (options.resume) await runs.setStatus(runId, 'running');
    const startedAt = (await runs.getRun(runId))?.startedAt ?? new Date().toISOString();
    const kept: CaseResult[] = [];
    let pending: CaseResult[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      await runs.appendResults(runId, batch);
    };
    await prepareGraders(gradedTypes(cases));
    const factory = (spec: GraderSpec): Grader => (spec.type === 'unscored' ? unscoredGrader(spec) : createGrader(spec));
    const bar = options.progress ? createProgressBar(options.progress, { label: suite.name }) : undefined;
    let stats: RunStats;
    try {
      stats = await executeRun(plan, {
        graders: gradersFrom(factory),
        refusal: (r) => r.blocked !== undefined || isRefusal(r.text),
        concurrency: suite.concurrency,
        ...(suite.cache ? { cache: createStoreCache(store.db), cacheScope: cacheScopeOf(suite) } : {}),
        ...(attack && attacker ? { strategy: attackConversation(attacker, attack) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (n, total) => bar?.update(n, total),
        onResult: async (r) => {
          kept.push(slim(r));
          pending.push(r);
          if (pending.length >= 200) await flush();
        },
      });
      await flush();
    } catch (e) {
      await flush().catch(() => undefined);
      await runs.setStatus(runId, 'failed').catch(() => undefined);
      throw e;
    } finally {
      bar?.finish();
    }

    // A resumed run is summarised over all its results, the earlier ones included.
    const all: CaseResult[] = [];
    if (options.resume) for await (const r of runs.results(runId)) all.push(slim(r));
    const results = options.resume ? all : kept;
    const { categories, gates } = summarizeByTarget(results, targets.map((t) => t.id), suite, categoryTags(cases));
    const byId = new Map(cases.map((c) => [c.id, c]));
    const quality = qualityScores(results, (id) => byId.get(id), targets.length > 1);
    const interrupted = stats.budgetExhausted || stats.aborted || stats.notRun > 0;
    const summary: RunSummary = {
      runId,
      suite: suite.name,
      startedAt,
      finishedAt: new Date().toISOString(),
      status: interrupted ? 'interrupted' : 'finished',
      targets: targets.map((t) => t.id),
      requests: stats.requests,
      categories,
      gates,
      ...(suite.cache ? { cacheHits: stats.cacheHits } : {}),
      ...quality,
    };
    await runs.finishRun(runId, summary);

    const reportPaths = options.reports ?? suite.reports;
    let written: WrittenReport[] | undefined;
    if (reportPaths && Object.values(reportPaths).some((p) => p !== undefined)) {
      const report: RunReport = {
        summary,
        results: () => runs.results(runId),
        cases: caseInfos(cases),
        trend: await trendOf(runs, suite.name),
        ...(await baselineDiffOf(runs, suite.name, runId, results)),
      };
      written = await writeReports(report, reportPaths, { toolVersion: BULWARK_VERSION, ...(options.suiteUri ? { suiteUri: options.suiteUri } : {}) });
    }
    return { plan, suite, runId, summary, stats, warnings, ...(written ? { reports: written } : {}) };
  } finally {
    await Promise.all([...targets, ...(attacker ? [attacker] : [])].map((t) => t.close().catch(() => undefined)));
  }
}

/**
 * Cache keys name a target by its whole spec, not only the suite's id for it: pointing `stub` at another model or
 * URL must not replay the old answers. The attacker is keyed by its own (created) id, which names model and URL.
 */
function cacheScopeOf(suite: Suite): (target: Target) => string {
  const scopes = new Map(suite.targets.map((t) => [t.id, `${t.id}:${sha256Hex(canonicalJson(t))}`]));
  return (target) => scopes.get(target.id) ?? target.id;
}

/**
 * Per category, and per target when the run has several (an unguarded model and the gateway in front of it are
 * different systems: one figure for both would mean nothing). Gates are checked per target too.
 */
export function summarizeByTarget(
  results: readonly CaseResult[],
  targetIds: readonly string[],
  suite: Suite,
  tags: Map<string, TaxonomyTags>,
): { categories: CategorySummary[]; gates: RunSummary['gates'] } {
  if (targetIds.length <= 1) {
    const categories = summarize(results, { tags });
    return { categories, gates: computeGates(suite.thresholds, categories) };
  }
  const categories: CategorySummary[] = [];
  const gates: RunSummary['gates'] = [];
  for (const target of targetIds) {
    const own = summarize(
      results.filter((r) => r.target === target),
      { tags },
    ).map((c) => ({ ...c, target }));
    categories.push(...own);
    gates.push(...computeGates(suite.thresholds, own).map((g) => ({ ...g, name: `${g.name} @ ${target}` })));
  }
  return { categories, gates };
}

async function trendOf(runs: RunStore, suite: string): Promise<TrendPoint[]> {
  const points = await runs.trend(suite, 20);
  return points.map((p) => ({
    runId: p.runId,
    startedAt: p.startedAt,
    asrByCategory: Object.fromEntries(p.categories.filter((c) => c.attackSuccess !== undefined).map((c) => [c.category, c.attackSuccess!.rate])),
  }));
}

/** Regressions against the suite's baseline run, when one is set (and is not this run). */
async function baselineDiffOf(runs: RunStore, suite: string, runId: string, results: readonly CaseResult[]): Promise<{ baselineDiff?: BaselineDiff }> {
  const baseline = await runs.getBaseline(suite);
  if (!baseline || baseline.runId === runId) return {};
  const before: CaseResult[] = [];
  for await (const r of runs.results(baseline.runId)) before.push(slim(r));
  const diff = diffRuns(before, results);
  const row = (t: (typeof diff.regressions)[number]) => ({
    caseId: t.caseId,
    category: t.category,
    target: t.target,
    before: { fail: t.before?.fail ?? 0, n: (t.before?.pass ?? 0) + (t.before?.fail ?? 0) },
    after: { fail: t.after?.fail ?? 0, n: (t.after?.pass ?? 0) + (t.after?.fail ?? 0) },
    ...(t.p === undefined ? {} : { pValue: t.p }),
  });
  const asrBefore = Object.fromEntries(
    summarize(before)
      .filter((c) => c.attackSuccess !== undefined)
      .map((c) => [c.category, c.attackSuccess!.rate]),
  );
  return { baselineDiff: { baselineRunId: baseline.runId, regressions: diff.regressions.map(row), improvements: diff.fixes.map(row), asrBefore } };
}
