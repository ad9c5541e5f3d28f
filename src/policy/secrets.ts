// Resolves upstream credentials ({ env } or { file }) once at start-up; errors name the source, never the value.
import { resolve } from 'node:path';
import { BulwarkError } from '../core/errors.js';
import { readBounded } from './read-bounded.js';
import type { SecretRef } from './schema.js';
import type { CompiledUpstream } from './types.js';

/** Secret files larger than this are refused (a key is a few hundred bytes; this stops reading /dev/zero). */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

export interface SecretDeps {
  /** Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Relative secret file paths resolve against this; default: process.cwd(). */
  cwd?: string;
}

/**
 * The secret's value: the variable's value, or the file's content without its trailing newline (as written by
 * `echo`, Docker and Kubernetes secrets). Empty secrets are errors: an empty bearer token is never intended.
 */
export async function resolveSecret(ref: SecretRef, deps: SecretDeps = {}): Promise<string> {
  if (ref.env !== undefined) {
    const value = (deps.env ?? process.env)[ref.env];
    if (value === undefined || value === '') {
      throw new BulwarkError('ERR_CONFIG_INVALID', `environment variable ${ref.env} is not set or empty`, { context: { env: ref.env } });
    }
    return value;
  }
  if (ref.file !== undefined) {
    const path = resolve(deps.cwd ?? process.cwd(), ref.file);
    const value = (await readSmallFile(path)).replace(/\r?\n$/, '');
    if (value === '') throw new BulwarkError('ERR_CONFIG_INVALID', `secret file ${path} is empty`, { context: { file: path } });
    return value;
  }
  throw new TypeError('a secret reference needs env or file');
}

/** Resolves every upstream's apiKey; the map holds only upstreams that have one. */
export async function resolveUpstreamKeys(upstreams: readonly CompiledUpstream[], deps: SecretDeps = {}): Promise<ReadonlyMap<string, string>> {
  const keys = new Map<string, string>();
  for (const u of upstreams) {
    if (!u.apiKey) continue;
    try {
      keys.set(u.name, await resolveSecret(u.apiKey, deps));
    } catch (e) {
      if (e instanceof BulwarkError) {
        throw new BulwarkError(e.code, `upstream ${u.name}: apiKey: ${e.message}`, { context: { ...e.context, upstream: u.name } });
      }
      throw e;
    }
  }
  return keys;
}

async function readSmallFile(path: string): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readBounded(path, MAX_SECRET_FILE_BYTES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    // No cause attached: nothing of the file may travel with the error.
    throw new BulwarkError('ERR_CONFIG_INVALID', `cannot read secret file ${path} (${code})`, { context: { file: path, code } });
  }
  if (bytes === undefined) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `secret file ${path} is larger than ${MAX_SECRET_FILE_BYTES} bytes`, { context: { file: path } });
  }
  return bytes.toString('utf8');
}
