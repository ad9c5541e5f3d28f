// A fast first parse for large eval inputs (a 5,000-test promptfoo config is ~600 KB): js-yaml builds plain data
// in a fraction of the time and memory of the `yaml` package's positional document (104 ms and 63 MiB peak vs
// 750 ms and ~140 MiB measured on such a file). Anything unusual — syntax errors, duplicate keys, tags, aliases
// (shared objects), too deep nesting — returns undefined and the caller takes the full path of readYamlSource,
// which reports problems with file:line. Positions for later validation errors come from that full path, built
// lazily only when an error needs them.
import { CORE_SCHEMA, load } from 'js-yaml';
import { MAX_DEPTH } from '../../policy/yaml-source.js';

/** The document as plain data, or undefined when only the full parser should judge it. */
export function fastYaml(text: string): unknown {
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  return plainTree(value) ? value : undefined;
}

/** True when no object is reachable twice (no aliases) and nothing nests deeper than MAX_DEPTH. */
function plainTree(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: { v: unknown; depth: number }[] = [{ v: root, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (seen.has(v) || depth > MAX_DEPTH) return false;
    seen.add(v);
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push({ v: c, depth: depth + 1 });
  }
  return true;
}
