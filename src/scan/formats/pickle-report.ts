// Collects the findings of one pickle stream, one per (rule, global) with a count, and hands them to the scan
// context when the stream ends — or drops them when a tentative stream turns out to be trailing non-pickle bytes.
import type { ScanContext } from '../context.js';
import type { ScanRule } from '../rules.js';
import { PICKLE_RULES } from './pickle-rules.js';
import { globalName, type GlobalV } from './pickle-values.js';

interface GlobalAgg {
  g: GlobalV;
  imports: number;
  calls: number;
  firstImport: number;
  firstCall: number;
  /** Calls of anything in the stream before this global's first import. */
  callsBefore: number;
  notes: string[];
}

interface OtherAgg {
  rule: ScanRule;
  offset: number;
  message: string;
  global?: string;
  count: number;
}

/** Distinct findings kept per stream; the rest are summarised per rule. */
const MAX_DISTINCT = 256;

export class StreamReport {
  private readonly globals = new Map<string, GlobalAgg>();
  private readonly others = new Map<string, OtherAgg>();
  private readonly overflow = new Map<ScanRule, { count: number; offset: number }>();
  private brk: { rule: ScanRule; offset: number; message: string } | undefined;
  /** GLOBAL/STACK_GLOBAL/INST/EXT opcodes and calls seen (safe ones included): the bytes were really a pickle. */
  signals = 0;
  /** Call opcodes (REDUCE, OBJ, INST, NEWOBJ, NEWOBJ_EX, BUILD on an instance) so far. */
  private calls = 0;

  private distinct(): number {
    return this.globals.size + this.others.size;
  }

  private agg(g: GlobalV, off: number): GlobalAgg | undefined {
    const key = `${g.module}\u0000${g.name}`;
    let a = this.globals.get(key);
    if (!a) {
      if (this.distinct() >= MAX_DISTINCT) {
        this.spill(g.judgement.verdict === 'dangerous' ? PICKLE_RULES['dangerous-global'] : PICKLE_RULES['unknown-global'], off);
        return undefined;
      }
      a = { g, imports: 0, calls: 0, firstImport: -1, firstCall: -1, callsBefore: this.calls, notes: [] };
      this.globals.set(key, a);
    }
    return a;
  }

  private spill(rule: ScanRule, offset: number): void {
    const o = this.overflow.get(rule);
    if (o) o.count++;
    else this.overflow.set(rule, { count: 1, offset });
  }

  /** A GLOBAL / STACK_GLOBAL / INST import at `off`. */
  imported(g: GlobalV, off: number): void {
    this.signals++;
    if (g.judgement.verdict === 'safe') return;
    const a = this.agg(g, off);
    if (!a) return;
    a.imports++;
    if (a.firstImport < 0) a.firstImport = off;
  }

  /** A call of something that is not a global (counted: it may pass an imported global along). */
  callSeen(): void {
    this.signals++;
    this.calls++;
  }

  /** A call of (or BUILD on an instance of) global `g` at `off`. */
  called(g: GlobalV, off: number): void {
    this.callSeen();
    if (g.judgement.verdict === 'safe') return;
    const a = this.agg(g, off);
    if (!a) return;
    a.calls++;
    if (a.firstCall < 0) a.firstCall = off;
  }

  /** Extra sentence for the finding of `g` (a nested payload scanned, say). */
  annotate(g: GlobalV, note: string): void {
    const a = this.globals.get(`${g.module}\u0000${g.name}`);
    if (a && a.notes.length < 4 && !a.notes.includes(note)) a.notes.push(note);
  }

  /** Any other finding; repeated (rule, key) pairs are counted, not repeated. */
  add(rule: ScanRule, key: string, offset: number, message: string, global?: string): void {
    const k = `${rule.id}\u0000${key}`;
    const o = this.others.get(k);
    if (o) {
      o.count++;
      return;
    }
    if (this.distinct() >= MAX_DISTINCT) {
      this.spill(rule, offset);
      return;
    }
    this.others.set(k, { rule, offset, message, count: 1, ...(global !== undefined ? { global } : {}) });
  }

  /** The stream stopped here (truncated, malformed, limit, unparsed data); only the first break counts. */
  setBreak(rule: ScanRule, offset: number, message: string): void {
    if (!this.brk) this.brk = { rule, offset, message };
  }

  get broken(): boolean {
    return this.brk !== undefined;
  }

  get breakInfo(): { rule: ScanRule; offset: number; message: string } | undefined {
    return this.brk;
  }

  /** Reports everything collected to `sink`, in offset order, and empties the report. */
  flush(sink: SourceFindings): void {
    for (const f of this.render()) sink.emit(f);
    this.globals.clear();
    this.others.clear();
    this.overflow.clear();
    this.brk = undefined;
  }

