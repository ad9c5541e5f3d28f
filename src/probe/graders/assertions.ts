// promptfoo's deterministic assertions over the answer text (contains, icontains, equals, starts-with, regex,
// is-json, the -any/-all forms, and `not-` in front of any of them): pass when the assertion holds.
import { canonicalJson } from '../case-id.js';
import type { Grader, GraderSpec } from '../types.js';
import { configError, defineGrader, graderHash, NO_OPTIONS, parseOptions, verdict } from './grader-support.js';
import { z } from 'zod';

export const ASSERTION_BASE_TYPES = [
  'contains',
  'icontains',
  'contains-any',
  'contains-all',
  'icontains-any',
  'icontains-all',
  'equals',
  'starts-with',
  'regex',
  'is-json',
] as const;
type BaseType = (typeof ASSERTION_BASE_TYPES)[number];

/** Every assertion type, with its `not-` form. */
export const ASSERTION_TYPES: readonly string[] = [...ASSERTION_BASE_TYPES, ...ASSERTION_BASE_TYPES.map((t) => `not-${t}`)];

const REGEX_OPTIONS = z.object({ flags: z.string().regex(/^[dgimsuy]*$/, 'flags must be among dgimsuy').optional() }).strict();
/** Longest pattern or needle accepted: config, not a data file. */
const MAX_VALUE = 100_000;

type Check = (text: string) => { ok: boolean; detail: string };

function stringValue(spec: GraderSpec): string {
  const v = spec.value;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string' || v.length === 0) throw configError(spec, 'needs a non-empty string value');
  if (v.length > MAX_VALUE) throw configError(spec, `value longer than ${MAX_VALUE} characters`);
  return v;
}

/** promptfoo takes a list, or one string with comma-separated items. */
function listValue(spec: GraderSpec): string[] {
  const v = spec.value;
  const items = Array.isArray(v) ? v.map((x) => (typeof x === 'string' || typeof x === 'number' ? String(x) : '')) : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [];
  if (items.length === 0 || items.some((s) => s.length === 0)) throw configError(spec, 'needs a list of non-empty strings (or a comma-separated string)');
  return items;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 59)}…` : s);
}

function buildCheck(base: BaseType, spec: GraderSpec): Check {
  switch (base) {
    case 'contains': {
      const needle = stringValue(spec);
      return (t) => ({ ok: t.includes(needle), detail: `contains ${quote(needle)}` });
    }
    case 'icontains': {
      const needle = stringValue(spec).toLowerCase();
      return (t) => ({ ok: t.toLowerCase().includes(needle), detail: `contains ${quote(needle)} (any case)` });
    }
    case 'contains-any':
    case 'icontains-any':
    case 'contains-all':
    case 'icontains-all': {
      const fold = base.startsWith('i') ? (s: string) => s.toLowerCase() : (s: string) => s;
      const needles = listValue(spec).map(fold);
      const all = base.endsWith('-all');
      return (t) => {
        const text = fold(t);
        const found = needles.filter((n) => text.includes(n));
        const ok = all ? found.length === needles.length : found.length > 0;
        return { ok, detail: `contains ${all ? 'all' : 'any'} of ${needles.length} strings (${found.length} found)` };
      };
    }
    case 'equals': {
      if (spec.value !== null && typeof spec.value === 'object') {
        // promptfoo compares an object value with the answer parsed as JSON.
        const expected = canonicalJson(spec.value);
        return (t) => {
          let ok = false;
          try {
            ok = canonicalJson(JSON.parse(t)) === expected;
          } catch {
            ok = false;
          }
          return { ok, detail: 'equals the expected JSON' };
        };
      }
      const expected = stringValue(spec);
      return (t) => ({ ok: t === expected, detail: `equals ${quote(expected)}` });
    }
    case 'starts-with': {
      const prefix = stringValue(spec);
      return (t) => ({ ok: t.startsWith(prefix), detail: `starts with ${quote(prefix)}` });
    }
    case 'regex': {
      const source = stringValue(spec);
      const { flags = '' } = parseOptions(spec, REGEX_OPTIONS);
      let re: RegExp;
      try {
        // No sticky/global state between answers: test() on a global regex would carry lastIndex over.
        re = new RegExp(source, flags.replace(/[gy]/g, ''));
      } catch (e) {
        throw configError(spec, `invalid regex: ${e instanceof Error ? e.message : String(e)}`);
      }
      return (t) => ({ ok: re.test(t), detail: `matches /${source.length > 60 ? `${source.slice(0, 59)}…` : source}/` });
    }
    case 'is-json': {
      if (spec.value !== undefined) throw configError(spec, 'is-json with a JSON Schema value is not supported; drop the value');
      return (t) => {
        try {
          JSON.parse(t);
          return { ok: true, detail: 'is valid JSON' };
        } catch {
          return { ok: false, detail: 'is valid JSON' };
        }
      };
    }
  }
}

/** Builds an assertion grader; `spec.type` must be one of ASSERTION_TYPES. */
export function createAssertionGrader(spec: GraderSpec): Grader {
  const negated = spec.type.startsWith('not-');
  const base = (negated ? spec.type.slice(4) : spec.type) as BaseType;
  if (!(ASSERTION_BASE_TYPES as readonly string[]).includes(base)) throw configError(spec, 'unknown assertion type');
  if (base !== 'regex') parseOptions(spec, NO_OPTIONS);
  const check = buildCheck(base, spec);
  const self = { type: spec.type, hash: graderHash(spec) };
  return defineGrader(self.type, self.hash, ({ response }) => {
    const { ok, detail } = check(response.text);
    const pass = ok !== negated;
    return verdict(self, pass ? 'pass' : 'fail', `${pass ? '' : 'expected: '}${negated ? 'not ' : ''}${detail}`, pass ? 1 : 0);
  });
}
