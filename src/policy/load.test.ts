// Tests of loading bulwark.yaml: a valid file round-trips, every kind of problem is reported at its line and key.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { isBulwarkError } from '../core/errors.js';
import { defineDetector } from '../detectors/contract.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { formatIssue, issuesOf, MAX_ISSUES } from './issues.js';
import { loadConfig, parseConfig } from './load.js';
import { policySchema } from './schema.js';

const EXAMPLE = `version: 1
server: { port: 8787, host: 127.0.0.1, bodyLimitBytes: 1048576 }
upstreams:
  - name: local
    url: http://127.0.0.1:8000/v1
    models: ["*"]
    apiKey: { env: OPENAI_API_KEY }
    timeoutMs: 60000
auth:
  apiKeys: { enabled: true }
  jwt: { issuer: https://idp.example, audience: bulwark, jwksUrl: https://idp.example/jwks, algorithms: [RS256], clockSkewSeconds: 30, principalClaim: sub, policyClaim: bulwark_policy, modelsClaim: bulwark_models }
  anonymous: { enabled: false, policy: default }
limits: { requestsPerMinute: 600, tokensPerMinute: 100000, concurrency: 32, maxMessages: 256, maxTokens: 32768 }
policies:
  default:
    input:
      - detector: prompt-injection
        action: block
        threshold: 0.5
        budgetMs: 5
        failMode: closed
        options: {}
      - { detector: harmful-request, action: block }
    output:
      - { detector: secrets, action: redact }
      - { detector: pii, action: redact }
      - { detector: exfiltration, action: block }
      - { detector: toxicity, action: flag }
    tool_call: []
    tool_result: [ { detector: prompt-injection, action: block } ]
    streaming: { mode: holdback, windowChars: 256 }
    detectionsInBody: false
    restoreRedactions: true
    logPromptText: false
  strict:
    input: [ { detector: prompt-injection, action: block, threshold: 0.3 } ]
routes:
  - { path: /v1/chat/completions, principal: "team-*", policy: strict }
defaultPolicy: default
`;

/** The formatted problems of `text`, or a failure when it is valid. */
function problems(text: string): string[] {
  try {
    parseConfig(text, 'bulwark.yaml');
  } catch (e) {
    expect(isBulwarkError(e) && e.code).toBe('ERR_CONFIG_INVALID');
    return issuesOf(e).map(formatIssue);
  }
  throw new Error('expected the configuration to be refused');
}

const MINIMAL = 'version: 1\nupstreams: [{ name: up, url: "http://127.0.0.1:8000/v1" }]\n';

