// Pins of MCP servers (`bulwark mcp pin`): a canonical hash of every definition a model reads and of the server
// instructions, stored with the definitions themselves, so that an audit reports any drift (a "rug pull") and the
// static audit can re-check the pinned descriptions offline.
//
// Default file: `$BULWARK_HOME/mcp-pins.json`, BULWARK_HOME defaulting to `./.bulwark` — the same home as the store.
// Pins are approvals: a project pins its `.mcp.json` servers next to its code, where they can be reviewed and
// committed like a lockfile; a user who wants one file for every client passes `--pins ~/.config/bulwark/…`.
// The file holds tool definitions only, never secrets (no env, no headers, no URLs with credentials).

import { resolve } from 'node:path';
import { z } from 'zod';
import { BulwarkError } from '../core/errors.js';
import { readBoundedText, writeFileAtomic } from '../core/files.js';
import { liveFinding } from './audit/live-checks.js';
import { changedFields, definitionKey, hashDefinition, hashInstructions, modelView } from './pins-canonical.js';
import type { ConfigSource, ConfiguredServer, McpFinding, ServedDefinitions, ToolDefinition } from './types.js';

export const PINS_VERSION = 1;
export const PINS_FILE_NAME = 'mcp-pins.json';
/** Pin files above this size are refused unread. */
const MAX_PINS_BYTES = 64 * 1024 * 1024;

export interface PinnedDefinition {
  /** `tool:<name>`, `prompt:<name>`, `resource:<uri>`, `resource-template:<uri template>` (`#2`… for repeats). */
  key: string;
  /** SHA-256 (hex) of the canonical JSON of the model-read fields. */
  hash: string;
  definition: ToolDefinition;
}

export interface PinnedServer {
  name: string;
  /** `client:path` of the configuration the server came from when pinned (informative, used to tell apart namesakes). */
  source: string;
  instructions?: string;
  instructionsHash: string;
  definitions: PinnedDefinition[];
}

export interface Pins {
  version: 1;
  algorithm: 'sha256';
  servers: PinnedServer[];
}

export interface PinEntry {
  server: string;
  source: string | ConfigSource;
  served: ServedDefinitions;
}

const sourceText = (s: string | ConfigSource): string => (typeof s === 'string' ? s : `${s.client}:${s.path}`);

