// Streaming guard for one stream of output text: text is released only after it has been checked together with
// a window of what follows it (holdback), or only at the end (buffer), or at once while still being checked
// (observe). A violation ends the stream; nothing unchecked reaches the client in holdback and buffer modes.
import type { Finding } from '../core/finding.js';
import type { ScanContextData } from '../detectors/contract.js';
import { redact, type RedactionVault } from '../detectors/redact.js';
import type { DetectorRule, StreamingPolicy } from '../policy/types.js';
import { decide, mergeResults, runStage, type RuledFinding, type StageResult } from './run-stage.js';

export interface HoldbackOutput {
  /** Text the client may see now (already redacted). */
  release: string;
  /** Set once the stream must stop: the text that follows was not released. */
  blocked?: StageResult;
}

/**
 * A finding that ends this close to the end of a window scan may have been cut short (a card number whose last
 * digits have not arrived looks like a shorter number); when the next scan sees it whole, it is left to that scan.
 */
const TAIL = 32;
/** The shape of the placeholders redact() makes (src/detectors/redact.ts): "[LABEL_12]", "[LABEL_3f2a9c]". */
const PLACEHOLDER = /\[[A-Z][A-Z0-9_]{0,40}_[0-9a-f]{1,64}\]/g;

export class HoldbackScanner {
  /** Everything pushed: a rope that is only appended to (flattened once, at the end). */
  private whole = '';
  /**
   * The part of the text still needed (not released, or inside the next scan's overlap), from raw offset `base`.
   * Slicing the growing whole text at every scan would copy all of it each time: quadratic over a long stream.
   */
  private tail = '';
  private base = 0;
  /** Raw offset up to which text has been released. */
  private released = 0;
  /** Raw offset up to which text has been scanned (with the overlap window before it). */
  private scanned = 0;
  /** Spans (raw offsets) to redact in text not yet released. */
  private redactions: Finding[] = [];
  private readonly results: StageResult[] = [];
  private done: StageResult | undefined;

  constructor(
    private readonly rules: readonly DetectorRule[],
    private readonly policy: StreamingPolicy,
    private readonly context: ScanContextData | undefined,
    private readonly vault: RedactionVault,
  ) {}

  /** The merged result once finish() ran (or the blocking result), for the request's event. */
  get lastResult(): StageResult | undefined {
    return this.done ?? (this.results.length > 0 ? mergeResults(this.results) : undefined);
  }

  /** Everything the stream produced so far, unredacted (for the event and the whole-text check). */
  get text(): string {
    return this.whole;
  }

  private get length(): number {
    return this.base + this.tail.length;
  }

  /** Raw text [start, end); `start` must not be before `base`. */
  private slice(start: number, end?: number): string {
    return this.tail.slice(start - this.base, end === undefined ? undefined : end - this.base);
  }

  /** The raw character code at `i`, or NaN outside the tail. */
  private code(i: number): number {
    return this.tail.charCodeAt(i - this.base);
  }

  /** `at`, moved back (at most `limit` characters) to just after a white-space character; never inside a surrogate pair. */
  private wordStart(at: number, limit: number): number {
    const floor = Math.max(this.base, at - limit);
    let i = at;
    while (i > floor && !isSpace(this.code(i - 1))) i--;
    if (i > this.base && isLow(this.code(i)) && isHigh(this.code(i - 1))) i--;
    return i;
  }

  /** Drops from the tail what neither a release nor the next scan (with its overlap and word start) can need. */
  private trim(window: number): void {
    const keep = Math.min(this.released, this.scanned - 3 * window - 1);
    if (keep - this.base > 4096) {
      this.tail = this.tail.slice(keep - this.base);
      this.base = keep;
    }
  }

