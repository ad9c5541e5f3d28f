// Guarding the texts of one request or response: redactions written back through the setter, `modified` only for
// real changes, a block stopping the scan of the texts after it.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Finding, Stage } from '../core/finding.js';
import { defineDetector, type DetectFn, type Detector } from '../detectors/contract.js';
import { createVault, restore } from '../detectors/redact.js';
import { configureDetector, type ConfiguredDetector } from '../detectors/runner.js';
import type { Action, CompiledPolicy, DetectorRule } from '../policy/types.js';
import { guardTexts, type GuardTarget } from './guard-texts.js';
import { MAX_NEW_PER_CALL } from './stage-cache.js';

function fake(id: string, detect: DetectFn): ConfiguredDetector {
  const detector = defineDetector({ id, description: 'test detector', stages: ['input', 'output', 'tool_call', 'tool_result'], tags: {}, options: z.object({}), create: () => detect });
  return { detector: detector as Detector<unknown>, detect };
}

function rule(configured: ConfiguredDetector, action: Action): DetectorRule {
  return { detector: configured.detector.id, options: {}, action, budgetMs: 60_000, failMode: 'open', configured };
}

function policy(stages: Partial<Record<Stage, DetectorRule[]>>): CompiledPolicy {
  return {
    name: 'test',
    stages: { input: [], output: [], tool_call: [], tool_result: [], ...stages },
    streaming: { mode: 'holdback', windowChars: 256 },
    detectionsInBody: false,
    restoreRedactions: false,
    logPromptText: false,
  };
}

/** A target over one slot of `store`, the way chat-texts points into a parsed body. */
function target(store: Record<string, string>, key: string, stage: Stage): GuardTarget {
  return { stage, text: store[key]!, set: (t) => (store[key] = t) };
}

/** Finds every occurrence of `word` (a span per occurrence). */
function words(id: string, word: string, withSpan = true): ConfiguredDetector {
  return fake(id, (input) => {
    const out: Finding[] = [];
    for (let i = input.text.indexOf(word); i !== -1; i = input.text.indexOf(word, i + 1)) {
      out.push({ detector: id, category: word.toLowerCase(), score: 0.9, severity: 'high', ...(withSpan ? { span: { start: i, end: i + word.length } } : {}), tags: {} });
    }
    return out;
  });
}

const pii = configureDetector('pii', {});

