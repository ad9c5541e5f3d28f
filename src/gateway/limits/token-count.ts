// Prompt token counts for the tokens-per-minute limit: a calibrated estimate by default (cheap enough for every
// request), or the real BPE tokenizer (gpt-tokenizer), loaded once on demand and bounded against hostile text.
import { BulwarkError } from '../../core/errors.js';
import { estimateTokens } from './token-estimate.js';

export type TokenEncoding = 'o200k_base' | 'cl100k_base';
/** estimate: one linear pass (6–10 µs/KB); exact: gpt-tokenizer (80–550 µs/KB, ms for CJK; capped by maxExactChars). */
export type TokenCountMode = 'estimate' | 'exact';

export interface TokenCounterOptions {
  mode?: TokenCountMode;
  encoding?: TokenEncoding;
  /** exact mode: characters tokenized per call; the rest is extrapolated at the measured tokens per character. */
  maxExactChars?: number;
  /** estimate mode: characters scanned per call (default 256 Ki, ~2 ms at worst); the rest is extrapolated. */
  maxEstimateChars?: number;
}

/** The parts of an OpenAI chat message that cost prompt tokens. Parsed bodies are peers' data: all unknown. */
export interface ChatMessageLike {
  readonly role?: unknown;
  readonly name?: unknown;
  readonly content?: unknown;
  readonly tool_calls?: unknown;
}

interface Tokenizer {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}

/** Overheads from OpenAI's chat format: each message is wrapped in ~3 tokens, the reply is primed with 3. */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_REPLY_PRIMING = 3;
/** What a low-detail image costs; high-detail images cost more, reconciled after the response. */
export const TOKENS_PER_IMAGE = 85;
export const DEFAULT_MAX_EXACT_CHARS = 16_384;
export const DEFAULT_MAX_ESTIMATE_CHARS = 262_144;
/**
 * gpt-tokenizer's BPE merge is quadratic in the length of one pre-token: 100,000 spaces take ~8 s, 100,000 dots
 * ~20 s. Runs of one character class are cut at this length before they reach it (off by at most a token per cut).
 */
export const MAX_RUN = 64;

// Special-token strings in user text (`<|endoftext|>`) are counted as ordinary text instead of throwing.
const AS_TEXT = { disallowedSpecial: new Set<string>() };

const loaded = new Map<TokenEncoding, Tokenizer>();
const loading = new Map<TokenEncoding, Promise<Tokenizer>>();

async function importEncoding(encoding: TokenEncoding): Promise<Tokenizer> {
  try {
    // Literal specifiers (not a template) so that bundlers and the type checker see both modules.
    return encoding === 'cl100k_base' ? await import('gpt-tokenizer/encoding/cl100k_base') : await import('gpt-tokenizer/encoding/o200k_base');
  } catch (e) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `the tokenizer package gpt-tokenizer (${encoding}) could not be loaded`, { cause: e });
  }
}

/** Loads an encoding once per process (~170 ms and ~30 MB for o200k_base); concurrent callers share the load. */
export function loadTokenizer(encoding: TokenEncoding): Promise<Tokenizer> {
  const ready = loaded.get(encoding);
  if (ready !== undefined) return Promise.resolve(ready);
  let p = loading.get(encoding);
  if (p === undefined) {
    p = importEncoding(encoding).then((t) => {
      loaded.set(encoding, t);
      return t;
    });
    p.catch(() => loading.delete(encoding));
    loading.set(encoding, p);
  }
  return p;
}

function classOf(c: number): number {
  if (c <= 32 || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200b)) return 0; // whitespace
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0x80) return 1; // letters, digits, non-ASCII
  return 2; // ASCII punctuation
}

/** Exact count of `text` with runs of one class cut at MAX_RUN (never inside a surrogate pair). */
export function countBounded(tokenizer: Tokenizer, text: string): number {
  let total = 0;
  let start = 0;
  let run = 0;
  let cls = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = classOf(c);
    if (k !== cls) {
      cls = k;
      run = 1;
      continue;
    }
    if (++run > MAX_RUN && !(c >= 0xdc00 && c <= 0xdfff)) {
      total += tokenizer.countTokens(text.slice(start, i), AS_TEXT);
      start = i;
      run = 1;
    }
  }
  if (start === 0) return tokenizer.countTokens(text, AS_TEXT);
  return total + tokenizer.countTokens(text.slice(start), AS_TEXT);
}

function cutPoint(text: string, at: number): number {
  // Do not split a surrogate pair.
  const c = text.charCodeAt(at);
  return c >= 0xdc00 && c <= 0xdfff ? at - 1 : at;
}

export class TokenCounter {
  readonly mode: TokenCountMode;
  readonly encoding: TokenEncoding;
  private readonly maxExactChars: number;
  private readonly maxEstimateChars: number;
  private tokenizer: Tokenizer | undefined;
  private loadError: unknown;

