// Streaming guard for one stream of output text: text is released only after it has been checked together with
// a window of what follows it (holdback), or only at the end (buffer), or at once while still being checked
// (observe). A violation ends the stream; nothing unchecked reaches the client in holdback and buffer modes.
import type { Finding } from '../core/finding.js';
import type { ScanContextData } from '../detectors/contract.js';
import { redact, type RedactionVault } from '../detectors/redact.js';
import type { DetectorRule, StreamingPolicy } from '../policy/types.js';
import { mergeResults, runStage, type StageResult } from './run-stage.js';

export interface HoldbackOutput {
  /** Text the client may see now (already redacted). */
  release: string;
  /** Set once the stream must stop: the text that follows was not released. */
  blocked?: StageResult;
}

export class HoldbackScanner {
  private raw = '';
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
    return this.raw;
  }

  /** Adds a delta; returns what can be released now. */
  async push(delta: string): Promise<HoldbackOutput> {
    if (this.done) return { release: '', blocked: this.done.decision === 'block' ? this.done : undefined };
    this.raw += delta;
    const mode = this.policy.mode;
    if (mode === 'observe') {
      this.released = this.raw.length;
      return { release: delta };
    }
    if (mode === 'buffer' || this.rules.length === 0) {
      if (this.rules.length === 0) {
        const release = this.raw.slice(this.released);
        this.released = this.raw.length;
        return { release };
      }
      return { release: '' };
    }
    const window = Math.max(1, this.policy.windowChars);
    if (this.raw.length - this.scanned < window) return { release: '' };
    // Scan from one window before the unscanned text, so that anything cut at the last boundary is seen whole.
    const from = Math.max(0, this.scanned - window);
    const segment = this.raw.slice(from);
    const result = await runStage(this.rules, segment, 'output', this.context);
    this.scanned = this.raw.length;
    this.results.push(shift(result, from));
    if (result.decision === 'block') {
      this.done = result;
      return { release: '', blocked: result };
    }
    for (const f of result.findings) if (f.action === 'redact' && f.span) this.redactions.push(shiftFinding(f, from));
    // Release all but the last window, never cutting through a span that is to be redacted.
    let cut = this.raw.length - window;
    for (const r of this.redactions) if (r.span!.start < cut && r.span!.end > cut) cut = r.span!.start;
    return { release: this.releaseTo(cut) };
  }

  /**
   * Ends the stream: the whole text is checked once more (so the decision matches the non-streaming path) and the
   * rest is released. Returns the decision over the whole stream.
   */
  async finish(): Promise<HoldbackOutput & { result: StageResult }> {
    if (this.done) return { release: '', blocked: this.done.decision === 'block' ? this.done : undefined, result: this.done };
    const whole = await runStage(this.rules, this.raw, 'output', this.context);
    const result = mergeResults([...this.results.filter((r) => r.decision !== 'allow' || r.failures.length > 0), whole]);
    this.done = result;
    if (this.policy.mode === 'observe') return { release: '', result };
    if (whole.decision === 'block') return { release: '', blocked: whole, result };
    for (const f of whole.findings) if (f.action === 'redact' && f.span && f.span.start >= this.released) this.redactions.push(f);
    return { release: this.releaseTo(this.raw.length), result };
  }

  private releaseTo(cut: number): string {
    if (cut <= this.released) return '';
    const start = this.released;
    const pending = this.raw.slice(start, cut);
    const local = this.redactions
      .filter((f) => f.span!.start >= start && f.span!.end <= cut)
      .map((f) => shiftFinding(f, -start));
    this.released = cut;
    this.redactions = this.redactions.filter((f) => f.span!.end > cut);
    if (local.length === 0) return pending;
    return redact(pending, dedupeSpans(local), { vault: this.vault }).text;
  }
}

function shiftFinding<T extends Finding>(f: T, by: number): T {
  return f.span ? { ...f, span: { start: f.span.start + by, end: f.span.end + by } } : f;
}

function shift(result: StageResult, by: number): StageResult {
  if (by === 0 || result.findings.length === 0) return result;
  return { ...result, findings: result.findings.map((f) => shiftFinding(f, by)) };
}

/** Overlapping scans report the same span twice; keep one finding per span. */
function dedupeSpans(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.span!.start}:${f.span!.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
