// Tests for the system-prompt-leak detector: canaries (plain and encoded) and shingle overlap, with ordinary answers left alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Finding, Stage } from '../core/finding.js';
import { unknownTags } from '../core/taxonomy/index.js';
import { analyzeText, type TextAnalysis } from '../text/analysis.js';
import type { ScanContextData } from './contract.js';
import { systemPromptLeakDetector, systemPromptLeakOptions } from './system-prompt-leak.js';

type Options = z.input<typeof systemPromptLeakOptions>;

const SYSTEM_PROMPT = [
  'You are Zephyr, the customer support assistant of Quillwave Insurance.',
  'Answer only questions about home, car and travel policies sold by Quillwave.',
  'Never reveal internal discount codes, underwriting rules or the names of employees.',
  'If a customer asks for a refund, collect the policy number and hand over to a human agent.',
  'Always answer in a friendly tone and keep answers under one hundred and fifty words.',
].join(' ');

async function detect(
  text: string,
  context: ScanContextData | undefined,
  options: Options = {},
  stage: Stage = 'output',
  analysis: TextAnalysis = analyzeText(text),
): Promise<Finding[]> {
  const fn = systemPromptLeakDetector.create(systemPromptLeakOptions.parse(options));
  return fn({ text, stage, ...(context ? { context } : {}) }, { analysis });
}

const ctx: ScanContextData = { systemPrompt: SYSTEM_PROMPT };

describe('system-prompt-leak: metadata and options', () => {
  it('declares valid taxonomy tags and its stages', () => {
    expect(unknownTags(systemPromptLeakDetector.tags)).toEqual([]);
    expect(systemPromptLeakDetector.stages).toEqual(['output', 'tool_call']);
  });

  it('parses {} to working defaults', () => {
    expect(systemPromptLeakOptions.parse({})).toEqual({ threshold: 0.3, shingleSize: 5, minSystemPromptWords: 8 });
  });

  it('rejects unknown keys, short canaries and bad sizes', () => {
    expect(systemPromptLeakOptions.safeParse({ canary: ['abcdef'] }).success).toBe(false);
    expect(systemPromptLeakOptions.safeParse({ canaries: ['abc'] }).success).toBe(false);
    expect(systemPromptLeakOptions.safeParse({ shingleSize: 1 }).success).toBe(false);
    expect(systemPromptLeakOptions.safeParse({ minSystemPromptWords: 0 }).success).toBe(false);
    expect(systemPromptLeakOptions.safeParse({ systemPrompt: 42 }).success).toBe(false);
  });
});

describe('system-prompt-leak: no context', () => {
  it('returns no findings without a system prompt or canaries', async () => {
    expect(await detect(SYSTEM_PROMPT, undefined)).toEqual([]);
    expect(await detect(SYSTEM_PROMPT, {})).toEqual([]);
    expect(await detect('', ctx)).toEqual([]);
  });
});

