// Reading a `--tools FILE` dump of what servers serve: `{"<server>": {"instructions"?, "tools": [...], "prompts":
// [...], "resources": [...], "resourceTemplates": [...]}}`, each list as tools/list etc. return it (a bare list or
// the `{"tools": [...]}` result). Lenient like every peer payload: unknown fields pass, malformed items are skipped
// and counted; the file itself must be JSON.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BulwarkError } from '../../core/errors.js';
import type { ServedDefinitions, ToolDefinition } from '../types.js';
import { parseJsonc } from './jsonc.js';

export const MAX_DUMP_BYTES = 64 * 1024 * 1024;
const MAX_ITEMS_PER_SERVER = 10_000;

export interface ServedDump {
  servers: Map<string, ServedDefinitions>;
  errors: { path: string; message: string }[];
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

const LISTS: readonly [string, ToolDefinition['kind']][] = [
  ['tools', 'tool'],
  ['prompts', 'prompt'],
  ['resources', 'resource'],
  ['resourceTemplates', 'resource-template'],
];

function listOf(v: unknown, key: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (isDict(v) && Array.isArray(v[key])) return v[key] as unknown[];
  return [];
}

/** One tools/list (prompts/list, ...) item → ToolDefinition, or undefined without a usable name. */
export function toDefinition(raw: unknown, kind: ToolDefinition['kind']): ToolDefinition | undefined {
  if (!isDict(raw)) return undefined;
  const uri = typeof raw.uri === 'string' ? raw.uri : typeof raw.uriTemplate === 'string' ? raw.uriTemplate : undefined;
  const name = typeof raw.name === 'string' ? raw.name : uri;
  if (name === undefined) return undefined;
  const def: ToolDefinition = { kind, name };
  if (typeof raw.title === 'string') def.title = raw.title;
  if (typeof raw.description === 'string') def.description = raw.description;
  if (raw.inputSchema !== undefined) def.inputSchema = raw.inputSchema;
  if (raw.outputSchema !== undefined) def.outputSchema = raw.outputSchema;
  if (raw.annotations !== undefined) def.annotations = raw.annotations;
  if (raw.arguments !== undefined) def.arguments = raw.arguments;
  if (uri !== undefined) def.uri = uri;
  if (typeof raw.mimeType === 'string') def.mimeType = raw.mimeType;
  return def;
}

/** The served definitions of a parsed dump; `path` names the file in error messages. */
export function servedFromDump(value: unknown, path: string): ServedDump {
  const out: ServedDump = { servers: new Map(), errors: [] };
  if (!isDict(value)) {
    out.errors.push({ path, message: 'a tools dump is a JSON object keyed by server name' });
    return out;
  }
  for (const [server, entry] of Object.entries(value)) {
    if (!isDict(entry)) {
      out.errors.push({ path: `${path}#/${server}`, message: 'the server entry is not an object' });
      continue;
    }
    const served: ServedDefinitions = { items: [] };
    if (typeof entry.instructions === 'string') served.instructions = entry.instructions;
    let skipped = 0;
    for (const [key, kind] of LISTS) {
      for (const raw of listOf(entry[key], key)) {
        if (served.items.length >= MAX_ITEMS_PER_SERVER) break;
        const def = toDefinition(raw, kind);
        if (def) served.items.push(def);
        else skipped++;
      }
    }
    if (skipped > 0) out.errors.push({ path: `${path}#/${server}`, message: `${skipped} item(s) without a name were skipped` });
    out.servers.set(server, served);
  }
  return out;
}

/** Reads a tools dump file; problems are entries of `errors`, never exceptions. */
export async function readServedDump(file: string): Promise<ServedDump> {
  const path = resolve(file);
  try {
    const st = await stat(path);
    if (!st.isFile()) return { servers: new Map(), errors: [{ path, message: 'not a regular file' }] };
    if (st.size > MAX_DUMP_BYTES) return { servers: new Map(), errors: [{ path, message: `larger than ${MAX_DUMP_BYTES} bytes; not read` }] };
    return servedFromDump(parseJsonc(await readFile(path, 'utf8')).value, path);
  } catch (e) {
    if (e instanceof BulwarkError) return { servers: new Map(), errors: [{ path, message: e.message }] };
    const code = (e as NodeJS.ErrnoException).code;
    return { servers: new Map(), errors: [{ path, message: code ? `cannot read: ${code}` : e instanceof Error ? e.message : String(e) }] };
  }
}