  constructor(options: TokenCounterOptions = {}) {
    this.mode = options.mode ?? 'estimate';
    this.encoding = options.encoding ?? 'o200k_base';
    this.maxExactChars = options.maxExactChars ?? DEFAULT_MAX_EXACT_CHARS;
    this.maxEstimateChars = options.maxEstimateChars ?? DEFAULT_MAX_ESTIMATE_CHARS;
    for (const n of [this.maxExactChars, this.maxEstimateChars]) {
      if (!Number.isInteger(n) || n < 1) throw new TypeError('maxExactChars and maxEstimateChars must be positive integers');
    }
    this.tokenizer = this.mode === 'exact' ? loaded.get(this.encoding) : undefined;
  }

  /** True when counts use the real tokenizer (exact mode, tokenizer loaded). */
  get exact(): boolean {
    return this.mode === 'exact' && this.tokenizer !== undefined;
  }

  /**
   * Loads the tokenizer (exact mode; a no-op in estimate mode). Await it at startup: until it resolves, exact
   * mode answers with the estimate rather than stall a request on a 170 ms module load.
   */
  async load(): Promise<void> {
    if (this.mode !== 'exact' || this.tokenizer !== undefined) return;
    this.tokenizer = await loadTokenizer(this.encoding);
  }

  private tokenizerOrStartLoading(): Tokenizer | undefined {
    if (this.mode !== 'exact') return undefined;
    if (this.tokenizer !== undefined) return this.tokenizer;
    if (this.loadError === undefined) {
      this.load().catch((e: unknown) => {
        this.loadError = e;
      });
    }
    return undefined;
  }

  /** Prompt tokens of one text. */
  count(text: string): number {
    return text.length === 0 ? 0 : this.countTexts([text]);
  }

  /** Prompt tokens of a chat request's messages, with the chat format's per-message overhead. */
  countChat(messages: readonly ChatMessageLike[]): number {
    const texts: string[] = [];
    let images = 0;
    for (const m of messages) {
      if (typeof m !== 'object' || m === null) continue;
      if (typeof m.role === 'string') texts.push(m.role);
      if (typeof m.name === 'string') texts.push(m.name);
      images += collectContent(m.content, texts);
      if (Array.isArray(m.tool_calls)) collectToolCalls(m.tool_calls, texts);
    }
    return this.countTexts(texts) + images * TOKENS_PER_IMAGE + messages.length * TOKENS_PER_MESSAGE + TOKENS_REPLY_PRIMING;
  }

  /**
   * Sum over several texts. One character budget covers them all (so that many messages cannot multiply the
   * cost); what lies beyond it is extrapolated at the tokens per character measured within it. A 10 MB body
   * must not hold the event loop.
   */
  countTexts(texts: readonly string[]): number {
    const tokenizer = this.tokenizerOrStartLoading();
    const measure = tokenizer === undefined ? estimateTokens : (t: string) => countBounded(tokenizer, t);
    let budget = tokenizer === undefined ? this.maxEstimateChars : this.maxExactChars;
    let countedChars = 0;
    let countedTokens = 0;
    let rest = 0;
    for (const t of texts) {
      if (t.length === 0) continue;
      if (budget <= 0) {
        rest += t.length;
        continue;
      }
      const cut = t.length <= budget ? t.length : cutPoint(t, budget);
      countedTokens += measure(cut === t.length ? t : t.slice(0, cut));
      countedChars += cut;
      rest += t.length - cut;
      budget -= cut;
    }
    if (rest === 0) return countedTokens;
    // ~4 characters per token when nothing was measured (a budget of one character met a surrogate pair).
    const perChar = countedChars > 0 ? countedTokens / countedChars : 0.25;
    return countedTokens + Math.ceil(rest * perChar);
  }
}

function collectContent(content: unknown, out: string[]): number {
  if (typeof content === 'string') {
    out.push(content);
    return 0;
  }
  if (!Array.isArray(content)) return 0;
  let images = 0;
  for (const part of content as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const p = part as { type?: unknown; text?: unknown };
    if (typeof p.text === 'string') out.push(p.text);
    else if (p.type === 'image_url' || p.type === 'input_image') images++;
  }
  return images;
}

function collectToolCalls(calls: readonly unknown[], out: string[]): void {
  for (const call of calls) {
    if (typeof call !== 'object' || call === null) continue;
    const fn = (call as { function?: unknown }).function;
    if (typeof fn !== 'object' || fn === null) continue;
    const { name, arguments: args } = fn as { name?: unknown; arguments?: unknown };
    if (typeof name === 'string') out.push(name);
    if (typeof args === 'string') out.push(args);
  }
}
