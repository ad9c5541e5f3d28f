import { describe, expect, it } from 'vitest';
import type { GradeInput, ProbeCase, TargetResponse } from '../types.js';
import { createGrader } from './index.js';

const CASE: ProbeCase = {
  id: 'p/1',
  pack: 'p',
  category: 'c',
  kind: 'quality',
  intent: 'i',
  tags: {},
  turns: [{ role: 'user', content: 'What is the capital of France?' }],
  graders: [],
  metadata: { vars: { city: 'Paris' } },
};
function input(text: string): GradeInput {
  const response: TargetResponse = { text, latencyMs: 1 };
  return { case: CASE, response, transcript: [response] };
}
const signal = new AbortController().signal;
async function grade(value: string, text: string, options?: Record<string, unknown>) {
  return createGrader({ type: 'javascript', value, ...(options ? { options } : {}) }).grade(input(text), signal);
}

describe('javascript grader', () => {
  it('an expression over output and context: truthy passes, falsy fails', async () => {
    expect((await grade("output.includes(context.vars.city)", 'It is Paris.')).outcome).toBe('pass');
    expect((await grade('output.length > 100;', 'short')).outcome).toBe('fail');
    expect((await grade("context.prompt.startsWith('What')", 'x')).outcome).toBe('pass');
  });

  it('a function body with return', async () => {
    const body = "const words = output.split(' ');\nreturn words.length === 3;";
    expect((await grade(body, 'one two three')).outcome).toBe('pass');
  });

  it('a number is a score: 0.5 and above passes', async () => {
    expect(await grade('0.7', 'x')).toMatchObject({ outcome: 'pass', score: 0.7 });
    expect(await grade('0.2', 'x')).toMatchObject({ outcome: 'fail', score: 0.2 });
    expect((await grade('0.2', 'x', { threshold: 0.1 })).outcome).toBe('pass');
  });

  it('a grading-result object', async () => {
    expect(await grade("({ pass: false, score: 0.9, reason: 'nope' })", 'x')).toMatchObject({ outcome: 'fail', reason: 'nope', score: 0.9 });
    expect((await grade('({ score: 0.8 })', 'x')).outcome).toBe('pass');
  });

  it('throwing, looping and async code are errors, never passes', async () => {
    expect(await grade("(() => { throw new Error('boom') })()", 'x')).toMatchObject({ outcome: 'error' });
    expect((await grade('(() => { throw new Error("boom") })()', 'x')).reason).toContain('boom');
    const loop = await grade('while (true) {}', 'x', { timeoutMs: 50 });
    expect(loop.outcome).toBe('error');
    expect(loop.reason).toContain('budget');
    expect((await grade('Promise.resolve(true)', 'x')).outcome).toBe('error');
  });

  it('has no require, no process, no eval, and no way back to the host through its inputs', async () => {
    expect((await grade("typeof require === 'undefined' && typeof process === 'undefined'", 'x')).outcome).toBe('pass');
    expect((await grade("eval('1')", 'x')).outcome).toBe('error');
    expect((await grade("new Function('return 1')()", 'x')).outcome).toBe('error');
    const escape = await grade("output.constructor.constructor('return process')()", 'x');
    expect(escape.outcome).toBe('error');
    expect((await grade("context.constructor.constructor('return this')().process === undefined", 'x')).outcome).not.toBe('pass');
  });

  it('each evaluation gets a fresh context', async () => {
    const g = createGrader({ type: 'javascript', value: 'globalThis.seen = (globalThis.seen || 0) + 1; return globalThis.seen === 1;' });
    expect((await g.grade(input('a'), signal)).outcome).toBe('pass');
    expect((await g.grade(input('b'), signal)).outcome).toBe('pass');
  });

  it('a getter in the result cannot run on the host', async () => {
    const v = await grade('({ get pass() { while (true) {} } })', 'x', { timeoutMs: 50 });
    expect(v.outcome).toBe('error');
  });

  it('code that does not compile is a config error', () => {
    expect(() => createGrader({ type: 'javascript', value: 'return (' })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }) as Error);
    expect(() => createGrader({ type: 'javascript' })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }) as Error);
  });
});
