// Launch lines: which package each runner fetches and whether it is pinned (npm, PyPI, images, Deno), with shells
// and `env` prefixes looked through.
import { describe, expect, it } from 'vitest';
import { launchedPackages, parseImage, parseNpmSpec, parsePythonSpec, programName } from './launchers.js';

const pins = (command: string, args: string[]) => launchedPackages(command, args).map((r) => [r.runner, r.name, r.version ?? null, r.pinned, r.argIndex]);

describe('launch lines', () => {
  it('reads npm specs, scoped ones included', () => {
    expect(parseNpmSpec('@scope/pkg@1.2.3')).toEqual({ name: '@scope/pkg', version: '1.2.3', pinned: true });
    expect(parseNpmSpec('@scope/pkg')).toMatchObject({ name: '@scope/pkg', pinned: false, why: 'no version' });
    expect(parseNpmSpec('pkg@latest')).toMatchObject({ name: 'pkg', pinned: false, why: 'tag "latest" moves' });
    expect(parseNpmSpec('pkg@^1.2.0')).toMatchObject({ pinned: false, why: 'range "^1.2.0" is not an exact version' });
    expect(parseNpmSpec('pkg@1.0.0-beta.2')).toMatchObject({ pinned: true });
    expect(parseNpmSpec(`github:org/repo#${'a'.repeat(40)}`)).toMatchObject({ pinned: true });
    expect(parseNpmSpec('github:org/repo#main')).toMatchObject({ pinned: false });
    expect(parseNpmSpec('./local/server.js')).toBeUndefined();
    expect(parseNpmSpec('C:\\tools\\server.js')).toBeUndefined();
  });

  it('reads Python specs and images', () => {
    expect(parsePythonSpec('mcp-server-git==0.6.2')).toMatchObject({ name: 'mcp-server-git', version: '0.6.2', pinned: true });
    expect(parsePythonSpec('mcp-server-git@0.6.2')).toMatchObject({ pinned: true });
    expect(parsePythonSpec('pkg[extra]==1.0')).toMatchObject({ name: 'pkg', pinned: true });
    expect(parsePythonSpec('pkg>=1.0')).toMatchObject({ pinned: false });
    expect(parsePythonSpec('pkg==1.*')).toMatchObject({ pinned: false });
    expect(parsePythonSpec('pkg@latest')).toMatchObject({ pinned: false, why: 'tag "latest" moves' });
    expect(parsePythonSpec('git+https://github.com/o/r@v1.2.0')).toMatchObject({ pinned: true });
    expect(parsePythonSpec('git+https://github.com/o/r')).toMatchObject({ pinned: false });
    expect(parseImage('mcp/fetch')).toMatchObject({ pinned: false });
    expect(parseImage('mcp/fetch:latest')).toMatchObject({ pinned: false });
    expect(parseImage('mcp/fetch:1.2')).toMatchObject({ pinned: true, version: '1.2' });
    expect(parseImage('localhost:5000/img')).toMatchObject({ name: 'localhost:5000/img', pinned: false });
    expect(parseImage(`ghcr.io/o/i@sha256:${'b'.repeat(64)}`)).toMatchObject({ pinned: true });
  });

  it('finds the package of every runner', () => {
    expect(pins('npx', ['-y', '@modelcontextprotocol/server-github'])).toEqual([['npx', '@modelcontextprotocol/server-github', null, false, 1]]);
    expect(pins('npx', ['--yes', '--registry', 'https://r.example', 'pkg@1.0.0', '--flag'])).toEqual([['npx', 'pkg', '1.0.0', true, 3]]);
    expect(pins('npx', ['-p', 'a@1.0.0', '--package=b', 'bin-name'])).toEqual([
      ['npx', 'a', '1.0.0', true, 1],
      ['npx', 'b', null, false, 2],
    ]);
    expect(pins('/usr/local/bin/npx.cmd', ['pkg'])).toEqual([['npx', 'pkg', null, false, 0]]);
    expect(pins('bunx', ['pkg@2.0.0'])).toEqual([['bunx', 'pkg', '2.0.0', true, 0]]);
    expect(pins('pnpm', ['dlx', 'pkg'])).toEqual([['pnpm dlx', 'pkg', null, false, 1]]);
    expect(pins('yarn', ['dlx', 'pkg@1.0.0'])).toEqual([['yarn dlx', 'pkg', '1.0.0', true, 1]]);
    expect(pins('npm', ['exec', '-y', '--', 'pkg'])).toEqual([['npm exec', 'pkg', null, false, 3]]);
    expect(pins('uvx', ['--python', '3.12', 'mcp-server-time'])).toEqual([['uvx', 'mcp-server-time', null, false, 2]]);
    expect(pins('uvx', ['--from', 'tool==1.0', 'tool-cli'])).toEqual([['uvx', 'tool', '1.0', true, 1]]);
    expect(pins('uv', ['tool', 'run', 'mcp-server-fetch'])).toEqual([['uv tool run', 'mcp-server-fetch', null, false, 2]]);
    expect(pins('pipx', ['run', '--spec', 'pkg==2.0', 'cmd'])).toEqual([['pipx run', 'pkg', '2.0', true, 2]]);
    expect(pins('docker', ['run', '-i', '--rm', '-e', 'TOKEN', '-v', '/a:/b', '--network=host', 'mcp/x'])).toEqual([['docker run', 'mcp/x', null, false, 8]]);
    expect(pins('podman', ['container', 'run', '-it', 'img:2'])).toEqual([['podman run', 'img', '2', true, 3]]);
    expect(pins('deno', ['run', '-A', '--config', 'deno.json', 'https://deno.land/x/m/mod.ts'])).toEqual([['deno run', 'https://deno.land/x/m/mod.ts', null, false, 4]]);
    expect(pins('deno', ['run', 'npm:pkg@1.0.0'])).toEqual([['deno run', 'pkg', '1.0.0', true, 1]]);
    expect(pins('deno', ['run', 'jsr:@s/p@1.2.3/mod.ts'])).toEqual([['deno run', 'jsr:@s/p', '1.2.3', true, 1]]);
    expect(pins('node', ['server.js'])).toEqual([]);
    expect(pins('docker', ['exec', 'x'])).toEqual([]);
  });

  it('looks through shells and env prefixes', () => {
    expect(pins('cmd', ['/c', 'npx', '-y', 'pkg'])).toEqual([['npx', 'pkg', null, false, 3]]);
    expect(pins('cmd.exe', ['/d', '/s', '/c', 'npx -y pkg@1.0.0'])).toEqual([['npx', 'pkg', '1.0.0', true, 3]]);
    expect(pins('bash', ['-lc', 'cd /x && npx -y a | uvx b'])).toEqual([
      ['npx', 'a', null, false, 1],
      ['uvx', 'b', null, false, 1],
    ]);
    expect(pins('env', ['FOO=1', 'npx', 'pkg'])).toEqual([['npx', 'pkg', null, false, 2]]);
    expect(pins('bash', ['script.sh'])).toEqual([]);
    expect(programName('C:\\Program Files\\nodejs\\NPX.CMD')).toBe('npx');
  });
});
