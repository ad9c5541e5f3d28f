// Reads YAML keeping source positions, so that any key path can be traced back to a line and column; bounds hostile input.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { formatPath, type ConfigIssue } from './issues.js';

/** A configuration larger than this is refused before parsing (real ones are a few KB). */
export const MAX_CONFIG_CHARS = 1024 * 1024;
/** Alias expansions allowed when building the plain value: stops "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of maps and lists (the schema needs fewer than 10 levels; detector options a few more). */
export const MAX_DEPTH = 32;

export interface Position {
  line: number;
  column: number;
}

export interface YamlSource {
  /** The document as plain data, aliases expanded; undefined when `issues` is not empty. */
  value: unknown;
  /** Problems of the YAML layer itself: syntax, duplicate keys, tags, aliases, size, depth. */
  issues: ConfigIssue[];
  /**
   * Where the value at `path` is written (or its key, with part = 'key'); when the path goes beyond what the
   * file contains (a missing key), the position of the deepest ancestor that is there.
   */
  locate(path: readonly PropertyKey[], part?: 'value' | 'key'): Position;
}

export function readYamlSource(text: string, source: string): YamlSource {
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined): Position => {
    if (offset === undefined) return { line: 1, column: 1 };
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const issue = (pos: Position, path: string, message: string): ConfigIssue => ({ source, ...pos, path, message });
  const broken = (issues: ConfigIssue[]): YamlSource => ({ value: undefined, issues, locate: () => ({ line: 1, column: 1 }) });

  if (text.length > MAX_CONFIG_CHARS) {
    return broken([issue({ line: 1, column: 1 }, '', `file is larger than ${MAX_CONFIG_CHARS} characters`)]);
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false, strict: true });
  } catch (e) {
    return broken([issue({ line: 1, column: 1 }, '', `cannot parse YAML: ${yamlMessage(e)}`)]);
  }
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) return broken(problems.map((p) => issue(at(p.pos[0]), '', yamlMessage(p))));

  const locate = (path: readonly PropertyKey[], part: 'value' | 'key' = 'value'): Position => {
    const found = findNode(doc, path);
    const node = part === 'key' && found.complete && found.key ? found.key : found.node;
    // An empty value (`key:`) has a zero-width range after the colon; its key is the better place to point at.
    if (isScalar(node) && node.value === null && node.source === '' && found.key) return at(found.key.range?.[0]);
    return at(node?.range?.[0] ?? found.key?.range?.[0]);
  };

  const structural = checkStructure(doc);
  if (structural) return { value: undefined, issues: [issue(at(structural.offset), '', structural.message)], locate };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: false });
  } catch (e) {
    const alias = firstAliasOffset(doc);
    const message = e instanceof ReferenceError && /alias/i.test(e.message) ? `aliases expand to too much data (more than ${MAX_ALIAS_COUNT} expansions)` : yamlMessage(e);
    return { value: undefined, issues: [issue(at(alias), '', message)], locate };
  }
  const deep = tooDeep(value);
  if (deep) return { value: undefined, issues: [issue(locate(deep), formatPath(deep), `nested deeper than ${MAX_DEPTH} levels`)], locate };
  return { value, issues: [], locate };
}

interface Found {
  node: Node | null | undefined;
  /** Key node of the last map step, when the path ended in a map. */
  key: Node | undefined;
  /** The whole path was found. */
  complete: boolean;
}

function findNode(doc: Document.Parsed, path: readonly PropertyKey[]): Found {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const seg of path) {
    const here = isAlias(node) ? node.resolve(doc) : node;
    let next: unknown;
    let nextKey: Node | undefined;
    if (isMap(here)) {
      const pair = here.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { node: here, key, complete: false };
      nextKey = pair.key as Node;
      next = pair.value ?? pair.key;
    } else if (isSeq(here) && typeof seg === 'number') {
      next = here.items[seg];
      if (next === undefined) return { node: here, key, complete: false };
    } else {
      return { node: here as Node | undefined, key, complete: false };
    }
    node = next;
    key = nextKey;
  }
  return { node: node as Node | null | undefined, key, complete: true };
}

/** Keys must be scalars (a list as a key would be stringified); checked on the syntax tree without recursion. */
function checkStructure(doc: Document.Parsed): { offset: number | undefined; message: string } | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (pair.key !== null && !isScalar(pair.key)) {
          return { offset: (pair.key as Node).range?.[0], message: 'keys must be plain strings, not lists, maps or aliases' };
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return undefined;
}

function firstAliasOffset(doc: Document.Parsed): number | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return node.range?.[0];
    // Children pushed last-first so that the first alias in document order is found first.
    if (isMap(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]?.value);
    else if (isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  return undefined;
}

/** Path of the first container nested deeper than MAX_DEPTH (after alias expansion), found without recursion. */
function tooDeep(value: unknown): PropertyKey[] | undefined {
  const stack: { v: unknown; path: PropertyKey[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: PropertyKey[] };
    if (v === null || typeof v !== 'object') continue;
    if (path.length > MAX_DEPTH) return path;
    if (Array.isArray(v)) v.forEach((item, i) => stack.push({ v: item, path: [...path, i] }));
    else if (Object.getPrototypeOf(v) === Object.prototype) for (const [k, item] of Object.entries(v)) stack.push({ v: item, path: [...path, k] });
  }
  return undefined;
}

/** One line, without the library's source excerpt; stack overflows in the parser named for what they are. */
function yamlMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  if (/call stack/i.test(raw)) return `nested deeper than ${MAX_DEPTH} levels`;
  const line = (raw.split('\n')[0] ?? raw).replace(/ at line \d+, column \d+:?$/, '');
  return line.charAt(0).toLowerCase() + line.slice(1);
}
