// Multi-head linear classifiers over hashed features: the binary weight format, loading, and scoring.
//
// File layout: "BWLM" magic, uint32 format version, uint32 header length, UTF-8 JSON header, padding to
// 4 bytes, then int8 weights laid out bucket-major (all heads of one bucket side by side, so one memory
// access serves every head). Each head has its own float scale and bias.
import { readFileSync } from 'node:fs';
import { BulwarkError } from '../../core/errors.js';
import { AccumulatorSink, type FeatureBag, type FeatureSpec, Featurizer } from './features.js';
import { conceptLexicon } from './shared-lexicon.js';

const MAGIC = 0x4d4c5742; // "BWLM" little-endian
const FORMAT_VERSION = 1;

export interface HeadSpec {
  name: string;
  bias: number;
  scale: number;
  /** Decision threshold on the probability chosen on validation data at training time. */
  threshold: number;
  /**
   * Evidence prior: in a window of n features the linear term is scaled by n / (n + evidence), pulling texts of a few
   * features towards the bias (the head's prior). Without it a one-word text such as "OK", whose handful of features
   * all carry the weight of some attack template, scored as surely as a real attack. Absent = 0 (none).
   */
  evidence?: number;
}

export interface ModelHeader {
  name: string;
  spec: FeatureSpec;
  heads: HeadSpec[];
  /** Free-form training facts (data sources, date, metrics) carried for the data card. */
  meta?: Record<string, unknown>;
}

export class LinearModel {
  readonly header: ModelHeader;
  readonly featurizer: Featurizer;
  private readonly weights: Int8Array;
  private readonly heads: number;
  private readonly sums: Float64Array;
  private readonly mask: number;

  constructor(header: ModelHeader, weights: Int8Array) {
    const buckets = 1 << header.spec.bits;
    if (weights.length !== buckets * header.heads.length) {
      throw new BulwarkError('ERR_MODEL_INVALID', `model ${header.name}: weight count does not match its header`);
    }
    this.header = header;
    this.weights = weights;
    this.heads = header.heads.length;
    let lexicon;
    if (header.spec.concepts) {
      lexicon = conceptLexicon();
      if (header.spec.conceptsVersion !== lexicon.version) {
        throw new BulwarkError(
          'ERR_MODEL_INVALID',
          `model ${header.name} was trained with concept lexicon ${header.spec.conceptsVersion ?? '?'} but concepts.json is ${lexicon.version}; run "npm run train"`,
        );
      }
    }
    this.featurizer = new Featurizer(header.spec, lexicon);
    this.sums = new Float64Array(this.heads);
    this.mask = buckets - 1;
    this.evidence = Float64Array.from(header.heads, (h) => {
      const e = h.evidence ?? 0;
      if (!(e >= 0 && Number.isFinite(e))) throw new BulwarkError('ERR_MODEL_INVALID', `model ${header.name}: head ${h.name} has an invalid evidence prior`);
      return e;
    });
  }

  /** Each head's evidence prior (HeadSpec.evidence), 0 for none. */
  private readonly evidence: Float64Array;

  /** Head h's factor of the linear term for `n` features: 1/√n (length normalisation) times its evidence prior. */
  private norm(h: number, n: number): number {
    if (n <= 0) return 0;
    const e = this.evidence[h]!;
    return e > 0 ? n / ((n + e) * Math.sqrt(n)) : 1 / Math.sqrt(n);
  }

  headIndex(name: string): number {
    const i = this.header.heads.findIndex((h) => h.name === name);
    if (i < 0) throw new TypeError(`model ${this.header.name} has no head "${name}"`);
    return i;
  }

  /** Probabilities of every head for the whole text. */
  score(normalizedText: string, out: Float64Array = new Float64Array(this.heads)): Float64Array {
    return this.scoreBag(this.featurizer.extract(normalizedText), out);
  }

  /**
   * Scores a bag of features. The bag may come from a featurizer with more bits than this model
   * (same hashing): its indices are then folded onto this model's buckets.
   */
  scoreBag(bag: FeatureBag, out: Float64Array = new Float64Array(this.heads)): Float64Array {
    const H = this.heads;
    const w = this.weights;
    const sums = this.sums;
    const mask = this.mask;
    sums.fill(0);
    const { index, value, length } = bag;
    for (let i = 0; i < length; i++) {
      const base = (index[i]! & mask) * H;
      const v = value[i]!;
      for (let h = 0; h < H; h++) sums[h] = sums[h]! + v * w[base + h]!;
    }
    if (length === 0) return out.fill(0); // nothing to judge: no evidence either way
    for (let h = 0; h < H; h++) {
      const head = this.header.heads[h]!;
      out[h] = sigmoid(head.bias + head.scale * sums[h]! * this.norm(h, length));
    }
    return out;
  }

  private sink: AccumulatorSink | undefined;

  /**
   * Same result as `scoreWindows(featurizer.extract(text), …)` without materialising the features: the fast path
   * for scoring a text once.
   */
  scoreText(text: string, window: number, stride: number, out: Float64Array = new Float64Array(this.heads), maxChars = 20_000): Float64Array {
    const sink = (this.sink ??= new AccumulatorSink(this.weights, this.heads, 1 << this.header.spec.bits));
    sink.reset();
    const T = this.featurizer.accumulate(text, sink, maxChars);
    if (sink.features === 0) return out.fill(0);
    this.windowMax(sink.prefix, sink.counts, T, window, stride, out);
    return out;
  }

