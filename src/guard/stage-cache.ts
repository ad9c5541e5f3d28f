// Results of request-side texts, remembered per policy. A chat client sends the whole conversation with every
// turn and an agent its tool definitions and every earlier tool result, so without this the guard scans the same
// texts again on each request: work that grows with the square of the conversation's length. A text the same caller
// sent before under the same policy, stage and context gets the same result (detectors are functions of those)
// without running a detector. Per caller: entries are keyed by the caller, so that neither a hit nor another
// caller's text replacing one's own entry can tell one caller what another sent; and once the memory is full, a
// caller holding more than its share makes room from its own entries, so that one caller sending many distinct
// texts cannot push out everyone else's conversations (a lone caller still uses all of it). Answers (stage
// `output`) are new text by nature and are never remembered.
import type { Stage } from '../core/finding.js';
import type { ScanContextData } from '../detectors/contract.js';
import type { CompiledPolicy } from '../policy/types.js';
import type { StageResult } from './run-stage.js';

export interface StageCacheLimits {
  /** Entries remembered per policy. */
  maxEntries: number;
  /**
   * Cost held in all, per policy, in characters: each entry's key (caller, stage and text), its context's strings
   * (once per shared copy) and its findings (FINDING_COST each plus their evidence).
   */
  maxChars: number;
  /** Longer texts are not remembered. */
  maxTextChars: number;
}

/**
 * At most ~4 MB per policy (2 bytes a character for non-Latin-1 text). One entry may take at most 1/MAX_SHARE of it and
 * one call insert at most MAX_NEW_PER_CALL entries, so that one request cannot empty the memory for every other caller.
 */
export const DEFAULT_STAGE_CACHE_LIMITS: StageCacheLimits = { maxEntries: 4096, maxChars: 2_000_000, maxTextChars: 32_768 };
/** Characters charged per finding (the object, its span, tags and metadata) on top of its evidence. */
const FINDING_COST = 256;
/** A result with more findings is not remembered (a text dense with e-mail addresses, say). */
const MAX_FINDINGS = 32;
const MAX_SHARE = 16;
export const MAX_NEW_PER_CALL = 128;
/**
 * A caller's share of a full memory: 1/CALLER_SHARE of its entries and of its cost. A caller over it that needs room
 * evicts its own least recently used entries, not other callers'.
 */
const CALLER_SHARE = 4;

/**
 * One copy of a context shared by the entries set under it: an application sends the same system prompt with every
 * request, and one copy per entry would hold it thousands of times. Its characters count once, while referenced.
 */
interface SharedContext {
  data: ScanContextData;
  chars: number;
  refs: number;
}

/** What one caller holds: its keys, least recently used first, and their cost. */
interface CallerEntries {
  scope: string;
  keys: Set<string>;
  cost: number;
}

interface Entry {
  caller: CallerEntries;
  context: SharedContext | undefined;
  result: StageResult;
  /** The entry's own cost (key and findings; a new context's characters are charged to the context). */
  cost: number;
}

/** A bounded least-recently-used map from (caller, stage, text) to the stage's result under one context. */
export class StageCache {
  readonly #limits: StageCacheLimits;
  readonly #entries = new Map<string, Entry>();
  readonly #callers = new Map<string, CallerEntries>();
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

  /** `scope`: the caller (a principal's id). */
  get(scope: string, stage: Stage, text: string, context: ScanContextData | undefined): StageResult | undefined {
    const key = keyOf(scope, stage, text);
    const entry = this.#entries.get(key);
    if (entry === undefined || !sameContext(entry.context?.data, context)) {
      this.#misses++;
      stageCacheLookups.misses++;
      return undefined;
    }
    // Most recently used last: re-insert.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    entry.caller.keys.delete(key);
    entry.caller.keys.add(key);
    this.#hits++;
    stageCacheLookups.hits++;
    return entry.result;
  }

