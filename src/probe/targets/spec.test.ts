// Target specs as a suite writes them: the shorthand, strict keys named in errors, URL and header checks.
import { describe, expect, it } from 'vitest';
import { parseTargetSpec } from './spec.js';

describe('parseTargetSpec', () => {
  it('accepts each form and the simulated shorthand', () => {
    expect(parseTargetSpec('simulated:hardened')).toEqual({ type: 'simulated', profile: 'hardened' });
    expect(parseTargetSpec({ type: 'openai', baseUrl: 'https://api.example.test/v1', model: 'm', apiKeyEnv: 'OPENAI_API_KEY' })).toMatchObject({ type: 'openai' });
    expect(parseTargetSpec({ type: 'gateway', url: 'http://127.0.0.1:8080', model: 'm' })).toMatchObject({ type: 'gateway' });
    expect(parseTargetSpec({ type: 'http', url: 'http://x.test/chat', body: { q: '{{prompt}}' }, responsePath: '$.a' })).toMatchObject({ type: 'http' });
    expect(parseTargetSpec({ type: 'command', command: ['./bot'] })).toMatchObject({ type: 'command' });
  });

  it.each([
    ['simulated:evil', 'unknown target'],
    [{ type: 'openai', baseUrl: 'https://x.test', model: 'm', apiKey: 'sk-live-secret' }, 'apiKey'],
    [{ type: 'openai', baseUrl: 'ftp://x.test', model: 'm' }, 'http(s) URL'],
    [{ type: 'openai', baseUrl: 'https://x.test', model: 'm', apiKeyEnv: 'sk-live-secret' }, 'environment variable name'],
    [{ type: 'http', url: 'http://x.test', headers: { 'bad header': 'v' } }, 'HTTP header name'],
    [{ type: 'command', command: [] }, 'command'],
    [{ type: 'telnet' }, 'type'],
    [42, ''],
  ])('refuses %j', (spec, fragment) => {
    let error: unknown;
    try {
      parseTargetSpec(spec, 'suite.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining(fragment) });
    // Values are never echoed: a key pasted in the wrong place stays out of the message.
    expect((error as Error).message).not.toContain('sk-live-secret');
  });
});