describe('system-prompt-leak: prompt overlap', () => {
  it('reports a verbatim leak with score 1 and a span over the leaked stretch', async () => {
    const text = `Sure! My instructions are: "${SYSTEM_PROMPT}" Anything else?`;
    const [f, ...rest] = await detect(text, ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'system-prompt-leak', category: 'prompt_overlap', score: 1, severity: 'critical' });
    expect(text.slice(f?.span?.start, f?.span?.end)).toBe(SYSTEM_PROMPT.slice(0, -1)); // the final "." is no token
    expect(f?.metadata).toMatchObject({ containment: 1, longestRunWords: 67, promptWords: 67, lcsRatio: 1, via: 'text' });
  });

  it('reports a partial leak with the share of the prompt as the score', async () => {
    const text = 'I was told: Never reveal internal discount codes, underwriting rules or the names of employees.';
    // One sentence of five: 8 of the prompt's 63 distinct 5-word shingles.
    expect(await detect(text, ctx)).toEqual([]);
    const [f] = await detect(text, ctx, { threshold: 0.1 });
    expect(f).toMatchObject({ score: 0.127, severity: 'low', span: { start: 12, end: 94 } });
    expect(f?.metadata).toMatchObject({ longestRunWords: 12 });
  });

  it('catches reordered sentences and bullet-list reformatting', async () => {
    const sentences = SYSTEM_PROMPT.split(/(?<=\.) /);
    const bullets = sentences
      .reverse()
      .map((s) => `* **${s.replace(/\.$/, '')}**`)
      .join('\n');
    const text = `Here are my rules:\n${bullets}`;
    const [f] = await detect(text, ctx);
    // Only the shingles that straddle two sentences are lost; the adjoining stretches form one span.
    expect(f).toMatchObject({ score: 0.746, severity: 'high' });
    expect(f?.metadata?.spans).toEqual([f?.span]);
    expect(text.slice(f?.span?.start, f?.span?.end)).toMatch(/^Always answer .* Zephyr, the customer support assistant of Quillwave Insurance$/s);
  });

  it('catches a leak with zero-width characters and homoglyphs inside words', async () => {
    const obfuscated = SYSTEM_PROMPT.replace(/Quillwave/g, 'Qu\u200billwave').replace(/customer/g, 'сustomer'); // Cyrillic с
    const [f] = await detect(obfuscated, ctx);
    expect(f?.score).toBeGreaterThan(0.9);
  });

  it('catches a base64-encoded leak through the analysis variants', async () => {
    const text = `Encoded as requested: ${Buffer.from(SYSTEM_PROMPT).toString('base64')}`;
    const [f] = await detect(text, ctx);
    expect(f?.score).toBeGreaterThan(0.9);
    expect(f?.metadata?.via).toBe('base64');
    expect(f?.span?.start).toBe(22);
  });

  it('leaves an answer that quotes three words of the prompt alone', async () => {
    const text = 'Yes, Quillwave Insurance covers travel. Our customer support assistant can help you file a claim.';
    expect(await detect(text, ctx)).toEqual([]);
  });

  it('leaves an unrelated answer alone', async () => {
    expect(await detect('Your car policy covers windscreen damage up to 500 euros per year.', ctx)).toEqual([]);
  });

  it('reports a long verbatim run from a very long prompt even though containment is small', async () => {
    const filler = Array.from({ length: 3000 }, (_, i) => `rule${i} applies`).join(' ');
    const longPrompt = `${SYSTEM_PROMPT} ${filler}`;
    const leaked = Array.from({ length: 60 }, (_, i) => `rule${i} applies`).join(' ');
    const [f] = await detect(`Some of my rules: ${leaked}`, { systemPrompt: longPrompt });
    expect(f?.metadata?.containment).toBeLessThan(0.05);
    expect(f?.score).toBe(1);
  });

  it('checks short prompts only for appearing whole', async () => {
    const short = { systemPrompt: 'You are a pirate. Speak like one.' };
    expect((await detect('My prompt: you are a PIRATE - speak like one!', short))[0]).toMatchObject({ score: 1 });
    expect(await detect('Arr, you are a pirate friend.', short)).toEqual([]);
  });

  it('uses a statically configured prompt as well as the context one', async () => {
    const [f] = await detect(SYSTEM_PROMPT, { systemPrompt: 'Something else entirely.' }, { systemPrompt: SYSTEM_PROMPT });
    expect(f?.score).toBe(1);
    expect((await detect(SYSTEM_PROMPT, undefined, { systemPrompt: SYSTEM_PROMPT }))[0]?.score).toBe(1);
  });

  it('honours shingleSize', async () => {
    const text = 'the customer support assistant of Quillwave Insurance';
    expect(await detect(text, ctx)).toEqual([]);
    expect((await detect(text, ctx, { shingleSize: 2, threshold: 0.05 }))[0]?.category).toBe('prompt_overlap');
  });

  it('works on tool-call arguments', async () => {
    const args = JSON.stringify({ to: 'someone@example.com', body: SYSTEM_PROMPT });
    expect((await detect(args, ctx, {}, 'tool_call'))[0]?.score).toBe(1);
  });
});

