// Contracts of Probe, Bulwark's evaluation and red-team harness: cases (what to send and how to judge it),
// targets (what answers), graders (what decides), transforms (how attacks are disguised), and the results of a
// run. Every part of src/probe builds against these types; keep them small and change them deliberately.
import type { TaxonomyTags } from '../core/taxonomy/index.js';

// ---------------------------------------------------------------------------------------------------------------
// Cases

/** What a case measures. `attack`: success means the target misbehaved. `control`: a safe prompt that looks
 * unsafe (over-refusal is measured on these). `quality`: a reference-graded question (hallucination, bias). */
export type CaseKind = 'attack' | 'control' | 'quality';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** For role `tool`: the call it answers. */
  toolCallId?: string;
  /** For role `assistant`: the tool calls it made (a following `tool` message answers one of them). */
  toolCalls?: (ToolCall & { id: string })[];
}

/** A tool the target may call (OpenAI function format); `dangerous` marks the excessive-agency trap. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  dangerous?: boolean;
}

/** How a case's verdict is reached: a grader id from the registry plus its options. */
export interface GraderSpec {
  /** e.g. `refusal`, `detector:pii`, `canary`, `contains`, `icontains`, `not-contains`, `regex`, `equals`,
   * `starts-with`, `is-json`, `javascript`, `reference`, `tool-called`, `llm-judge`. */
  type: string;
  /** Grader-specific value (the canary, the substring, the regex, the JS expression, the rubric path...). */
  value?: unknown;
  /** Grader-specific options (threshold, flags...). */
  options?: Record<string, unknown>;
}

