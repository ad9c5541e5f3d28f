// Raw data that loaders read between or inside pickle streams: joblib's inline numpy arrays (after a
// NumpyArrayWrapper BUILD) and the storage records of pre-zip PyTorch checkpoints. Pure functions over symbolic
// values: they say how many bytes follow, or why that cannot be known.
// Formats from joblib/numpy_pickle.py (NumpyArrayWrapper.write_array/read_array) and torch/serialization.py
// (_legacy_save/_legacy_load, legacy_load for the tar layout); numpy's dtype pickling from numpy/_core descriptor.c.
import { TORCH_STORAGE_ELEMENT_SIZE } from './pickle-globals.js';
import { isCall, isGlobal, isSeq, isStr, type CallV, type GlobalV, type Value } from './pickle-values.js';

export const JOBLIB_WRAPPERS = new Set(['joblib.numpy_pickle.NumpyArrayWrapper', 'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper']);

export function isJoblibWrapper(fn: Value): fn is GlobalV {
  return isGlobal(fn) && JOBLIB_WRAPPERS.has(`${fn.module}.${fn.name}`);
}

export type JoblibArray =
  | { kind: 'raw'; /** a padding-length byte (and that many bytes) precedes the data */ padded: boolean; bytes: number }
  | { kind: 'pickle' }
  | { kind: 'unknown'; why: string };

/** Attribute dict of the wrapper: constructor arguments (REDUCE/OBJ/INST run __init__) overlaid with BUILD state. */
function wrapperAttributes(w: CallV, state: Value): Map<string, Value> | string {
  const attrs = new Map<string, Value>();
  if (w.op !== 'NEWOBJ' && w.op !== 'NEWOBJ_EX') {
    const names = ['subclass', 'shape', 'order', 'dtype', 'allow_mmap', 'numpy_array_alignment_bytes'];
    const args = isSeq(w.args, 'tuple') ? w.args.items : [];
    names.forEach((n, i) => {
      if (i < args.length) attrs.set(n, args[i]!);
    });
    if (!attrs.has('numpy_array_alignment_bytes')) attrs.set('numpy_array_alignment_bytes', 16);
  }
  const dicts: Value[] = [];
  if (isSeq(state, 'dict')) dicts.push(state);
  else if (isSeq(state, 'tuple') && state.items.length === 2) dicts.push(...state.items);
  else if (typeof state !== 'object' || state.k !== 'none') return 'its state is not a dict';
  for (const d of dicts) {
    if (typeof d === 'object' && d.k === 'none') continue;
    if (!isSeq(d, 'dict') || !d.complete) return 'its state is not a complete dict';
    for (let i = 0; i + 1 < d.items.length; i += 2) {
      const k = d.items[i];
      if (!isStr(k) || k.s === undefined) return 'its state has a key that is not a short string';
      attrs.set(k.s, d.items[i + 1]!);
    }
  }
  return attrs;
}

interface DtypeInfo {
  itemsize: number;
  hasObject: boolean;
}

const FIXED_KINDS = new Set(['b', 'i', 'u', 'f', 'c', 'M', 'm', 'O']);

/** Dtype visits allowed per array: memo references can make a small pickle describe an exponentially large dtype. */
const DTYPE_VISITS = 4096;

