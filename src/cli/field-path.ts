// Dotted field paths for --text-field ("messages.0.content"): own properties and array indexes only.
import { BulwarkError } from '../core/errors.js';

const INDEX = /^(?:0|[1-9][0-9]{0,8})$/;

/** Splits and checks a path once, before the batch starts. */
export function parseFieldPath(path: string): string[] {
  const segments = path.split('.');
  if (path.length === 0 || segments.some((s) => s.length === 0)) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `--text-field "${path}" is not a valid dotted path (e.g. text or messages.0.content)`);
  }
  return segments;
}

/** The value at `segments`, or undefined when any step is missing (inherited properties never count). */
export function getField(value: unknown, segments: readonly string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!INDEX.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
