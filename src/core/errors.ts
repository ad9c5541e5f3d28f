// BulwarkError: every failure we raise carries a stable code and structured context.
// Hostile input gets one of these; caller mistakes (bad arguments in code) throw TypeError.

export const ERROR_CODES = {
  ERR_INPUT_TOO_LARGE: 'input exceeds the configured size limit',
  ERR_INPUT_INVALID_UTF8: 'input is not valid UTF-8',
  ERR_INPUT_INVALID_JSON: 'input is not valid JSON',
  ERR_INPUT_MISSING_FIELD: 'a required field is missing',
  ERR_INPUT_INVALID: 'input does not match the expected shape',
  ERR_CONFIG_INVALID: 'configuration is invalid',
  ERR_DETECTOR_UNKNOWN: 'no detector with this id is registered',
  ERR_DETECTOR_OPTIONS: 'detector options are invalid',
  ERR_DETECTOR_FAILED: 'a detector raised an error',
  ERR_DETECTOR_TIMEOUT: 'a detector exceeded its time budget',
  ERR_MODEL_INVALID: 'shipped model weights are missing or corrupt',
  ERR_IO: 'reading or writing a file failed',
  ERR_STORE: 'the store could not be opened, migrated, read or written',
  ERR_KEY_NOT_FOUND: 'no API key has this id or name',
  ERR_KEY_CONFLICT: 'an active API key already has this name',
  ERR_SINK: 'a sink could not deliver security events',
  ERR_SINK_CONFIG: 'a sink URL or option is invalid',
  ERR_SCAN_FORMAT: 'a file is malformed or truncated',
  ERR_SCAN_LIMIT: 'a file exceeds a scan limit (size, nesting, decompression, opcodes)',
  ERR_SCAN_TIMEOUT: 'a file exceeded its scan time budget',
  ERR_SIGNATURE: 'a signature or manifest does not verify',
  ERR_ADVISORIES: 'the advisory database could not be read or updated',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface BulwarkErrorOptions {
  context?: Record<string, unknown>;
  cause?: unknown;
}

export class BulwarkError extends Error {
  override readonly name = 'BulwarkError';
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message?: string, options: BulwarkErrorOptions = {}) {
    super(message ?? ERROR_CODES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = Object.freeze({ ...options.context });
  }

  /** A plain object safe to serialise (no stack, no cause). */
  toJSON(): { code: ErrorCode; message: string; context: Record<string, unknown> } {
    return { code: this.code, message: this.message, context: { ...this.context } };
  }
}

export function isBulwarkError(e: unknown): e is BulwarkError {
  return e instanceof BulwarkError;
}

/** Wraps any thrown value into a BulwarkError with the given code, keeping BulwarkErrors as they are. */
export function toBulwarkError(e: unknown, code: ErrorCode, context?: Record<string, unknown>): BulwarkError {
  if (e instanceof BulwarkError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new BulwarkError(code, message, { context, cause: e });
}
