import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MAX_DEPTH } from '../../policy/yaml-source.js';
import { fastYaml } from './fast-yaml.js';

describe('fastYaml', () => {
  it('parses plain documents to the same data as the yaml package', () => {
    const text = 'name: x\ntests:\n  - vars: { q: "a: b" }\n    assert: [ { type: icontains, value: A } ]\nn: 3\nok: true\nnone: null\n';
    expect(fastYaml(text)).toEqual(parse(text));
  });

  it('leaves everything unusual to the full parser: syntax errors, duplicate keys, tags, aliases, deep nesting', () => {
    expect(fastYaml('a: [1, 2')).toBeUndefined();
    expect(fastYaml('a: 1\na: 2\n')).toBeUndefined();
    expect(fastYaml('a: !!binary aGk=\n')).toBeUndefined();
    expect(fastYaml('a: &x [1, 2]\nb: *x\n')).toBeUndefined();
    expect(fastYaml('x: &a [1]\ny: &b [*a, *a]\nz: [*b, *b]\n')).toBeUndefined();
    const deep = `${'['.repeat(MAX_DEPTH + 2)}1${']'.repeat(MAX_DEPTH + 2)}`;
    expect(fastYaml(deep)).toBeUndefined();
  });

  it('agrees with the yaml package on generated JSON-compatible documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const text = JSON.stringify({ root: v });
        const fast = fastYaml(text);
        // JSON is YAML; where both parse, the data is the same (js-yaml keeps -0 and the yaml package too).
        if (fast !== undefined) expect(fast).toEqual(parse(text));
      }),
    );
  });
});
