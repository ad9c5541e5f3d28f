// Stable test ids: a content hash of what is sent and how it is judged, so that the same case keeps its id
// across runs (regression diffs match cases by id) and any change to its content makes a new one.
import { hash } from 'node:crypto';
import type { ProbeCase } from './types.js';

/** JSON with object keys sorted at every level (undefined members dropped): the canonical form hashed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** One-shot crypto.hash (Node ≥ 20.12): no Hash object per call; runs once per case and grader. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** `<pack>/<16 hex>` over the fields that define the case (not its id, metadata or reporting labels). */
export function caseId(c: Omit<ProbeCase, 'id'>): string {
  const { pack, system, turns, tools, canary, reference, bbq, graders, transforms } = c;
  return `${pack}/${sha256Hex(canonicalJson({ system, turns, tools, canary, reference, bbq, graders, transforms })).slice(0, 16)}`;
}
