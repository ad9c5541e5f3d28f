// The MCP auditor over a fake home and project holding one configuration per client format (test/fixtures/mcp):
// discovery per platform finds every file, every planted problem is found with its check id and location, clean
// servers get no finding at all, entries carry their lines, and each file read alone with --config (format
// recognised from the content) gives the same servers.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { auditConfigs } from '../src/mcp/audit/audit.js';
import { discoverConfigs, readConfigFile, type Platform } from '../src/mcp/audit/discovery.js';
import type { AuditReport, McpFinding } from '../src/mcp/types.js';
import { runCli } from './fixtures/run-cli.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/mcp/', import.meta.url));
const HOME = join(FIXTURES, 'home');
const PROJECT = join(FIXTURES, 'project');
const TOOLS = join(FIXTURES, 'tools.json');
const PLATFORMS: readonly Platform[] = ['darwin', 'linux', 'win32'];
/** A platform, `unix` (macOS and Linux: Zed's ~/.config/zed), or undefined for all three. */
type On = Platform | 'unix' | undefined;
const platformsOf = (on: On): readonly Platform[] => (on === undefined ? PLATFORMS : on === 'unix' ? ['darwin', 'linux'] : [on]);

const rel = (p: string) => relative(FIXTURES, p).split('\\').join('/');

const CLAUDE_MAC = 'home/Library/Application Support/Claude/claude_desktop_config.json';
const CLAUDE_LINUX = 'home/.config/Claude/claude_desktop_config.json';
const CLAUDE_WIN = 'home/AppData/Roaming/Claude/claude_desktop_config.json';
const CLAUDE_CODE = 'home/.claude.json';
const MCP_JSON = 'project/.mcp.json';
const CURSOR = 'home/.cursor/mcp.json';
const CURSOR_PROJECT = 'project/.cursor/mcp.json';
const VSCODE_LINUX = 'home/.config/Code/User/mcp.json';
const VSCODE_MAC_SETTINGS = 'home/Library/Application Support/Code/User/settings.json';
const VSCODE_WORKSPACE = 'project/.vscode/mcp.json';
const WINDSURF = 'home/.codeium/windsurf/mcp_config.json';
const GEMINI = 'home/.gemini/settings.json';
const GEMINI_PROJECT = 'project/.gemini/settings.json';
const ZED = 'home/.config/zed/settings.json';
const CONTINUE = 'home/.continue/config.yaml';
const CONTINUE_REMOTE = 'project/.continue/mcpServers/remote.yaml';
const CONTINUE_JSON = 'project/.continue/mcpServers/claude-style.json';

