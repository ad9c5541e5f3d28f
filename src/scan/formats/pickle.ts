// Pickle scanner: every pickle stream of a file in turn, with the raw data loaders read between streams (joblib
// inline arrays, pre-zip PyTorch storages and the legacy tar members), trailing bytes reported, and bytes passed to
// nested loaders scanned one level deeper. The machine itself is pickle-vm.ts; the judgement data pickle-globals.ts.
import type { ScanContext } from '../context.js';
import { COMMON_RULES } from '../rules.js';
import { BufferSource, SliceSource, type ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';
import { storageElementSize, TORCH_LEGACY_MAGIC } from './pickle-layouts.js';
import { SourceFindings, StreamReport } from './pickle-report.js';
import { PICKLE_RULES } from './pickle-rules.js';
import { isGlobal, isSeq, isStr, type Value } from './pickle-values.js';
import { PickleMachine, type NestedJob, type StorageRecord, type StreamResult, type Window } from './pickle-vm.js';

export { PICKLE_RULES } from './pickle-rules.js';

export interface PickleScanOptions {
  /** Record joblib / pytorch-legacy as the format when recognised (only when the source is the dispatched file). */
  refineFormat?: boolean;
}

/** What the loader reads after a stream, decided from the streams seen so far. */
type After =
  | { kind: 'none' }
  | { kind: 'legacy-storages'; keys: Value; storages: Map<string, StorageRecord> }
  | { kind: 'tar-storage'; type: Value }
  | { kind: 'tar-tensor' };

/**
 * Sequence of streams: generic (each later stream tentative), PyTorch legacy (magic, protocol, sys_info, object,
 * storage keys, then raw storages), or the 0.1.x tar members `storages` / `tensors` (a count, then that many
 * records each followed by raw data).
 */
class Layout {
  private mode: 'generic' | 'legacy' | 'tar-storages' | 'tar-tensors' = 'generic';
  private records = 0;
  private expected = 0;
  private storages = new Map<string, StorageRecord>();

  /** True when the loader will read another stream here, so a break is an error whatever the bytes look like. */
  expectsStream(index: number): boolean {
    if (this.mode === 'legacy') return index <= 4;
    if (this.mode === 'tar-storages') return this.records <= this.expected; // the records, then the views list
    if (this.mode === 'tar-tensors') return this.records < this.expected;
    return false;
  }

  /** Called after stream `index` (0-based) completed; says what raw data follows it. */
  after(index: number, r: StreamResult, ctx: ScanContext, refine: boolean): After {
    const res = r.result;
    if (index === 0) {
      if (typeof res === 'object' && res.k === 'bigint' && res.v === TORCH_LEGACY_MAGIC) {
        this.mode = 'legacy';
        if (refine) ctx.refineFormat('pytorch-legacy');
      } else if (typeof res === 'number' && res >= 0) {
        this.expected = res; // maybe the record count of a legacy tar member
      }
      return { kind: 'none' };
    }
    if (this.mode === 'legacy') {
      if (index === 3) this.storages = r.persistentIds;
      if (index === 4) {
        this.mode = 'generic';
        return { kind: 'legacy-storages', keys: res ?? 0, storages: this.storages };
      }
      return { kind: 'none' };
    }
    if (index === 1 && this.mode === 'generic' && this.expected > 0 && isSeq(res, 'tuple') && res.items.length === 3) {
      const [key, , type] = res.items;
      if (isStr(key) && isGlobal(type)) {
        if (storageElementSize(type) !== undefined) this.mode = 'tar-storages';
        else if (/Tensor$/.test(type.name)) this.mode = 'tar-tensors';
      }
    }
    if (this.mode === 'tar-storages' || this.mode === 'tar-tensors') {
      this.records++;
      if (this.records > this.expected) {
        this.mode = 'generic';
        return { kind: 'none' };
      }
      if (this.mode === 'tar-tensors') return { kind: 'tar-tensor' };
      return { kind: 'tar-storage', type: isSeq(res, 'tuple') ? res.items[2]! : 0 };
    }
    return { kind: 'none' };
  }
}

/** Reads the raw data described by `after` at `pos`; returns the position after it, or undefined when it reported a stop. */
function skipRaw(src: ByteSource, ctx: ScanContext, pos: number, after: After): number | undefined {
  const u64 = (at: number): number | undefined => {
    const b = src.read(at, 8);
    if (b.length < 8) return undefined;
    const v = b.readBigUInt64LE(0);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  };
  const truncated = (at: number, what: string) => {
    ctx.report(COMMON_RULES.truncated, { offset: at, message: `the file ends inside ${what} at byte ${at}` });
    return undefined;
  };
  const storage = (at: number, type: Value | undefined, numel: number | undefined, what: string): number | undefined => {
    const size = storageElementSize(type);
    if (size === undefined) {
      ctx.report(PICKLE_RULES['unparsed-data'], { offset: at, message: `${what} at byte ${at} has a storage type whose element size is unknown, so its length cannot be worked out; the rest of the file was not scanned` });
      return undefined;
    }
    const count = u64(at);
    if (count === undefined) return truncated(at, what);
    if (numel !== undefined && count !== numel) {
      ctx.report(COMMON_RULES.malformed, { offset: at, message: `${what} at byte ${at} holds ${count} elements but its pickle says ${numel}; PyTorch refuses such a file` });
      return undefined;
    }
    const end = at + 8 + count * size;
    if (!Number.isSafeInteger(end) || end > src.size) return truncated(at, what);
    return end;
  };

  switch (after.kind) {
    case 'none':
      return pos;
    case 'legacy-storages': {
      const keys = after.keys;
      if (!isSeq(keys, 'list') || !keys.complete) {
        ctx.report(PICKLE_RULES['unparsed-data'], { offset: pos, message: `the storage key list of this legacy PyTorch file is not a plain list, so the storage data from byte ${pos} cannot be walked; the rest of the file was not scanned` });
        return undefined;
      }
      let at = pos;
      for (const k of keys.items) {
        const key = isStr(k) ? k.s : undefined;
        const rec = key === undefined ? undefined : after.storages.get(key);
        if (!rec) {
          ctx.report(COMMON_RULES.malformed, { offset: at, message: `storage key ${key === undefined ? '(not a string)' : JSON.stringify(key.slice(0, 40))} of this legacy PyTorch file names no storage of its pickle; PyTorch refuses such a file` });
          return undefined;
        }
        const next = storage(at, rec.type, rec.numel, 'legacy PyTorch storage data');
        if (next === undefined) return undefined;
        at = next;
      }
      return at;
    }
    case 'tar-storage':
      return storage(pos, after.type, undefined, 'legacy PyTorch tar storage data');
    case 'tar-tensor': {
      const head = src.read(pos, 8);
      if (head.length < 8) return truncated(pos, 'a legacy PyTorch tensor record');
      const ndim = head.readInt32LE(0);
      if (ndim < 0 || ndim > 64) {
        ctx.report(COMMON_RULES.malformed, { offset: pos, message: `legacy PyTorch tensor record at byte ${pos} has ${ndim} dimensions` });
        return undefined;
      }
      const end = pos + 8 + 16 * ndim + 8;
      return end > src.size ? truncated(pos, 'a legacy PyTorch tensor record') : end;
    }
  }
}

/**
 * Scans every pickle stream of `src` from `start`: findings go to `ctx`, nested loader payloads are scanned through
 * ctx.scanNested. Throws only ScanAbort (deadline, nesting, decompression budget).
 */
export async function scanPickleStreams(src: ByteSource, ctx: ScanContext, start = 0, opts: PickleScanOptions = {}): Promise<void> {
  const nested: NestedJob[] = [];
  streams(src, ctx, start, opts, nested);
  for (const job of nested) {
    ctx.chargeDecompressed(job.len);
    const payload = job.data ? new BufferSource(job.data) : new SliceSource(src, job.off, job.len);
    await ctx.scanNested(payload, `<nested pickle at offset ${job.off}>`);
  }
}

/** The synchronous part: every stream and the raw data between them; nested payloads are collected into `nested`. */
function streams(src: ByteSource, ctx: ScanContext, start: number, opts: PickleScanOptions, nested: NestedJob[]): void {
  const layout = new Layout();
  const sink = new SourceFindings(ctx);
  let pos = start;
  let window: Window | undefined;
  try {
    for (let index = 0; ; index++) {
      if ((index & 0xff) === 0xff) ctx.checkDeadline(); // a stream checks every 65536 opcodes; tiny streams add up
      const tentative = index > 0 && !layout.expectsStream(index);
      const report = new StreamReport();
      let r: StreamResult;
      try {
        r = new PickleMachine(src, ctx, pos, { joblib: true, report, ...(window ? { window } : {}) }).run();
      } catch (e) {
        report.flush(sink); // ScanAbort (deadline): keep what was seen
        throw e;
      }
      window = r.window;
      const brk = report.breakInfo;
      if (tentative && !r.completed && report.signals === 0 && !(r.firstOp === 0x80 && brk !== undefined && brk.offset > pos)) {
        ctx.report(PICKLE_RULES['trailing-data'], { offset: pos, message: `${src.size - pos} bytes from byte ${pos} follow the last pickle stream and do not form one; pickle.load ignores them` });
        return;
      }
      report.flush(sink);
      nested.push(...r.nested);
      if (r.sawJoblibArray && opts.refineFormat) ctx.refineFormat('joblib');
      if (!r.completed) return;
      const next = skipRaw(src, ctx, r.end, layout.after(index, r, ctx, opts.refineFormat === true));
      if (next === undefined || next >= src.size) return;
      pos = next;
    }
  } finally {
    sink.finish();
  }
}

export const pickleScanner: FormatScanner = {
  format: 'pickle',
  scan: (src, ctx) => scanPickleStreams(src, ctx, 0, { refineFormat: true }),
};