describe('guardTexts', () => {
  it('redacts in place through the setter and reports modified', async () => {
    const body = { a: 'mail me at jane.doe@acme-mail.net', b: 'nothing here', c: 'or bob.ray@acme-mail.net, jane.doe@acme-mail.net' };
    const vault = createVault();
    const outcome = await guardTexts(policy({ output: [rule(pii, 'redact')] }), [target(body, 'a', 'output'), target(body, 'b', 'output'), target(body, 'c', 'output')], undefined, vault);
    expect(outcome.modified).toBe(true);
    expect(outcome.result.decision).toBe('redact');
    expect(body).toEqual({ a: 'mail me at [EMAIL_1]', b: 'nothing here', c: 'or [EMAIL_2], [EMAIL_1]' });
    // One vault over the texts: one value keeps one placeholder, and it restores.
    expect(restore(body.c, vault)).toBe('or bob.ray@acme-mail.net, jane.doe@acme-mail.net');
    // Spans in the result point into the texts as they were scanned.
    expect(outcome.result.findings.map((f) => f.span)).toEqual([{ start: 11, end: 33 }, { start: 3, end: 24 }, { start: 26, end: 48 }]);
  });

  it('not modified when nothing is redacted: flags, redact findings without a span, or no finding', async () => {
    const body = { a: 'a SECRET word', b: 'and another' };
    const targets = (): GuardTarget[] => [target(body, 'a', 'input'), target(body, 'b', 'input')];
    const flagged = await guardTexts(policy({ input: [rule(words('w', 'SECRET'), 'flag')] }), targets(), undefined, createVault());
    expect(flagged).toMatchObject({ modified: false, result: { decision: 'allow' } });
    expect(flagged.result.findings).toHaveLength(1);
    const spanless = await guardTexts(policy({ input: [rule(words('w', 'SECRET', false), 'redact')] }), targets(), undefined, createVault());
    expect(spanless).toMatchObject({ modified: false, result: { decision: 'allow' } });
    const clean = await guardTexts(policy({ input: [rule(words('w', 'ABSENT'), 'redact')] }), targets(), undefined, createVault());
    expect(clean).toMatchObject({ modified: false, result: { decision: 'allow', findings: [] } });
    expect(body).toEqual({ a: 'a SECRET word', b: 'and another' });
  });

  it('a block stops the texts after it: they are neither scanned nor redacted', async () => {
    const scanned: string[] = [];
    const spy = fake('spy', (input) => {
      scanned.push(input.text);
      return [];
    });
    const body = { a: 'BAD input', b: 'a SECRET', c: 'later text' };
    const p = policy({ input: [rule(words('bad', 'BAD'), 'block'), rule(spy, 'flag')], tool_result: [rule(words('s', 'SECRET'), 'redact'), rule(spy, 'flag')] });
    const outcome = await guardTexts(p, [target(body, 'a', 'input'), target(body, 'b', 'tool_result'), target(body, 'c', 'input')], undefined, createVault());
    expect(outcome.result.decision).toBe('block');
    expect(outcome.result.blockedBy).toMatchObject({ detector: 'bad', category: 'bad' });
    expect(outcome.modified).toBe(false);
    expect(scanned).toEqual(['BAD input']);
    expect(body.b).toBe('a SECRET');
  });

  it('a block after a redaction keeps the redaction already written (modified) and reports block', async () => {
    const body = { a: 'a SECRET', b: 'BAD' };
    const p = policy({ input: [rule(words('s', 'SECRET'), 'redact'), rule(words('bad', 'BAD'), 'block')] });
    const outcome = await guardTexts(p, [target(body, 'a', 'input'), target(body, 'b', 'input')], undefined, createVault());
    expect(outcome).toMatchObject({ modified: true, result: { decision: 'block' } });
    expect(body.a).toBe('a [SECRET_1]');
  });

  it('each text is checked with the rules of its own stage; a stage without rules is skipped', async () => {
    const body = { a: 'SECRET in input', b: 'SECRET in a tool call', c: 'SECRET in a tool result' };
    const p = policy({ tool_call: [rule(words('s', 'SECRET'), 'redact')] });
    const outcome = await guardTexts(p, [target(body, 'a', 'input'), target(body, 'b', 'tool_call'), target(body, 'c', 'tool_result')], undefined, createVault());
    expect(outcome.modified).toBe(true);
    expect(body).toEqual({ a: 'SECRET in input', b: '[SECRET_1] in a tool call', c: 'SECRET in a tool result' });
    const none = await guardTexts(policy({}), [target(body, 'a', 'input')], undefined, createVault());
    expect(none).toEqual({ result: { decision: 'allow', findings: [], failures: [] }, modified: false });
  });

  it('passes the context to the detectors; no targets is a clean allow', async () => {
    let seen: unknown;
    const spy = fake('spy', (input) => {
      seen = input.context;
      return [];
    });
    const body = { a: 'text' };
    await guardTexts(policy({ output: [rule(spy, 'flag')] }), [target(body, 'a', 'output')], { systemPrompt: 'sys' }, createVault());
    expect(seen).toEqual({ systemPrompt: 'sys' });
    expect(await guardTexts(policy({ output: [rule(spy, 'flag')] }), [], undefined, createVault())).toEqual({ result: { decision: 'allow', findings: [], failures: [] }, modified: false });
  });
});

