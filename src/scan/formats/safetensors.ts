// safetensors scanner: the format has no code, so the risks are structural — a header that makes loaders misbehave,
// and bytes in the data section that no tensor accounts for (a place to hide a payload for a second-stage loader).
// The checks follow the reference loader (huggingface/safetensors `Metadata::validate`, `SafeTensors::read_metadata`):
// tensors sorted by offset must tile the data section exactly, each of dtype size × element count bytes.
import { ScanAbort, type ScanContext } from '../context.js';
import { COMMON_RULES, defineRules, TAGS_SUPPLY_CHAIN, type ScanRule } from '../rules.js';
import type { ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';
import { formatError, isPlainObject, own, parseJsonBytes, printable, reportStructural, Truncated } from './structure.js';

export const SAFETENSORS_RULES = defineRules(
  {
    'hidden-data': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'safetensors data section holds bytes no tensor describes',
      help: 'Bytes between tensors or after the last one are not part of any tensor. The reference loader refuses such a file; other readers skip the bytes, which can then carry a payload for a second-stage loader.',
      tags: TAGS_SUPPLY_CHAIN,
    },
  },
  'safetensors',
);

/** Bits per element of each dtype the reference implementation knows (safetensors `Dtype::bitsize`). */
const DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ['BOOL', 8],
  ['F4', 4],
  ['F6_E2M3', 6],
  ['F6_E3M2', 6],
  ['U8', 8],
  ['I8', 8],
  ['F8_E5M2', 8],
  ['F8_E4M3', 8],
  ['F8_E8M0', 8],
  ['I16', 16],
  ['U16', 16],
  ['F16', 16],
  ['BF16', 16],
  ['I32', 32],
  ['U32', 32],
  ['F32', 32],
  ['C64', 64],
  ['F64', 64],
  ['I64', 64],
  ['U64', 64],
]);

const MAX_PROBLEMS = 20;

interface Tensor {
  name: string;
  begin: number;
  end: number;
}

export const safetensorsScanner: FormatScanner = {
  format: 'safetensors',
  scan(src: ByteSource, ctx: ScanContext): void {
    try {
      scan(src, ctx);
    } catch (e) {
      reportStructural(ctx, e, 'safetensors');
    }
  },
};

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function scan(src: ByteSource, ctx: ScanContext): void {
  const head = src.read(0, 8);
  if (head.length < 8) throw new Truncated('file is shorter than the 8-byte header length', head.length);
  const declared = head.readBigUInt64LE(0);
  const room = src.size - 8;
  if (declared > BigInt(room)) throw new Truncated(`header length ${declared} runs past the end of the file (${room} bytes follow)`, 0);
  const n = Number(declared);
  if (n > ctx.limits.maxMetadataBytes) {
    throw new ScanAbort('limit', `safetensors header of ${n} bytes exceeds the ${ctx.limits.maxMetadataBytes}-byte metadata limit`, ctx.member);
  }
  const headerBytes = src.read(8, n);
  if (headerBytes[0] !== 0x7b) throw formatError('header does not start with "{"', 8);
  const header = parseJsonBytes(headerBytes, 'header', 8);
  if (!isPlainObject(header)) throw formatError('header is not a JSON object', 8);

  const dataStart = 8 + n;
  const dataSize = src.size - dataStart;
  let problems = 0;
  const problem: Problem = (rule, message, offset) => {
    if (problems++ < MAX_PROBLEMS) ctx.report(rule, { message, offset });
  };

  const tensors: Tensor[] = [];
  for (const name of Object.keys(header)) {
    const info = own(header, name);
    if (name === '__metadata__') {
      checkMetadata(info, problem);
      continue;
    }
    const t = checkTensor(name, info, problem);
    if (t) tensors.push(t);
  }

  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let end = 0;
  for (const t of tensors) {
    if (t.begin < end) {
      problem(COMMON_RULES.malformed, `tensor ${printable(t.name)} [${t.begin}, ${t.end}) overlaps the tensor before it`, dataStart + t.begin);
    } else if (t.begin > end) {
      problem(SAFETENSORS_RULES['hidden-data'], `${t.begin - end} bytes before tensor ${printable(t.name)} belong to no tensor`, dataStart + end);
      problem(COMMON_RULES.malformed, `tensor ${printable(t.name)} starts at ${t.begin}, not where the previous one ends (${end})`, dataStart + end);
    }
    end = Math.max(end, t.end);
  }
  if (end > dataSize) {
    problem(COMMON_RULES.truncated, `tensors need ${end} bytes of data but only ${dataSize} follow the header`, src.size);
  } else if (end < dataSize) {
    problem(SAFETENSORS_RULES['hidden-data'], `${dataSize - end} bytes after the last tensor belong to no tensor`, dataStart + end);
    problem(COMMON_RULES.malformed, `data section is ${dataSize} bytes but the tensors cover ${end}`, dataStart + end);
  }
}

type Problem = (rule: ScanRule, message: string, offset: number) => void;

function checkMetadata(info: unknown, problem: Problem): void {
  if (!isPlainObject(info)) {
    problem(COMMON_RULES.malformed, '__metadata__ is not an object', 8);
    return;
  }
  for (const key of Object.keys(info)) {
    if (typeof own(info, key) !== 'string') {
      problem(COMMON_RULES.malformed, `__metadata__ value ${printable(key)} is not a string`, 8);
      return;
    }
  }
}

function checkTensor(name: string, info: unknown, problem: Problem): Tensor | undefined {
  const label = `tensor ${printable(name)}`;
  if (!isPlainObject(info)) {
    problem(COMMON_RULES.malformed, `${label} is not an object`, 8);
    return undefined;
  }
  const dtype = own(info, 'dtype');
  const shape = own(info, 'shape');
  const offsets = own(info, 'data_offsets');
  const bits = typeof dtype === 'string' ? DTYPE_BITS.get(dtype) : undefined;
  if (bits === undefined) {
    problem(COMMON_RULES.malformed, `${label} has unknown dtype ${printable(String(dtype), 40)}`, 8);
    return undefined;
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    problem(COMMON_RULES.malformed, `${label} shape is not a list of non-negative integers`, 8);
    return undefined;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0]! > offsets[1]!) {
    problem(COMMON_RULES.malformed, `${label} data_offsets is not [begin, end] with begin <= end`, 8);
    return undefined;
  }
  const [begin, end] = offsets as [number, number];
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) {
      problem(COMMON_RULES.malformed, `${label} has an implausible element count`, 8);
      return undefined;
    }
  }
  const totalBits = elements * bits;
  if (!Number.isSafeInteger(totalBits) || totalBits % 8 !== 0) {
    problem(COMMON_RULES.malformed, `${label} does not fill whole bytes (${elements} × ${bits} bits)`, 8);
  } else if (end - begin !== totalBits / 8) {
    problem(COMMON_RULES.malformed, `${label} ${dtype as string} ${JSON.stringify(shape)} needs ${totalBits / 8} bytes but data_offsets span ${end - begin}`, 8);
  }
  return { name, begin, end };
}
