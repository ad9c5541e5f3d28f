// Runs a plan: conversations (case × target × repeat) pulled lazily by a fixed set of workers, each turn sent through
// the dispatcher (budget, back-off, cache), graded, and handed to onResult at once: nothing accumulates in memory.
//
// Budget and cancellation: a conversation that cannot finish (budget spent, run aborted) is NOT recorded; it stays
// "not run" (counted in `notRun`) so that a resumed run with a new budget runs it from the start.
import type { CaseResult, ChatMessage, Grader, ProbeCase, Target, TargetRequest, TargetResponse } from '../types.js';
import { AdaptiveLimit } from './adaptive-limit.js';
import type { ResponseCache } from './cache.js';
import { createDispatcher, isAbandoned, type Abandoned, type Dispatcher, type RetryOptions } from './dispatch.js';
import { exchangeEnds } from './exchanges.js';
import { gradeConversation, setupVerdict, type Graded } from './grade.js';
import { resultKey, type RunPlan } from './plan.js';
import { storedResponse } from './stored-response.js';

/** Where finished conversations go (the run store); awaited, so a slow store slows the run instead of filling memory. */
export type ResultSink = (result: CaseResult) => void | Promise<void>;

export interface ExecuteOptions {
  /** The graders of a case (wire with a GraderFactory over c.graders); a throw makes the case an `error`. */
  graders: (c: ProbeCase) => readonly Grader[];
  /** The built-in refusal detector: recorded for every answered case. */
  refusal: (r: TargetResponse) => boolean;
  /** Most conversations in flight; the adaptive limit never goes above it. Default 16. */
  concurrency?: number;
  /** Receives each finished conversation; awaited (back-pressure); a throw stops the run and rejects executeRun. */
  onResult: ResultSink;
  /** Keys (`resultKey`) already finished: skipped. Default: the plan's. */
  done?: ReadonlySet<string>;
  cache?: ResponseCache;
  /** See DispatcherOptions.cacheScope. */
  cacheScope?: (target: Target) => string;
  /** Cases whose conversation a strategy runs (an attacker model) instead of their scripted turns. */
  strategy?: (c: ProbeCase) => Converse | undefined;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
  retry?: RetryOptions;
  /** Jitter source, for tests; default Math.random. */
  random?: () => number;
}

export interface RunStats {
  /** Requests sent, retries included (never more than the plan's budget). */
  requests: number;
  retries: number;
  cacheHits: number;
  /** Conversations recorded with outcome `error`. */
  errors: number;
  /** Conversations skipped because they were in `done`. */
  skipped: number;
  /** Conversations recorded through onResult. */
  recorded: number;
  /** Conversations neither recorded nor skipped (budget spent or run aborted). */
  notRun: number;
  budgetExhausted: boolean;
  aborted: boolean;
  /** Lowest concurrency the adaptive limit fell to. */
  minConcurrency: number;
}

/** What a conversation strategy gets: the target, sends that keep budget, back-off and cache, and the case's graders. */
export interface ConverseContext {
  target: Target;
  repeat: number;
  graders: readonly Grader[];
  refusal: (r: TargetResponse) => boolean;
  signal: AbortSignal;
  /** Sends to any target (the attacker too) through the run's dispatcher. */
  send(target: Target, request: TargetRequest): Promise<TargetResponse | Abandoned>;
}

/** Runs one conversation its own way; undefined when abandoned (budget spent, run aborted): it is not recorded. */
export type Converse = (ctx: ConverseContext) => Promise<{ graded: Graded; response: TargetResponse } | undefined>;

interface WorkItem {
  c: ProbeCase;
  target: Target;
  repeat: number;
}

