// Reading one client configuration text: JSON/JSONC or YAML, the dialect it is written in (given, or recognised from
// its content), and every server entry normalised into a ConfiguredServer with its pointer and line. Pure and total:
// malformed text or entries become messages in `errors`, never exceptions.
import { LineCounter, isMap, isSeq, parseDocument, type Node } from 'yaml';
import type { ConfigSource, ConfiguredServer } from '../types.js';
import type { ConfigDialect } from './clients.js';
import { parseJsonc, pointerSegment } from './jsonc.js';

export interface ConfigError {
  /** The file, with `#/pointer` when one entry of it is malformed. */
  path: string;
  message: string;
}

export interface ParsedConfig {
  servers: ConfiguredServer[];
  errors: ConfigError[];
  /** The dialects the content was read as (recognised ones when none was given). */
  dialects: ConfigDialect[];
}

/** Most server entries read from one file; more is hostile or broken. */
export const MAX_SERVERS_PER_FILE = 10_000;
/** Longest string kept from an entry (commands, args, env values, URLs, headers). */
const MAX_STRING = 64 * 1024;
const MAX_ITEMS = 4096;

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Dict, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

interface Document {
  value: unknown;
  lineOf(pointer: string): number | undefined;
}

/** YAML when the file says so by its name, or when its first meaningful character opens no JSON value. */
function looksLikeYaml(text: string, path: string): boolean {
  if (/\.ya?ml$/i.test(path)) return true;
  if (/\.jsonc?$/i.test(path)) return false;
  const first = /^[\s\ufeff]*(?:(?:\/\/[^\n]*|\/\*[\s\S]*?\*\/)\s*)*(.)/.exec(text)?.[1];
  return first !== '{' && first !== '[';
}