describe('parseConfig: valid files', () => {
  it('accepts the documented example and applies defaults', () => {
    const c = parseConfig(EXAMPLE, 'bulwark.yaml');
    expect(c.upstreams[0]).toEqual({ name: 'local', url: 'http://127.0.0.1:8000/v1', models: ['*'], apiKey: { env: 'OPENAI_API_KEY' }, timeoutMs: 60000 });
    expect(c.policies.default?.input[1]).toEqual({ detector: 'harmful-request', action: 'block', budgetMs: 10, budgetMsPerKb: 0.5, options: {} });
    expect(c.policies.strict?.output).toEqual([]);
    expect(c.policies.strict?.streaming).toEqual({ mode: 'holdback', windowChars: 256 });
    expect(c.auth.jwt?.algorithms).toEqual(['RS256']);
    expect(c.routes).toEqual([{ path: '/v1/chat/completions', principal: 'team-*', policy: 'strict' }]);
  });

  it('round-trips: the validated config written back as YAML validates to the same value', () => {
    const once = parseConfig(EXAMPLE, 'bulwark.yaml');
    const twice = parseConfig(stringify(once), 'again.yaml');
    expect(twice).toEqual(once);
  });

  it('fills in the built-in default policy when the file has no policies', () => {
    const c = parseConfig(MINIMAL, 'min.yaml');
    expect(Object.keys(c.policies)).toEqual(['default']);
    expect(c.policies.default).toEqual(policySchema.parse(DEFAULT_POLICY));
    expect(c.server).toEqual({ port: 8787, host: '127.0.0.1', bodyLimitBytes: 1048576, maxResponseBytes: 32 * 1024 * 1024 });
    expect(c.auth).toEqual({ apiKeys: { enabled: true }, anonymous: { enabled: false } });
    expect(c.defaultPolicy).toBe('default');
  });

  it('accepts detectors that need options when they get them', () => {
    const text = `${MINIMAL}policies:\n  default:\n    input:\n      - detector: keywords\n        action: block\n        options: { lists: [ { name: internal, terms: [project-falcon] } ] }\n      - { detector: regex, action: redact, options: { patterns: [ { name: ticket, pattern: "TCK-[0-9]{6}" } ] } }\n`;
    expect(parseConfig(text, 'k.yaml').policies.default?.input.map((r) => r.detector)).toEqual(['keywords', 'regex']);
  });

  it('accepts a byte-order mark, comments and anchors within the alias budget', () => {
    const text = `\ufeff# comment\nversion: 1\nupstreams:\n  - &u { name: a, url: "https://x.example/v1" }\npolicies:\n  p1: &p { input: [ { detector: pii, action: redact } ] }\n  p2: *p\ndefaultPolicy: p1\n`;
    const c = parseConfig(text, 'a.yaml');
    expect(c.policies.p2).toEqual(c.policies.p1);
  });
});

