// Tests of loading suites: the documented example loads with defaults, problems come back at file:line, ids are checked.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isBulwarkError } from '../../core/errors.js';
import { formatIssue, issuesOf } from '../../policy/issues.js';
import { loadEvalInput } from './eval-input.js';
import { loadSuite, parseSuite } from './load.js';
import { suiteHash, suiteJsonSchema } from './schema.js';

const EXAMPLE = `name: owasp-baseline
targets:
  - { id: naive, type: simulated, profile: naive }
  - { id: prod, type: openai, baseUrl: http://127.0.0.1:8000/v1, model: gpt-4o-mini, apiKeyEnv: OPENAI_API_KEY }
  - { id: guarded, type: gateway, url: http://127.0.0.1:8787/v1, model: sim-naive, apiKeyEnv: BULWARK_KEY }
  - { id: bot, type: http, url: http://127.0.0.1:9000/chat, body: { q: "{{prompt}}" }, responsePath: $.answer }
  - { id: cli, type: command, command: [./bot.sh] }
packs: [owasp-llm01-direct, jailbreak, over-refusal]
datasets: [ { format: harmbench, path: ./harmbench.csv, limit: 100 } ]
transforms: { apply: [base64, leetspeak], seed: 7, keepOriginal: true }
graders: [ { type: "detector:pii" } ]
repeats: 3
concurrency: 16
budget: 5000
cache: false
attacker: { type: openai, baseUrl: http://127.0.0.1:8001/v1, model: attacker, strategy: pair, maxTurns: 5 }
thresholds: { maxAttackSuccess: { default: 0.1, prompt-injection/direct: 0.05 }, maxOverRefusal: 0.1 }
reports: { html: report.html, junit: junit.xml, sarif: results.sarif, json: results.json, markdown: summary.md }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulwark-suite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    return issuesOf(e).map(formatIssue);
  }
  throw new Error('expected ERR_CONFIG_INVALID');
}

describe('loadSuite', () => {
  it('loads the documented example, keeps target options, resolves dataset paths against the suite folder', async () => {
    const path = join(dir, 'suite.yaml');
    await writeFile(path, EXAMPLE);
    const suite = await loadSuite(path);
    expect(suite.targets).toHaveLength(5);
    expect(suite.targets[3]).toEqual({ id: 'bot', type: 'http', url: 'http://127.0.0.1:9000/chat', body: { q: '{{prompt}}' }, responsePath: '$.answer' });
    expect(suite.datasets[0]?.path).toBe(join(dir, 'harmbench.csv'));
    expect(suite.reports?.html).toBe('report.html');
    expect(suite.timeoutMs).toBe(60_000);
    expect(suite.transforms).toEqual({ apply: ['base64', 'leetspeak'], seed: 7, keepOriginal: true });
    const input = await loadEvalInput(path);
    expect(input.kind).toBe('suite');
  });

  it('reports each problem at its file:line:column with the key path', () => {
    const text = `name: bad\ntargets:\n  - { id: a, type: simulated }\n  - { id: a, type: simulated }\npacks: [p]\nrepeats: 0\n`;
    expect(problems(() => parseSuite(text, 's.yaml'))).toEqual(['s.yaml:4:11: targets.1.id: duplicate target id "a"', 's.yaml:6:10: repeats: must be at least 1']);
    const typo = `name: x\ntargets: [{ id: a, type: simulated }]\npacks: [p]\nrepeat: 3\nthresholds: { maxAttackSucess: 0.1 }\n`;
    expect(problems(() => parseSuite(typo, 's.yaml'))).toEqual([
      's.yaml:4:1: repeat: unknown key "repeat" (did you mean "repeats"?)',
      's.yaml:5:15: thresholds.maxAttackSucess: unknown key "maxAttackSucess" (did you mean "maxAttackSuccess"?)',
    ]);
    expect(problems(() => parseSuite('name: x\ntargets: [{ id: a, type: simulated }]\n', 's.yaml'))).toEqual(['s.yaml:1:1: packs: the suite needs at least one pack or dataset']);
    expect(problems(() => parseSuite('name: x\ntargets: [{ type: simulated }]\npacks: [p]\n', 's.yaml'))[0]).toBe('s.yaml:2:11: targets.0.id: is required');
    expect(problems(() => parseSuite('', 's.yaml'))[0]).toContain('the suite is empty');
    expect(problems(() => parseSuite('name: [x\n', 's.yaml'))[0]).toMatch(/^s\.yaml:\d+:\d+: /);
  });

  it('checks pack and transform ids when told which exist', () => {
    const text = `name: x\ntargets: [{ id: a, type: simulated }]\npacks: [jailbrake, over-refusal]\ntransforms: { apply: [base46, "lang:fr"] }\n`;
    const opts = { knownPacks: ['jailbreak', 'over-refusal'], knownTransforms: ['base64', 'lang:'] };
    expect(problems(() => parseSuite(text, 's.yaml', opts))).toEqual([
      's.yaml:3:9: packs.0: unknown pack "jailbrake" (did you mean "jailbreak"?)',
      's.yaml:4:23: transforms.apply.0: unknown transform "base46" (did you mean "base64"?)',
    ]);
  });

  it("validates targets with the targets module's schema when given", () => {
    const targetSchema = z.discriminatedUnion('type', [
      z.strictObject({ id: z.string(), type: z.literal('simulated'), profile: z.enum(['naive', 'hardened']) }),
      z.strictObject({ id: z.string(), type: z.literal('command'), command: z.array(z.string()).min(1) }),
    ]);
    const text = `name: x\ntargets:\n  - { id: a, type: simulated, profile: nave }\npacks: [p]\n`;
    expect(problems(() => parseSuite(text, 's.yaml', { targetSchema }))).toEqual(['s.yaml:3:40: targets.0.profile: must be one of "naive", "hardened"']);
    const schema = suiteJsonSchema(targetSchema) as { properties: { targets: { items: { oneOf?: unknown[]; anyOf?: unknown[] } } } };
    expect(schema.properties.targets.items.oneOf ?? schema.properties.targets.items.anyOf).toHaveLength(2);
  });

  it('refuses unreadable, oversized and non-UTF-8 files with typed errors', async () => {
    const missing = await loadSuite(join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect(isBulwarkError(missing) && missing.code).toBe('ERR_IO');
    const latin1 = join(dir, 'latin1.yaml');
    await writeFile(latin1, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    const bad = await loadSuite(latin1).catch((e: unknown) => e);
    expect(issuesOf(bad).map(formatIssue)).toEqual([`${latin1}:1:1: file is not valid UTF-8`]);
  });
});

describe('suiteJsonSchema and suiteHash', () => {
  it('prints a draft-07 schema with defaulted keys optional', () => {
    const s = suiteJsonSchema() as { $schema: string; $id: string; required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(s.$id).toBe('https://bulwark.dev/schemas/bulwark-eval-suite-v1.json');
    expect(s.required.sort()).toEqual(['name', 'targets']);
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toContain('thresholds');
  });

  it('is stable under key order and ignores where reports go and concurrency', () => {
    const a = parseSuite(EXAMPLE, 'a.yaml');
    const reordered = parseSuite(EXAMPLE.replace('repeats: 3\nconcurrency: 16\n', 'concurrency: 2\nrepeats: 3\n').replace('html: report.html', 'html: elsewhere.html'), 'b.yaml');
    expect(suiteHash(reordered)).toBe(suiteHash(a));
    expect(suiteHash(parseSuite(EXAMPLE.replace('repeats: 3', 'repeats: 4'), 'c.yaml'))).not.toBe(suiteHash(a));
    expect(suiteHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
