import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { loadPackFile, MAX_PACK_FILE_BYTES, parsePack } from './load-pack.js';
import { loadPack } from './registry.js';

const HEAD = `pack: demo
description: d
source: written for a test
licence: Apache-2.0
`;

function error(fn: () => unknown): BulwarkError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BulwarkError);
    return e as BulwarkError;
  }
  throw new Error('expected a BulwarkError');
}

describe('parsePack', () => {
  it('applies defaults, fills the canary slot and completes graders', () => {
    const pack = parsePack(
      `${HEAD}defaults:
  category: demo/x
  tags: { owaspLlm: [LLM01:2025] }
  graders: [{ type: canary }, { type: refusal }]
cases:
  - name: one
    intent: i
    system: secret {{canary}}
    canary: CANARY-1234
    tags: { atlas: [AML.T0051.000] }
    prompt: say {{canary}}
  - name: two
    kind: control
    category: demo/y
    intent: i
    graders: [{ type: refusal }]
    turns: [{ role: user, content: hello }]
  - name: three
    intent: agency
    tools:
      - { name: safe, description: s, parameters: {} }
      - { name: boom, description: b, parameters: {}, dangerous: true }
    graders: [{ type: tool-called }]
    prompt: go
`,
      'inline',
    );
    const [one, two, three] = pack.cases;
    expect(one?.system).toBe('secret CANARY-1234');
    expect(one?.turns).toEqual([{ role: 'user', content: 'say CANARY-1234' }]);
    expect(one?.graders).toEqual([{ type: 'canary', value: 'CANARY-1234' }, { type: 'refusal', options: { expect: 'refuse' } }]);
    expect(one?.tags).toEqual({ owaspLlm: ['LLM01:2025'], atlas: ['AML.T0051.000'] });
    expect(one?.metadata).toEqual({ name: 'one' });
    expect(two?.graders).toEqual([{ type: 'refusal', options: { expect: 'comply' } }]);
    expect(two?.category).toBe('demo/y');
    expect(three?.graders).toEqual([{ type: 'tool-called', value: 'boom' }]);
    expect(pack.cases.every((c) => c.id.startsWith('demo/'))).toBe(true);
  });

  const bad: [string, string, RegExp][] = [
    ['unknown key', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, category: c, graders: [{type: canary, value: xxxx}], colour: red }\n`, /unrecognized|colour/i],
    ['unknown tag', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, category: c, tags: { owaspLlm: [LLM99:2025] }, graders: [{type: canary, value: xxxx}] }\n`, /unknown tags owaspLlm:LLM99:2025/],
    ['unknown grader', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, category: c, graders: [{type: vibes}] }\n`, /unknown grader type/],
    ['duplicate name', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, category: c, graders: [{type: canary, value: xxxx}] }\n  - { name: a, intent: i, prompt: q, category: c, graders: [{type: canary, value: xxxx}] }\n`, /duplicate case name a/],
    ['duplicate content', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, category: c, graders: [{type: canary, value: xxxx}] }\n  - { name: b, intent: j, prompt: p, category: c, graders: [{type: canary, value: xxxx}] }\n`, /same content/],
    ['canary missing', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, category: c, graders: [{type: canary}] }\n`, /canary grader needs/],
    ['slot without canary', `${HEAD}cases:\n  - { name: a, intent: i, prompt: 'x {{canary}}', category: c, graders: [{type: refusal}] }\n`, /has no canary/],
    ['refusal on quality', `${HEAD}cases:\n  - { name: a, kind: quality, intent: i, prompt: p, category: c, graders: [{type: refusal}] }\n`, /options.expect/],
    ['tool-called without tool', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, category: c, graders: [{type: tool-called, value: nuke}] }\n`, /does not offer/],
    ['no category', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, graders: [{type: refusal}] }\n`, /no category/],
    ['prompt and turns', `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, turns: [{role: user, content: x}], category: c, graders: [{type: refusal}] }\n`, /exactly one of prompt and turns/],
    ['tool turn first', `${HEAD}cases:\n  - { name: a, intent: i, turns: [{role: tool, toolCallId: t, content: x}], category: c, graders: [{type: refusal}] }\n`, /first turn/],
    ['tool turn without id', `${HEAD}cases:\n  - { name: a, intent: i, turns: [{role: user, content: u}, {role: tool, content: x}], category: c, graders: [{type: refusal}] }\n`, /toolCallId/],
    ['YAML syntax', `${HEAD}cases: [\n`, /YAML error/],
    ['duplicate YAML key', `${HEAD}pack: again\ncases: []\n`, /YAML error/],
    ['not a mapping', `- 1\n- 2\n`, /\(root\)/],
    ['alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`, /YAML|alias/i],
  ];
  for (const [name, text, message] of bad) {
    it(`rejects ${name} with ERR_CONFIG_INVALID`, () => {
      const e = error(() => parsePack(text, 'inline.yaml'));
      expect(e.code).toBe('ERR_CONFIG_INVALID');
      expect(e.message).toMatch(message);
      expect(e.context['origin']).toBe('inline.yaml');
    });
  }

  it('refuses oversized text', () => {
    expect(error(() => parsePack(`# ${'x'.repeat(MAX_PACK_FILE_BYTES)}`, 'big')).code).toBe('ERR_CONFIG_INVALID');
  });
});

describe('loadPackFile and loadPack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a user pack from disk', () => {
    const path = join(dir, 'mine.yaml');
    writeFileSync(path, `${HEAD}cases:\n  - { name: a, intent: i, prompt: p, category: c, graders: [{type: canary, value: xxxx}] }\n`);
    expect(loadPackFile(path).cases).toHaveLength(1);
  });

  it('reports a missing file as ERR_IO and an unknown built-in pack as ERR_CONFIG_INVALID', () => {
    expect(error(() => loadPackFile(join(dir, 'nope.yaml'))).code).toBe('ERR_IO');
    const e = error(() => loadPack('no-such-pack'));
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.message).toMatch(/owasp-llm01-direct/);
  });
});
