// Writes GGUF files for the tests (spec: ggml-org/ggml docs/gguf.md): header, typed metadata, tensor infos, padding
// and zeroed tensor data. Options let tests break one thing at a time.

export type GgufValue =
  | { type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'bool' | 'u64' | 'i64' | 'f64'; value: number }
  | { type: 'string'; value: string }
  | { type: 'array'; of: GgufValue['type']; values: GgufValue[] };

export interface GgufTensor {
  name: string;
  dims: number[];
  type: number;
  /** Data offset; defaults to the next aligned position after the previous tensor. */
  offset?: number;
  /** Bytes of data written for it; defaults to its computed size. */
  bytes?: number;
}

const TYPE_IDS: Record<GgufValue['type'], number> = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12 };
const BYTES_PER_ELEMENT: Record<number, [number, number]> = { 0: [1, 4], 1: [1, 2], 2: [32, 18], 8: [32, 34], 12: [256, 144], 30: [1, 2] };

export function tensorBytes(t: GgufTensor): number {
  const [block, size] = BYTES_PER_ELEMENT[t.type] ?? [1, 1];
  return (t.dims.reduce((a, b) => a * b, 1) / block) * size;
}

export function writeGguf(opts: { version?: number; kv?: [string, GgufValue][]; tensors?: GgufTensor[]; alignment?: number; bigEndian?: boolean; trailing?: number; tensorCount?: number; kvCount?: number; /** false: stop after the header padding. */ data?: boolean }): Buffer {
  const version = opts.version ?? 3;
  const be = opts.bigEndian ?? false;
  const v1 = version === 1;
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    if (be) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    return b;
  };
  const u64 = (n: number | bigint): Buffer => {
    const b = Buffer.alloc(8);
    if (be) b.writeBigUInt64BE(BigInt(n));
    else b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const size = (n: number | bigint): Buffer => (v1 ? u32(Number(n)) : u64(n));
  const str = (s: string): Buffer => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([size(b.length), b]);
  };
  const scalar = (type: GgufValue['type'], value: number): Buffer => {
    const b = Buffer.alloc(8);
    switch (type) {
      case 'u8':
      case 'bool':
        return Buffer.from([value]);
      case 'i8':
        b.writeInt8(value);
        return b.subarray(0, 1);
      case 'u16':
        if (be) b.writeUInt16BE(value);
        else b.writeUInt16LE(value);
        return b.subarray(0, 2);
      case 'i16':
        if (be) b.writeInt16BE(value);
        else b.writeInt16LE(value);
        return b.subarray(0, 2);
      case 'u32':
        return u32(value);
      case 'i32':
        if (be) b.writeInt32BE(value);
        else b.writeInt32LE(value);
        return b.subarray(0, 4);
      case 'f32':
        if (be) b.writeFloatBE(value);
        else b.writeFloatLE(value);
        return b.subarray(0, 4);
      case 'u64':
      case 'i64':
        return u64(value);
      default:
        if (be) b.writeDoubleBE(value);
        else b.writeDoubleLE(value);
        return b;
    }
  };
  const value = (v: GgufValue): Buffer => {
    if (v.type === 'string') return str(v.value);
    if (v.type === 'array') return Buffer.concat([u32(TYPE_IDS[v.of]), size(v.values.length), ...v.values.map(value)]);
    return scalar(v.type, v.value);
  };
  const kv = [...(opts.kv ?? [])];
  const alignment = opts.alignment ?? 32;
  const tensors = opts.tensors ?? [];
  parts.push(Buffer.from('GGUF'), u32(version), size(opts.tensorCount ?? tensors.length), size(opts.kvCount ?? kv.length));
  for (const [k, v] of kv) parts.push(str(k), u32(TYPE_IDS[v.type]), value(v));
  let next = 0;
  const layout: { offset: number; bytes: number }[] = [];
  for (const t of tensors) {
    const bytes = t.bytes ?? tensorBytes(t);
    const offset = t.offset ?? next;
    layout.push({ offset, bytes });
    next = Math.ceil((offset + tensorBytes(t)) / alignment) * alignment;
    parts.push(str(t.name), u32(t.dims.length), ...t.dims.map((d) => size(d)), u32(t.type), u64(offset));
  }
  const header = Buffer.concat(parts);
  const dataStart = Math.ceil(header.length / alignment) * alignment;
  if (opts.data === false) return Buffer.concat([header, Buffer.alloc(dataStart - header.length)]);
  const dataEnd = Math.max(0, ...layout.map((l) => Math.ceil((l.offset + l.bytes) / alignment) * alignment));
  return Buffer.concat([header, Buffer.alloc(dataStart - header.length + dataEnd + (opts.trailing ?? 0))]);
}

export const s = (value: string): GgufValue => ({ type: 'string', value });
export const u32 = (value: number): GgufValue => ({ type: 'u32', value });