/** Item size and object-ness of a `numpy.dtype(...)` call value with its BUILD state, or a reason it is unknown. */
export function dtypeInfo(v: Value, depth = 0, budget = { visits: DTYPE_VISITS }): DtypeInfo | string {
  if (depth > 8) return 'its dtype nests too deeply';
  if (--budget.visits < 0) return 'its dtype is too complex';
  if (!isCall(v) || !isGlobal(v.fn) || `${v.fn.module}.${v.fn.name}` !== 'numpy.dtype') return 'its dtype is not a numpy.dtype';
  const args = isSeq(v.args, 'tuple') ? v.args.items : [];
  const spec = args[0];
  if (!isStr(spec) || spec.s === undefined) return 'its dtype is not given by a type string';
  const m = /^[<>|=]?([a-zA-Z])(\d*)$/.exec(spec.s);
  if (!m) return `dtype ${JSON.stringify(spec.s.slice(0, 20))} is not understood`;
  const kind = m[1]!;
  const digits = m[2] ? Number(m[2]) : undefined;
  const state = isSeq(v.state, 'tuple') ? v.state.items : undefined;
  // numpy trusts the flags of a pickled dtype (NPY_ITEM_HASOBJECT = 1), and joblib asks dtype.hasobject
  const flags = state && state.length >= 8 && typeof state[7] === 'number' ? state[7] : undefined;
  let itemsize: number | undefined;
  let hasObject = kind === 'O';
  if (kind === 'V' || kind === 'S' || kind === 'U' || kind === 'a') {
    const elsize = state && state.length >= 6 && typeof state[5] === 'number' && state[5] >= 0 ? state[5] : undefined;
    itemsize = elsize ?? (digits === undefined ? undefined : kind === 'U' ? digits * 4 : digits);
    if (flags === undefined && kind === 'V' && state) {
      const nested = nestedObject(state, depth, budget);
      if (typeof nested === 'string') return nested;
      hasObject = nested;
    }
  } else if (FIXED_KINDS.has(kind)) {
    itemsize = digits;
  } else {
    return `dtype kind ${JSON.stringify(kind)} is not understood`;
  }
  if (flags !== undefined) hasObject = (flags & 1) === 1;
  if (itemsize === undefined || !Number.isSafeInteger(itemsize) || itemsize < 0 || itemsize > 1 << 30) return 'its dtype has no usable item size';
  return { itemsize, hasObject };
}

/** Whether a structured dtype's subarray base or fields hold objects (state: version, endian, subarray, names, fields…). */
function nestedObject(state: readonly Value[], depth: number, budget: { visits: number }): boolean | string {
  const parts: Value[] = [];
  const sub = state[2];
  if (isSeq(sub, 'tuple') && sub.items.length >= 1) parts.push(sub.items[0]!);
  const fields = state[4];
  if (isSeq(fields, 'dict')) {
    if (!fields.complete) return 'its structured dtype has too many fields';
    for (let i = 1; i < fields.items.length; i += 2) {
      const f = fields.items[i];
      if (isSeq(f, 'tuple') && f.items.length >= 1) parts.push(f.items[0]!);
      else return 'its structured dtype has a field that is not understood';
    }
  }
  for (const p of parts) {
    const info = dtypeInfo(p, depth + 1, budget);
    if (typeof info === 'string') return info;
    if (info.hasObject) return true;
  }
  return false;
}

/** What joblib reads right after the BUILD of `wrapper` with `state`. */
export function joblibArray(wrapper: CallV, state: Value): JoblibArray {
  const attrs = wrapperAttributes(wrapper, state);
  if (typeof attrs === 'string') return { kind: 'unknown', why: attrs };
  const dtype = dtypeInfo(attrs.get('dtype') ?? 0);
  if (typeof dtype === 'string') return { kind: 'unknown', why: dtype };
  if (dtype.hasObject) return { kind: 'pickle' };
  const shape = attrs.get('shape');
  if (!isSeq(shape, 'tuple') || !shape.complete) return { kind: 'unknown', why: 'its shape is not a tuple' };
  let count = 1;
  for (const d of shape.items) {
    if (typeof d !== 'number' || d < 0 || !Number.isSafeInteger(d)) return { kind: 'unknown', why: 'its shape has a dimension that is not a small non-negative integer' };
    count *= d;
  }
  const bytes = count * dtype.itemsize;
  if (!Number.isSafeInteger(bytes)) return { kind: 'unknown', why: 'its size overflows' };
  const align = attrs.get('numpy_array_alignment_bytes');
  const padded = align !== undefined && !(typeof align === 'object' && align.k === 'none');
  return { kind: 'raw', padded, bytes };
}

/** Element size of a storage type global (`torch.FloatStorage`, `torch.cuda.HalfStorage`, `torch.UntypedStorage`). */
export function storageElementSize(t: Value | undefined): number | undefined {
  if (!isGlobal(t) || (t.module !== 'torch' && t.module !== 'torch.cuda' && t.module !== 'torch.storage')) return undefined;
  const m = /^(\w+)Storage$/.exec(t.name);
  return m ? TORCH_STORAGE_ELEMENT_SIZE[m[1]!] : undefined;
}

/** PyTorch's legacy (pre-zip) magic number, the result of the first of its five pickles. */
export const TORCH_LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
