// npm's package-lock.json and npm-shrinkwrap.json: the v2/v3 `packages` map (names from the key path
// `node_modules/a/node_modules/@s/b`, or the entry's own `name` for aliases) and the v1 `dependencies` tree.
import { firstLines } from './lines.js';
import { SEMVER } from './versions.js';
import type { ParsedManifest } from './types.js';

const KEY_LINE = /^[ \t]*"((?:[^"\\\n]|\\.){1,4096})"[ \t]*:[ \t]*\{/gm;
const NODE_MODULES = 'node_modules/';
const MAX_DEPTH = 256;
const MAX_PACKAGES = 2_000_000;

type Json = Record<string, unknown>;

export function parsePackageLock(value: unknown, text: string, path: string): ParsedManifest {
  const out: ParsedManifest = { kind: 'package-lock', pinned: [], unpinned: [], errors: [] };
  const root = object(value);
  if (!root) {
    out.errors.push({ path, message: 'not a package-lock.json: the top level is not an object' });
    return out;
  }
  const lines = firstLines(text, KEY_LINE);
  const add = (name: string, version: unknown, lineKey: string) => {
    const line = lines.get(lineKey);
    const where = { manifest: path, ...(line === undefined ? {} : { line }) };
    const v = typeof version === 'string' ? version : '';
    if (SEMVER.valid(v)) out.pinned.push({ ecosystem: 'npm', package: name, version: v, ...where });
    else out.unpinned.push({ ecosystem: 'npm', package: name, spec: v === '' ? '(no version)' : v.slice(0, 200), ...where });
  };
  const packages = object(root.packages);
  if (packages) {
    let count = 0;
    for (const [key, entry] of Object.entries(packages)) {
      if (++count > MAX_PACKAGES) {
        out.errors.push({ path, message: `more than ${MAX_PACKAGES} packages: the rest were not read` });
        break;
      }
      const e = object(entry);
      const at = key.lastIndexOf(NODE_MODULES);
      // "" is the project itself; keys without node_modules/ are workspace folders; links point at other keys.
      if (!e || at < 0 || e.link === true) continue;
      const name = typeof e.name === 'string' && e.name !== '' ? e.name : key.slice(at + NODE_MODULES.length);
      if (name === '') continue;
      add(name, e.version, key);
    }
    return out;
  }
  const dependencies = object(root.dependencies);
  if (!dependencies) {
    if (root.lockfileVersion === undefined) out.errors.push({ path, message: 'not a package-lock.json: no lockfileVersion, packages or dependencies' });
    return out;
  }
  // v1: a tree of { version, dependencies }; an alias is written "npm:real-name@1.2.3".
  const stack: { deps: Json; depth: number }[] = [{ deps: dependencies, depth: 0 }];
  let count = 0;
  while (stack.length > 0) {
    const { deps, depth } = stack.pop()!;
    for (const [key, entry] of Object.entries(deps)) {
      if (++count > MAX_PACKAGES) {
        out.errors.push({ path, message: `more than ${MAX_PACKAGES} packages: the rest were not read` });
        return out;
      }
      const e = object(entry);
      if (!e) continue;
      const alias = typeof e.version === 'string' ? /^npm:(@?[^@]+)@(.+)$/.exec(e.version) : null;
      if (alias?.[1] && alias[2]) add(alias[1], alias[2], key);
      else add(key, e.version, key);
      const nested = object(e.dependencies);
      if (nested) {
        if (depth + 1 > MAX_DEPTH) out.errors.push({ path, message: `dependencies nested deeper than ${MAX_DEPTH} levels under ${key}: not read` });
        else stack.push({ deps: nested, depth: depth + 1 });
      }
    }
  }
  return out;
}

function object(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
