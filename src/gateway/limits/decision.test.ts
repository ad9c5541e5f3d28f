import { describe, expect, it } from 'vitest';
import { limitError, retryAfterSeconds } from './decision.js';

describe('limitError', () => {
  it('answers 429 with Retry-After and an OpenAI-style rate limit body', () => {
    const r = limitError({ ok: false, limit: 'rpm', status: 429, retryAfterSeconds: 7, max: 60, message: 'slow down' });
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect(JSON.parse(r.body)).toEqual({ error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
  });

  it('answers 413 without Retry-After', () => {
    const r = limitError({ ok: false, limit: 'body_bytes', status: 413, max: 10, message: 'too big' });
    expect(r.headers['retry-after']).toBeUndefined();
    expect(JSON.parse(r.body).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
  });

  it('names the parameter for request caps', () => {
    const r = limitError({ ok: false, limit: 'max_tokens', status: 400, max: 10, message: 'x' });
    expect(JSON.parse(r.body).error.param).toBe('max_tokens');
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds, at least 1', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
    expect(retryAfterSeconds(61_000)).toBe(61);
  });
});
