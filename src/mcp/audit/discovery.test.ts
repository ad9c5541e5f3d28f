// Discovery details: APPDATA and XDG_CONFIG_HOME, VS Code profiles, a project folder that is the home folder (each
// file read once), unreadable files and folders reported, huge files refused unread.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverConfigs, MAX_CONFIG_BYTES, readConfigFile } from './discovery.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-mcp-discovery-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function put(rel: string, content: unknown): string {
  const path = join(tmp, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const one = (name: string) => ({ mcpServers: { [name]: { command: 'uvx', args: [`${name}==1.0`] } } });

describe('discoverConfigs', () => {
  it('follows APPDATA on Windows and XDG_CONFIG_HOME on Linux', async () => {
    put('roaming/Claude/claude_desktop_config.json', one('win'));
    put('xdg/Claude/claude_desktop_config.json', one('xdg'));
    put('xdg/Code/User/profiles/abc123/mcp.json', { servers: { prof: { command: 'node', args: ['s.js'] } } });
    put('xdg/Code - Insiders/User/settings.json', { 'mcp.servers': { insiders: { command: 'node' } } });
    const win = await discoverConfigs({ home: join(tmp, 'home'), cwd: join(tmp, 'proj'), platform: 'win32', env: { APPDATA: join(tmp, 'roaming') } });
    expect(win.servers.map((s) => s.name)).toEqual(['win']);
    const linux = await discoverConfigs({ home: join(tmp, 'home'), cwd: join(tmp, 'proj'), platform: 'linux', env: { XDG_CONFIG_HOME: join(tmp, 'xdg') } });
    expect(linux.servers.map((s) => [s.name, s.source.client, s.pointer])).toEqual([
      ['xdg', 'claude-desktop', '/mcpServers/xdg'],
      ['insiders', 'vscode', '/mcp.servers/insiders'],
      ['prof', 'vscode', '/servers/prof'],
    ]);
  });

  it('reads a file once when the project folder is the home folder', async () => {
    put('home/.cursor/mcp.json', one('c'));
    put('home/.gemini/settings.json', { theme: 'x', ...one('g') });
    const d = await discoverConfigs({ home: join(tmp, 'home'), cwd: join(tmp, 'home'), platform: 'linux', env: {} });
    expect(d.files.map((f) => [f.client, f.scope])).toEqual([
      ['cursor', 'user'],
      ['gemini-cli', 'user'],
    ]);
    expect(d.servers.map((s) => s.name)).toEqual(['c', 'g']);
  });

  it('reports files it cannot read, and skips settings files without servers silently', async () => {
    put('home/.vscode-not-it.json', '{}');
    put('home/.gemini/settings.json', '{"theme": "x"}');
    mkdirSync(join(tmp, 'home/.cursor/mcp.json'), { recursive: true });
    const locked = put('proj/.mcp.json', one('locked'));
    chmodSync(locked, 0o000);
    const d = await discoverConfigs({ home: join(tmp, 'home'), cwd: join(tmp, 'proj'), platform: 'linux', env: {} });
    const messages = d.errors.map((e) => [e.path.replace(tmp, ''), e.message]);
    expect(messages).toContainEqual(['/home/.cursor/mcp.json', 'not a regular file']);
    // Root reads anything: the permission case only holds for ordinary users.
    if (process.getuid?.() !== 0) expect(messages).toContainEqual(['/proj/.mcp.json', 'cannot read: EACCES']);
    expect(messages.some(([p]) => p!.includes('.gemini'))).toBe(false);
  });

  it('refuses a file larger than the limit unread', async () => {
    const big = put('big.json', '{}');
    writeFileSync(big, Buffer.alloc(MAX_CONFIG_BYTES + 1, 32));
    expect((await readConfigFile(big)).errors[0]!.message).toBe(`larger than ${MAX_CONFIG_BYTES} bytes; not read`);
  });
});