  /**
   * Takes over the malicious findings of `other` (a probe of another reading of the same bytes), each with `note`;
   * the rest of `other` (its break, unknown globals) is what a wrong reading of array data produces, and is dropped.
   */
  adoptMalicious(other: StreamReport, note: string): void {
    for (const f of other.render()) {
      if (f.rule.verdict !== 'malicious') continue;
      this.signals++;
      this.add(f.rule, `adopted\u0000${f.global ?? ''}\u0000${f.message}`, f.offset, `${f.message} ${note}`, f.global);
    }
  }

  private render(): Rendered[] {
    const out: Rendered[] = [];
    for (const a of this.globals.values()) {
      const j = a.g.judgement;
      const name = globalName(a.g);
      const verb = a.calls > 0 ? 'calls' : 'imports';
      const offset = a.calls > 0 ? a.firstCall : a.firstImport;
      const times = a.calls > 1 ? ` (${a.calls} calls in this stream)` : a.calls === 0 && a.imports > 1 ? ` (imported ${a.imports} times in this stream)` : '';
      const notes = a.notes.length ? ` ${a.notes.join(' ')}` : '';
      if (j.verdict === 'dangerous' && j.family) {
        const reached = j.reached ? `, which resolves to ${j.reached}` : '';
        // In a stream that breaks (truncated or malformed: where Python's unpickler stops too) before any call
        // follows the import, nothing can invoke the global. Still reported, as suspicious; the break makes the
        // file an error. A scanner limit is no such break: the loader would go on.
        const structural = this.brk !== undefined && (this.brk.rule.id === 'scan.truncated' || this.brk.rule.id === 'scan.malformed');
        const unreached = structural && a.calls === 0 && this.calls === a.callsBefore;
        if (unreached) {
          out.push({ rule: PICKLE_RULES['dangerous-import'], offset, global: name, message: `imports ${name}${reached} (${j.family.does}), but the stream breaks before anything could call it${times}.${notes}` });
        } else {
          out.push({ rule: PICKLE_RULES['dangerous-global'], offset, global: name, message: `${verb} ${name}${reached}: ${j.family.does}${times}.${notes}` });
        }
      } else {
        out.push({ rule: PICKLE_RULES['unknown-global'], offset, global: name, message: `${verb} ${name}, which is not on the allowlist of known-safe globals${times}.${notes}` });
      }
    }
    for (const o of this.others.values()) {
      const times = o.count > 1 ? ` (${o.count} times in this stream)` : '';
      out.push({ rule: o.rule, offset: o.offset, message: `${o.message}${times}`, ...(o.global !== undefined ? { global: o.global } : {}) });
    }
    for (const [rule, o] of this.overflow) {
      out.push({ rule, offset: o.offset, message: `${o.count} further distinct findings of this kind in the same stream were not listed one by one.` });
    }
    if (this.brk) out.push(this.brk);
    return out.sort((x, y) => x.offset - y.offset);
  }
}

interface Rendered {
  rule: ScanRule;
  offset: number;
  message: string;
  global?: string;
}

/** Same (rule, global) reported by this many streams of one source before further ones are only counted. */
const MAX_REPEATS = 16;
/** Distinct (rule, global) pairs reported per source; a flood of distinct names beyond it is summarised. */
const MAX_KEYS = 1024;

/**
 * The findings of all streams of one source on their way to the scan context: a file of a million tiny streams
 * must not become a million findings. Suppressed findings are summarised per rule, so the verdict never changes.
 */
export class SourceFindings {
  private readonly seen = new Map<string, number>();
  private readonly suppressed = new Map<ScanRule, { count: number; offset: number }>();

  constructor(private readonly ctx: ScanContext) {}

  emit(f: Rendered): void {
    const key = `${f.rule.id}\u0000${f.global ?? ''}`;
    const n = this.seen.get(key) ?? 0;
    if (n >= MAX_REPEATS || (n === 0 && this.seen.size >= MAX_KEYS)) {
      const o = this.suppressed.get(f.rule);
      if (o) o.count++;
      else this.suppressed.set(f.rule, { count: 1, offset: f.offset });
      return;
    }
    this.seen.set(key, n + 1);
    this.ctx.report(f.rule, { message: f.message, offset: f.offset, ...(f.global !== undefined ? { global: f.global } : {}) });
  }

  /** Reports the summaries of what was suppressed. */
  finish(): void {
    for (const [rule, o] of this.suppressed) {
      this.ctx.report(rule, { offset: o.offset, message: `${o.count} further findings of this kind in later pickle streams of the same data were not listed one by one.` });
    }
    this.suppressed.clear();
  }
}