  /** Reused per-token accumulators: cumulative weighted sums per head and cumulative feature counts. */
  private prefix = new Float64Array(0);
  private counts = new Int32Array(0);

  /**
   * Highest probability per head over the whole text and over windows of `window` tokens (step `stride`),
   * so that a short instruction buried in a long document is not averaged away. One pass over the features.
   */
  scoreWindows(bag: FeatureBag, window: number, stride: number, out: Float64Array = new Float64Array(this.heads)): Float64Array {
    const H = this.heads;
    const w = this.weights;
    const mask = this.mask;
    const T = bag.tokens;
    if (bag.length === 0) return out.fill(0);
    if (this.counts.length < T + 1) {
      this.counts = new Int32Array(2 * (T + 1));
      this.prefix = new Float64Array(2 * (T + 1) * H);
    }
    const prefix = this.prefix;
    const counts = this.counts;
    const { index, value, token, length } = bag;
    prefix.fill(0, 0, H);
    counts[0] = 0;
    let f = 0;
    for (let t = 0; t < T; t++) {
      const row = (t + 1) * H;
      const first = f;
      if (H === 1) {
        let acc = prefix[t]!;
        for (; f < length && token[f] === t; f++) acc += value[f]! * w[index[f]! & mask]!;
        prefix[row] = acc;
      } else if (H === 3) {
        let a0 = prefix[row - 3]!;
        let a1 = prefix[row - 2]!;
        let a2 = prefix[row - 1]!;
        for (; f < length && token[f] === t; f++) {
          const base = (index[f]! & mask) * 3;
          const v = value[f]!;
          a0 += v * w[base]!;
          a1 += v * w[base + 1]!;
          a2 += v * w[base + 2]!;
        }
        prefix[row] = a0;
        prefix[row + 1] = a1;
        prefix[row + 2] = a2;
      } else {
        for (let h = 0; h < H; h++) prefix[row + h] = prefix[row - H + h]!;
        for (; f < length && token[f] === t; f++) {
          const base = (index[f]! & mask) * H;
          const v = value[f]!;
          for (let h = 0; h < H; h++) prefix[row + h] = prefix[row + h]! + v * w[base + h]!;
        }
      }
      counts[t + 1] = counts[t]! + (f - first);
    }
    this.windowMax(prefix, counts, T, window, stride, out);
    return out;
  }

  /** Whole-text probabilities, then the maximum with every window, from prefix sums over tokens. */
  private windowMax(prefix: Float64Array, counts: Int32Array, T: number, window: number, stride: number, out: Float64Array): void {
    this.windowProbabilities(prefix, counts, 0, T, out, true);
    if (T <= window) return;
    for (let start = 0; start < T; start += stride) {
      const end = Math.min(T, start + window);
      this.windowProbabilities(prefix, counts, start, end, out, false);
      if (end === T) break;
    }
  }

  private windowProbabilities(prefix: Float64Array, counts: Int32Array, start: number, end: number, out: Float64Array, assign: boolean): void {
    const H = this.heads;
    const n = counts[end]! - counts[start]!;
    for (let h = 0; h < H; h++) {
      const head = this.header.heads[h]!;
      const p = sigmoid(head.bias + head.scale * (prefix[end * H + h]! - prefix[start * H + h]!) * this.norm(h, n));
      if (assign || p > out[h]!) out[h] = p;
    }
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Serialises a model to the binary format. */
export function encodeModel(header: ModelHeader, weights: Int8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerLen = json.length;
  const pad = (4 - ((12 + headerLen) % 4)) % 4;
  const out = Buffer.alloc(12 + headerLen + pad + weights.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(FORMAT_VERSION, 4);
  out.writeUInt32LE(headerLen, 8);
  json.copy(out, 12);
  Buffer.from(weights.buffer, weights.byteOffset, weights.length).copy(out, 12 + headerLen + pad);
  return out;
}

export function decodeModel(buf: Buffer, source = 'model'): LinearModel {
  if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) {
    throw new BulwarkError('ERR_MODEL_INVALID', `${source}: not a Bulwark linear model file`);
  }
  const version = buf.readUInt32LE(4);
  if (version !== FORMAT_VERSION) {
    throw new BulwarkError('ERR_MODEL_INVALID', `${source}: unsupported model format version ${version}`);
  }
  const headerLen = buf.readUInt32LE(8);
  if (12 + headerLen > buf.length) throw new BulwarkError('ERR_MODEL_INVALID', `${source}: truncated header`);
  let header: ModelHeader;
  try {
    header = JSON.parse(buf.subarray(12, 12 + headerLen).toString('utf8')) as ModelHeader;
  } catch (e) {
    throw new BulwarkError('ERR_MODEL_INVALID', `${source}: header is not valid JSON`, { cause: e });
  }
  const pad = (4 - ((12 + headerLen) % 4)) % 4;
  const start = 12 + headerLen + pad;
  const weights = new Int8Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  return new LinearModel(header, weights);
}

const cache = new Map<string, LinearModel>();

/** Loads (once per process) a model shipped beside this module, e.g. `loadShippedModel('prompt-injection.bin')`. */
export function loadShippedModel(file: string): LinearModel {
  const cached = cache.get(file);
  if (cached) return cached;
  const url = new URL(`./${file}`, import.meta.url);
  let buf: Buffer;
  try {
    buf = readFileSync(url);
  } catch (e) {
    throw new BulwarkError('ERR_MODEL_INVALID', `shipped model ${file} is missing; run "npm run train"`, { cause: e });
  }
  const model = decodeModel(buf, file);
  cache.set(file, model);
  return model;
}
