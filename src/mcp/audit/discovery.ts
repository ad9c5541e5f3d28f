// Finding the MCP client configurations on a machine (home and project folder injected, so tests never read the
// real home) and reading each one into ConfiguredServers. Missing files are normal and skipped; files that exist but
// cannot be read or parsed land in `errors`, never silently dropped.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { ConfigSource, ConfiguredServer, McpClient } from '../types.js';
import { configLocations, vscodeUserDirs, type ConfigDialect, type ConfigLocation, type DiscoverOptions } from './clients.js';
import { parseConfigText, type ConfigError } from './formats.js';

export type { ConfigDialect, DiscoverOptions, Platform } from './clients.js';
export type { ConfigError } from './formats.js';

/** Largest configuration file read (Claude Code's ~/.claude.json keeps project history and grows). */
export const MAX_CONFIG_BYTES = 32 * 1024 * 1024;
/** Most block files read from one folder (Continue's mcpServers/). */
export const MAX_FOLDER_FILES = 256;

export interface ConfigFileResult {
  source: ConfigSource;
  servers: ConfiguredServer[];
  errors: ConfigError[];
}

export interface Discovery {
  /** Every configuration file found (read or not). */
  files: ConfigSource[];
  servers: ConfiguredServer[];
  errors: ConfigError[];
}

export interface ReadConfigOptions {
  scope?: ConfigSource['scope'];
  /** The file's format; recognised from the content when absent. */
  dialect?: ConfigDialect;
}

const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException | undefined)?.code ?? (e instanceof Error ? e.message : String(e));

/**
 * Reads one configuration file. Without `client` it is a file given with --config: client `file`, scope `given`,
 * format recognised from the content. Never throws for a file problem: it is an entry of `errors`.
 */
export async function readConfigFile(path: string, client: McpClient = 'file', options: ReadConfigOptions = {}): Promise<ConfigFileResult> {
  const abs = resolve(path);
  const source: ConfigSource = { client, path: abs, scope: options.scope ?? (client === 'file' ? 'given' : 'user') };
  const fail = (message: string): ConfigFileResult => ({ source, servers: [], errors: [{ path: abs, message }] });
  let text: string;
  try {
    const st = await stat(abs);
    if (!st.isFile()) return fail('not a regular file');
    if (st.size > MAX_CONFIG_BYTES) return fail(`larger than ${MAX_CONFIG_BYTES} bytes; not read`);
    text = await readFile(abs, 'utf8');
  } catch (e) {
    return fail(`cannot read: ${errnoOf(e)}`);
  }
  const parsed = parseConfigText(text, source, options.dialect);
  return { source, servers: parsed.servers, errors: parsed.errors };
}

async function exists(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const st = await stat(path);
    return st.isDirectory() ? 'dir' : 'file';
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // Present but unreadable (EACCES, ELOOP...): reported by the read.
    return 'file';
  }
}

/** VS Code profiles keep their own mcp.json and settings.json under User/profiles/<id>/. */
async function profileLocations(o: DiscoverOptions): Promise<ConfigLocation[]> {
  const out: ConfigLocation[] = [];
  for (const dir of vscodeUserDirs(o)) {
    let names: string[];
    try {
      names = (await readdir(join(dir, 'profiles'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      continue;
    }
    for (const name of names.sort().slice(0, MAX_FOLDER_FILES)) {
      out.push({ client: 'vscode', scope: 'user', path: join(dir, 'profiles', name, 'mcp.json'), dialect: 'vscode' });
      out.push({ client: 'vscode', scope: 'user', path: join(dir, 'profiles', name, 'settings.json'), dialect: 'vscode-settings' });
    }
  }
  return out;
}

/** The block files of a folder, in name order. */
async function folderFiles(dir: string): Promise<{ files: string[]; error?: string }> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const files = entries
      .filter((d) => !d.isDirectory() && ['.yaml', '.yml', '.json'].includes(extname(d.name).toLowerCase()))
      .map((d) => d.name)
      .sort();
    if (files.length > MAX_FOLDER_FILES) {
      return { files: files.slice(0, MAX_FOLDER_FILES).map((f) => join(dir, f)), error: `more than ${MAX_FOLDER_FILES} files; the rest were not read` };
    }
    return { files: files.map((f) => join(dir, f)) };
  } catch (e) {
    return { files: [], error: `cannot list: ${errnoOf(e)}` };
  }
}

/** Every configuration of every known client for the given home, project folder and platform. */
export async function discoverConfigs(options: DiscoverOptions): Promise<Discovery> {
  const o: DiscoverOptions = { ...options, home: resolve(options.home), cwd: resolve(options.cwd) };
  const locations = [...configLocations(o), ...(await profileLocations(o))];
  const seen = new Set<string>();
  const result: Discovery = { files: [], servers: [], errors: [] };
  const take = (r: ConfigFileResult) => {
    result.files.push(r.source);
    result.servers.push(...r.servers);
    result.errors.push(...r.errors);
  };
  for (const loc of locations) {
    // The project folder may be the home folder: one file is read once, as the user's.
    if (seen.has(loc.path)) continue;
    seen.add(loc.path);
    const kind = await exists(loc.path);
    if (kind === undefined) continue;
    if (loc.folder) {
      if (kind !== 'dir') continue;
      const { files, error } = await folderFiles(loc.path);
      if (error) result.errors.push({ path: loc.path, message: error });
      for (const f of files) {
        if (seen.has(f)) continue;
        seen.add(f);
        take(await readConfigFile(f, loc.client, { scope: loc.scope, dialect: loc.dialect }));
      }
      continue;
    }
    take(await readConfigFile(loc.path, loc.client, { scope: loc.scope, dialect: loc.dialect }));
  }
  return result;
}