  /** Adds a delta; returns what can be released now. */
  async push(delta: string): Promise<HoldbackOutput> {
    if (this.done) return { release: '', blocked: this.done.decision === 'block' ? this.done : undefined };
    this.whole += delta;
    const mode = this.policy.mode;
    if (mode === 'observe' || this.rules.length === 0) {
      // Nothing is held back: the tail stays empty and only the whole text grows.
      this.base += delta.length;
      this.released = this.base;
      return { release: delta };
    }
    this.tail += delta;
    if (mode === 'buffer') return { release: '' };
    const window = Math.max(1, Math.floor(this.policy.windowChars) || 1);
    const end = this.length;
    if (end - this.scanned < window) return { release: '' };
    // Scan from one window before the unscanned text, so that anything cut at the last boundary is seen whole,
    // with one more window before it as context, from the start of a word: a scan that starts inside a phone
    // number, a token or an address sees a different one (a shorter number, a street that is not there).
    const from = this.wordStart(Math.max(this.base, this.scanned - 2 * window), window);
    const scan = await runStage(this.rules, this.slice(from), 'output', this.context);
    this.scanned = end;
    const kept: RuledFinding[] = [];
    for (const f of scan.findings) {
      const g = shiftFinding(f, from);
      // Cut short at the end of this scan and wholly inside the next one (never released before it): leave it
      // to the next scan, which sees how it goes on. Nothing of it is released now (it lies in the last window).
      if (g.span && g.span.end > end - TAIL && g.span.start >= end - window) continue;
      kept.push(g);
    }
    const result = kept.length === scan.findings.length && from === 0 ? scan : decide(kept, scan.failures, 'output');
    this.results.push(result);
    if (result.decision === 'block') {
      this.done = mergeResults(this.results);
      return { release: '', blocked: this.done };
    }
    for (const f of result.findings) if (f.action === 'redact' && f.span) this.redactions.push(f);
    const release = this.releaseTo(end - window);
    this.trim(window);
    return { release };
  }

  /**
   * Ends the stream: the whole text is checked once more (so the decision matches the non-streaming path) and the
   * rest is released. Returns the decision over the whole stream.
   */
  async finish(): Promise<HoldbackOutput & { result: StageResult }> {
    if (this.done) return { release: '', blocked: this.done.decision === 'block' ? this.done : undefined, result: this.done };
    const whole = await runStage(this.rules, this.whole, 'output', this.context);
    const result = this.combine(whole);
    this.done = result;
    if (this.policy.mode === 'observe') return { release: '', result };
    if (result.decision === 'block') return { release: '', blocked: result, result };
    for (const f of whole.findings) if (f.action === 'redact' && f.span && f.span.end > this.released) this.redactions.push(f);
    return { release: this.releaseTo(this.length), result };
  }

  /** The whole-text result plus what the window scans found that it did not (redactions already applied, failures). */
  private combine(whole: StageResult): StageResult {
    if (this.results.length === 0) return whole;
    const key = (f: Finding): string => `${f.detector}\u0000${f.category}\u0000${f.span ? `${f.span.start}:${f.span.end}` : ''}`;
    const seen = new Set(whole.findings.map(key));
    const findings = [...whole.findings];
    const failures = [...whole.failures];
    for (const r of this.results) {
      failures.push(...r.failures);
      for (const f of r.findings) {
        const k = key(f);
        if (seen.has(k)) continue;
        seen.add(k);
        findings.push(f);
      }
    }
    return decide(findings, failures, 'output');
  }

  /**
   * Releases raw text up to `cut`, moved back so that it never cuts through a span still to be redacted or
   * through a surrogate pair, with the pending redactions applied.
   */
  private releaseTo(cut: number): string {
    for (let moved = true; moved; ) {
      moved = false;
      for (const r of this.redactions) {
        if (r.span!.start < cut && r.span!.end > cut) {
          cut = r.span!.start;
          moved = true;
        }
      }
      if (cut > this.base && cut < this.length && isLow(this.code(cut)) && isHigh(this.code(cut - 1))) {
        cut--;
        moved = true;
      }
    }
    const start = this.released;
    if (cut <= start) return '';
    const pending = this.slice(start, cut);
    const local: Finding[] = [];
    const later: Finding[] = [];
    for (const f of this.redactions) {
      const span = f.span!;
      if (span.end > cut) later.push(f);
      // A span that began in text already released (a later scan saw more of it): the rest of it is still redacted.
      else if (span.end > start) local.push({ ...f, span: { start: Math.max(span.start, start) - start, end: span.end - start } });
    }
    this.released = cut;
    this.redactions = later;
    // Overlapping scans report the same span more than once: redact() merges them into one placeholder, labelled
    // by the most serious finding, exactly as it does for the non-streaming text.
    const out = local.length === 0 ? pending : redact(pending, local, { vault: this.vault }).text;
    if (pending.includes('[')) this.reserveLiterals(pending);
    return out;
  }

  /**
   * Placeholder-shaped text the model wrote itself ("[EMAIL_1]") and that is now out: later placeholders must not
   * take the same name (redact() avoids those of the text it is given, but the text released earlier is gone).
   * Each is kept in the vault as its own value, so restoring it gives it back unchanged.
   */
  private reserveLiterals(released: string): void {
    for (const m of released.matchAll(PLACEHOLDER)) {
      if (!Object.hasOwn(this.vault.entries, m[0])) this.vault.entries[m[0]] = m[0];
    }
  }
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function shiftFinding<T extends Finding>(f: T, by: number): T {
  return f.span && by !== 0 ? { ...f, span: { start: f.span.start + by, end: f.span.end + by } } : f;
}
