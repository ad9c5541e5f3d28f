// Planning: which turns become requests, request counts, endpoints, duplicates, resume and the budget refusal.
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ProbeCase, Target } from '../types.js';
import { exchangeEnds } from './exchanges.js';
import { planRun, resultKey } from './plan.js';

const u = (content = 'u'): ChatMessage => ({ role: 'user', content });
const a: ChatMessage = { role: 'assistant', content: 'a' };
const tool: ChatMessage = { role: 'tool', content: 't' };

function probeCase(id: string, turns: ChatMessage[] = [u()], extra: Partial<ProbeCase> = {}): ProbeCase {
  return { id, pack: 'p', category: 'cat', kind: 'attack', intent: 'i', tags: {} as ProbeCase['tags'], turns, graders: [], ...extra };
}

function target(id: string, endpoints: string[] = []): Target {
  return { id, endpoints, send: () => Promise.reject(new Error('not used')), close: () => Promise.resolve() };
}

describe('exchangeEnds', () => {
  it.each([
    [[u()], [1]],
    [[u(), u(), u()], [1, 2, 3]],
    [[u(), tool], [2]],
    [[u(), tool, u()], [2, 3]],
    [[u(), a, u(), a, u()], [5]],
    [[u(), a], [2]],
    [[u(), u(), a], [1, 3]],
    [[a], []],
    [[], []],
  ])('%j asks after %j', (turns, ends) => {
    expect(exchangeEnds(turns)).toEqual(ends);
  });
});

describe('planRun', () => {
  const cases = [probeCase('p/1'), probeCase('p/2', [u(), u(), u()]), probeCase('p/1'), probeCase('p/3', [a])];
  const targets = [target('t1', ['http://b.test/v1/chat/completions']), target('t2', ['http://a.test/x', 'http://b.test/v1/chat/completions']), target('simulated:naive')];

  it('counts conversations and requests, unions endpoints, drops duplicate cases', () => {
    const plan = planRun({ cases, targets, repeats: 2 });
    expect(plan.cases.map((c) => c.id)).toEqual(['p/1', 'p/2', 'p/3']);
    expect(plan.duplicates).toBe(1);
    expect(plan.conversations).toBe(3 * 3 * 2);
    expect(plan.requests).toBe((1 + 3 + 0) * 3 * 2);
    expect(plan.endpoints).toEqual(['http://a.test/x', 'http://b.test/v1/chat/completions']);
  });

  it('leaves out conversations already done', () => {
    const done = new Set([resultKey('p/2', 't1', 0), resultKey('p/2', 't1', 1), resultKey('p/1', 't2', 1)]);
    const plan = planRun({ cases, targets, repeats: 2, done });
    expect(plan.conversations).toBe(18 - 3);
    expect(plan.requests).toBe(24 - 3 - 3 - 1);
    expect(plan.done).toBe(done);
  });

  it('refuses a plan over budget, saying the numbers', () => {
    expect(planRun({ cases, targets, repeats: 2, budget: 24 }).requests).toBe(24);
    expect(() => planRun({ cases, targets, repeats: 2, budget: 23 })).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        message: 'the run needs 24 requests (3 cases with 4 turns × 3 targets × 2 repeats) but the budget is 23',
        context: expect.objectContaining({ requests: 24, budget: 23 }),
      }),
    );
  });

  it('counts strategy conversations at their bound and lists extra endpoints (an attacker model)', () => {
    const plan = planRun({ cases, targets, repeats: 1, requestsOf: (c) => (c.id === 'p/3' ? 10 : undefined), endpoints: ['http://attacker.test/v1/chat/completions', 'http://a.test/x'] });
    expect(plan.requests).toBe((1 + 3 + 10) * 3);
    expect(plan.endpoints).toEqual(['http://a.test/x', 'http://attacker.test/v1/chat/completions', 'http://b.test/v1/chat/completions']);
    expect(() => planRun({ cases, targets, repeats: 1, budget: 41, requestsOf: (c) => (c.id === 'p/3' ? 10 : undefined) })).toThrow(/needs 42 requests/);
  });

  it('refuses duplicate target ids and bad numbers', () => {
    expect(() => planRun({ cases, targets: [target('t'), target('t')], repeats: 1 })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    expect(() => planRun({ cases, targets, repeats: 0 })).toThrow(TypeError);
    expect(() => planRun({ cases, targets, repeats: 1, budget: -1 })).toThrow(TypeError);
  });
});
