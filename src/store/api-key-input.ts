// Validation of what a new API key is made of (name, model patterns, policy, limits, expiry), before any write.
import { BulwarkError } from '../core/errors.js';
import { MAX_MODEL_NAME } from './model-glob.js';

export interface NewApiKey {
  /** Principal name, e.g. `team-a`: letters, digits, `.`, `_`, `-`, `@`; up to 64 characters. */
  name: string;
  /** Model glob patterns the key may call (`gpt-*`, `*`); at least one. */
  models: readonly string[];
  /** Name of the policy applied to the key's requests. */
  policy?: string;
  /** Requests per minute, tokens per minute, concurrent requests; absent = the policy's defaults. */
  rpm?: number;
  tpm?: number;
  concurrency?: number;
  expiresAt?: Date;
}

export interface ValidKeyFields {
  name: string;
  models: string[];
  policy: string;
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  expiresAt: string | null;
}

export const DEFAULT_POLICY = 'default';
export const MAX_MODEL_PATTERNS = 100;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const POLICY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Model patterns: printable ASCII without spaces (model ids such as `meta-llama/Llama-3.1-8B:latest`). */
const MODEL_PATTERN = /^[\x21-\x7e]+$/;

export function validateKeyFields(input: NewApiKey, nowMs: number): ValidKeyFields {
  if (typeof input.name !== 'string' || !NAME.test(input.name)) {
    throw invalid('name', 'a key name is 1-64 letters, digits, ".", "_", "-" or "@", starting with a letter or digit');
  }
  const policy = input.policy ?? DEFAULT_POLICY;
  if (typeof policy !== 'string' || !POLICY.test(policy)) throw invalid('policy', 'a policy name is 1-128 letters, digits, ".", "_" or "-"');
  if (!Array.isArray(input.models) || input.models.length === 0) throw invalid('models', 'give at least one model pattern (e.g. "gpt-*" or "*")');
  if (input.models.length > MAX_MODEL_PATTERNS) throw invalid('models', `at most ${MAX_MODEL_PATTERNS} model patterns`);
  for (const m of input.models) {
    if (typeof m !== 'string' || m.length > MAX_MODEL_NAME || !MODEL_PATTERN.test(m)) {
      throw invalid('models', `model patterns are 1-${MAX_MODEL_NAME} printable ASCII characters without spaces`);
    }
  }
  let expiresAt: string | null = null;
  if (input.expiresAt !== undefined) {
    const ms = input.expiresAt instanceof Date ? input.expiresAt.getTime() : Number.NaN;
    if (!Number.isFinite(ms)) throw invalid('expiresAt', 'the expiry is not a valid date');
    if (ms <= nowMs) throw invalid('expiresAt', 'the expiry is in the past');
    expiresAt = new Date(ms).toISOString();
  }
  return {
    name: input.name,
    models: [...new Set(input.models)],
    policy,
    rpm: limit(input.rpm, 'rpm'),
    tpm: limit(input.tpm, 'tpm'),
    concurrency: limit(input.concurrency, 'concurrency'),
    expiresAt,
  };
}

function limit(value: number | undefined, field: string): number | null {
  if (value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(field, `${field} must be a positive integer`);
  return value;
}

function invalid(field: string, message: string): BulwarkError {
  return new BulwarkError('ERR_INPUT_INVALID', message, { context: { field } });
}