describe('parseConfig: schema problems name line, column and key', () => {
  it('unknown key at top level, with a suggestion', () => {
    expect(problems(`${MINIMAL}defaultPolicey: default\n`)).toEqual([
      'bulwark.yaml:3:1: defaultPolicey: unknown key "defaultPolicey" (did you mean "defaultPolicy"?)',
    ]);
  });

  it('unknown keys nested, each named at its own line', () => {
    const text = `${MINIMAL}policies:\n  default:\n    input:\n      - detector: pii\n        action: redact\n        budget: 5\n    streaming: { mode: buffer, window: 10 }\n`;
    expect(problems(text)).toEqual([
      'bulwark.yaml:8:9: policies.default.input.0.budget: unknown key "budget" (did you mean "budgetMs"?)',
      'bulwark.yaml:9:32: policies.default.streaming.window: unknown key "window" (did you mean "windowChars"?)',
    ]);
  });

  it('wrong types, without echoing the value', () => {
    const text = `version: 1\nserver:\n  port: "8787"\n  bodyLimitBytes: 1.5\nupstreams:\n  - name: a\n    url: http://127.0.0.1:1/v1\n    apiKey: sk-live-1234567890\n`;
    const lines = problems(text);
    expect(lines).toEqual([
      'bulwark.yaml:3:9: server.port: expected a number, got a string',
      'bulwark.yaml:4:19: server.bodyLimitBytes: expected an integer, got a number (1.5)',
      'bulwark.yaml:8:13: upstreams.0.apiKey: expected { env: NAME } or { file: PATH }; keys are never written in the config file itself',
    ]);
    expect(lines.join('\n')).not.toContain('sk-live');
  });

  it('missing required keys point at the map that lacks them', () => {
    expect(problems('version: 1\nupstreams:\n  - name: a\n')).toEqual(['bulwark.yaml:3:5: upstreams.0.url: is required']);
    expect(problems('upstreams: []\n')).toEqual(['bulwark.yaml:1:1: version: is required', 'bulwark.yaml:1:12: upstreams: at least one upstream is required']);
  });

  it('enums, ranges and one-of-two constraints', () => {
    const text = `${MINIMAL}auth:\n  jwt: { issuer: i, audience: a, algorithms: [none] }\npolicies:\n  default:\n    output: [ { detector: pii, action: erase, threshold: 3 } ]\n`;
    expect(problems(text)).toEqual([
      'bulwark.yaml:4:47: auth.jwt.algorithms.0: must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519 (asymmetric only)',
      'bulwark.yaml:7:40: policies.default.output.0.action: must be one of "block", "redact", "flag"',
      'bulwark.yaml:7:58: policies.default.output.0.threshold: must be at most 1',
    ]);
    expect(problems(`${MINIMAL}auth:\n  jwt: { issuer: i, audience: a }\n`)).toEqual(['bulwark.yaml:4:8: auth.jwt: give exactly one of jwksUrl or publicKey']);
  });

  it('URLs: scheme, credentials, https for JWKS', () => {
    const text = `version: 1\nupstreams:\n  - { name: a, url: "file:///etc/passwd" }\n  - { name: b, url: "https://user:pw@x.example/v1" }\nauth:\n  jwt: { issuer: i, audience: a, jwksUrl: "http://idp.example/jwks" }\n`;
    expect(problems(text)).toEqual([
      'bulwark.yaml:3:21: upstreams.0.url: must be an http:// or https:// URL',
      'bulwark.yaml:4:21: upstreams.1.url: must not contain credentials; use apiKey: { env | file }',
      'bulwark.yaml:6:43: auth.jwt.jwksUrl: must be an https:// URL (http:// only to a loopback host)',
    ]);
    expect(() => parseConfig(`${MINIMAL}auth:\n  jwt: { issuer: i, audience: a, jwksUrl: "http://127.0.0.1:9/jwks" }\n`, 'x')).not.toThrow();
  });

  it('secret references: env must be a variable name, exactly one source', () => {
    const text = `version: 1\nupstreams:\n  - { name: a, url: "http://h/v1", apiKey: { env: "1BAD-NAME" } }\n  - { name: b, url: "http://h/v1", apiKey: { env: A, file: /x } }\n  - { name: c, url: "http://h/v1", apiKey: { value: x } }\n`;
    expect(problems(text)).toEqual([
      'bulwark.yaml:3:51: upstreams.0.apiKey.env: must be an environment variable name (letters, digits and "_", not starting with a digit)',
      'bulwark.yaml:4:44: upstreams.1.apiKey: give exactly one of env or file',
      'bulwark.yaml:5:44: upstreams.2.apiKey: give exactly one of env or file',
      'bulwark.yaml:5:46: upstreams.2.apiKey.value: unknown key "value"',
    ]);
  });

  it('invalid policy names point at the key', () => {
    expect(problems(`${MINIMAL}policies:\n  default: {}\n  "bad name": {}\n`)).toEqual([
      'bulwark.yaml:5:3: policies."bad name": invalid name "bad name": must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
    ]);
  });

  it('an empty file, a list, or null values', () => {
    expect(problems('')).toEqual(['bulwark.yaml:1:1: the configuration is empty; it needs at least version: 1 and upstreams']);
    expect(problems('# only a comment\n')).toHaveLength(1);
    expect(problems('- a\n')).toEqual(['bulwark.yaml:1:1: expected a map, got a list']);
    expect(problems(`${MINIMAL}limits:\n`)).toEqual(['bulwark.yaml:3:1: limits: expected a map, got null (an empty value)']);
  });
});

