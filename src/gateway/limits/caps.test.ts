import { describe, expect, it } from 'vitest';
import { checkBodyBytes, checkMaxTokens, checkMessageCount, DEFAULT_CAPS, requestedMaxTokens } from './caps.js';

describe('caps', () => {
  it('answers 413 for a body over the limit', () => {
    expect(checkBodyBytes(DEFAULT_CAPS.maxBodyBytes).ok).toBe(true);
    expect(checkBodyBytes(DEFAULT_CAPS.maxBodyBytes + 1)).toMatchObject({ ok: false, status: 413, limit: 'body_bytes', max: 1_048_576 });
    expect(checkBodyBytes(Number.POSITIVE_INFINITY).ok).toBe(false);
  });

  it('answers 400 for too many messages', () => {
    const caps = { ...DEFAULT_CAPS, maxMessages: 2 };
    expect(checkMessageCount(2, caps).ok).toBe(true);
    expect(checkMessageCount(3, caps)).toMatchObject({ ok: false, status: 400, limit: 'messages' });
  });

  it('answers 400 for max_tokens above the cap or not a positive integer', () => {
    expect(checkMaxTokens(undefined).ok).toBe(true);
    expect(checkMaxTokens(null).ok).toBe(true);
    expect(checkMaxTokens(32_768).ok).toBe(true);
    expect(checkMaxTokens(32_769)).toMatchObject({ ok: false, status: 400, limit: 'max_tokens' });
    for (const bad of [0, -1, 1.5, '100', Number.NaN, 2 ** 60, {}]) {
      expect(checkMaxTokens(bad)).toMatchObject({ ok: false, status: 400, message: 'max_tokens must be a positive integer.' });
    }
  });

  it('reads max_completion_tokens before max_tokens', () => {
    expect(requestedMaxTokens({ max_tokens: 10, max_completion_tokens: 20 })).toBe(20);
    expect(requestedMaxTokens({ max_tokens: 10 })).toBe(10);
    expect(requestedMaxTokens({})).toBeUndefined();
  });
});
