// TOML manifests read with smol-toml; a syntax error becomes a manifest error with its line, never an exception.
import { parse, TomlError } from 'smol-toml';
import type { ManifestError } from './types.js';

export type TomlTable = Record<string, unknown>;

export function parseToml(text: string, path: string): { table: TomlTable } | { error: ManifestError } {
  try {
    return { table: parse(text) as TomlTable };
  } catch (e) {
    const line = e instanceof TomlError ? e.line : undefined;
    const first = (e instanceof Error ? e.message : String(e)).split('\n', 1)[0] ?? 'invalid TOML';
    const error: ManifestError = { path, message: `not valid TOML: ${first}` };
    if (line !== undefined) error.line = line;
    return { error };
  }
}

export function table(v: unknown): TomlTable | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) ? (v as TomlTable) : undefined;
}

export function array(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
