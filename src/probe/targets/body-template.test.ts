// Body templates: placeholders JSON-escaped for where they stand, object templates, typed refusal of unknown names,
// and fuzzing: any prompt text round-trips through the rendered JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBodyTemplate, type TemplateValues } from './body-template.js';

const values = (prompt: string, extra: Partial<TemplateValues> = {}): TemplateValues => ({
  prompt,
  messages: [
    { role: 'system', content: 'sys "x"' },
    { role: 'user', content: prompt },
  ],
  system: 'sys "x"',
  sessionId: 's-1',
  ...extra,
});

describe('compileBodyTemplate', () => {
  it('escapes a placeholder inside a JSON string and inserts a whole value outside one', () => {
    const t = compileBodyTemplate('{"q": "Q: {{prompt}}!", "all": {{messages}}, "p": {{ prompt }}, "sid": "{{sessionId}}", "esc": "a\\"{{system}}"}');
    const body = JSON.parse(t.render(values('say "hi"\n\\ \u0000 \u2028 😀'))) as Record<string, unknown>;
    expect(body.q).toBe('Q: say "hi"\n\\ \u0000 \u2028 😀!');
    expect(body.p).toBe('say "hi"\n\\ \u0000 \u2028 😀');
    expect(body.all).toEqual(values('say "hi"\n\\ \u0000 \u2028 😀').messages);
    expect(body.sid).toBe('s-1');
    expect(body.esc).toBe('a"sys "x"');
  });

  it('puts messages inside a string as escaped JSON text', () => {
    const body = JSON.parse(compileBodyTemplate('{"m": "{{messages}}"}').render(values('x'))) as { m: string };
    expect(JSON.parse(body.m)).toEqual(values('x').messages);
  });

  it('fills object templates: a lone placeholder becomes the value, mixed text is interpolated, keys stay', () => {
    const t = compileBodyTemplate({ input: { text: '{{prompt}}', history: '{{messages}}' }, note: 'session={{sessionId}}', n: 3, __proto__x: ['{{system}}'] });
    expect(JSON.parse(t.render(values('hé "q"')))).toEqual({
      input: { text: 'hé "q"', history: values('hé "q"').messages },
      note: 'session=s-1',
      n: 3,
      __proto__x: ['sys "x"'],
    });
    const proto = JSON.parse('{"__proto__": {"polluted": "{{prompt}}"}}') as Record<string, unknown>;
    const out = JSON.parse(compileBodyTemplate(proto).render(values('p'))) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('inserts values as they are in text format', () => {
    expect(compileBodyTemplate('prompt={{prompt}}&sid={{sessionId}}', 'text').render(values('a "b"'))).toBe('prompt=a "b"&sid=s-1');
  });

  it('refuses unknown placeholders and absurd nesting with ERR_CONFIG_INVALID', () => {
    expect(() => compileBodyTemplate('{"q": "{{promt}}"}')).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('{{promt}}') }));
    expect(() => compileBodyTemplate({ a: ['{{nope}}'] })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
    let deep: unknown = '{{prompt}}';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(() => compileBodyTemplate(deep as Record<string, unknown>)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });

  it('round-trips any prompt and session id through a JSON template', () => {
    const t = compileBodyTemplate('{"a": "{{prompt}}", "b": [{{prompt}}, "{{sessionId}}"], "c": "\\\\{{prompt}}"}');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite' }), fc.string(), (prompt, sessionId) => {
        const body = JSON.parse(t.render(values(prompt, { sessionId }))) as { a: string; b: [string, string]; c: string };
        expect(body.a).toBe(prompt);
        expect(body.b).toEqual([prompt, sessionId]);
        expect(body.c).toBe(`\\${prompt}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('renders valid JSON for any lone-surrogate text too', () => {
    const t = compileBodyTemplate('{"a": "{{prompt}}"}');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (prompt) => {
        expect(typeof (JSON.parse(t.render(values(prompt))) as { a: string }).a).toBe('string');
      }),
      { numRuns: 150 },
    );
  });
});
