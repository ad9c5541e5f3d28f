// Tests of the Nunjucks subset used for promptfoo prompts: spacing, paths, filters, trimming, what is left alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from './template.js';

describe('renderTemplate', () => {
  it('substitutes vars with any spacing, nested paths and filters', () => {
    const vars = { name: 'Ada', user: { city: 'Paris', tags: ['a', 'b'] }, n: 3, msgs: [{ role: 'user', content: 'hi "x"' }] };
    expect(renderTemplate('Hi {{name}}, {{ name }}, {{   name   }}!', vars).text).toBe('Hi Ada, Ada, Ada!');
    expect(renderTemplate('{{ user.city }} {{user.tags[1]}} {{ n }} {{ user.tags }}', vars).text).toBe('Paris b 3 a,b');
    expect(renderTemplate('{{ name | upper }} {{ name|lower }} {{ msgs | dump }}', vars).text).toBe('ADA ada [{"role":"user","content":"hi \\"x\\""}]');
    expect(renderTemplate('a   {{- name -}}   b', vars).text).toBe('aAdab');
  });

  it('renders missing vars empty and reports them; leaves tags and unknown filters visible', () => {
    const r = renderTemplate('x{{ nope }}y {% if a %}z{% endif %} {{ name | weird }} {{ 1 + 2 }}', { name: 'A' });
    expect(r.text).toBe('xy {% if a %}z{% endif %} A {{ 1 + 2 }}');
    expect(r.missing).toEqual(['nope']);
    expect(r.unsupported).toEqual(['{% if a %}', '{% endif %}', 'filter weird', '{{ 1 + 2 }}']);
  });

  it('never looks up inherited properties and never throws on arbitrary text', () => {
    expect(renderTemplate('{{ constructor }}{{ __proto__ }}{{ toString }}', {}).text).toBe('');
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        expect(typeof renderTemplate(s, { a: 1 }).text).toBe('string');
      }),
    );
    expect(renderTemplate('{{'.repeat(20_000), {}).text).toBe('{{'.repeat(20_000));
  });
});