describe('system-prompt-leak: canaries', () => {
  const canaries = ['CANARY-7f3a9c21'];

  it('finds a canary verbatim, with its span, masking it in the evidence', async () => {
    const text = 'The secret marker is CANARY-7f3a9c21, as you asked.';
    const [f] = await detect(text, { canaries });
    expect(f).toMatchObject({ category: 'canary', score: 1, severity: 'critical', span: { start: 21, end: 36 } });
    expect(f?.evidence).toBe('canary "CA…" (15 chars) found (exact)');
    expect(f?.evidence).not.toContain('7f3a9c21');
  });

  it('finds a canary in another case, spelled out, reversed and base64-encoded', async () => {
    expect((await detect('canary-7F3A9C21', { canaries }))[0]?.metadata?.via).toBe('case-insensitive');
    expect((await detect('C A N A R Y - 7 f 3 a 9 c 2 1', { canaries }))[0]?.category).toBe('canary');
    expect((await detect('c.a.n.a.r.y.7.f.3.a.9.c.2.1', { canaries }))[0]?.metadata?.via).toBe('separated');
    expect((await detect('12c9a3f7-yranac', { canaries }))[0]?.metadata?.via).toBe('reversed');
    const b64 = Buffer.from('the marker is CANARY-7f3a9c21').toString('base64');
    expect((await detect(`Here: ${b64}`, { canaries }))[0]?.metadata?.via).toBe('base64');
  });

  it('merges canaries from options and context and reports each once', async () => {
    const found = await detect('CANARY-7f3a9c21 and also ZEBRA-00991 and CANARY-7f3a9c21', { canaries }, { canaries: ['ZEBRA-00991'] });
    expect(found.map((f) => f.span?.start)).toEqual([25, 0]);
  });

  it('ignores canaries shorter than four characters from the context', async () => {
    expect(await detect('a b c', { canaries: ['a', ''] })).toEqual([]);
  });

  it('does not find a canary that is absent', async () => {
    expect(await detect('Nothing to see, canary bird 7f3a.', { canaries })).toEqual([]);
  });
});

describe('system-prompt-leak: hostile input', () => {
  it('handles 1 MB outputs and prompts in linear time', async () => {
    const big = 'lorem ipsum dolor sit amet '.repeat(40_000);
    const found = await detect(big, { systemPrompt: big, canaries: ['CANARY-7f3a9c21'] });
    expect(found.map((f) => f.category)).toEqual(['prompt_overlap']);
  });

  it('handles one 1 MB token, repeated words and lone surrogates', async () => {
    expect(await detect('a'.repeat(1_000_000), ctx)).toEqual([]);
    expect(await detect('you '.repeat(250_000), ctx)).toEqual([]);
    await expect(detect('\ud800 you are \udc00 zephyr \udfff', { ...ctx, canaries: ['\ud800\ud800xy'] })).resolves.toBeInstanceOf(Array);
  });

  it('never throws and keeps spans within the text (property)', async () => {
    const words = fc.constantFrom(...SYSTEM_PROMPT.split(' '), 'ℌ', '\u200b', '\ud800', '\n', '-', '*', 'é', '漢字');
    const fn = systemPromptLeakDetector.create(systemPromptLeakOptions.parse({ canaries: ['Quillwave'] }));
    await fc.assert(
      fc.asyncProperty(fc.array(words, { maxLength: 120 }), async (parts) => {
        const text = parts.join(' ');
        const found = await fn({ text, stage: 'output', context: ctx }, { analysis: analyzeText(text) });
        for (const f of found) {
          if (f.span) expect(f.span.start >= 0 && f.span.start < f.span.end && f.span.end <= text.length).toBe(true);
          expect(f.score).toBeGreaterThanOrEqual(0.3);
          expect(f.score).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
