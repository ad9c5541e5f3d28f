// Canonical JSON and SHA-256 hashes of what a model reads of an MCP tool, prompt or resource: the basis of pins.
import { createHash } from 'node:crypto';
import { BulwarkError } from '../core/errors.js';
import type { ToolDefinition } from './types.js';

/** Nesting deeper than this is refused: no real schema comes close, a hostile one would blow the stack. */
const MAX_DEPTH = 128;

/**
 * Canonical JSON: object keys sorted (UTF-16 code units, as RFC 8785), no insignificant whitespace, every string
 * (keys included) in Unicode NFC, `undefined` members dropped, numbers as ECMAScript prints them. Two values a model
 * cannot tell apart (key order, whitespace of the JSON text, composed or decomposed accents) get the same text.
 * Array order is kept: it can matter (`required`, enum order shown to the model).
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new BulwarkError('ERR_INPUT_INVALID', `definition nests deeper than ${MAX_DEPTH} levels`);
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.normalize('NFC'));
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => write(v, depth + 1)).join(',')}]`;
  const members: [string, string][] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    members.push([k.normalize('NFC'), write(v, depth + 1)]);
  }
  // Two keys equal after NFC (possible only in hostile input) both stay, ordered by their values: still deterministic.
  members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The fields of a definition a model reads, in the order a change is reported. */
export const MODEL_FIELDS = ['kind', 'name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations', 'arguments', 'uri', 'mimeType'] as const;
export type ModelField = (typeof MODEL_FIELDS)[number];

/**
 * What is hashed of a definition: the model-read fields only (`mimeType` too when the definition carries one);
 * `_meta`, icons and anything else a client does not show the model are left out.
 */
export function modelView(def: ToolDefinition): Record<string, unknown> {
  const source = def as unknown as Record<string, unknown>;
  const view: Record<string, unknown> = {};
  for (const field of MODEL_FIELDS) if (source[field] !== undefined) view[field] = source[field];
  return view;
}

export function hashDefinition(def: ToolDefinition): string {
  return sha256Hex(canonicalJson(modelView(def)));
}

/** Hash of the server instructions; absent instructions hash as JSON `null`, so adding some is a change. */
export function hashInstructions(instructions: string | undefined): string {
  return sha256Hex(canonicalJson(instructions ?? null));
}

/** The model-read fields whose canonical form differs between two definitions. */
export function changedFields(before: ToolDefinition, after: ToolDefinition): ModelField[] {
  const a = modelView(before);
  const b = modelView(after);
  return MODEL_FIELDS.filter((f) => canonicalJson(a[f]) !== canonicalJson(b[f]));
}

/** Identity of a definition within a server: tools and prompts by name, resources by URI (names may repeat). */
export function definitionKey(def: ToolDefinition): string {
  const id = def.kind === 'resource' || def.kind === 'resource-template' ? (def.uri ?? def.name) : def.name;
  return `${def.kind}:${id}`;
}