  /**
   * Remembers a result; false when it was not kept: a detector failure (a timeout may not recur), too many findings,
   * or an entry too large for its share of the memory.
   */
  set(scope: string, stage: Stage, text: string, context: ScanContextData | undefined, result: StageResult): boolean {
    if (!this.accepts(stage, text) || result.failures.length > 0 || result.findings.length > MAX_FINDINGS) return false;
    const key = keyOf(scope, stage, text);
    const cost = key.length + findingsCost(result);
    const share = this.#limits.maxChars / MAX_SHARE;
    const newContext = context !== undefined && !isEmpty(context) && !(this.#lastContext !== undefined && sameContext(this.#lastContext.data, context));
    if (cost + (newContext ? contextChars(context) : 0) > share) return false;
    this.#remove(key);
    let caller = this.#callers.get(scope);
    if (caller === undefined) {
      caller = { scope, keys: new Set(), cost: 0 };
      this.#callers.set(scope, caller);
    }
    this.#entries.set(key, { caller, context: this.#share(context), result: freezeResult(result), cost });
    caller.keys.add(key);
    caller.cost += cost;
    this.#chars += cost;
    const entryShare = this.#limits.maxEntries / CALLER_SHARE;
    const charShare = this.#limits.maxChars / CALLER_SHARE;
    while (this.#entries.size > this.#limits.maxEntries || this.#chars > this.#limits.maxChars) {
      // The caller's own oldest entry when it holds more than its share (never the one just set, which is its newest:
      // a caller's only entry is not taken this way), else the oldest of all.
      const overShare = caller.keys.size > 1 && (caller.keys.size > entryShare || caller.cost > charShare);
      const oldest = (overShare ? caller.keys : this.#entries).keys().next();
      if (oldest.done === true) break;
      this.#remove(oldest.value);
    }
    return true;
  }

  stats(): { entries: number; chars: number; hits: number; misses: number; callers: number } {
    return { entries: this.#entries.size, chars: this.#chars, hits: this.#hits, misses: this.#misses, callers: this.#callers.size };
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

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#chars -= entry.cost;
    const caller = entry.caller;
    caller.keys.delete(key);
    caller.cost -= entry.cost;
    if (caller.keys.size === 0) this.#callers.delete(caller.scope);
    const context = entry.context;
    if (context !== undefined && --context.refs === 0) {
      this.#chars -= context.chars;
      // Nothing uncounted stays held.
      if (this.#lastContext === context) this.#lastContext = undefined;
    }
  }
}

const caches = new WeakMap<CompiledPolicy, StageCache>();

/** Lookups of every StageCache of the process, for the metrics endpoint (read at scrape time). */
export const stageCacheLookups = { hits: 0, misses: 0 };

/**
 * The cache of a compiled policy (a reloaded configuration compiles new policies, and so starts empty); undefined
 * when BULWARK_GUARD_MEMORY=0 (read when a policy's cache is first asked for).
 */
export function stageCacheOf(policy: CompiledPolicy): StageCache | undefined {
  let cache = caches.get(policy);
  if (cache === undefined) {
    if (process.env['BULWARK_GUARD_MEMORY']?.trim() === '0') return undefined;
    cache = new StageCache();
    caches.set(policy, cache);
  }
  return cache;
}

/** The only copy of the text an entry holds (the Map flattens it once). */
function keyOf(scope: string, stage: Stage, text: string): string {
  return `${scope}\u0000${stage}\u0000${text}`;
}

function findingsCost(result: StageResult): number {
  let cost = 0;
  for (const f of result.findings) cost += FINDING_COST + (f.evidence?.length ?? 0);
  return cost;
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

/**
 * A remembered result is shared by every request that hits it: the result, its lists and its findings are frozen
 * (their spans, tags and metadata are not: nothing downstream writes them, and tags can be a detector's own object).
 */
function freezeResult(result: StageResult): StageResult {
  for (const f of result.findings) Object.freeze(f);
  Object.freeze(result.findings);
  Object.freeze(result.failures);
  return Object.freeze(result);
}