export interface ProbeCase {
  /** Stable id: `<pack>/<sha256 of the canonical content, 16 hex>`; see caseId(). Same content, same id. */
  id: string;
  /** Pack (or dataset loader) it came from, e.g. `owasp-llm01`, `harmbench`. */
  pack: string;
  /** Reporting group, e.g. `prompt-injection/direct`, `jailbreak/role-play`, `harmful/S9`, `over-refusal`. */
  category: string;
  kind: CaseKind;
  /** One sentence: what success would mean. */
  intent: string;
  tags: TaxonomyTags;
  /** System prompt the target is given (targets that cannot take one ignore it and say so in the plan). */
  system?: string;
  /**
   * The conversation's user-side turns, in order. Single-turn cases have one. For multi-turn cases each user
   * turn is sent after the target's answer to the previous one.
   */
  turns: ChatMessage[];
  tools?: ToolSpec[];
  /** Secret planted in the system prompt or context; leaking it is the failure (prompt extraction, indirect PI). */
  canary?: string;
  /** Reference answers (TruthfulQA-style): correct and incorrect. */
  reference?: { correct: string[]; incorrect?: string[] };
  /** BBQ item fields, for the bias scores. */
  bbq?: { contextCondition: 'ambig' | 'disambig'; answers: string[]; label: number; targetLabel?: number; unknownLabel?: number; polarity?: 'neg' | 'nonneg' };
  /** How the verdict is reached; every grader must pass for the case to pass. */
  graders: GraderSpec[];
  /** Names of the transforms applied to produce this case from its base (empty for the base). */
  transforms?: string[];
  /** Free metadata carried into reports (source row, behaviour id...). */
  metadata?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Targets

export interface ToolCall {
  name: string;
  /** Raw JSON text of the arguments. */
  arguments: string;
}

export interface TargetResponse {
  /** The answer text ('' when none). */
  text: string;
  toolCalls?: ToolCall[];
  /** The target refused at the transport level: a guardrail (e.g. Bulwark's 400 bulwark_policy_violation). */
  blocked?: { by: string; message: string };
  /** Transport or protocol failure: the case is an `error`, never a pass. */
  error?: { code: string; message: string; retryable?: boolean; retryAfterMs?: number };
  latencyMs: number;
  usage?: { inputTokens?: number; outputTokens?: number };
  /** For multi-turn HTTP targets: the session the next turn continues. */
  sessionId?: string;
}

export interface TargetRequest {
  system?: string;
  /** The whole conversation so far, user and assistant turns, ending with the user turn to answer. */
  messages: ChatMessage[];
  tools?: ToolSpec[];
  sessionId?: string;
}

export interface Target {
  /** e.g. `openai:gpt-4o-mini@http://127.0.0.1:8000/v1`, `simulated:naive`, `command:./bot.sh`. */
  readonly id: string;
  /** Every network endpoint it would contact (for --dry-run and the egress manifest); [] for local ones. */
  readonly endpoints: readonly string[];
  send(request: TargetRequest, signal: AbortSignal): Promise<TargetResponse>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Grading

/**
 * pass: the target behaved (resisted the attack, answered the control, matched the reference). fail: it did not.
 * error: the case could not be run or graded (never counted as a pass). unscored: the grader cannot decide.
 */
export type Outcome = 'pass' | 'fail' | 'error' | 'unscored';

export interface Verdict {
  grader: string;
  /** Content hash of the grader's identity (type, value, options, model and rubric for judges). */
  graderHash: string;
  outcome: Outcome;
  /** 0..1 when the grader has one. */
  score?: number;
  reason?: string;
}

export interface GradeInput {
  case: ProbeCase;
  response: TargetResponse;
  /** All answers of a multi-turn conversation, in order (the last is `response`). */
  transcript: TargetResponse[];
}

export interface Grader {
  readonly type: string;
  /** sha256 of the canonical identity; recorded with each verdict. */
  readonly hash: string;
  grade(input: GradeInput, signal: AbortSignal): Promise<Verdict>;
}

/** Builds a grader from its spec; throws BulwarkError ERR_CONFIG_INVALID for a bad spec. */
export type GraderFactory = (spec: GraderSpec) => Grader;

// ---------------------------------------------------------------------------------------------------------------
// Transforms

/** Deterministic pseudo-random source: the same seed gives the same sequence. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
}

export interface Transform {
  /** e.g. `base64`, `leetspeak`, `payload-split`, `lang:fr`. */
  readonly id: string;
  /** Rewrites one case into its disguised variant (its turns, `transforms` appended, a new id from caseId); keeps pack and category. */
  apply(c: ProbeCase, rng: Rng): ProbeCase;
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

export interface CaseResult {
  caseId: string;
  category: string;
  kind: CaseKind;
  /** 0-based repeat index. */
  repeat: number;
  target: string;
  outcome: Outcome;
  verdicts: Verdict[];
  /** The final answer, truncated to 4 KB for storage. */
  response: TargetResponse;
  /** The target refused (built-in refusal detector), recorded for every case: over-refusal on controls. */
  refused: boolean;
  startedAt: string;
  durationMs: number;
}

export interface Interval {
  /** Point estimate (successes / n). */
  rate: number;
  /** Wilson 95% interval. */
  low: number;
  high: number;
  n: number;
}

export interface CategorySummary {
  category: string;
  /** The target, when a run has several (each target is summarised on its own). */
  target?: string;
  kind: CaseKind;
  total: number;
  pass: number;
  fail: number;
  error: number;
  unscored: number;
  /** attack cases: share that succeeded (fail outcomes over pass + fail). */
  attackSuccess?: Interval;
  /** Refusals over answered cases (controls: over-refusal). */
  refusal: Interval;
  tags: TaxonomyTags;
}

export interface RunSummary {
  runId: string;
  suite: string;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'finished' | 'interrupted' | 'failed';
  targets: string[];
  requests: number;
  categories: CategorySummary[];
  /** Threshold checks of the suite: each failed gate makes `bulwark eval run` exit 1. */
  gates: { name: string; ok: boolean; detail: string }[];
  /** Answers taken from the response cache instead of sent (suites with `cache: true`). */
  cacheHits?: number;
  /** BBQ bias scores per category (and target, when several), for runs with BBQ cases. */
  bias?: BiasSummary[];
  /** TruthfulQA-style rates per category (and target, when several), for runs with reference-graded cases. */
  truthfulness?: TruthfulnessSummary[];
}

export interface BiasSummary {
  category: string;
  target?: string;
  /** Results counted (errors left out). */
  n: number;
  /** Bias in disambiguated contexts, −1..1 (0: none); null without non-UNKNOWN answers. */
  sDis: number | null;
  /** Bias in ambiguous contexts scaled by the error rate there; null without non-UNKNOWN answers. */
  sAmb: number | null;
  accuracyAmbiguous: number | null;
  accuracyDisambiguated: number | null;
  /** Answers that mapped to no option (refusals, off-topic answers): left out of the scores. */
  unmapped: number;
}

export interface TruthfulnessSummary {
  category: string;
  target?: string;
  /** Results graded by `reference` (errors left out). */
  n: number;
  true: Interval;
  trueInformative: Interval;
  informative: Interval;
  errors: number;
}
