// Results of request-side texts, remembered per policy. A chat client sends the whole conversation with every
// turn and an agent its tool definitions and every earlier tool result, so without this the guard scans the same
// texts again on each request: work that grows with the square of the conversation's length. A text the same caller
// sent before under the same policy, stage and context gets the same result (detectors are functions of those)
// without running a detector. Per caller: a faster answer would otherwise tell one caller that another had sent a
// given text. Answers (stage `output`) are new text by nature and are never remembered.
import type { Stage } from '../core/finding.js';
import type { ScanContextData } from '../detectors/contract.js';
import type { CompiledPolicy } from '../policy/types.js';
import type { StageResult } from './run-stage.js';

export interface StageCacheLimits {
  /** Texts remembered per policy. */
  maxEntries: number;
  /** Characters of text held in all, per policy (the texts are kept to compare them). */
  maxChars: number;
  /** Longer texts are not remembered. */
  maxTextChars: number;
}

/**
 * At most ~4 MB of text per policy (2 bytes a character for non-Latin-1 text; the texts and the contexts' strings are
 * counted), plus the entries' small objects.
 */
export const DEFAULT_STAGE_CACHE_LIMITS: StageCacheLimits = { maxEntries: 4096, maxChars: 2_000_000, maxTextChars: 32_768 };

/**
 * One copy of a context shared by the entries set under it: an application sends the same system prompt with every
 * request, and one copy per entry would hold it thousands of times. Its characters count once, while referenced.
 */
interface SharedContext {
  data: ScanContextData;
  chars: number;
  refs: number;
}

interface Entry {
  /** Whose request it was (a principal's id): a hit is a timing signal, and one caller must not learn another's texts. */
  scope: string;
  stage: Stage;
  context: SharedContext | undefined;
  result: StageResult;
}

/**
 * A bounded least-recently-used map from (scope, stage, text, context) to the stage's result. Keyed by the text itself
 * (no second copy of it); one text is remembered for one scope, stage and context at a time, the last one set.
 */
export class StageCache {
  readonly #limits: StageCacheLimits;
  readonly #entries = new Map<string, Entry>();
  #chars = 0;
  /** The context of the last entry set, reused by the next entry when equal. */
  #lastContext: SharedContext | undefined;
  #hits = 0;
  #misses = 0;

  constructor(limits: StageCacheLimits = DEFAULT_STAGE_CACHE_LIMITS) {
    this.#limits = limits;
  }

  /** True for the texts this cache takes: request-side stages, not too long. */
  accepts(stage: Stage, text: string): boolean {
    return stage !== 'output' && text.length <= this.#limits.maxTextChars && this.#limits.maxEntries > 0;
  }

  get(scope: string, stage: Stage, text: string, context: ScanContextData | undefined): StageResult | undefined {
    const entry = this.#entries.get(text);
    if (entry === undefined || entry.scope !== scope || entry.stage !== stage || !sameContext(entry.context?.data, context)) {
      this.#misses++;
      stageCacheLookups.misses++;
      return undefined;
    }
    // Most recently used last: re-insert.
    this.#entries.delete(text);
    this.#entries.set(text, entry);
    this.#hits++;
    stageCacheLookups.hits++;
    return entry.result;
  }

  /** Remembers a result; results with a detector failure (a timeout may not recur) are not kept. */
  set(scope: string, stage: Stage, text: string, context: ScanContextData | undefined, result: StageResult): void {
    if (!this.accepts(stage, text) || result.failures.length > 0) return;
    this.#remove(text);
    this.#entries.set(text, { scope, stage, context: this.#share(context), result: freezeResult(result) });
    this.#chars += text.length;
    while (this.#entries.size > this.#limits.maxEntries || this.#chars > this.#limits.maxChars) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#remove(oldest.value);
    }
  }

  #share(context: ScanContextData | undefined): SharedContext | undefined {
    if (context === undefined || isEmpty(context)) return undefined;
    let shared = this.#lastContext;
    if (shared === undefined || !sameContext(shared.data, context)) {
      shared = { data: { ...context }, chars: contextChars(context), refs: 0 };
      this.#lastContext = shared;
    }
    if (shared.refs++ === 0) this.#chars += shared.chars;
    return shared;
  }

  #remove(text: string): void {
    const entry = this.#entries.get(text);
    if (entry === undefined) return;
    this.#entries.delete(text);
    this.#chars -= text.length;
    if (entry.context !== undefined && --entry.context.refs === 0) this.#chars -= entry.context.chars;
  }

  stats(): { entries: number; chars: number; hits: number; misses: number } {
    return { entries: this.#entries.size, chars: this.#chars, hits: this.#hits, misses: this.#misses };
  }
}

const caches = new WeakMap<CompiledPolicy, StageCache>();

/** Lookups of every StageCache of the process, for the metrics endpoint (read at scrape time). */
export const stageCacheLookups = { hits: 0, misses: 0 };

/** The cache of a compiled policy (a reloaded configuration compiles new policies, and so starts empty). */
export function stageCacheOf(policy: CompiledPolicy): StageCache {
  let cache = caches.get(policy);
  if (cache === undefined) {
    cache = new StageCache();
    caches.set(policy, cache);
  }
  return cache;
}

function isEmpty(c: ScanContextData): boolean {
  return c.systemPrompt === undefined && c.prompt === undefined && c.canaries === undefined && c.documents === undefined;
}

function contextChars(c: ScanContextData): number {
  let n = (c.systemPrompt?.length ?? 0) + (c.prompt?.length ?? 0);
  for (const s of c.canaries ?? []) n += s.length;
  for (const s of c.documents ?? []) n += s.length;
  return n;
}

/** The context fields detectors read, compared by value (the system prompt is a new string on every request). */
function sameContext(a: ScanContextData | undefined, b: ScanContextData | undefined): boolean {
  return (
    a?.systemPrompt === b?.systemPrompt &&
    a?.prompt === b?.prompt &&
    sameList(a?.canaries, b?.canaries) &&
    sameList(a?.documents, b?.documents)
  );
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A remembered result is shared by every request that hits it: nothing may change it afterwards. */
function freezeResult(result: StageResult): StageResult {
  for (const f of result.findings) Object.freeze(f);
  Object.freeze(result.findings);
  Object.freeze(result.failures);
  return Object.freeze(result);
}
