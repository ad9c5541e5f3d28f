// Pseudo-embeddings: deterministic unit vectors; request reading; float and base64 serialisation agree.
import { describe, expect, it } from 'vitest';
import { embeddingBody, MAX_INPUTS, parseEmbeddingRequest, pseudoEmbedding } from './embeddings.js';

describe('pseudoEmbedding', () => {
  it('is a deterministic unit vector per input and dimension count', () => {
    const a = pseudoEmbedding('hello', 256);
    expect(a).toEqual(pseudoEmbedding('hello', 256));
    expect(a).not.toEqual(pseudoEmbedding('hellp', 256));
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(pseudoEmbedding('x', 1)[0]).toBeCloseTo(Math.sign(pseudoEmbedding('x', 1)[0] ?? 0), 6);
    // Regression anchor: changing the generator changes every stored test expectation downstream.
    expect(Array.from(pseudoEmbedding('hello', 4)).map((v) => v.toFixed(4))).toEqual(['-0.4366', '-0.3282', '0.3800', '-0.7465']);
  });

  it('spreads different inputs apart (random unit vectors are near-orthogonal)', () => {
    const a = pseudoEmbedding('the cat', 1536);
    const b = pseudoEmbedding('the dog', 1536);
    const cosine = a.reduce((s, v, i) => s + v * (b[i] ?? 0), 0);
    expect(Math.abs(cosine)).toBeLessThan(0.15);
  });
});

describe('embedding requests', () => {
  it('reads strings, token arrays and arrays of either', () => {
    const r = parseEmbeddingRequest({ model: 'm', input: [[1, 2, 3], 'abcd'], dimensions: 3, encoding_format: 'base64' });
    expect(r).toEqual({
      ok: true,
      value: { model: 'm', inputs: [{ key: 'tokens:1,2,3', tokens: 3 }, { key: 'abcd', tokens: 1 }], dimensions: 3, encoding: 'base64' },
    });
    expect(parseEmbeddingRequest({ model: 'm', input: [5, 6] })).toMatchObject({ ok: true, value: { inputs: [{ tokens: 2 }], dimensions: 1536 } });
  });

  it.each([
    [{ input: 'x' }, 'model'],
    [{ model: 'm' }, 'input'],
    [{ model: 'm', input: ['a', 3] }, 'input'],
    [{ model: 'm', input: [[]] }, 'input'],
    [{ model: 'm', input: Array(MAX_INPUTS + 1).fill('a') }, 'input'],
    [{ model: 'm', input: 'a', dimensions: 1.5 }, 'dimensions'],
    [{ model: 'm', input: 'a', dimensions: 100_000 }, 'dimensions'],
  ])('rejects %j naming %s', (body, param) => {
    expect(parseEmbeddingRequest(body)).toMatchObject({ ok: false, error: { status: 400, param } });
  });

  it('serialises float and base64 to the same vector', () => {
    const base = { model: 'm', inputs: [{ key: 'k', tokens: 1 }], dimensions: 5 };
    const float = JSON.parse(embeddingBody({ ...base, encoding: 'float' }, '"m"')) as { data: { embedding: number[] }[] };
    const b64 = JSON.parse(embeddingBody({ ...base, encoding: 'base64' }, '"m"')) as { data: { embedding: string }[] };
    const bytes = Buffer.from(b64.data[0]?.embedding ?? '', 'base64');
    const decoded = Array.from({ length: 5 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(float.data[0]?.embedding);
  });
});
