// ScanContext: what a format scanner gets besides the bytes — where to put findings, the limits and clock of the
// top-level file, and a way to hand an embedded payload back to the dispatcher (sniffing, nesting depth, member chain).
import { performance } from 'node:perf_hooks';
import type { ByteSource } from './source.js';
import type { ScanRule } from './rules.js';
import { DEFAULT_LIMITS, type ScanFinding, type ScanFormat, type ScanLimits } from './types.js';

/** Stops the scan of the current top-level file: the limit or deadline was hit. The scanner records it as a finding. */
export class ScanAbort extends Error {
  override readonly name = 'ScanAbort';
  constructor(
    readonly reason: 'timeout' | 'limit',
    message: string,
    readonly member?: string,
  ) {
    super(message);
  }
}

/** Hands `src` to the scanner for the sniffed format (or `hint`) with `ctx` as its context. */
export type Dispatch = (src: ByteSource, ctx: ScanContext, hint?: ScanFormat) => Promise<void>;

export interface FindingDetails {
  message?: string;
  global?: string;
  fragment?: string;
  offset?: number;
  /** Overrides the member chain of the context (rarely needed: prefer ctx.child). */
  member?: string;
}

/** State shared by a top-level file and everything nested in it. */
interface FileState {
  findings: ScanFinding[];
  decompressed: number;
  deadline: number;
  /** Formats seen with the nesting depth of the context that saw them, outermost first (the first is the file's). */
  formats: { depth: number; format: ScanFormat }[];
}

export class ScanContext {
  private constructor(
    readonly limits: Readonly<ScanLimits>,
    private readonly state: FileState,
    private readonly dispatch: Dispatch,
    /** Containers and nested loaders above this one; 0 for the file itself. */
    readonly depth: number,
    /** Member chain below the file (`archive/data.pkl`, `inner.tar!model.pkl`), undefined for the file itself. */
    readonly member: string | undefined,
  ) {}

  /** A context for one top-level file. */
  static forFile(dispatch: Dispatch, limits: Partial<ScanLimits> = {}, now = performance.now()): ScanContext {
    const l = { ...DEFAULT_LIMITS, ...limits };
    return new ScanContext(l, { findings: [], decompressed: 0, deadline: now + l.timeBudgetMs, formats: [] }, dispatch, 0, undefined);
  }

  /**
   * A context for tests of one format: nested payloads are recorded in `nested` (name, size, first bytes) and not
   * scanned, unless a dispatch is given.
   */
  static forTest(opts: { limits?: Partial<ScanLimits>; dispatch?: Dispatch } = {}): ScanContext & { nested: { name: string; size: number; head: Buffer; hint?: ScanFormat }[] } {
    const nested: { name: string; size: number; head: Buffer; hint?: ScanFormat }[] = [];
    const record: Dispatch = async (src, ctx, hint) => {
      nested.push({ name: ctx.member ?? '', size: src.size, head: Buffer.from(src.read(0, 64)), ...(hint ? { hint } : {}) });
    };
    const ctx = ScanContext.forFile(opts.dispatch ?? record, opts.limits) as ScanContext & { nested: typeof nested };
    ctx.nested = nested;
    return ctx;
  }

  /** Every finding so far for the top-level file, nested members included. */
  get findings(): readonly ScanFinding[] {
    return this.state.findings;
  }

  /** Formats met so far, outermost first. */
  get formats(): readonly ScanFormat[] {
    return this.state.formats.map((f) => f.format);
  }

  /** Called by the dispatcher when it picks a format for a source. */
  noteFormat(format: ScanFormat): void {
    this.state.formats.push({ depth: this.depth, format });
  }

  /**
   * Replaces the format noted for this context once its scanner knows better (a zip that is a PyTorch checkpoint,
   * an npz, a .keras); formats noted by nested members are left alone.
   */
  refineFormat(format: ScanFormat): void {
    for (let i = this.state.formats.length - 1; i >= 0; i--) {
      if (this.state.formats[i]!.depth === this.depth) {
        this.state.formats[i] = { depth: this.depth, format };
        return;
      }
    }
    this.state.formats.push({ depth: this.depth, format });
  }

  /** Records a finding of `rule`; the message defaults to the rule's title, the member to this context's. */
  report(rule: ScanRule, details: FindingDetails = {}): void {
    const f: ScanFinding = { rule: rule.id, verdict: rule.verdict, severity: rule.severity, message: details.message ?? rule.title, tags: rule.tags };
    const member = details.member ?? this.member;
    if (member !== undefined) f.member = member;
    if (details.global !== undefined) f.global = details.global;
    if (details.fragment !== undefined) f.fragment = clip(details.fragment);
    if (details.offset !== undefined) f.offset = details.offset;
    this.state.findings.push(f);
  }

  /** True when some finding already marks this file malicious (a scanner may then stop early). */
  get hasMalicious(): boolean {
    return this.state.findings.some((f) => f.verdict === 'malicious');
  }

  /** Counts decompressed output against the per-file budget; throws ScanAbort('limit') past it. */
  chargeDecompressed(bytes: number): void {
    this.state.decompressed += bytes;
    if (this.state.decompressed > this.limits.maxDecompressedBytes) {
      throw new ScanAbort('limit', `decompressed data exceeds ${this.limits.maxDecompressedBytes} bytes`, this.member);
    }
  }

  /** Bytes the per-file decompression budget still allows. */
  get decompressBudget(): number {
    return Math.max(0, this.limits.maxDecompressedBytes - this.state.decompressed);
  }

  /** Throws ScanAbort('timeout') once the file's time budget is spent. Cheap, but call it every few thousand steps, not every step. */
  checkDeadline(): void {
    if (performance.now() > this.state.deadline) {
      throw new ScanAbort('timeout', `scan exceeded its ${this.limits.timeBudgetMs} ms budget`, this.member);
    }
  }

  /** A context for member `name` of this one: one level deeper, member chain extended with `!`. */
  child(name: string): ScanContext {
    const member = this.member === undefined ? name : `${this.member}!${name}`;
    return new ScanContext(this.limits, this.state, this.dispatch, this.depth + 1, member);
  }

  /**
   * Scans an embedded payload (archive member, decompressed stream, bytes handed to a nested loader) as if it were a
   * file: sniffed (or `hint`), one nesting level deeper. Past maxNestingDepth it throws ScanAbort('limit').
   */
  async scanNested(src: ByteSource, name: string, hint?: ScanFormat): Promise<void> {
    const child = this.child(name);
    if (child.depth > this.limits.maxNestingDepth) {
      throw new ScanAbort('limit', `nesting deeper than ${this.limits.maxNestingDepth} levels`, child.member);
    }
    await this.dispatch(src, child, hint);
  }
}

function clip(s: string): string {
  return s.length <= 200 ? s : `${s.slice(0, 197)}...`;
}