describe('parseConfig: cross-references', () => {
  it('unknown detector id, with a suggestion', () => {
    const text = `${MINIMAL}policies:\n  default:\n    input:\n      - { detector: prompt-injections, action: block }\n      - { detector: no-such-thing, action: block }\n`;
    expect(problems(text)).toEqual([
      'bulwark.yaml:6:21: policies.default.input.0.detector: unknown detector "prompt-injections" (did you mean "prompt-injection"?)',
      'bulwark.yaml:7:21: policies.default.input.1.detector: unknown detector "no-such-thing"',
    ]);
  });

  it("bad detector options, reported at the option's line using the detector's own schema", () => {
    const text = `${MINIMAL}policies:\n  default:\n    output:\n      - detector: pii\n        action: redact\n        options:\n          treshold: 0.4\n          allowlist: 7\n      - { detector: keywords, action: flag }\n`;
    const lines = problems(text);
    expect(lines).toContain('bulwark.yaml:9:11: policies.default.output.0.options.treshold: unknown key "treshold" (did you mean "threshold"?)');
    expect(lines).toContain('bulwark.yaml:10:22: policies.default.output.0.options.allowlist: expected a list, got an integer');
    // keywords needs lists: the rule has no options, so the rule itself is pointed at.
    expect(lines).toContain('bulwark.yaml:11:9: policies.default.output.1.options.lists: is required');
  });

  it('threshold merged into options: given twice', () => {
    const text = `${MINIMAL}policies:\n  default:\n    input:\n      - { detector: pii, action: redact, threshold: 0.5, options: { threshold: 0.4 } }\n`;
    expect(problems(text)).toEqual(['bulwark.yaml:6:53: policies.default.input.0.threshold: threshold is given both here and in options; keep one']);
  });

  it('an injected registry: only its detectors exist, and a detector without a threshold option says so', () => {
    const plain = defineDetector({
      id: 'plain',
      description: 'test double without a threshold option',
      stages: ['input'],
      tags: {},
      options: z.strictObject({ label: z.string().default('x') }),
      create: () => () => [],
    });
    const registry = { detectors: [plain], find: (id: string) => (id === 'plain' ? plain : undefined) };
    const text = `${MINIMAL}policies:\n  default:\n    input: [ { detector: plain, action: flag, threshold: 0.5, options: { label: y, colour: red } } ]\n    output: [ { detector: pii, action: redact } ]\n`;
    try {
      parseConfig(text, 'r.yaml', { registry });
      expect.unreachable();
    } catch (e) {
      expect(issuesOf(e).map(formatIssue)).toEqual([
        'r.yaml:5:58: policies.default.input.0.threshold: detector "plain" has no threshold option',
        'r.yaml:5:84: policies.default.input.0.options.colour: unknown key "colour"',
        'r.yaml:6:27: policies.default.output.0.detector: unknown detector "pii"',
      ]);
    }
    expect(parseConfig(`${MINIMAL}policies:\n  default:\n    input: [ { detector: plain, action: flag } ]\n`, 'r.yaml', { registry }).policies.default?.input).toHaveLength(1);
  });

  it('a detector at a stage it does not support, and a detector twice in one stage', () => {
    const text = `${MINIMAL}policies:\n  default:\n    input:\n      - { detector: groundedness, action: flag }\n      - { detector: pii, action: redact }\n      - { detector: pii, action: block }\n`;
    expect(problems(text)).toEqual([
      'bulwark.yaml:6:21: policies.default.input.0.detector: detector "groundedness" does not run at stage input (it runs at: output)',
      'bulwark.yaml:8:21: policies.default.input.2.detector: detector "pii" is already used at stage input in this policy',
    ]);
  });

  it('dangling policy references from routes, anonymous and defaultPolicy', () => {
    const text = `${MINIMAL}auth:\n  anonymous: { enabled: true, policy: guest }\npolicies:\n  default: {}\n  strict: {}\nroutes:\n  - { path: /v1/embeddings, policy: strcit }\ndefaultPolicy: lenient\n`;
    expect(problems(text)).toEqual([
      'bulwark.yaml:4:39: auth.anonymous.policy: unknown policy "guest"',
      'bulwark.yaml:9:37: routes.0.policy: unknown policy "strcit" (did you mean "strict"?)',
      'bulwark.yaml:10:16: defaultPolicy: unknown policy "lenient"',
    ]);
  });

  it('policies without one named "default" need defaultPolicy', () => {
    expect(problems(`${MINIMAL}policies:\n  strict: {}\n`)).toEqual(['bulwark.yaml:3:1: defaultPolicy: no policy is named "default": add one or set defaultPolicy']);
    expect(() => parseConfig(`${MINIMAL}policies:\n  strict: {}\ndefaultPolicy: strict\n`, 'x')).not.toThrow();
  });

  it('an auth section that lets nobody in', () => {
    expect(problems(`${MINIMAL}auth: { apiKeys: { enabled: false } }\n`)).toEqual([
      'bulwark.yaml:3:7: auth: no way in: API keys are disabled, no jwt is configured and anonymous access is off',
    ]);
    expect(() => parseConfig(`${MINIMAL}auth: { apiKeys: { enabled: false }, anonymous: { enabled: true } }\n`, 'x')).not.toThrow();
  });

  it('duplicate upstream names', () => {
    const text = `version: 1\nupstreams:\n  - { name: a, url: "http://h/v1" }\n  - { name: b, url: "http://h/v1" }\n  - { name: a, url: "http://i/v1" }\n`;
    expect(problems(text)).toEqual(['bulwark.yaml:5:13: upstreams.2.name: duplicate upstream name "a" (first used on line 3)']);
  });

  it('reports schema and cross-reference problems together, in file order', () => {
    const text = `version: 2\nupstreams: [{ name: a, url: "http://h/v1" }]\npolicies:\n  default:\n    input: [ { detector: nope, action: block } ]\nroutes: [ { policy: gone, extra: 1 } ]\n`;
    expect(problems(text)).toEqual([
      'bulwark.yaml:1:10: version: must be 1',
      'bulwark.yaml:5:26: policies.default.input.0.detector: unknown detector "nope"',
      'bulwark.yaml:6:27: routes.0.extra: unknown key "extra"',
      'bulwark.yaml:6:21: routes.0.policy: unknown policy "gone"',
    ].sort((a, b) => order(a) - order(b)));
  });

  it('the thrown error names the first problem and how many more there are', () => {
    try {
      parseConfig('version: 2\nupstreams: []\n', 'c.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('c.yaml:1:10: version: must be 1 (and 1 more problem)');
    }
  });
});

function order(line: string): number {
  const [, l, c] = /:(\d+):(\d+):/.exec(line) ?? [];
  return Number(l) * 1000 + Number(c);
}

describe('parseConfig: YAML syntax and hostile documents', () => {
  it('syntax errors with their line', () => {
    expect(problems('version: 1\nupstreams: [ { name: a\n')).toEqual(expect.arrayContaining([expect.stringMatching(/^bulwark\.yaml:[23]:\d+: /)]));
    // The parser notices an unterminated string where the file ends.
    expect(problems('version: 1\nname: "unterminated\n')[0]).toMatch(/^bulwark\.yaml:3:1: missing closing "quote/);
    expect(problems('version: 1\n\tupstreams: []\n')[0]).toMatch(/^bulwark\.yaml:2:1: tabs are not allowed/);
  });

  it('duplicate keys, several documents, custom tags and non-scalar keys are errors', () => {
    expect(problems('version: 1\nversion: 1\n')).toEqual(['bulwark.yaml:2:1: map keys must be unique']);
    expect(problems('version: 1\n---\nversion: 1\n')[0]).toMatch(/^bulwark\.yaml:\d+:\d+: source contains multiple documents/);
    expect(problems('version: !!js/function "x"\n')[0]).toMatch(/^bulwark\.yaml:1:10: unresolved tag/);
    expect(problems('version: 1\n? [a, b]\n: 1\n')).toEqual(['bulwark.yaml:2:3: keys must be plain strings, not lists, maps or aliases']);
  });

  it('__proto__ keys are unknown keys and pollute nothing', () => {
    expect(problems(`${MINIMAL}__proto__: { polluted: true }\n`)).toEqual(['bulwark.yaml:3:1: __proto__: unknown key "__proto__"']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws anything but ERR_CONFIG_INVALID, whatever the document (property)', () => {
    const yamlish = fc.array(fc.constantFrom('version: 1\n', 'upstreams:', ' - ', '{', '}', '[', ']', ': ', '&a ', '*a', '"', "'", '\n  ', 'policies:', 'default:', 'input:', 'detector: pii', '#', '!!str ', '? ', '\t', '\u0000', '\ud800'), { maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(yamlish.map((a) => a.join('')), fc.jsonValue().map((v) => stringify({ version: 1, upstreams: v, policies: v }))), (text) => {
        try {
          parseConfig(text, 'f.yaml');
        } catch (e) {
          expect(isBulwarkError(e) && e.code).toBe('ERR_CONFIG_INVALID');
          for (const issue of issuesOf(e)) expect(formatIssue(issue)).toMatch(/^f\.yaml(:\d+:\d+)?: /);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses an alias bomb (billion laughs) at the first alias, quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expect(problems(`${levels.join('\n')}\n`)).toEqual(['bulwark.yaml:2:8: aliases expand to too much data (more than 100 expansions)']);
  });

  it('refuses deep nesting: flow brackets beyond the parser stack, and maps deeper than the limit', () => {
    const brackets = `version: 1\nupstreams: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`;
    expect(problems(brackets)[0]).toMatch(/^bulwark\.yaml:2:\d+: /);
    const deep = `${MINIMAL}policies:\n  default:\n    input:\n      - detector: keywords\n        action: flag\n        options: ${'{a: '.repeat(40)}1${'}'.repeat(40)}\n`;
    const lines = problems(deep);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bulwark\.yaml:8:\d+: policies\.default\.input\.0\.options(\.a)+: nested deeper than 32 levels$/);
  });

  it('refuses a text over 1 MiB before parsing it', () => {
    const huge = `version: 1\n# ${'x'.repeat(1024 * 1024)}\n`;
    expect(problems(huge)).toEqual(['bulwark.yaml:1:1: file is larger than 1048576 characters']);
  });

  it('caps the number of problems reported', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `k${i}: 1`).join('\n');
    const lines = problems(`${MINIMAL}${keys}\n`);
    expect(lines).toHaveLength(MAX_ISSUES + 1);
    expect(lines.at(-1)).toBe('bulwark.yaml: 400 more problems not shown');
  });

  it('long or control-character keys are shortened and made printable in messages', () => {
    const key = `k\u001b[31m${'y'.repeat(200)}`;
    const [line] = problems(`${MINIMAL}"${key.replace('\u001b', '\\e')}": 1\n`);
    expect(line).not.toContain('\u001b');
    expect(line!.length).toBeLessThan(220);
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bulwark-policy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and names it in the problems', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, EXAMPLE);
    expect((await loadConfig(file)).defaultPolicy).toBe('default');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, `${MINIMAL}extra: 1\n`);
    await expect(loadConfig(bad, { sourceName: 'bad.yaml' })).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      context: { issues: [{ source: 'bad.yaml', line: 3, column: 1, path: 'extra', message: 'unknown key "extra"' }] },
    });
  });

  it('ERR_IO for a missing file, and a clean refusal of huge, endless or non-UTF-8 files', async () => {
    await expect(loadConfig(join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'ERR_IO' });
    const huge = join(dir, 'huge.yaml');
    await writeFile(huge, Buffer.alloc(2 * 1024 * 1024, 0x20));
    await expect(loadConfig(huge)).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('larger than') });
    if (existsSync('/dev/zero')) await expect(loadConfig('/dev/zero')).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    const latin1 = join(dir, 'latin1.yaml');
    await writeFile(latin1, Buffer.from('version: 1\nname: caf\xe9\n', 'latin1'));
    await expect(loadConfig(latin1)).rejects.toMatchObject({ message: expect.stringContaining('not valid UTF-8') });
  });
});
