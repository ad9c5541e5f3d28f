import { describe, expect, it } from 'vitest';
import { completionTokensIn } from './usage.js';

describe('completionTokensIn', () => {
  it('reads usage.completion_tokens of an answer or a usage chunk', () => {
    expect(completionTokensIn('{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":55,"total_tokens":62}}')).toBe(55);
    expect(completionTokensIn('{"usage": {"completion_tokens" :  0 }}')).toBe(0);
  });

  it('is undefined without usage, with a null or odd value', () => {
    expect(completionTokensIn('{"choices":[{"delta":{"content":"hi"}}],"usage":null}')).toBeUndefined();
    expect(completionTokensIn('{"usage":{"completion_tokens":null}}')).toBeUndefined();
    expect(completionTokensIn('{"usage":{"completion_tokens":"12"}}')).toBeUndefined();
    expect(completionTokensIn('')).toBeUndefined();
  });

  it('is not fooled by the key inside generated text (quotes are escaped there)', () => {
    expect(completionTokensIn('{"choices":[{"message":{"content":"say \\"completion_tokens\\": 1"}}]}')).toBeUndefined();
    expect(completionTokensIn('{"choices":[{"message":{"content":"\\"completion_tokens\\":1"}}],"usage":{"completion_tokens":9}}')).toBe(9);
  });

  it('takes linear time on hostile input', () => {
    const text = '"completion_tokens"'.repeat(50_000) + ':' + ' '.repeat(200_000);
    expect(completionTokensIn(text)).toBeUndefined();
  });
});
