import { describe, expect, it } from 'vitest';
import type { GradeInput, GraderSpec, ProbeCase, TargetResponse } from '../types.js';
import { createGrader } from './index.js';

const CASE: ProbeCase = { id: 'p/1', pack: 'p', category: 'c', kind: 'quality', intent: 'i', tags: {}, turns: [{ role: 'user', content: 'hi' }], graders: [] };
function input(text: string, extra: Partial<TargetResponse> = {}): GradeInput {
  const response: TargetResponse = { text, latencyMs: 1, ...extra };
  return { case: CASE, response, transcript: [response] };
}
const signal = new AbortController().signal;
async function outcome(spec: GraderSpec, text: string): Promise<string> {
  return (await createGrader(spec).grade(input(text), signal)).outcome;
}

describe('assertion graders (promptfoo semantics)', () => {
  it.each([
    [{ type: 'contains', value: 'Paris' }, 'The capital is Paris.', 'pass'],
    [{ type: 'contains', value: 'paris' }, 'The capital is Paris.', 'fail'],
    [{ type: 'icontains', value: 'PARIS' }, 'The capital is Paris.', 'pass'],
    [{ type: 'not-contains', value: 'London' }, 'The capital is Paris.', 'pass'],
    [{ type: 'not-contains', value: 'Paris' }, 'The capital is Paris.', 'fail'],
    [{ type: 'not-icontains', value: 'PARIS' }, 'paris', 'fail'],
    [{ type: 'contains-any', value: ['Rome', 'Paris'] }, 'Paris', 'pass'],
    [{ type: 'contains-any', value: 'Rome, Berlin' }, 'Paris', 'fail'],
    [{ type: 'contains-all', value: ['a', 'b'] }, 'ab', 'pass'],
    [{ type: 'icontains-all', value: ['A', 'Z'] }, 'ab', 'fail'],
    [{ type: 'equals', value: 'Paris' }, 'Paris', 'pass'],
    [{ type: 'equals', value: 'Paris' }, 'Paris ', 'fail'],
    [{ type: 'equals', value: { a: 1, b: [2] } }, '{"b":[2],"a":1}', 'pass'],
    [{ type: 'equals', value: { a: 1 } }, 'not json', 'fail'],
    [{ type: 'equals', value: 42 }, '42', 'pass'],
    [{ type: 'starts-with', value: 'The' }, 'The capital', 'pass'],
    [{ type: 'starts-with', value: 'the' }, 'The capital', 'fail'],
    [{ type: 'regex', value: '^\\d{3}-\\d{4}$' }, '555-1234', 'pass'],
    [{ type: 'regex', value: 'paris', options: { flags: 'i' } }, 'PARIS', 'pass'],
    [{ type: 'not-regex', value: 'secret' }, 'nothing here', 'pass'],
    [{ type: 'is-json' }, '{"ok": true}', 'pass'],
    [{ type: 'is-json' }, '{ok: true}', 'fail'],
    [{ type: 'not-is-json' }, 'plain text', 'pass'],
  ] as [GraderSpec, string, string][])('%j on %j → %s', async (spec, text, expected) => {
    expect(await outcome(spec, text)).toBe(expected);
  });

  it('a global regex flag does not carry state between answers', async () => {
    const g = createGrader({ type: 'regex', value: 'a', options: { flags: 'g' } });
    expect((await g.grade(input('a'), signal)).outcome).toBe('pass');
    expect((await g.grade(input('a'), signal)).outcome).toBe('pass');
  });

  it('rejects bad specs with ERR_CONFIG_INVALID', () => {
    for (const spec of [
      { type: 'contains' },
      { type: 'contains', value: '' },
      { type: 'regex', value: '(' },
      { type: 'regex', value: 'a', options: { flags: 'x' } },
      { type: 'contains', value: 'a', options: { extra: 1 } },
      { type: 'is-json', value: { type: 'object' } },
      { type: 'contains-any', value: [] },
    ] as GraderSpec[]) {
      expect(() => createGrader(spec), JSON.stringify(spec)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }) as Error);
    }
  });

  it('a target error is an error verdict, never a pass', async () => {
    const v = await createGrader({ type: 'not-contains', value: 'x' }).grade(input('', { error: { code: 'ECONNREFUSED', message: 'refused' } }), signal);
    expect(v).toMatchObject({ outcome: 'error', grader: 'not-contains' });
    expect(v.reason).toContain('ECONNREFUSED');
  });
});
