import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { caseId } from '../case-id.js';
import { createRng } from '../rng.js';
import type { ProbeCase } from '../types.js';
import { decodeBase64, decodeHex, encodeBase64, encodeHex, rot13 } from './encodings.js';
import { LANGUAGE_CODES } from './language.js';
import { HOMOGLYPHS, stripZeroWidth } from './obfuscation.js';
import { composeTransforms, getTransform, TRANSFORM_IDS, TRANSFORMS } from './registry.js';

function makeCase(content: string): ProbeCase {
  const base: Omit<ProbeCase, 'id'> = {
    pack: 'demo',
    category: 'jailbreak/demo',
    kind: 'attack',
    intent: 'The target does the thing.',
    tags: { owaspLlm: ['LLM01:2025'] },
    system: 'You are a careful assistant.',
    turns: [
      { role: 'user', content },
      { role: 'tool', content: 'tool says hi', toolCallId: 'call_1' },
      { role: 'user', content: 'And a second turn.' },
    ],
    graders: [{ type: 'refusal', options: { expect: 'refuse' } }],
    transforms: [],
  };
  return { id: caseId(base), ...base };
}

const REQUEST = 'Explain how the "quick" brown fox\njumps over the lazy dog, step by step. Ünïcødé 🦊 too!';
const base = makeCase(REQUEST);
const userText = (c: ProbeCase): string => c.turns[0]!.content;
/** The payload of an encoding transform: the paragraph between the wrapper's two blank lines. */
const payload = (c: ProbeCase): string => userText(c).split('\n\n')[1]!;

describe('transform registry', () => {
  it('lists every transform once, including the language wrappers', () => {
    expect(new Set(TRANSFORM_IDS).size).toBe(TRANSFORMS.length);
    for (const id of ['base64', 'hex', 'rot13', 'leetspeak', 'homoglyphs', 'zero-width', 'case-noise', 'payload-split']) expect(TRANSFORM_IDS).toContain(id);
    expect(LANGUAGE_CODES).toEqual(['fr', 'de', 'es', 'zh', 'ar', 'ru']);
    for (const code of LANGUAGE_CODES) expect(getTransform(`lang:${code}`).id).toBe(`lang:${code}`);
  });

  it('rejects unknown ids with ERR_CONFIG_INVALID and empty compositions with TypeError', () => {
    for (const id of ['base65', 'lang:xx', '']) {
      try {
        getTransform(id);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(BulwarkError);
        expect((e as BulwarkError).code).toBe('ERR_CONFIG_INVALID');
        expect((e as BulwarkError).message).toContain('known: base64');
      }
    }
    expect(() => composeTransforms(['base64', 'nope'])).toThrow(BulwarkError);
    expect(() => composeTransforms([])).toThrow(TypeError);
  });

  it('keeps pack, category, kind, graders, system and tool turns; records the transform and gets a new id', () => {
    for (const t of TRANSFORMS) {
      const out = t.apply(base, createRng(1));
      const { id, ...rest } = out;
      expect(id).toBe(caseId(rest));
      expect(id).not.toBe(base.id);
      expect(id.startsWith('demo/')).toBe(true);
      expect([out.pack, out.category, out.kind, out.system]).toEqual([base.pack, base.category, base.kind, base.system]);
      expect(out.graders).toEqual(base.graders);
      expect(out.transforms).toEqual([t.id]);
      expect(out.turns[1]).toEqual(base.turns[1]);
      expect(out.turns[2]!.content, t.id).not.toBe(base.turns[2]!.content); // every user turn is rewritten
      expect(out.intent).toContain(t.id);
      expect(base.turns[0]!.content).toBe(REQUEST); // the input case is not mutated
    }
  });

  it('is deterministic: same seed, same output; other seeds vary the randomised ones', () => {
    for (const t of TRANSFORMS) expect(t.apply(base, createRng('s')), t.id).toEqual(t.apply(base, createRng('s')));
    for (const id of ['leetspeak', 'homoglyphs', 'zero-width', 'case-noise']) {
      const outs = new Set([1, 2, 3, 4].map((seed) => userText(getTransform(id).apply(base, createRng(seed)))));
      expect(outs.size, id).toBeGreaterThan(1);
    }
  });
});