/** [platform (undefined = all), file, server, check, location: pointer in the file or a definition location]. */
const PLANTED: [On, string, string, string, string][] = [
  ['darwin', CLAUDE_MAC, 'github', 'secrets.plaintext-env', '/mcpServers/github/env/GITHUB_PERSONAL_ACCESS_TOKEN'],
  ['darwin', CLAUDE_MAC, 'github', 'supply-chain.unpinned-npx', '/mcpServers/github/args/1'],
  ['darwin', CLAUDE_MAC, 'remote-notes', 'supply-chain.known-vulnerable', '/mcpServers/remote-notes/args/0'],
  ['linux', CLAUDE_LINUX, 'local-tools', 'shell.shell-command', '/mcpServers/local-tools/args/1'],
  ['win32', CLAUDE_WIN, 'inspector', 'supply-chain.known-vulnerable', '/mcpServers/inspector/args/0'],
  ['win32', CLAUDE_WIN, 'brave-search', 'secrets.plaintext-args', '/mcpServers/brave-search/args/3'],
  [undefined, CLAUDE_CODE, 'sentry', 'remote.no-credentials', '/mcpServers/sentry/url'],
  [undefined, CLAUDE_CODE, 'tracker', 'remote.plain-http', '/mcpServers/tracker/url'],
  [undefined, CLAUDE_CODE, 'postgres', 'secrets.url-credentials', '/projects/~1home~1me~1work~1api/mcpServers/postgres/args/2'],
  [undefined, MCP_JSON, 'git', 'supply-chain.unpinned-uvx', '/mcpServers/git/args/0'],
  [undefined, MCP_JSON, 'calculator', 'descriptions.prompt-injection', 'instructions'],
  [undefined, MCP_JSON, 'calculator', 'descriptions.hidden-directive', 'tool:add'],
  [undefined, MCP_JSON, 'calculator', 'descriptions.file-access', 'tool:add'],
  [undefined, MCP_JSON, 'calculator', 'descriptions.exfiltration', 'tool:add'],
  [undefined, MCP_JSON, 'calculator', 'descriptions.shadowing', 'tool:multiply'],
  [undefined, MCP_JSON, 'calculator', 'descriptions.hidden-directive', 'tool:divide#/inputSchema/properties/note/description'],
  [undefined, MCP_JSON, 'calculator', 'descriptions.file-access', 'tool:divide#/inputSchema/properties/note/description'],
  [undefined, MCP_JSON, 'calculator', 'descriptions.tool-name-collision', 'tool:add'],
  [undefined, CURSOR, 'analytics', 'secrets.url-credentials', '/mcpServers/analytics/url'],
  [undefined, CURSOR, 'github-docker', 'supply-chain.unpinned-docker', '/mcpServers/github-docker/args/5'],
  [undefined, CURSOR_PROJECT, 'crm', 'secrets.plaintext-headers', '/mcpServers/crm/headers/Authorization'],
  ['linux', VSCODE_LINUX, 'indexer', 'shell.metacharacters', '/servers/indexer/args/0'],
  ['darwin', VSCODE_MAC_SETTINGS, 'wiki', 'secrets.url-credentials', '/mcp/servers/wiki/url'],
  [undefined, VSCODE_WORKSPACE, 'deno-jsr', 'supply-chain.unpinned-deno', '/servers/deno-jsr/args/2'],
  [undefined, VSCODE_WORKSPACE, 'openai-tools', 'secrets.plaintext-env', '/servers/openai-tools/env/OPENAI_API_KEY'],
  [undefined, WINDSURF, 'lan-tools', 'remote.plain-http', '/mcpServers/lan-tools/url'],
  [undefined, WINDSURF, 'clock', 'supply-chain.unpinned-uvx', '/mcpServers/clock/args/1'],
  [undefined, GEMINI, 'metrics', 'remote.plain-http', '/mcpServers/metrics/url'],
  [undefined, GEMINI, 'metrics', 'remote.no-credentials', '/mcpServers/metrics/url'],
  [undefined, GEMINI_PROJECT, 'bridge', 'supply-chain.known-vulnerable-unpinned', '/mcpServers/bridge/args/1'],
  ['unix', ZED, 'slack', 'secrets.plaintext-env', '/context_servers/slack/env/SLACK_BOT_TOKEN'],
  ['unix', ZED, 'slack', 'supply-chain.unpinned-uvx', '/context_servers/slack/args/1'],
  [undefined, CONTINUE, 'Browser', 'supply-chain.unpinned-npx', '/mcpServers/1/args/0'],
  [undefined, CONTINUE_REMOTE, 'Internal API', 'secrets.plaintext-headers', '/mcpServers/0/headers/Authorization'],
  [undefined, CONTINUE_JSON, 'redis', 'supply-chain.unpinned-docker', '/mcpServers/redis/args/3'],
  [undefined, 'tools.json', 'weather', 'descriptions.invisible-unicode', 'tool:get_forecast'],
  [undefined, 'tools.json', 'weather', 'descriptions.too-long', 'tool:get_alerts'],
  [undefined, 'tools.json', 'weather', 'descriptions.tool-name-collision', 'tool:add'],
];

/** Servers that must come out without a single finding: [platform (undefined = all), file, server]. */
const CLEAN: [On, string, string][] = [
  ['darwin', CLAUDE_MAC, 'filesystem'],
  ['linux', CLAUDE_LINUX, 'memory'],
  ['win32', CLAUDE_WIN, 'everything'],
  [undefined, CLAUDE_CODE, 'time'],
  [undefined, MCP_JSON, 'github-remote'],
  [undefined, CURSOR, 'context7'],
  [undefined, CURSOR_PROJECT, 'fetch'],
  ['linux', VSCODE_LINUX, 'playwright'],
  ['linux', VSCODE_LINUX, 'github'],
  ['darwin', VSCODE_MAC_SETTINGS, 'fetch'],
  [undefined, VSCODE_WORKSPACE, 'deno-demo'],
  [undefined, WINDSURF, 'stripe'],
  [undefined, GEMINI, 'deepwiki'],
  [undefined, GEMINI_PROJECT, 'local-py'],
  ['unix', ZED, 'context7'],
  ['unix', ZED, 'mcp-server-github'],
  [undefined, CONTINUE, 'SQLite'],
  [undefined, CONTINUE, 'Supabase'],
  [undefined, CONTINUE_REMOTE, 'Docs'],
  [undefined, CONTINUE_JSON, 'time'],
];