/** `$BULWARK_HOME/mcp-pins.json`, BULWARK_HOME defaulting to `./.bulwark`, relative to `cwd`. */
export function defaultPinsPath(opts: { cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {}): string {
  const env = opts.env ?? process.env;
  return resolve(opts.cwd ?? process.cwd(), env.BULWARK_HOME?.trim() || '.bulwark', PINS_FILE_NAME);
}

/** Keyed definitions in served order; a key served twice gets `#2`, `#3`… so that nothing is silently merged. */
function keyed(items: readonly ToolDefinition[]): Map<string, ToolDefinition> {
  const out = new Map<string, ToolDefinition>();
  for (const def of items) {
    const base = definitionKey(def);
    let key = base;
    for (let n = 2; out.has(key); n++) key = `${base}#${n}`;
    out.set(key, def);
  }
  return out;
}

function pinServer(entry: PinEntry): PinnedServer {
  const definitions: PinnedDefinition[] = [];
  for (const [key, def] of keyed(entry.served.items)) {
    const definition = modelView(def) as unknown as ToolDefinition;
    definitions.push({ key, hash: hashDefinition(definition), definition });
  }
  definitions.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const pinned: PinnedServer = {
    name: entry.server,
    source: sourceText(entry.source),
    instructionsHash: hashInstructions(entry.served.instructions),
    definitions,
  };
  if (entry.served.instructions !== undefined) pinned.instructions = entry.served.instructions;
  return pinned;
}

const byServer = (a: PinnedServer, b: PinnedServer): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : 0;

export function createPins(entries: readonly PinEntry[]): Pins {
  return { version: PINS_VERSION, algorithm: 'sha256', servers: entries.map(pinServer).sort(byServer) };
}

/** `fresh` replaces the servers of `existing` with the same name and source; the others are kept. */
export function mergePins(existing: Pins, fresh: Pins): Pins {
  const id = (s: PinnedServer) => `${s.name}\u0000${s.source}`;
  const replaced = new Set(fresh.servers.map(id));
  return { ...fresh, servers: [...existing.servers.filter((s) => !replaced.has(id(s))), ...fresh.servers].sort(byServer) };
}

/** The pin of a server: same name and source, else the only pin with that name. */
export function findPinned(pins: Pins, server: string | Pick<ConfiguredServer, 'name' | 'source'>): PinnedServer | undefined {
  const name = typeof server === 'string' ? server : server.name;
  const candidates = pins.servers.filter((s) => s.name === name);
  if (typeof server !== 'string') {
    const exact = candidates.find((s) => s.source === sourceText(server.source));
    if (exact) return exact;
  }
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The pinned definitions of a server, for the offline description checks. */
export function pinnedDefinitions(pins: Pins, server: string | Pick<ConfiguredServer, 'name' | 'source'>): ServedDefinitions | undefined {
  const pinned = findPinned(pins, server);
  if (!pinned) return undefined;
  const served: ServedDefinitions = { items: pinned.definitions.map((d) => d.definition) };
  if (pinned.instructions !== undefined) served.instructions = pinned.instructions;
  return served;
}

const KIND_WORD: Record<ToolDefinition['kind'], string> = {
  tool: 'Tool',
  prompt: 'Prompt',
  resource: 'Resource',
  'resource-template': 'Resource template',
};

const locationOf = (key: string): string => key.replace(/#\d+$/, '');
/** Where a finding points: `tool:<name>` etc., as the description checks do (the key stays URI-based for resources). */
const where = (def: ToolDefinition): string => `${def.kind}:${def.name}`;

/** Hostile served definitions (nesting too deep to hash) count as changed rather than ending the audit. */
function tryOr<T, F>(f: () => T, fallback: F): T | F {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/**
 * Drift of what a server serves now against its pin: `pins.changed` (a rug pull: high), `pins.added` (medium),
 * `pins.removed` (low), `pins.instructions-changed` (high). A server without a pin gets no finding here.
 */
export function comparePins(pins: Pins, server: string | Pick<ConfiguredServer, 'name' | 'source'>, served: ServedDefinitions): McpFinding[] {
  const pinned = findPinned(pins, server);
  if (!pinned) return [];
  const name = pinned.name;
  const findings: McpFinding[] = [];
  const before = new Map(pinned.definitions.map((d) => [d.key, d]));
  for (const [key, def] of keyed(served.items)) {
    const old = before.get(key);
    const label = `${KIND_WORD[def.kind]} \`${def.name}\` of server \`${name}\``;
    if (!old) {
      findings.push(liveFinding('pins.added', `${label} is new since the server was pinned; review it, then re-pin with \`bulwark mcp pin\`.`, where(def)));
      continue;
    }
    before.delete(key);
    const hash = tryOr(() => hashDefinition(def), undefined);
    if (hash === old.hash) continue;
    const fields = tryOr(() => changedFields(old.definition, def), []);
    findings.push(
      liveFinding(
        'pins.changed',
        `${label} changed since it was pinned (${fields.join(', ') || 'definition'}): a tool that changes after approval is a rug pull; review it before re-pinning.`,
        where(def),
      ),
    );
  }
  for (const old of before.values()) {
    findings.push(
      liveFinding('pins.removed', `${KIND_WORD[old.definition.kind]} \`${old.definition.name}\` of server \`${name}\` was pinned but is no longer served.`, where(old.definition)),
    );
  }
  if (tryOr(() => hashInstructions(served.instructions), '') !== pinned.instructionsHash) {
    findings.push(
      liveFinding(
        'pins.instructions-changed',
        `The instructions of server \`${name}\` changed since it was pinned: instructions go straight into the model's context; review them before re-pinning.`,
        'instructions',
      ),
    );
  }
  return findings;
}

// ---- the file -------------------------------------------------------------------------------------------------

const HEX64 = /^[0-9a-f]{64}$/;
const DefinitionSchema = z
  .object({
    kind: z.enum(['tool', 'prompt', 'resource', 'resource-template']),
    name: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    inputSchema: z.unknown().optional(),
    outputSchema: z.unknown().optional(),
    annotations: z.unknown().optional(),
    arguments: z.unknown().optional(),
    uri: z.string().optional(),
    mimeType: z.string().optional(),
  })
  .strict();
const PinsSchema = z
  .object({
    version: z.literal(PINS_VERSION),
    algorithm: z.literal('sha256'),
    servers: z.array(
      z
        .object({
          name: z.string().min(1),
          source: z.string(),
          instructions: z.string().optional(),
          instructionsHash: z.string().regex(HEX64),
          definitions: z.array(z.object({ key: z.string().min(1), hash: z.string().regex(HEX64), definition: DefinitionSchema }).strict()),
        })
        .strict(),
    ),
  })
  .strict();

/** The pins as written: keys in a fixed order, two-space indent, final newline; no timestamp, so re-pinning an unchanged server changes nothing. */
export function serializePins(pins: Pins): string {
  return `${JSON.stringify(pins, null, 2)}\n`;
}

/** Writes the pins atomically (temporary file, then rename), creating the folder. */
export async function writePins(path: string, pins: Pins): Promise<void> {
  await writeFileAtomic(resolve(path), serializePins(pins), 'MCP pins', { createFolder: true });
}

const invalid = (file: string, what: string): BulwarkError =>
  new BulwarkError('ERR_CONFIG_INVALID', `MCP pins file ${file} is invalid: ${what}`, { context: { path: file } });

/**
 * Reads and validates a pins file: ERR_IO when it cannot be read, ERR_CONFIG_INVALID naming the file when it is not
 * a version-1 pins file or when a stored definition no longer matches its hash (edited by hand).
 */
export async function readPins(path: string): Promise<Pins> {
  const file = resolve(path);
  const text = await readBoundedText(file, MAX_PINS_BYTES, 'MCP pins');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(file, `not valid JSON (${(e as Error).message})`);
  }
  const parsed = PinsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(file, `${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape'}`);
  }
  const pins = parsed.data as Pins;
  for (const server of pins.servers) checkHashes(file, server);
  return pins;
}

function checkHashes(file: string, server: PinnedServer): void {
  try {
    if (hashInstructions(server.instructions) !== server.instructionsHash) {
      throw invalid(file, `the instructions of server ${JSON.stringify(server.name)} do not match their hash`);
    }
    for (const d of server.definitions) {
      if (locationOf(d.key) !== definitionKey(d.definition) || hashDefinition(d.definition) !== d.hash) {
        throw invalid(file, `${d.key} of server ${JSON.stringify(server.name)} does not match its hash`);
      }
    }
  } catch (e) {
    if (e instanceof BulwarkError && e.code === 'ERR_CONFIG_INVALID') throw e;
    throw invalid(file, `server ${JSON.stringify(server.name)}: ${(e as Error).message}`);
  }
}