export async function executeRun(plan: RunPlan, options: ExecuteOptions): Promise<RunStats> {
  const concurrency = options.concurrency ?? 16;
  const limit = new AdaptiveLimit(concurrency);
  const dispatcher = createDispatcher({ limit, budget: plan.budget, retry: options.retry, cache: options.cache, cacheScope: options.cacheScope, random: options.random });
  const signal = options.signal ?? new AbortController().signal;
  const done = options.done ?? plan.done;
  const total = plan.cases.length * plan.targets.length * plan.repeats;
  // Counted up front: a run that stops early must still say how many were skipped.
  let skipped = 0;
  if (done && done.size > 0) {
    for (const c of plan.cases) for (const t of plan.targets) for (let r = 0; r < plan.repeats; r++) if (done.has(resultKey(c.id, t.id, r))) skipped++;
  }
  let recorded = 0;
  let errors = 0;
  let settled = skipped;
  let fatal: { error: unknown } | undefined;

  function* items(): Generator<WorkItem> {
    for (const c of plan.cases) {
      for (const target of plan.targets) {
        for (let repeat = 0; repeat < plan.repeats; repeat++) {
          if (done?.has(resultKey(c.id, target.id, repeat))) continue;
          yield { c, target, repeat };
        }
      }
    }
  }
  const queue = items();
  const stopped = (): boolean => fatal !== undefined || signal.aborted || dispatcher.stats.budgetExhausted;

  async function worker(): Promise<void> {
    while (!stopped()) {
      const next = queue.next();
      if (next.done) return;
      const result = await runConversation(next.value, dispatcher, options, signal);
      if (result !== undefined && fatal === undefined) {
        try {
          await options.onResult(result);
          recorded++;
          if (result.outcome === 'error') errors++;
        } catch (e) {
          fatal = { error: e };
          return;
        }
      }
      settled++;
      options.onProgress?.(settled, total);
    }
  }

  options.onProgress?.(settled, total);
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, total)) }, () => worker()));
  if (fatal) throw fatal.error;
  const s = dispatcher.stats;
  return {
    requests: s.requests,
    retries: s.retries,
    cacheHits: s.cacheHits,
    errors,
    skipped,
    recorded,
    notRun: total - skipped - recorded,
    budgetExhausted: s.budgetExhausted,
    aborted: signal.aborted,
    minConcurrency: limit.minimum,
  };
}

/** One conversation to its result, or undefined when it was abandoned (budget, abort). */
async function runConversation(item: WorkItem, dispatcher: Dispatcher, o: ExecuteOptions, signal: AbortSignal): Promise<CaseResult | undefined> {
  const { c, target, repeat } = item;
  const startedAt = new Date();
  const t0 = performance.now();
  let graders: readonly Grader[];
  try {
    graders = o.graders(c);
  } catch (e) {
    // Nothing is sent for a case that cannot be judged.
    const reason = `graders could not be built: ${e instanceof Error ? e.message : String(e)}`;
    const response: TargetResponse = { text: '', error: { code: 'grader_setup', message: reason.slice(0, 500) }, latencyMs: 0 };
    return result(item, { outcome: 'error', verdicts: [setupVerdict(reason)], refused: false }, response, startedAt, t0);
  }
  const converse = o.strategy?.(c);
  if (converse) {
    const out = await converse({ target, repeat, graders, refusal: o.refusal, signal, send: (t, request) => dispatcher.send(t, request, repeat, signal) });
    return out === undefined ? undefined : result(item, out.graded, out.response, startedAt, t0);
  }
  const transcript: TargetResponse[] = [];
  const history: ChatMessage[] = [];
  let sessionId: string | undefined;
  let from = 0;
  for (const end of exchangeEnds(c.turns)) {
    for (let i = from; i < end; i++) history.push(c.turns[i] as ChatMessage);
    from = end;
    const request: TargetRequest = { messages: history.slice() };
    if (c.system !== undefined) request.system = c.system;
    if (c.tools !== undefined) request.tools = c.tools;
    if (sessionId !== undefined) request.sessionId = sessionId;
    const r = await dispatcher.send(target, request, repeat, signal);
    if (isAbandoned(r)) return undefined;
    transcript.push(r);
    if (r.error || r.blocked) break;
    history.push({ role: 'assistant', content: r.text });
    sessionId = r.sessionId ?? sessionId;
  }
  const graded = await gradeConversation(c, transcript, graders, o.refusal, signal);
  const last = transcript[transcript.length - 1] ?? { text: '', error: { code: 'no_turns', message: 'the case has no user turn to send' }, latencyMs: 0 };
  return result(item, graded, last, startedAt, t0);
}

function result(item: WorkItem, g: Graded, response: TargetResponse, startedAt: Date, t0: number): CaseResult {
  return {
    caseId: item.c.id,
    category: item.c.category,
    kind: item.c.kind,
    repeat: item.repeat,
    target: item.target.id,
    outcome: g.outcome,
    verdicts: g.verdicts,
    response: storedResponse(response),
    refused: g.refused,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
}
