// `bulwark mcp audit` and `bulwark mcp pin` in-process: exit codes (1 flagged at --fail-on, 2 unreadable config, 3
// both, 64 usage), JSON and SARIF output, discovery in an injected home, --live through an injected live module (and
// a clear error without one), and pins recorded from a tools dump, then drift reported by the audit.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../test/fixtures/memory-io.js';
import { createRegistry } from '../gateway/detector-api/registry.js';
import type { ConfiguredServer } from '../mcp/types.js';
import type { CommandContext } from './command-context.js';
import { registerMcpCommand, type McpCommandDeps } from './mcp.js';
import { sarifValidator } from '../../test/fixtures/sarif-validator.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/mcp/', import.meta.url));
const CURSOR_PROJECT = join(FIXTURES, 'project/.cursor/mcp.json');
const MCP_JSON = join(FIXTURES, 'project/.mcp.json');
const TOOLS = join(FIXTURES, 'tools.json');

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-mcp-cli-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], deps: McpCommandDeps = {}) {
  const io = memoryIo({ cwd: tmp });
  let code = 0;
  const ctx: CommandContext = { registry: createRegistry([]), io, setExitCode: (c) => (code = c) };
  const program = new Command('bulwark').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerMcpCommand(program, ctx, { home: join(FIXTURES, 'home'), platform: 'linux', env: {}, ...deps });
  try {
    await program.parseAsync(['node', 'bulwark', 'mcp', ...args], { from: 'node' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 64;
  }
  return { code, out: io.out(), err: io.err() };
}

type Json = { servers: { name: string; source: string; findings: { check: string; severity: string; location: string }[]; live?: unknown }[]; errors: { path: string }[] };

describe('bulwark mcp audit', () => {
  it('prints JSON and exits 1 when a finding reaches --fail-on', async () => {
    const r = await run(['audit', '--config', CURSOR_PROJECT, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as Json;
    expect(json.servers.map((s) => [s.name, s.source, s.findings.map((f) => f.check)])).toEqual([
      ['fetch', `file:${CURSOR_PROJECT}`, []],
      ['crm', `file:${CURSOR_PROJECT}`, ['secrets.plaintext-headers']],
    ]);
    expect(json.errors).toEqual([]);
    expect((await run(['audit', '--config', CURSOR_PROJECT, '--fail-on', 'critical'])).code).toBe(0);
    expect((await run(['audit', '--config', join(FIXTURES, 'project/.gemini/settings.json'), '--fail-on', 'medium'])).code).toBe(1);
  });

  it('exits 2 when a configuration cannot be read, 3 with findings too', async () => {
    const broken = join(FIXTURES, 'broken/truncated.json');
    const r = await run(['audit', '--config', broken]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('errors:');
    expect((await run(['audit', '--config', broken, '--config', CURSOR_PROJECT])).code).toBe(3);
  });

  it('discovers the configurations of the injected home and project folder', async () => {
    const r = await run(['audit'], { home: join(FIXTURES, 'home') });
    // The working directory is an empty folder: only the user-level files of Linux.
    expect(r.code).toBe(1);
    expect(r.out).toContain('~/.config/Code/User/mcp.json');
    expect(r.out).toContain('shell.metacharacters');
    expect(r.out).toMatch(/servers in \d+ configurations: \d+ findings/);
    const empty = await run(['audit'], { home: tmp });
    expect(empty).toMatchObject({ code: 0, out: 'no MCP server configurations found\n' });
  });

  it('writes a SARIF log that validates', async () => {
    const r = await run(['audit', '--config', MCP_JSON, '--tools', TOOLS, '--sarif', 'out/audit.sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(tmp, 'out/audit.sarif'), 'utf8')) as object;
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(JSON.stringify(sarif)).toContain('descriptions.hidden-directive');
  });

  it('refuses bad usage with exit 64', async () => {
    expect((await run(['audit', '--fail-on', 'severe'])).code).toBe(64);
    const token = await run(['audit', '--token', 'x']);
    expect(token).toMatchObject({ code: 64, err: 'bulwark: --token, --token-env and --timeout apply to --live only\n' });
    expect((await run(['audit', '--live', '--token', 'a', '--token-env', 'B'], { loadLive: async () => ({ liveAudit: async () => ({ findings: [], live: { reached: false } }) }) })).code).toBe(64);
    const missing = await run(['audit', '--live', '--token-env', 'NOPE'], { env: {} });
    expect(missing).toMatchObject({ code: 64, err: 'bulwark: --token-env NOPE: the variable is not set\n' });
  });

  it('says clearly when the live auditor is not available', async () => {
    const r = await run(['audit', '--config', CURSOR_PROJECT, '--live'], {
      loadLive: () => Promise.reject(new Error('Cannot find module live.js')),
    });
    expect(r.code).toBe(64);
    expect(r.err).toBe('bulwark: the live MCP auditor is not available in this build (Cannot find module live.js)\n');
  });

  it('runs the live hook on every server with the token, and says what it contacts', async () => {
    const calls: { name: string; token?: string; timeoutMs: number; allowStdio: boolean; otherServers?: string[] }[] = [];
    const loadLive = async () => ({
      liveAudit: async (s: ConfiguredServer, o: { token?: string; timeoutMs: number; allowStdio: boolean; otherServers?: string[] }) => {
        calls.push({ name: s.name, ...o });
        return s.name === 'crm'
          ? { findings: [{ check: 'auth.unauthenticated-tools', severity: 'high' as const, message: 'tools listed without a token', location: 'url', tags: { owaspMcp: ['MCP07'] } }], live: { reached: true, tools: 2, prompts: 0, resources: 0 } }
          : { findings: [], live: { reached: false, error: 'not started' } };
      },
    });
    const r = await run(['audit', '--config', CURSOR_PROJECT, '--live', '--token-env', 'TOK', '--timeout', '2', '--json'], { loadLive, env: { TOK: 'secret-token' } });
    expect(r.code).toBe(1);
    expect(calls.map((c) => [c.name, c.token, c.timeoutMs, c.allowStdio, c.otherServers])).toEqual([
      ['fetch', 'secret-token', 2000, true, ['crm']],
      ['crm', 'secret-token', 2000, true, ['fetch']],
    ]);
    const json = JSON.parse(r.out) as Json;
    expect(json.servers[1]!.live).toEqual({ reached: true, tools: 2, prompts: 0, resources: 0 });
    expect(json.servers[1]!.findings.map((f) => f.check)).toEqual(['secrets.plaintext-headers', 'auth.unauthenticated-tools']);
    expect(r.err).toContain('contact crm: https://crm.example.com');
    expect(r.err).toContain('start fetch: docker');
  });
});

describe('bulwark mcp pin', () => {
  it('pins the definitions of a tools dump; the audit then reports drift and checks pinned descriptions offline', async () => {
    const pins = join(tmp, 'pins.json');
    const r = await run(['pin', '--config', MCP_JSON, '--tools', TOOLS, '-o', pins]);
    expect(r.err).toContain('bulwark: github-remote: not in');
    expect(r.err).toContain(`pinned 1 server (3 definitions) → ${pins}`);
    expect(r.code).toBe(0);
    const stored = JSON.parse(readFileSync(pins, 'utf8')) as { servers: { name: string }[] };
    expect(stored.servers.map((s) => s.name)).toEqual(['calculator']);

    // Offline, from the pins alone: the pinned poisoned descriptions are found.
    const offline = JSON.parse((await run(['audit', '--config', MCP_JSON, '--pins', pins, '--json'])).out) as Json;
    expect(offline.servers.find((s) => s.name === 'calculator')!.findings.map((f) => f.check)).toContain('descriptions.hidden-directive');

    // A changed description in a later dump is drift.
    const dump = JSON.parse(readFileSync(TOOLS, 'utf8')) as Record<string, { tools: { name: string; description: string }[] }>;
    dump.calculator!.tools[1]!.description = 'Multiplies two numbers.';
    writeFileSync(join(tmp, 'later.json'), JSON.stringify(dump));
    const drift = JSON.parse((await run(['audit', '--config', MCP_JSON, '--pins', pins, '--tools', 'later.json', '--json'])).out) as Json;
    expect(drift.servers.find((s) => s.name === 'calculator')!.findings.filter((f) => f.check.startsWith('pins.')).map((f) => [f.check, f.location])).toEqual([['pins.changed', 'tool:multiply']]);
  });

  it('pins through the live module and reports servers it could not list', async () => {
    const pins = join(tmp, 'live-pins.json');
    const loadLive = async () => ({
      liveAudit: async (s: ConfiguredServer) =>
        s.name === 'crm' ? { findings: [], live: { reached: true, tools: 1 }, served: { items: [{ kind: 'tool' as const, name: 'lookup', description: 'Look up a customer.' }] } } : { findings: [], live: { reached: false, error: 'spawn docker ENOENT' } },
    });
    const r = await run(['pin', '--config', CURSOR_PROJECT, '-o', pins], { loadLive });
    expect(r.code).toBe(2);
    expect(r.err).toContain('bulwark: fetch: not pinned: spawn docker ENOENT');
    expect(r.err).toContain(`pinned 1 server (1 definition) → ${pins}`);
    const missing = await run(['pin', '--config', CURSOR_PROJECT], { loadLive: () => Promise.reject(new Error('gone')) });
    expect(missing.code).toBe(64);
  });
});