describe('guardTexts: request-side texts seen before', () => {
  /** A detector that counts its calls and flags `word`. */
  function counting(word: string): { configured: ConfiguredDetector; calls: () => number } {
    let calls = 0;
    const inner = words('counted', word);
    const configured = fake('counted', (input, ctx) => {
      calls++;
      return inner.detect(input, ctx);
    });
    return { configured, calls: () => calls };
  }

  it('runs the detectors once per text: the conversation resent with every turn is not scanned again', async () => {
    const c = counting('secret');
    const p = policy({ input: [rule(c.configured, 'redact')], tool_result: [rule(c.configured, 'flag')] });
    const history: Record<string, string> = { u1: 'my secret is 42', t1: 'tool says hello', u2: 'and another secret' };
    const first = await guardTexts(p, [target({ ...history }, 'u1', 'input')], undefined, createVault(), 'key:1');
    expect(c.calls()).toBe(1);
    // Turn 2 resends turn 1: only the new texts are scanned, and the old one gets the same result (and redaction).
    const body = { ...history };
    const second = await guardTexts(p, [target(body, 'u1', 'input'), target(body, 't1', 'tool_result'), target(body, 'u2', 'input')], undefined, createVault(), 'key:1');
    expect(c.calls()).toBe(3);
    expect(second.result.findings.filter((f) => f.category === 'secret')).toHaveLength(2);
    expect(body.u1).toBe('my [SECRET_1] is 42');
    expect(first.result.findings[0]).toEqual(second.result.findings[0]);
    // The same text at another stage is another question.
    await guardTexts(p, [target({ x: 'my secret is 42' }, 'x', 'tool_result')], undefined, createVault(), 'key:1');
    expect(c.calls()).toBe(4);
  });

  it('scans answers every time, and again under another policy or another context', async () => {
    const c = counting('secret');
    const rules = [rule(c.configured, 'flag')];
    const p = policy({ input: rules, output: rules });
    for (let i = 0; i < 2; i++) await guardTexts(p, [target({ a: 'the secret answer' }, 'a', 'output')], undefined, createVault(), 'key:1');
    expect(c.calls()).toBe(2);
    await guardTexts(p, [target({ a: 'a question' }, 'a', 'input')], { systemPrompt: 'be brief' }, createVault(), 'key:1');
    await guardTexts(p, [target({ a: 'a question' }, 'a', 'input')], { systemPrompt: 'be brief' }, createVault(), 'key:1');
    expect(c.calls()).toBe(3);
    await guardTexts(p, [target({ a: 'a question' }, 'a', 'input')], { systemPrompt: 'be verbose' }, createVault(), 'key:1');
    expect(c.calls()).toBe(4);
    // A reloaded configuration compiles a new policy object: nothing carried over.
    await guardTexts(policy({ input: rules }), [target({ a: 'a question' }, 'a', 'input')], { systemPrompt: 'be verbose' }, createVault(), 'key:1');
    expect(c.calls()).toBe(5);
    // Another caller, or a call without a scope (the MCP gateway's), scans again.
    await guardTexts(p, [target({ a: 'a question' }, 'a', 'input')], { systemPrompt: 'be verbose' }, createVault(), 'key:2');
    await guardTexts(p, [target({ a: 'a question' }, 'a', 'input')], { systemPrompt: 'be verbose' }, createVault());
    expect(c.calls()).toBe(7);
  });

  it('one request remembers at most MAX_NEW_PER_CALL new texts, so it cannot push out everyone else', async () => {
    const c = counting('secret');
    const p = policy({ input: [rule(c.configured, 'flag')] });
    const texts = Object.fromEntries(Array.from({ length: MAX_NEW_PER_CALL + 72 }, (_, i) => [`m${i}`, `message number ${i}`]));
    const targets = () => Object.keys(texts).map((k) => target({ ...texts }, k, 'input'));
    await guardTexts(p, targets(), undefined, createVault(), 'key:1');
    expect(c.calls()).toBe(MAX_NEW_PER_CALL + 72);
    await guardTexts(p, targets(), undefined, createVault(), 'key:1');
    expect(c.calls()).toBe(2 * (MAX_NEW_PER_CALL + 72) - MAX_NEW_PER_CALL);
  });

  it('BULWARK_GUARD_MEMORY=0 turns the memory off', async () => {
    const c = counting('secret');
    const p = policy({ input: [rule(c.configured, 'flag')] });
    process.env['BULWARK_GUARD_MEMORY'] = '0';
    try {
      for (let i = 0; i < 2; i++) await guardTexts(p, [target({ a: 'hello' }, 'a', 'input')], undefined, createVault(), 'key:1');
    } finally {
      delete process.env['BULWARK_GUARD_MEMORY'];
    }
    expect(c.calls()).toBe(2);
  });

  it('does not remember a result with a detector failure', async () => {
    let calls = 0;
    const flaky = fake('flaky', () => {
      calls++;
      if (calls === 1) throw new Error('model not ready');
      return [];
    });
    const p = policy({ input: [{ ...rule(flaky, 'block'), failMode: 'closed' }] });
    const first = await guardTexts(p, [target({ a: 'hello' }, 'a', 'input')], undefined, createVault(), 'key:1');
    expect(first.result.decision).toBe('block');
    const second = await guardTexts(p, [target({ a: 'hello' }, 'a', 'input')], undefined, createVault(), 'key:1');
    expect(second.result.decision).toBe('allow');
    expect(calls).toBe(2);
  });
});