function parseYamlDocument(text: string): Document {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new Error(`invalid YAML: ${e.message.split('\n')[0]}${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 64 });
  const lines = new Map<string, number>();
  const lineAt = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  // Lines of the entries of the top-level server collections (a list in Continue, a map when JSON-shaped).
  const contents = doc.contents;
  if (isMap(contents)) {
    for (const pair of contents.items) {
      const key = (pair.key as { value?: unknown } | null)?.value;
      if (typeof key !== 'string') continue;
      const base = `/${pointerSegment(key)}`;
      const l = lineAt(pair.key);
      if (l !== undefined) lines.set(base, l);
      if (isSeq(pair.value)) pair.value.items.forEach((item, i) => setLine(lines, `${base}/${i}`, lineAt(item)));
      else if (isMap(pair.value)) {
        for (const inner of pair.value.items) {
          const k = (inner.key as { value?: unknown } | null)?.value;
          if (typeof k === 'string' || typeof k === 'number') setLine(lines, `${base}/${pointerSegment(k)}`, lineAt(inner.key));
        }
      }
    }
  }
  return { value, lineOf: (p) => lines.get(p) };
}

function setLine(lines: Map<string, number>, pointer: string, line: number | undefined): void {
  if (line !== undefined) lines.set(pointer, line);
}

function parseDocumentText(text: string, path: string): Document {
  if (looksLikeYaml(text, path)) return parseYamlDocument(text);
  const doc = parseJsonc(text);
  return { value: doc.value, lineOf: (p) => doc.lines.get(p) };
}

/** The dialects a parsed document is written in, from the sections it has. */
export function recogniseDialects(value: unknown): ConfigDialect[] {
  if (!isDict(value)) return [];
  const found: ConfigDialect[] = [];
  const servers = own(value, 'mcpServers');
  if (Array.isArray(servers)) found.push('continue-yaml');
  else if (isDict(servers) || isDict(own(value, 'projects'))) found.push(isDict(own(value, 'projects')) ? 'claude-code' : 'mcpServers');
  if (isDict(own(value, 'servers'))) found.push('vscode');
  const mcp = own(value, 'mcp');
  if ((isDict(mcp) && isDict(own(mcp, 'servers'))) || isDict(own(value, 'mcp.servers'))) found.push('vscode-settings');
  if (isDict(own(value, 'context_servers'))) found.push('zed');
  const experimental = own(value, 'experimental');
  if (isDict(experimental) && Array.isArray(own(experimental, 'modelContextProtocolServers'))) found.push('continue-json');
  return found;
}

interface EntryRef {
  name: string;
  raw: unknown;
  pointer: string;
}

/** The server entries of one dialect, with their pointers. */
function entriesOf(value: unknown, dialect: ConfigDialect): EntryRef[] {
  if (!isDict(value)) return [];
  const fromMap = (map: unknown, base: string): EntryRef[] =>
    isDict(map) ? Object.keys(map).map((name) => ({ name, raw: map[name], pointer: `${base}/${pointerSegment(name)}` })) : [];
  const fromList = (list: unknown, base: string, nameOf: (raw: unknown, i: number) => string): EntryRef[] =>
    Array.isArray(list) ? list.slice(0, MAX_SERVERS_PER_FILE + 1).map((raw, i) => ({ name: nameOf(raw, i), raw, pointer: `${base}/${i}` })) : [];
  switch (dialect) {
    case 'mcpServers':
      return fromMap(own(value, 'mcpServers'), '/mcpServers');
    case 'claude-code': {
      const out = fromMap(own(value, 'mcpServers'), '/mcpServers');
      const projects = own(value, 'projects');
      if (isDict(projects)) {
        for (const p of Object.keys(projects)) {
          const project = projects[p];
          if (isDict(project)) out.push(...fromMap(own(project, 'mcpServers'), `/projects/${pointerSegment(p)}/mcpServers`));
        }
      }
      return out;
    }
    case 'vscode':
      return fromMap(own(value, 'servers'), '/servers');
    case 'vscode-settings': {
      const mcp = own(value, 'mcp');
      return [...(isDict(mcp) ? fromMap(own(mcp, 'servers'), '/mcp/servers') : []), ...fromMap(own(value, 'mcp.servers'), '/mcp.servers')];
    }
    case 'zed':
      return fromMap(own(value, 'context_servers'), '/context_servers');
    case 'continue-yaml': {
      const servers = own(value, 'mcpServers');
      if (isDict(servers)) return fromMap(servers, '/mcpServers');
      return fromList(servers, '/mcpServers', (raw, i) => {
        const name = isDict(raw) ? own(raw, 'name') : undefined;
        return typeof name === 'string' && name.trim() ? name : `server-${i + 1}`;
      });
    }
    case 'continue-json': {
      const list = own(own(value, 'experimental') as Dict, 'modelContextProtocolServers');
      return fromList(list, '/experimental/modelContextProtocolServers', (raw, i) => {
        const name = isDict(raw) ? own(raw, 'name') : undefined;
        return typeof name === 'string' && name.trim() ? name : `server-${i + 1}`;
      });
    }
  }
}

const TRANSPORTS: Record<string, ConfiguredServer['transport']> = {
  stdio: 'stdio',
  local: 'stdio',
  http: 'http',
  'streamable-http': 'http',
  streamablehttp: 'http',
  streamable_http: 'http',
  remote: 'http',
  sse: 'sse',
};

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function strList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [str(v)!];
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const item of v.slice(0, MAX_ITEMS)) {
    const s = str(item);
    if (s !== undefined) out.push(s);
  }
  return out;
}

function strMap(v: unknown): Record<string, string> | undefined {
  if (!isDict(v)) return undefined;
  const out = Object.create(null) as Record<string, string>;
  for (const k of Object.keys(v).slice(0, MAX_ITEMS)) {
    const s = str(v[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** One entry in any client's shape → ConfiguredServer; a string message when it is not an object. */
export function normaliseEntry(ref: EntryRef, source: ConfigSource, dialect: ConfigDialect, line: number | undefined): ConfiguredServer | string {
  let raw = ref.raw;
  if (!isDict(raw)) return 'the server entry is not an object';
  // Continue's legacy JSON nests the launch under `transport`.
  const nested = own(raw, 'transport');
  if (dialect === 'continue-json' && isDict(nested)) raw = { ...nested, name: own(raw, 'name') };
  const entry = raw as Dict;
  let command: string | undefined;
  let args = strList(own(entry, 'args'));
  let env = strMap(own(entry, 'env'));
  const rawCommand = own(entry, 'command');
  if (isDict(rawCommand)) {
    // Zed: {"command": {"path", "args", "env"}}.
    command = str(own(rawCommand, 'path'));
    args = strList(own(rawCommand, 'args')) ?? args;
    env = strMap(own(rawCommand, 'env')) ?? env;
  } else if (Array.isArray(rawCommand)) {
    const parts = strList(rawCommand) ?? [];
    command = parts[0];
    args = [...parts.slice(1), ...(args ?? [])];
  } else command = str(rawCommand);

  const httpUrl = str(own(entry, 'httpUrl'));
  const serverUrl = str(own(entry, 'serverUrl'));
  const plainUrl = str(own(entry, 'url'));
  const url = httpUrl ?? serverUrl ?? plainUrl;
  const requestOptions = own(entry, 'requestOptions');
  const headers = strMap(own(entry, 'headers')) ?? (isDict(requestOptions) ? strMap(own(requestOptions, 'headers')) : undefined);

  const declared = str(own(entry, 'type')) ?? (typeof nested === 'string' ? nested : undefined);
  let transport = declared === undefined ? undefined : TRANSPORTS[declared.toLowerCase()];
  if (transport === undefined) {
    if (url === undefined) transport = 'stdio';
    else if (httpUrl !== undefined || serverUrl !== undefined) transport = 'http';
    // Gemini CLI: `url` is SSE, `httpUrl` streamable HTTP.
    else if (source.client === 'gemini-cli') transport = 'sse';
    else transport = /\/sse\/?(?:[?#].*)?$/i.test(url) ? 'sse' : 'http';
  }
  if (transport === 'stdio' && command === undefined && url !== undefined) transport = 'http';

  const server: ConfiguredServer = {
    name: ref.name,
    source,
    pointer: ref.pointer,
    transport,
    enabled: own(entry, 'disabled') !== true && own(entry, 'enabled') !== false,
  };
  if (line !== undefined) server.line = line;
  if (command !== undefined) server.command = command;
  if (args !== undefined) server.args = args;
  if (env !== undefined) server.env = env;
  if (url !== undefined) server.url = url;
  if (headers !== undefined) server.headers = headers;
  return server;
}

/** Parses a configuration text; `dialect` undefined = recognise it from the content (a file given with --config). */
export function parseConfigText(text: string, source: ConfigSource, dialect?: ConfigDialect): ParsedConfig {
  let doc: Document;
  try {
    doc = parseDocumentText(text, source.path);
  } catch (e) {
    const message = e instanceof RangeError ? 'nesting too deep to read' : e instanceof Error ? e.message : String(e);
    return { servers: [], errors: [{ path: source.path, message }], dialects: [] };
  }
  const dialects = dialect !== undefined ? [dialect] : recogniseDialects(doc.value);
  const errors: ConfigError[] = [];
  if (dialect === undefined && dialects.length === 0) {
    errors.push({ path: source.path, message: 'no MCP server section found (mcpServers, servers, mcp.servers, context_servers)' });
  }
  const servers: ConfiguredServer[] = [];
  for (const d of dialects) {
    for (const ref of entriesOf(doc.value, d)) {
      if (servers.length >= MAX_SERVERS_PER_FILE) {
        errors.push({ path: source.path, message: `more than ${MAX_SERVERS_PER_FILE} server entries; the rest were not read` });
        return { servers, errors, dialects };
      }
      const s = normaliseEntry(ref, source, d, doc.lineOf(ref.pointer));
      if (typeof s === 'string') errors.push({ path: `${source.path}#${ref.pointer}`, message: s });
      else servers.push(s);
    }
  }
  return { servers, errors, dialects };
}