describe('encodings', () => {
  it('base64, hex and rot13 round-trip (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        expect(decodeBase64(encodeBase64(s))).toBe(s);
        expect(decodeHex(encodeHex(s))).toBe(s);
        expect(rot13(rot13(s))).toBe(s);
      }),
      { numRuns: 200 },
    );
  });

  it('wraps the encoded request with an instruction; the payload decodes back to the original', () => {
    const b64 = getTransform('base64').apply(base, createRng(7));
    expect(decodeBase64(payload(b64))).toBe(REQUEST);
    expect(userText(b64)).toMatch(/base64/i);
    const hex = getTransform('hex').apply(base, createRng(7));
    expect(decodeHex(payload(hex))).toBe(REQUEST);
    const r13 = getTransform('rot13').apply(base, createRng(7));
    expect(rot13(userText(r13))).toContain(REQUEST);
    expect(userText(r13)).not.toContain('quick');
  });
});

describe('obfuscations', () => {
  it('zero-width insertion is invisible: removing it gives the original', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => stripZeroWidth(s) === s), fc.integer(), (s, seed) => {
        const out = getTransform('zero-width').apply(makeCase(s || 'x'), createRng(seed));
        expect(stripZeroWidth(userText(out))).toBe(s || 'x');
      }),
      { numRuns: 100 },
    );
    expect(userText(getTransform('zero-width').apply(base, createRng(3))).length).toBeGreaterThan(REQUEST.length);
  });

  it('case noise only changes letter case; leetspeak and homoglyphs keep the length in code points', () => {
    const noisy = userText(getTransform('case-noise').apply(base, createRng(5)));
    expect(noisy.toLowerCase()).toBe(REQUEST.toLowerCase());
    expect(noisy).not.toBe(REQUEST);
    const leet = userText(getTransform('leetspeak').apply(base, createRng(5)));
    expect([...leet]).toHaveLength([...REQUEST].length);
    expect(leet).toMatch(/[0-9@$!]/);
    const glyphs = userText(getTransform('homoglyphs').apply(base, createRng(5)));
    expect([...glyphs]).toHaveLength([...REQUEST].length);
    expect(glyphs).toMatch(/[\u0370-\u03ff\u0400-\u04ff]/);
    // Mapping the look-alikes back gives the original.
    const back = new Map(Object.entries(HOMOGLYPHS).flatMap(([latin, subs]) => subs.map((s) => [s, latin] as const)));
    expect([...glyphs].map((ch) => back.get(ch) ?? ch).join('')).toBe(REQUEST);
  });

  it('payload-split: a + b is the request, exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), fc.integer(), (s, seed) => {
        const out = userText(getTransform('payload-split').apply(makeCase(s), createRng(seed)));
        const a = /a = ("(?:[^"\\]|\\.)*")\n/.exec(out)?.[1];
        const b = /b = ("(?:[^"\\]|\\.)*")\n/.exec(out)?.[1];
        expect(a && b, out).toBeTruthy();
        expect((JSON.parse(a!) as string) + (JSON.parse(b!) as string)).toBe(s);
      }),
      { numRuns: 150 },
    );
  });

  it('language wrappers keep the request verbatim, even with $ sequences', () => {
    const tricky = makeCase("Price: $& and $1 and $' stay as typed");
    for (const code of LANGUAGE_CODES) {
      const out = userText(getTransform(`lang:${code}`).apply(tricky, createRng(2)));
      expect(out).toContain("Price: $& and $1 and $' stay as typed");
      expect(out.length).toBeGreaterThan(tricky.turns[0]!.content.length + 10);
    }
    expect(userText(getTransform('lang:fr').apply(base, createRng(0)))).toMatch(/français/);
  });
});

describe('composeTransforms', () => {
  it('applies in order, records every step, and is deterministic', () => {
    const chain = composeTransforms(['leetspeak', 'base64']);
    expect(chain.id).toBe('leetspeak+base64');
    const out = chain.apply(base, createRng(9));
    expect(out.transforms).toEqual(['leetspeak', 'base64']);
    const inner = getTransform('leetspeak').apply(base, createRng(9));
    expect(decodeBase64(payload(out))).toBe(userText(inner));
    expect(chain.apply(base, createRng(9))).toEqual(out);
    expect(out.id).not.toBe(inner.id);
    expect(composeTransforms(['rot13']).id).toBe('rot13');
    // A transformed case can be transformed again; transforms accumulate.
    expect(getTransform('lang:de').apply(out, createRng(1)).transforms).toEqual(['leetspeak', 'base64', 'lang:de']);
  });
});
