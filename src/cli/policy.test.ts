// Tests of `bulwark policy schema` and `bulwark policy check`, run in-process on a commander program.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo, type MemoryIo } from '../../test/fixtures/memory-io.js';
import { defaultRegistry } from '../gateway/detector-api/registry.js';
import type { CommandContext } from './command-context.js';
import { registerPolicyCommand } from './policy.js';

async function run(args: string[], io: MemoryIo): Promise<number> {
  let code = -1;
  const ctx: CommandContext = { registry: defaultRegistry(), io, setExitCode: (c) => (code = c) };
  const program = new Command('bulwark').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerPolicyCommand(program, ctx);
  await program.parseAsync(args, { from: 'user' });
  return code;
}

const VALID = `version: 1
upstreams:
  - { name: local, url: "http://127.0.0.1:8000/v1", apiKey: { env: BULWARK_TEST_SURELY_UNSET_VAR } }
policies:
  default:
    input: [ { detector: prompt-injection, action: block } ]
    output: [ { detector: pii, action: redact } ]
  strict:
    input: [ { detector: prompt-injection, action: block, threshold: 0.3 } ]
routes:
  - { path: /v1/chat/completions, principal: "team-*", policy: strict }
`;

describe('bulwark policy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bulwark-cli-policy-'));
    await writeFile(join(dir, 'ok.yaml'), VALID);
    await writeFile(join(dir, 'bad.yaml'), `version: 1\nupstreams: [ { name: a, url: "http://h/v1" } ]\nextra: 1\npolicies:\n  default:\n    input: [ { detector: pii, action: block, options: { treshold: 1 } } ]\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('schema prints the JSON Schema', async () => {
    const io = memoryIo();
    expect(await run(['policy', 'schema'], io)).toBe(0);
    const schema = JSON.parse(io.out()) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toContain('draft-07');
    expect(Object.keys(schema.properties)).toEqual(['version', 'server', 'upstreams', 'auth', 'limits', 'policies', 'routes', 'defaultPolicy', 'alerts', 'sinks', 'outbox', 'mcp']);
  });

  it('check: exit 0 with a summary of upstreams, policies per stage and routes; warns about unset variables', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await run(['policy', 'check', 'ok.yaml'], io)).toBe(0);
    const out = io.out();
    expect(out).toMatch(/^ok\.yaml: valid\n/);
    expect(out).toContain('upstreams (1):\n  local  http://127.0.0.1:8000/v1  models *  key from env BULWARK_TEST_SURELY_UNSET_VAR');
    expect(out).toContain('policies (2), default: default');
    expect(out).toContain('    input: prompt-injection (block, 10 ms, fail closed)');
    expect(out).toContain('    output: pii (redact, 10 ms, fail open)');
    expect(out).toContain('routes (1):\n  /v1/chat/completions principal team-* → strict');
    expect(out).toContain('auth: api keys');
    expect(io.err()).toBe('bulwark: warning: upstream local: environment variable BULWARK_TEST_SURELY_UNSET_VAR is not set here\n');
  });

  it('check: exit 64 with one file:line:column: key: message line per problem', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await run(['policy', 'check', 'bad.yaml'], io)).toBe(64);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(
      'bad.yaml:3:1: extra: unknown key "extra"\n' +
        'bad.yaml:6:57: policies.default.input.0.options.treshold: unknown key "treshold" (did you mean "threshold"?)\n',
    );
  });

  it('check --json: the summary or the issues as data', async () => {
    const ok = memoryIo({ cwd: dir });
    expect(await run(['policy', 'check', '--json', 'ok.yaml'], ok)).toBe(0);
    const summary = JSON.parse(ok.out()) as { valid: boolean; summary: { defaultPolicy: string; policies: { name: string }[] } };
    expect(summary.valid).toBe(true);
    expect(summary.summary.policies.map((p) => p.name)).toEqual(['default', 'strict']);
    const bad = memoryIo({ cwd: dir });
    expect(await run(['policy', 'check', '--json', 'bad.yaml'], bad)).toBe(64);
    const result = JSON.parse(bad.out()) as { valid: boolean; issues: unknown[] };
    expect(result.valid).toBe(false);
    expect(result.issues[0]).toEqual({ source: 'bad.yaml', line: 3, column: 1, path: 'extra', message: 'unknown key "extra"' });
  });

  it('check: exit 64 for a missing file', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await run(['policy', 'check', 'missing.yaml'], io)).toBe(64);
    expect(io.err()).toBe('missing.yaml: cannot read missing.yaml (ENOENT)\n');
  });

  it('check: problems with control characters are printed safely', async () => {
    await writeFile(join(dir, 'esc.yaml'), 'version: 1\nupstreams: [ { name: a, url: "http://h/v1" } ]\n"\\e[2Jx": 1\n');
    const io = memoryIo({ cwd: dir });
    expect(await run(['policy', 'check', 'esc.yaml'], io)).toBe(64);
    expect(io.err()).not.toContain('\u001b');
  });
});
