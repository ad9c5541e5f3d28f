// Turns zod issues into ConfigIssues at the right line: unknown keys named one by one (with a "did you mean"), friendlier messages.
import type { z } from 'zod';
import { didYouMean, formatPath, shorten, type ConfigIssue } from './issues.js';
import type { Position } from './yaml-source.js';

/** Where a key path is written (see YamlSource.locate); a value without a file gives no position. */
export type Locate = (path: readonly PropertyKey[], part?: 'value' | 'key') => Position | undefined;

/** Messages that name the problem without echoing the value (it may be a secret written in the wrong place). */
export const messageFor: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) return 'is required';
    return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${kindOf(iss.input)}`;
  }
  if (iss.code === 'invalid_value') {
    const values = iss.values.map((v) => JSON.stringify(v));
    return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
  }
  if (iss.code === 'too_big' || iss.code === 'too_small') {
    const big = iss.code === 'too_big';
    const limit = big ? iss.maximum : iss.minimum;
    const inclusive = iss.inclusive !== false;
    if (iss.origin === 'number' || iss.origin === 'int') {
      return `must be ${big ? (inclusive ? 'at most' : 'less than') : inclusive ? 'at least' : 'greater than'} ${String(limit)}`;
    }
    const unit = iss.origin === 'string' ? 'characters' : iss.origin === 'array' ? 'items' : undefined;
    if (unit) return `must have ${big ? 'at most' : 'at least'} ${String(limit)} ${unit}`;
  }
  return undefined;
};

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

function kindOf(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : `a number (${value})`;
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

/**
 * Converts the issues of `schema.safeParse(value)`; `prefix` is where `value` sits in the file (detector options
 * are validated on their own, under policies.<name>.<stage>.<i>.options).
 */
export function convertIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  source: string,
  locate: Locate,
  prefix: readonly PropertyKey[] = [],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const make = (path: readonly PropertyKey[], message: string, part: 'value' | 'key' = 'value'): ConfigIssue => {
    const full = [...prefix, ...path];
    return { source, ...locate(full, part), path: formatPath(full), message };
  };
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      const known = keysAt(schema, iss.path);
      for (const key of iss.keys) out.push(make([...iss.path, key], `unknown key "${shorten(key)}"${didYouMean(key, known)}`, 'key'));
    } else if (iss.code === 'invalid_key') {
      const reason = iss.issues[0]?.message ?? iss.message;
      out.push(make(iss.path, `invalid name "${shorten(String(iss.path.at(-1) ?? ''))}": ${reason}`, 'key'));
    } else {
      out.push(make(iss.path, iss.message));
    }
  }
  return out;
}

/** The keys an object schema at `path` allows (for "did you mean"); [] when the path does not lead to an object. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType | undefined = schema;
  for (const seg of path) {
    node = unwrap(node);
    const def = node?._zod.def as { type?: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType } | undefined;
    if (def?.type === 'object') node = def.shape?.[String(seg)];
    else if (def?.type === 'array') node = def.element;
    else if (def?.type === 'record') node = def.valueType;
    else return [];
  }
  const def = unwrap(node)?._zod.def as { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** Looks through optional, default, prefault, nullable, readonly and the input side of pipes. */
function unwrap(node: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  for (let i = 0; node && i < 16; i++) {
    const def = node._zod.def as { type?: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe' && def.in) node = def.in;
    else return node;
  }
  return node;
}
