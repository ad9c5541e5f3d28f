import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../text/analysis.js';
import { regexDetector } from './regex.js';

function make(raw: unknown) {
  return regexDetector.create(regexDetector.options.parse(raw));
}

function scan(detect: ReturnType<typeof make>, text: string) {
  return detect({ text, stage: 'input' }, { analysis: analyzeText(text) }) as ReturnType<typeof make> extends (
    ...a: never[]
  ) => infer R
    ? Exclude<R, Promise<unknown>>
    : never;
}

const ssn = { name: 'ssn', pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b', severity: 'high', redact: true, tags: { owaspLlm: ['LLM02:2025'] } };

describe('regex detector: matching', () => {
  it('reports every match with its span, redacting when asked', () => {
    const text = 'ids 123-45-6789 and 987-65-4321.';
    const f = scan(make({ patterns: [ssn] }), text);
    expect(f.map((x) => text.slice(x.span!.start, x.span!.end))).toEqual(['123-45-6789', '987-65-4321']);
    expect(f[0]).toMatchObject({
      detector: 'regex',
      category: 'ssn',
      severity: 'high',
      evidence: '[redacted 11 chars]',
      tags: { owaspLlm: ['LLM02:2025'] },
      metadata: { redact: true },
    });
    expect(JSON.stringify(f)).not.toContain('6789');
  });

  it('shows short evidence when not redacting, honours flags and keeps state between calls clean', () => {
    const detect = make({ patterns: [{ name: 'kw', pattern: 'secret\\s+project', flags: 'i' }] });
    const text = 'The SECRET   Project is here';
    expect(scan(detect, text)[0]).toMatchObject({ evidence: 'SECRET   Project', span: { start: 4, end: 20 } });
    // Same compiled RegExp reused: lastIndex must not leak into the next scan.
    expect(scan(detect, 'secret project')).toHaveLength(1);
    expect(scan(detect, 'secret project')).toHaveLength(1);
  });

  it('uses Unicode semantics: astral characters are one character', () => {
    const text = 'x😀😀y';
    const f = scan(make({ patterns: [{ name: 'two', pattern: 'x..y' }] }), text);
    expect(f).toHaveLength(1);
    expect(f[0]!.span).toEqual({ start: 0, end: 6 });
  });

  it('caps matches per pattern and drops patterns below the threshold', () => {
    const detect = make({
      patterns: [
        { name: 'a', pattern: 'a' },
        { name: 'weak', pattern: 'b', score: 0.1 },
      ],
      maxMatchesPerPattern: 5,
    });
    const f = scan(detect, 'ab'.repeat(100));
    expect(f).toHaveLength(5);
    expect(f.every((x) => x.category === 'a')).toBe(true);
  });

  it('scans at most maxScanLength characters and says so', () => {
    const detect = make({ patterns: [{ name: 'tail', pattern: 'needle' }], maxScanLength: 100 });
    expect(scan(detect, `${'x'.repeat(200)}needle`)).toEqual([]);
    const f = scan(detect, `needle${'x'.repeat(200)}`);
    expect(f[0]!.metadata).toEqual({ truncated: true, scannedChars: 100, reason: 'maxScanLength' });
  });

  it('never cuts a surrogate pair in two', () => {
    const detect = make({ patterns: [{ name: 'emoji', pattern: '\\p{Extended_Pictographic}' }], maxScanLength: 3 });
    const f = scan(detect, 'ab😀c');
    expect(f).toEqual([]);
    expect(scan(detect, 'a😀c')).toHaveLength(1);
  });

  it('bounds quadratic patterns on hostile input but not on ordinary text', () => {
    const detect = make({ patterns: [{ name: 'q', pattern: '\\w+x' }] });
    const hostile = 'a'.repeat(1_000_000);
    expect(scan(detect, hostile)).toEqual([]);
    const f = scan(detect, `${'a'.repeat(100_000)} then ax`);
    // The run of "a" is far longer than the budget allows, so the scan stops inside it.
    expect(f).toEqual([]);
    const tail = make({ patterns: [{ name: 'q', pattern: '\\w+zz' }] });
    const prose = 'The quick brown fox jumps over the lazy dog. '.repeat(2000) + 'buzz';
    expect(scan(tail, prose)).toEqual([expect.objectContaining({ evidence: 'buzz', metadata: {} })]);
  });

  it('reports the budget cut in metadata', () => {
    const detect = make({ patterns: [{ name: 'q', pattern: '[ab]+c' }] });
    const f = scan(detect, `abc ${'a'.repeat(50_000)}`);
    expect(f[0]!.metadata).toMatchObject({ truncated: true, reason: 'backtracking budget' });
  });
});

describe('regex detector: options', () => {
  const issues = (raw: unknown) => {
    const r = regexDetector.options.safeParse(raw);
    return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  };

  it('names the pattern that fails to compile or is a ReDoS risk', () => {
    expect(issues({ patterns: [{ name: 'broken', pattern: '(a' }] })).toMatch(/patterns\.0\.pattern: pattern "broken" does not compile/);
    expect(issues({ patterns: [{ name: 'ok', pattern: 'a' }, { name: 'evil', pattern: '(a+)+$' }] })).toMatch(
      /patterns\.1\.pattern: pattern "evil" ReDoS risk: nested quantifier/,
    );
  });

  it('rejects bad flags, duplicate names, unknown keys and bad tags', () => {
    expect(issues({ patterns: [{ name: 'a', pattern: 'a', flags: 'y' }] })).toMatch(/patterns\.0\.flags/);
    expect(issues({ patterns: [{ name: 'a', pattern: 'a' }, { name: 'a', pattern: 'b' }] })).toMatch(/duplicate pattern name "a"/);
    expect(issues({ patterns: [{ name: 'a', pattern: 'a', bogus: 1 }] })).toMatch(/bogus/);
    expect(issues({ patterns: [{ name: 'a', pattern: 'a', tags: { atlas: ['AML.T9999'] } }] })).toMatch(/atlas:AML\.T9999/);
    expect(issues({})).toMatch(/patterns/);
  });

  it('compiles in Unicode mode, so sloppy escapes are caught at load time', () => {
    expect(issues({ patterns: [{ name: 'sloppy', pattern: '\\-' }] })).toMatch(/does not compile/);
    expect(issues({ patterns: [{ name: 'v', pattern: '[\\p{L}--[a-z]]', flags: 'v' }] })).toBe('');
  });
});

describe('regex detector: hostile input', () => {
  const detect = make({
    patterns: [
      ssn,
      { name: 'email', pattern: '\\b[\\w.+-]+@[\\w-]+\\.[\\w.]+\\b' },
      { name: 'dotstar', pattern: '.*secret' },
      { name: 'lazy', pattern: '[\\s\\S]+?!' },
    ],
  });

  it('survives pathological strings quickly enough for the test timeout', () => {
    for (const text of ['', '\ud800', 'a'.repeat(200_000), '1'.repeat(200_000), ' '.repeat(200_000), 'a@'.repeat(100_000), 'x'.repeat(1_000_000)]) {
      const f = scan(detect, text);
      for (const x of f) expect(x.span!.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('never throws and keeps spans in bounds (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '1', '-', ' ', '@', '.', '!', 's', 'e', 'c', 'r', 't', '\ud83d', '\ude00', '\n') }), (text) => {
        for (const x of scan(detect, text)) {
          expect(x.span!.start).toBeGreaterThanOrEqual(0);
          expect(x.span!.end).toBeLessThanOrEqual(text.length);
          expect(x.span!.start).toBeLessThan(x.span!.end);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accepted random patterns never throw and stay bounded on adversarial runs (property)', () => {
    const atom = fc.constantFrom('a', 'b', '\\w', '\\d', '.', '[ab]', '\\s', ' ', '[^b]', '\\S', 'x', '\\b', '^', '$', '(?=a)', '(?<=a)');
    const quant = fc.constantFrom('', '', '*', '+', '?', '{1,3}', '{2,}', '*?', '+?');
    const piece: fc.Arbitrary<string> = fc.letrec((tie) => ({
      p: fc.oneof(
        { weight: 4, arbitrary: fc.tuple(atom, quant).map(([a, q]) => a + q) },
        { weight: 1, arbitrary: fc.tuple(tie('s'), quant).map(([s, q]) => `(?:${s as string})${q}`) },
        { weight: 1, arbitrary: fc.tuple(tie('s'), tie('s'), quant).map(([a, b, q]) => `(?:${a as string}|${b as string})${q}`) },
      ),
      s: fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('')),
    })).s as fc.Arbitrary<string>;
    const texts = ['a'.repeat(5000) + '!', 'ab'.repeat(2500), '1'.repeat(5000), ' '.repeat(5000), 'a '.repeat(2500)];
    fc.assert(
      fc.property(piece, (pattern) => {
        const r = regexDetector.options.safeParse({ patterns: [{ name: 'p', pattern }] });
        if (!r.success) return;
        const d = regexDetector.create(r.data);
        for (const text of texts) d({ text, stage: 'input' }, { analysis: analyzeText('') });
      }),
      { numRuns: 150 },
    );
  });
});
