// promptfoo assertions → Bulwark grader specs; anything we cannot grade the same way becomes an `unscored` grader, never a silent pass.
import type { GraderSpec } from '../types.js';
import { renderTemplate } from './template.js';

/** Grader type the graders registry maps to a grader that always answers `unscored` (value: what was not supported). */
export const UNSCORED_GRADER = 'unscored';

/** Assertion types that keep their name and meaning as Bulwark graders. */
const DIRECT = new Set(['equals', 'contains', 'icontains', 'not-contains', 'regex', 'starts-with', 'is-json', 'javascript']);
const NEEDS_VALUE = new Set(['equals', 'contains', 'icontains', 'not-contains', 'regex', 'starts-with', 'javascript']);

export interface PromptfooAssertion {
  type: string;
  value?: unknown;
  [key: string]: unknown;
}

export interface MappedAssertion {
  graders: GraderSpec[];
  warnings: string[];
}

export function unscored(what: string, reason: string): GraderSpec {
  return { type: UNSCORED_GRADER, value: what, options: { reason } };
}

const lit = (v: string): string => JSON.stringify(v);

/** Maps one assertion; string values are rendered with the test's vars first, as promptfoo does. */
export function mapAssertion(a: PromptfooAssertion, vars: Readonly<Record<string, unknown>>, where: string): MappedAssertion {
  const type = typeof a.type === 'string' ? a.type : '';
  const warn = (reason: string): MappedAssertion => ({ graders: [unscored(type || '(no type)', reason)], warnings: [`${where}: assertion "${type.slice(0, 64)}" ${reason}; it is reported as unscored`] });
  if (type === '') return warn('has no type');
  for (const key of ['transform', 'contextTransform']) if (a[key] !== undefined) return warn(`uses "${key}", which Bulwark does not run`);
  const value = typeof a.value === 'string' ? renderTemplate(a.value, vars).text : a.value;
  if (typeof value === 'string' && value.startsWith('file://')) return warn('loads its value from a file, which Bulwark does not do for assertions');
  if (NEEDS_VALUE.has(type) || NEEDS_VALUE.has(type.replace(/^not-/, ''))) {
    if (value === undefined || value === null || (typeof value === 'object' && type !== 'equals')) return warn('needs a string value');
  }
  if (DIRECT.has(type)) {
    const spec: GraderSpec = { type };
    if (value !== undefined) spec.value = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    return { graders: [spec], warnings: [] };
  }
  const list = (): string[] => (Array.isArray(value) ? value.map((v) => String(v)) : String(value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
  const js = (expr: string): MappedAssertion => ({ graders: [{ type: 'javascript', value: expr }], warnings: [] });
  // An empty list would make contains-all pass and contains-any fail whatever the answer.
  if (/^i?contains-(?:all|any)$/.test(type) && list().length === 0) return warn('needs a list of values');
  switch (type) {
    case 'contains-all':
      return { graders: list().map((v) => ({ type: 'contains', value: v })), warnings: [] };
    case 'icontains-all':
      return { graders: list().map((v) => ({ type: 'icontains', value: v })), warnings: [] };
    case 'contains-any':
      return js(`${lit2(list())}.some((v) => output.includes(v))`);
    case 'icontains-any':
      return js(`${lit2(list().map((v) => v.toLowerCase()))}.some((v) => output.toLowerCase().includes(v))`);
    case 'not-icontains':
      return js(`!output.toLowerCase().includes(${lit(String(value).toLowerCase())})`);
    case 'not-equals':
      return js(`output !== ${lit(String(value))}`);
    case 'not-starts-with':
      return js(`!output.startsWith(${lit(String(value))})`);
    case 'not-regex':
      return js(`!new RegExp(${lit(String(value))}).test(output)`);
    case 'not-is-json':
      return js('(() => { try { JSON.parse(output); return false; } catch { return true; } })()');
    case 'not-javascript':
      return js(`!(${String(value)})`);
    default:
      return warn('is not supported');
  }
}

function lit2(values: string[]): string {
  return `[${values.map(lit).join(', ')}]`;
}

const LEGACY_JS = /^(?:javascript|fn|eval):/;
const TYPED = /^(not-)?([a-z][a-z0-9-]*)(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$/;
const STRING_TYPES = new Set([...DIRECT, 'contains-all', 'contains-any', 'icontains-all', 'icontains-any', 'llm-rubric', 'similar', 'levenshtein', 'contains-json', 'is-valid-openai-tools-call', 'model-graded-closedqa', 'factuality', 'answer-relevance', 'python']);

/**
 * A CSV `__expected` cell (promptfoo's shorthand): `contains: Paris`, `not-icontains:x`, `javascript: output.length < 9`,
 * `grade: rubric` (llm-rubric); a cell that names no assertion type means equals with the whole cell.
 */
export function assertionFromString(expected: string): PromptfooAssertion {
  if (LEGACY_JS.test(expected)) return { type: 'javascript', value: expected.slice(expected.indexOf(':') + 1).trim() };
  if (expected.startsWith('grade:')) return { type: 'llm-rubric', value: expected.slice(6).trim() };
  const m = TYPED.exec(expected);
  const base = m?.[2];
  if (m && base !== undefined && STRING_TYPES.has(base) && (m[4] !== undefined || base === 'is-json' || base === 'contains-json')) {
    const a: PromptfooAssertion = { type: `${m[1] ?? ''}${base}` };
    if (m[4] !== undefined && m[4].trim() !== '') a.value = m[4].trim();
    if (m[3] !== undefined) a.threshold = Number(m[3]);
    return a;
  }
  return { type: 'equals', value: expected };
}
