// The shared core classifier: one pass over a text's features yields the injection, harmful-request and
// toxicity scores that three detectors read; memoised per TextAnalysis so the work is done once.
import type { TextAnalysis, VariantKind } from '../../text/analysis.js';
import { calibrate } from './calibrate.js';
import { type LinearModel, loadShippedModel } from './linear-model.js';

export const CORE_MODEL_FILE = 'core.bin';
export type CoreHeadName = 'injection' | 'harmful' | 'toxic';

/** Window of tokens scored on its own so that a short attack inside a long document is not averaged away. */
export const WINDOW_TOKENS = 48;
export const WINDOW_STRIDE = 24;
/** Long texts are scored in chunks of this many characters (with overlap), bounding the buffers. */
const CHUNK_CHARS = 16_000;
const CHUNK_OVERLAP = 1_000;
const MAX_VARIANTS = 8;

export interface HeadScore {
  /** Calibrated score 0..1; 0.5 is the operating point chosen on validation data. */
  score: number;
  /** Which reading of the text gave the score: the text itself or a decoded variant. */
  via: 'text' | VariantKind;
}

export type CoreScores = Record<CoreHeadName, HeadScore>;

interface Loaded {
  model: LinearModel;
  heads: Record<CoreHeadName, number>;
}

let loaded: Loaded | undefined;

function core(): Loaded {
  if (!loaded) {
    const model = loadShippedModel(CORE_MODEL_FILE);
    loaded = {
      model,
      heads: { injection: model.headIndex('injection'), harmful: model.headIndex('harmful'), toxic: model.headIndex('toxic') },
    };
  }
  return loaded;
}

/** Loads the shipped weights now (detectors call this from create(), so a missing file fails at start-up). */
export function ensureCoreModel(): LinearModel {
  return core().model;
}

const memo = new WeakMap<TextAnalysis, CoreScores>();

/** Raw per-head probabilities of one normalised text (window max, chunked for long texts). */
export function rawCoreProbabilities(model: LinearModel, text: string, out: Float64Array): Float64Array {
  out.fill(0);
  const tmp = new Float64Array(out.length);
  for (let start = 0; start < Math.max(text.length, 1); start += CHUNK_CHARS - CHUNK_OVERLAP) {
    const chunk = text.length <= CHUNK_CHARS ? text : text.slice(start, start + CHUNK_CHARS);
    model.scoreText(chunk, WINDOW_TOKENS, WINDOW_STRIDE, tmp, CHUNK_CHARS);
    for (let h = 0; h < out.length; h++) if (tmp[h]! > out[h]!) out[h] = tmp[h]!;
    if (start + CHUNK_CHARS >= text.length) break;
  }
  return out;
}

export function coreScores(analysis: TextAnalysis): CoreScores {
  const cached = memo.get(analysis);
  if (cached) return cached;
  const { model, heads } = core();
  const probs = rawCoreProbabilities(model, analysis.normalized, new Float64Array(model.header.heads.length));
  const via: ('text' | VariantKind)[] = model.header.heads.map(() => 'text');
  const variants = analysis.variants;
  if (variants.length > 0) {
    const plain = Float64Array.from(probs);
    const vp = new Float64Array(probs.length);
    for (const variant of variants.slice(0, MAX_VARIANTS)) {
      rawCoreProbabilities(model, variant.text, vp);
      for (let h = 0; h < probs.length; h++) {
        if (vp[h]! <= probs[h]!) continue;
        probs[h] = vp[h]!;
        // A decoded reading is named as the cause only when it changed the decision.
        const threshold = model.header.heads[h]!.threshold;
        if (plain[h]! < threshold && vp[h]! >= threshold) via[h] = variant.kind;
      }
    }
  }
  const result = {} as CoreScores;
  for (const name of ['injection', 'harmful', 'toxic'] as const) {
    const h = heads[name];
    result[name] = { score: calibrate(probs[h]!, model.header.heads[h]!.threshold), via: via[h]! };
  }
  memo.set(analysis, result);
  return result;
}
