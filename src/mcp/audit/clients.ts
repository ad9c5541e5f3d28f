// Where each MCP client keeps its configuration, per platform, and in which format (the table of
// ../shared/reference/interop-contracts.md "MCP client configuration files", as data).
import { join } from 'node:path';
import type { ConfigSource, McpClient } from '../types.js';

/**
 * The shapes a configuration file can take:
 * - `mcpServers`: `{"mcpServers": {name: entry}}` (Claude Desktop, Cursor, Windsurf, Gemini CLI, Continue JSON);
 * - `claude-code`: `mcpServers` plus `projects[path].mcpServers` (Claude Code's `~/.claude.json`);
 * - `vscode`: `{"servers": {name: entry}}` (VS Code `mcp.json`);
 * - `vscode-settings`: `{"mcp": {"servers": ...}}` in VS Code's `settings.json`;
 * - `zed`: `{"context_servers": {name: entry}}`;
 * - `continue-yaml`: `mcpServers:` as a list of `{name, ...}` (Continue's config.yaml and block files);
 * - `continue-json`: Continue's legacy `experimental.modelContextProtocolServers` list.
 */
export type ConfigDialect = 'mcpServers' | 'claude-code' | 'vscode' | 'vscode-settings' | 'zed' | 'continue-yaml' | 'continue-json';

export type Platform = 'darwin' | 'linux' | 'win32';

export interface DiscoverOptions {
  home: string;
  /** Project folder whose project/workspace configurations are read. */
  cwd: string;
  platform: Platform;
  /** APPDATA (Windows) and XDG_CONFIG_HOME (Linux) are read from here. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One place to look: a file, or a folder whose `*.yaml` / `*.yml` / `*.json` files are each a configuration. */
export interface ConfigLocation {
  client: McpClient;
  scope: ConfigSource['scope'];
  path: string;
  dialect: ConfigDialect;
  /** The path is a folder of block files (Continue's `mcpServers/`). */
  folder?: boolean;
}

/** The user-level configuration folder of desktop apps: %APPDATA%, ~/Library/Application Support, $XDG_CONFIG_HOME. */
function appConfigDir(o: DiscoverOptions): string {
  if (o.platform === 'win32') return o.env?.APPDATA || join(o.home, 'AppData', 'Roaming');
  if (o.platform === 'darwin') return join(o.home, 'Library', 'Application Support');
  return o.env?.XDG_CONFIG_HOME || join(o.home, '.config');
}

/** The folders VS Code (and Insiders) keep user settings in; profiles are listed by the discovery. */
export function vscodeUserDirs(o: DiscoverOptions): string[] {
  const base = appConfigDir(o);
  return ['Code', 'Code - Insiders'].map((app) => join(base, app, 'User'));
}

/** Every user- and project-level location of every known client, for one platform. */
export function configLocations(o: DiscoverOptions): ConfigLocation[] {
  const { home, cwd } = o;
  const appDir = appConfigDir(o);
  const user = (client: McpClient, path: string, dialect: ConfigDialect, folder = false): ConfigLocation => ({ client, scope: 'user', path, dialect, ...(folder ? { folder } : {}) });
  const project = (client: McpClient, path: string, dialect: ConfigDialect, scope: ConfigSource['scope'] = 'project', folder = false): ConfigLocation => ({
    client,
    scope,
    path: join(cwd, path),
    dialect,
    ...(folder ? { folder } : {}),
  });
  const zedUser =
    o.platform === 'win32'
      ? [join(appDir, 'Zed', 'settings.json')]
      : o.platform === 'darwin'
        ? [join(home, '.config', 'zed', 'settings.json'), join(appDir, 'Zed', 'settings.json')]
        : [join(appDir, 'zed', 'settings.json')];
  return [
    user('claude-desktop', join(appDir, 'Claude', 'claude_desktop_config.json'), 'mcpServers'),
    user('claude-code', join(home, '.claude.json'), 'claude-code'),
    project('claude-code', '.mcp.json', 'mcpServers'),
    user('cursor', join(home, '.cursor', 'mcp.json'), 'mcpServers'),
    project('cursor', join('.cursor', 'mcp.json'), 'mcpServers'),
    ...vscodeUserDirs(o).flatMap((dir) => [user('vscode', join(dir, 'mcp.json'), 'vscode'), user('vscode', join(dir, 'settings.json'), 'vscode-settings')]),
    project('vscode', join('.vscode', 'mcp.json'), 'vscode', 'workspace'),
    project('vscode', join('.vscode', 'settings.json'), 'vscode-settings', 'workspace'),
    user('windsurf', join(home, '.codeium', 'windsurf', 'mcp_config.json'), 'mcpServers'),
    user('gemini-cli', join(home, '.gemini', 'settings.json'), 'mcpServers'),
    project('gemini-cli', join('.gemini', 'settings.json'), 'mcpServers'),
    ...zedUser.map((p) => user('zed', p, 'zed')),
    project('zed', join('.zed', 'settings.json'), 'zed'),
    user('continue', join(home, '.continue', 'config.yaml'), 'continue-yaml'),
    user('continue', join(home, '.continue', 'config.json'), 'continue-json'),
    user('continue', join(home, '.continue', 'mcpServers'), 'continue-yaml', true),
    project('continue', join('.continue', 'mcpServers'), 'continue-yaml', 'workspace', true),
  ];
}
