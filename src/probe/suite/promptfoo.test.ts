// Tests of promptfoo compatibility against configs written as promptfoo documents them (prompts, providers, tests, defaultTest, CSV).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue, issuesOf } from '../../policy/issues.js';
import { caseId } from '../case-id.js';
import type { ProbeCase } from '../types.js';
import { loadEvalInput } from './eval-input.js';
import { assertionFromString, mapAssertion, UNSCORED_GRADER } from './promptfoo-assert.js';
import { loadPromptfoo, looksLikePromptfoo } from './promptfoo.js';

const CONFIG = `# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json
description: Translation eval
prompts:
  - 'Translate to {{language}}: {{ input }}'
  - file://prompts/chat.json
  - id: file://prompts/variants.txt
    label: variants
providers:
  - id: openai:chat:gpt-4o-mini
    label: local-mini
    config:
      apiBaseUrl: http://127.0.0.1:8000/v1
      apiKeyEnvar: LOCAL_KEY
      temperature: 0
  - openai:gpt-4o
  - anthropic:messages:claude-3-5-sonnet-20241022
defaultTest:
  vars:
    language: French
  assert:
    - type: javascript
      value: output.length < 500
tests:
  - description: greets
    vars:
      input: Hello world
    assert:
      - type: icontains
        value: bonjour
      - type: not-contains
        value: '<script>'
  - vars:
      input: How's it going?
      language: [German, Spanish]
    assert:
      - type: regex
        value: '^[A-Z]'
      - type: starts-with
        value: '{{language}}'
      - type: llm-rubric
        value: is a faithful translation
  - file://tests.csv
evaluateOptions:
  repeat: 2
  maxConcurrency: 4
`;

