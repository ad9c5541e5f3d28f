// /v1/embeddings: deterministic pseudo-embeddings (unit vectors seeded by a SHA-256 of the input), `dimensions` and
// `encoding_format` (float or base64 little-endian float32) honoured.
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { readModel, type Parsed } from './chat-request.js';
import { wireError } from './wire-errors.js';

export const DEFAULT_DIMENSIONS = 1536;
const BIG_ENDIAN = endianness() === 'BE';
export const MAX_DIMENSIONS = 8192;
/** OpenAI's cap on inputs per request. */
export const MAX_INPUTS = 2048;

export interface EmbeddingRequest {
  model: string;
  /** Each input as the text hashed for its vector; token arrays become their numbers joined by commas. */
  inputs: { key: string; tokens: number }[];
  dimensions: number;
  encoding: 'float' | 'base64';
}

const INPUT_SHAPE = "'input' must be a non-empty string, an array of non-empty strings, an array of tokens or an array of token arrays";

export function parseEmbeddingRequest(body: Record<string, unknown>): Parsed<EmbeddingRequest> {
  const model = readModel(body);
  if (!model.ok) return model;
  const inputs = readInputs(body.input);
  if (inputs === undefined) return { ok: false, error: wireError(400, INPUT_SHAPE, 'input', 'invalid_type') };
  if (inputs.length > MAX_INPUTS) return { ok: false, error: wireError(400, `at most ${MAX_INPUTS} inputs per request`, 'input', 'invalid_value') };
  const dims = body.dimensions ?? DEFAULT_DIMENSIONS;
  if (typeof dims !== 'number' || !Number.isSafeInteger(dims) || dims < 1 || dims > MAX_DIMENSIONS) {
    return { ok: false, error: wireError(400, `'dimensions' must be an integer from 1 to ${MAX_DIMENSIONS}`, 'dimensions', 'invalid_value') };
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return { ok: false, error: wireError(400, "'encoding_format' must be 'float' or 'base64'", 'encoding_format', 'invalid_value') };
  }
  return { ok: true, value: { model: model.value, inputs, dimensions: dims, encoding: format } };
}

function readInputs(input: unknown): { key: string; tokens: number }[] | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [{ key: input, tokens: Math.ceil(input.length / 4) }];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((t) => typeof t === 'number')) return [{ key: `tokens:${input.join(',')}`, tokens: input.length }];
  const inputs: { key: string; tokens: number }[] = [];
  for (const item of input) {
    if (typeof item === 'string' && item !== '') inputs.push({ key: item, tokens: Math.ceil(item.length / 4) });
    else if (Array.isArray(item) && item.length > 0 && item.every((t) => typeof t === 'number')) {
      inputs.push({ key: `tokens:${item.join(',')}`, tokens: item.length });
    } else return undefined;
  }
  return inputs;
}

/** A unit vector of `dimensions` floats, a pure function of (`key`, `dimensions`). */
export function pseudoEmbedding(key: string, dimensions: number): Float32Array {
  const seed = createHash('sha256').update(key, 'utf8').digest();
  // xorshift128 seeded with the first 16 bytes of the hash: portable and platform-independent.
  let a = seed.readUInt32LE(0) | 1;
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  const v = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    let t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = (d ^ (d >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    t = d / 0x100000000 - 0.5;
    v[i] = t;
    norm += t * t;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dimensions; i++) v[i] = (v[i] as number) * scale;
  return v;
}

/** OpenAI's base64 encoding: the float32 values little-endian, whatever the platform's byte order. */
function float32LeBase64(v: Float32Array): string {
  const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return (BIG_ENDIAN ? Buffer.from(bytes).swap32() : bytes).toString('base64');
}

export function embeddingBody(request: EmbeddingRequest, modelJson: string): string {
  let tokens = 0;
  const data = request.inputs.map((input, index) => {
    tokens += input.tokens;
    const v = pseudoEmbedding(input.key, request.dimensions);
    const embedding = request.encoding === 'base64' ? `"${float32LeBase64(v)}"` : `[${Array.from(v).join(',')}]`;
    return `{"object":"embedding","index":${index},"embedding":${embedding}}`;
  });
  return `{"object":"list","data":[${data.join(',')}],"model":${modelJson},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`;
}