/** The file a server report came from, relative to the fixtures (the dump for servers no configuration names). */
function fileOf(source: string): string {
  const path = source.replace(/^[a-z-]+:/, '').replace(/#.*$/, '');
  return rel(path);
}

function findingsOf(report: AuditReport, file: string, server: string): McpFinding[] | undefined {
  const matches = report.servers.filter((s) => s.name === server && fileOf(s.source) === file);
  return matches.length === 0 ? undefined : matches.flatMap((s) => s.findings);
}

const reports = new Map<Platform, Promise<AuditReport>>();
const reportFor = (platform: Platform) => {
  if (!reports.has(platform)) reports.set(platform, auditConfigs({ discover: { home: HOME, cwd: PROJECT, platform, env: {} }, tools: TOOLS }));
  return reports.get(platform)!;
};

describe('bulwark mcp audit over the client fixtures', () => {
  it.each(PLATFORMS)('discovers the configuration files of every client on %s', async (platform) => {
    const d = await discoverConfigs({ home: HOME, cwd: PROJECT, platform, env: {} });
    expect(d.errors).toEqual([]);
    const files = d.files.map((f) => `${f.client} ${f.scope} ${rel(f.path)}`).sort();
    const common = [
      `claude-code project ${MCP_JSON}`,
      `claude-code user ${CLAUDE_CODE}`,
      `continue user ${CONTINUE}`,
      `continue workspace ${CONTINUE_JSON}`,
      `continue workspace ${CONTINUE_REMOTE}`,
      `cursor project ${CURSOR_PROJECT}`,
      `cursor user ${CURSOR}`,
      `gemini-cli project ${GEMINI_PROJECT}`,
      `gemini-cli user ${GEMINI}`,
      `vscode workspace ${VSCODE_WORKSPACE}`,
      `windsurf user ${WINDSURF}`,
    ];
    const perPlatform: Record<Platform, string[]> = {
      darwin: [`claude-desktop user ${CLAUDE_MAC}`, `vscode user ${VSCODE_MAC_SETTINGS}`, `zed user ${ZED}`],
      linux: [`claude-desktop user ${CLAUDE_LINUX}`, `vscode user ${VSCODE_LINUX}`, `zed user ${ZED}`],
      win32: [`claude-desktop user ${CLAUDE_WIN}`],
    };
    expect(files).toEqual([...common, ...perPlatform[platform]].sort());
  });

  it.each(PLANTED)('finds on %s in %s: %s → %s at %s', async (platform, file, server, check, where) => {
    for (const p of platformsOf(platform)) {
      const report = await reportFor(p);
      const findings = findingsOf(report, file, server);
      expect(findings, `${server} in ${file} on ${p}`).toBeDefined();
      const expected = where.startsWith('/') ? `${join(FIXTURES, file)}#${where}` : where;
      const hit = findings!.find((f) => f.check === check && f.location === expected);
      expect(hit, `${check} at ${where} among ${JSON.stringify(findings!.map((f) => [f.check, f.location]))}`).toBeDefined();
      expect(hit!.tags.owaspMcp?.length).toBeGreaterThan(0);
      expect(hit!.tags.owaspLlm?.length).toBeGreaterThan(0);
    }
  });

  it.each(CLEAN)('reports nothing on %s for the clean server in %s: %s', async (platform, file, server) => {
    for (const p of platformsOf(platform)) {
      const findings = findingsOf(await reportFor(p), file, server);
      expect(findings, `${server} in ${file} on ${p}`).toEqual([]);
    }
  });

  it('reports every server once per file it is configured in, and nothing beyond the planted findings', async () => {
    for (const p of PLATFORMS) {
      const report = await reportFor(p);
      expect(report.errors).toEqual([]);
      const expected = PLANTED.filter(([on]) => platformsOf(on).includes(p)).length;
      const total = report.servers.reduce((n, s) => n + s.findings.length, 0);
      expect(total, `findings on ${p}`).toBe(expected);
      const keys = report.servers.map((s) => `${s.name} ${s.source}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
    // `fetch` is configured for Cursor (project) and VS Code (user settings): two reports, one per file.
    const mac = await reportFor('darwin');
    expect(mac.servers.filter((s) => s.name === 'fetch').map((s) => fileOf(s.source)).sort()).toEqual([CURSOR_PROJECT, VSCODE_MAC_SETTINGS].sort());
  });

  it('masks every secret it reports', async () => {
    const secrets = ['ghp_R7c2Lq9ZxY3vB7nM1pR4sT6uW8yA0dF2hJ5k', 'BSAq8Zt3mK9vX2pL7nR4wY6cF1hJ5dG0sE', 'Kx8vQ2mZr7Lp4sWn', 'Zq7Lm2Xv9Rt4Kp8Wn3Bd', '9fJ2kLq8ZxY3vB7nM1pR4sT6uW0yA5dF', 'Hunter2Hunter2xyz', 'sk-proj-Vb3Nx7Qm2Lk9Pw4Rt8Zc1Yh6Fj5Dg0Sa3Ue7Io2Kl9Mn4Bv', 'xoxb-7392018465-8120394857261-Qm7Zr2Lp9Xv4Kt8Wn3Bd6Hs1', 'tok_8fJ2kLq9ZxY3vB7nM1pR4sT6'];
    for (const p of PLATFORMS) {
      const text = JSON.stringify(await reportFor(p));
      for (const s of secrets) expect(text).not.toContain(s.slice(6));
    }
  });

  it('gives every entry the line of its key in the file', async () => {
    for (const p of PLATFORMS) {
      const d = await discoverConfigs({ home: HOME, cwd: PROJECT, platform: p, env: {} });
      for (const s of d.servers) {
        const lines = readFileSync(s.source.path, 'utf8').split('\n');
        const yaml = s.source.path.endsWith('.yaml');
        const expected = lines.findIndex((l) => (yaml ? l.includes(`- name: ${s.name}`) : l.includes(`"${s.name}":`))) + 1;
        expect(s.line, `${s.name} in ${rel(s.source.path)}`).toBe(expected);
      }
    }
  });

  it('reads each file alone with --config, recognising its format from the content', async () => {
    const all = new Map<string, string[]>();
    for (const p of PLATFORMS) {
      for (const s of (await discoverConfigs({ home: HOME, cwd: PROJECT, platform: p, env: {} })).servers) {
        const names = all.get(s.source.path) ?? [];
        if (!names.includes(s.name)) names.push(s.name);
        all.set(s.source.path, names);
      }
    }
    for (const [path, names] of all) {
      const r = await readConfigFile(path);
      expect(r.errors, rel(path)).toEqual([]);
      expect(r.source).toMatchObject({ client: 'file', scope: 'given' });
      expect(r.servers.map((s) => s.name).sort(), rel(path)).toEqual([...names].sort());
    }
    // Transports as each client defines them.
    const gemini = await readConfigFile(join(FIXTURES, GEMINI), 'gemini-cli');
    expect(gemini.servers.map((s) => [s.name, s.transport])).toEqual([
      ['deepwiki', 'http'],
      ['metrics', 'sse'],
    ]);
    const windsurf = await readConfigFile(join(FIXTURES, WINDSURF));
    expect(windsurf.servers.map((s) => [s.name, s.transport, s.enabled])).toEqual([
      ['stripe', 'http', true],
      ['lan-tools', 'http', true],
      ['clock', 'stdio', false],
    ]);
    const zed = await readConfigFile(join(FIXTURES, ZED));
    expect(zed.servers.find((s) => s.name === 'context7')).toMatchObject({ command: 'npx', args: ['-y', '@upstash/context7-mcp@1.0.14'] });
  });

  it('reports broken files as errors and keeps reading the rest', async () => {
    const report = await auditConfigs({ configs: [join(FIXTURES, 'broken/truncated.json'), join(FIXTURES, 'broken/no-section.json'), join(FIXTURES, 'broken/bad-entries.json'), join(FIXTURES, 'missing.json')] });
    expect(report.errors.map((e) => [rel(e.path), e.message.replace(/ at line.*/, '')])).toEqual([
      ['broken/truncated.json', 'unexpected end of the document'],
      ['broken/no-section.json', 'no MCP server section found (mcpServers, servers, mcp.servers, context_servers)'],
      ['broken/bad-entries.json#/mcpServers/string-entry', 'the server entry is not an object'],
      ['missing.json', 'cannot read: ENOENT'],
    ]);
    expect(report.servers.map((s) => s.name)).toEqual(['ok']);
  });

  it('runs as `bulwark mcp audit` from the built CLI', async () => {
    const r = await runCli(['mcp', 'audit', '--config', join(FIXTURES, CURSOR_PROJECT), '--config', join(FIXTURES, MCP_JSON), '--tools', TOOLS, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as AuditReport;
    expect(json.servers.map((s) => s.name)).toEqual(['fetch', 'crm', 'github-remote', 'git', 'calculator', 'filesystem', 'github', 'weather']);
    expect(json.errors).toEqual([]);
    const usage = await runCli(['mcp', 'audit', '--fail-on', 'nope']);
    expect(usage.code).toBe(64);
  });
});