const CHAT = `[
  { "role": "system", "content": "You are a translator into {{ language }}." },
  { "role": "user", "content": "{{input}}" }
]`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulwark-promptfoo-'));
  await mkdir(join(dir, 'prompts'));
  await writeFile(join(dir, 'promptfooconfig.yaml'), CONFIG);
  await writeFile(join(dir, 'prompts', 'chat.json'), CHAT);
  await writeFile(join(dir, 'prompts', 'variants.txt'), 'Say "{{input}}" in {{language}}.\n---\nIn {{language}}, please: {{input}}\n');
  await writeFile(join(dir, 'tests.csv'), 'input,__expected1,__expected2,__description\n"Good ""night""","contains: Bonne",is-json,csv row\nThanks,Merci,,\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const find = (cases: ProbeCase[], category: string, user: string): ProbeCase | undefined => cases.find((c) => c.category === category && c.turns.some((t) => t.content === user));

describe('loadPromptfoo', () => {
  it('translates providers, prompts × tests, defaultTest and evaluateOptions', async () => {
    const { suite, cases, warnings } = await loadPromptfoo(join(dir, 'promptfooconfig.yaml'), { env: {} });
    expect(suite.name).toBe('Translation-eval');
    expect(suite.targets).toEqual([
      { id: 'local-mini', type: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'gpt-4o-mini', apiKeyEnv: 'LOCAL_KEY' },
      { id: 'openai-gpt-4o', type: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o', apiKeyEnv: 'OPENAI_API_KEY' },
    ]);
    expect(suite).toMatchObject({ repeats: 2, concurrency: 4, packs: [] });
    // 4 prompts (inline, chat, and a text file holding two) × 5 var sets (1 + 2 expanded languages + 2 CSV rows).
    expect(cases).toHaveLength(20);
    expect(new Set(cases.map((c) => c.id)).size).toBe(20);
    for (const c of cases) {
      expect(c).toMatchObject({ pack: 'promptfoo', kind: 'quality' });
      const { id, ...rest } = c;
      expect(id).toBe(caseId(rest));
    }
    expect(warnings.join('\n')).toMatch(/anthropic:messages:claude-3-5-sonnet-20241022" is not supported/);
    expect(warnings.join('\n')).toMatch(/provider options not carried over: temperature/);
    expect(warnings.join('\n')).toMatch(/assertion "llm-rubric" is not supported; it is reported as unscored/);
  });

  it('renders each prompt with the merged vars and maps assertions to graders', async () => {
    const { cases } = await loadPromptfoo(join(dir, 'promptfooconfig.yaml'), { env: {} });
    const greet = find(cases, 'greets', 'Translate to French: Hello world');
    expect(greet?.system).toBeUndefined();
    expect(greet?.graders).toEqual([
      { type: 'javascript', value: 'output.length < 500' },
      { type: 'icontains', value: 'bonjour' },
      { type: 'not-contains', value: '<script>' },
    ]);
    const chat = find(cases, 'greets', 'Hello world');
    expect(chat?.system).toBe('You are a translator into French.');
    expect(chat?.turns).toEqual([{ role: 'user', content: 'Hello world' }]);
    // The label of an untitled test is its prompt's.
    const german = find(cases, 'variants:1', 'Say "How\'s it going?" in German.');
    expect(german?.graders).toEqual([
      { type: 'javascript', value: 'output.length < 500' },
      { type: 'regex', value: '^[A-Z]' },
      { type: 'starts-with', value: 'German' },
      { type: UNSCORED_GRADER, value: 'llm-rubric', options: { reason: 'is not supported' } },
    ]);
    expect(find(cases, 'variants:2', "In Spanish, please: How's it going?")).toBeDefined();
    // CSV: quotes in a var survive a chat JSON prompt (vars go in after parsing); __expected cells become graders.
    const csv = find(cases, 'csv row', 'Good "night"');
    expect(csv?.system).toBe('You are a translator into French.');
    expect(csv?.graders).toEqual([
      { type: 'javascript', value: 'output.length < 500' },
      { type: 'contains', value: 'Bonne' },
      { type: 'is-json' },
    ]);
    expect(find(cases, 'Translate to {{language}}: {{ input }}', 'Translate to French: Thanks')?.graders[1]).toEqual({ type: 'equals', value: 'Merci' });
  });

  it('is what loadEvalInput returns for a promptfoo file', async () => {
    const input = await loadEvalInput(join(dir, 'promptfooconfig.yaml'), { env: {} });
    expect(input.kind).toBe('promptfoo');
    expect(looksLikePromptfoo({ prompts: ['x'], providers: ['openai:gpt-4o'] })).toBe(true);
    expect(looksLikePromptfoo({ name: 's', targets: [], packs: ['p'] })).toBe(false);
  });

  it('supports the documented multishot chat prompt ({{ messages | dump }}) and OPENAI_BASE_URL', async () => {
    const path = join(dir, 'multishot.yaml');
    await writeFile(
      path,
      `prompts:\n  - '{{ messages | dump }}'\nproviders:\n  - openai:chat:local-model\ntests:\n  - vars:\n      messages:\n        - role: system\n          content: Respond as a pirate\n        - role: user\n          content: Who founded Facebook?\n        - role: assistant\n          content: Mark Zuckerberg\n        - role: user\n          content: Did he found any other companies?\n    assert:\n      - type: contains\n        value: Arr\n`,
    );
    const { suite, cases } = await loadPromptfoo(path, { env: { OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1' } });
    expect(suite.targets[0]).toMatchObject({ baseUrl: 'http://127.0.0.1:9999/v1', model: 'local-model' });
    expect(cases).toHaveLength(1);
    expect(cases[0]?.system).toBe('Respond as a pirate');
    expect(cases[0]?.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(cases[0]?.metadata).toMatchObject({ promptfoo: { history: true } });
  });

  it('reports what cannot be loaded at its file:line', async () => {
    const path = join(dir, 'broken.yaml');
    await writeFile(path, `prompts:\n  - file://missing.txt\n  - file://make_prompt.py:create\nproviders:\n  - bedrock:claude\ntests: file://nope.csv\n`);
    const err = await loadPromptfoo(path).catch((e: unknown) => e);
    const lines = issuesOf(err).map(formatIssue);
    expect(lines).toEqual([
      `${path}:2:5: prompts.0: cannot read missing.txt (ENOENT)`,
      `${path}:3:5: prompts.1: prompt functions (.py) are not supported: Bulwark does not execute code from the config`,
      `${path}:5:3: providers: no provider can be run by Bulwark (supported: openai:chat:<model> with config.apiBaseUrl)`,
      `${path}:6:8: tests: cannot read nope.csv (ENOENT)`,
    ]);
    await writeFile(path, `prompts: 3\nproviders: [openai:gpt-4o]\n`);
    expect(issuesOf(await loadPromptfoo(path).catch((e: unknown) => e)).map(formatIssue)[0]).toMatch(/broken\.yaml:1:10: prompts: /);
  });

  it('does not read files outside the config folder unless allowed', async () => {
    const sub = join(dir, 'sub');
    await mkdir(sub, { recursive: true });
    const path = join(sub, 'escape.yaml');
    await writeFile(path, `prompts: ['{{secret}}']\nproviders: [openai:chat:m]\ntests:\n  - vars: { secret: file://../tests.csv }\n    assert: [{ type: contains, value: x }]\n`);
    const err = await loadPromptfoo(path).catch((e: unknown) => e);
    expect(issuesOf(err).map(formatIssue)[0]).toMatch(/tests\.0\.vars\.secret: .*outside the config's folder/);
    const ok = await loadPromptfoo(path, { allowFilesOutsideConfigDir: true });
    expect(ok.cases[0]?.turns[0]?.content).toContain('__expected1');
  });

  it('turns a test without assertions into an unscored case, never a silent pass', async () => {
    const path = join(dir, 'noassert.yaml');
    await writeFile(path, `prompts: ['Hi {{name}}']\nproviders: [openai:chat:m]\ntests:\n  - vars: { name: Bo }\n`);
    const { cases, warnings } = await loadPromptfoo(path);
    expect(cases[0]?.graders).toEqual([{ type: UNSCORED_GRADER, value: '(none)', options: { reason: 'the test has no assertions' } }]);
    expect(warnings).toContain('1 test(s) have no assertions: their cases are reported as unscored');
  });
});

describe('promptfoo assertions', () => {
  it('maps negations and list assertions to equivalent graders', () => {
    const m = (type: string, value?: unknown) => mapAssertion(value === undefined ? { type } : { type, value }, {}, 't').graders;
    expect(m('contains-all', 'a, b')).toEqual([
      { type: 'contains', value: 'a' },
      { type: 'contains', value: 'b' },
    ]);
    expect(m('icontains-any', ['A', 'b'])).toEqual([{ type: 'javascript', value: '["a", "b"].some((v) => output.toLowerCase().includes(v))' }]);
    expect(m('not-icontains', 'X"y')).toEqual([{ type: 'javascript', value: '!output.toLowerCase().includes("x\\"y")' }]);
    expect(m('not-regex', '^a')).toEqual([{ type: 'javascript', value: '!new RegExp("^a").test(output)' }]);
    expect(m('contains-any', '')[0]?.type).toBe(UNSCORED_GRADER);
    expect(m('contains')[0]?.type).toBe(UNSCORED_GRADER);
    expect(mapAssertion({ type: 'equals', value: 'x', transform: 'output.trim()' }, {}, 't').graders[0]?.type).toBe(UNSCORED_GRADER);
    expect(m('equals', 4)).toEqual([{ type: 'equals', value: '4' }]);
  });

  it('reads the CSV __expected shorthand as promptfoo does', () => {
    expect(assertionFromString('contains: Hello')).toEqual({ type: 'contains', value: 'Hello' });
    expect(assertionFromString('not-icontains:x: y')).toEqual({ type: 'not-icontains', value: 'x: y' });
    expect(assertionFromString('javascript: output.length < 10')).toEqual({ type: 'javascript', value: 'output.length < 10' });
    expect(assertionFromString('fn:output === "4"')).toEqual({ type: 'javascript', value: 'output === "4"' });
    expect(assertionFromString('grade: is polite')).toEqual({ type: 'llm-rubric', value: 'is polite' });
    expect(assertionFromString('similar(0.8): hi')).toEqual({ type: 'similar', value: 'hi', threshold: 0.8 });
    expect(assertionFromString('is-json')).toEqual({ type: 'is-json' });
    expect(assertionFromString('Paris: the capital')).toEqual({ type: 'equals', value: 'Paris: the capital' });
  });
});
