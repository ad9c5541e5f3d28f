// promptfoo tests: inline, `file://` YAML/JSON/JSONL/CSV files, vars files, and defaultTest merged into each test.
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseCsv } from './csv.js';
import { assertionFromString, type PromptfooAssertion } from './promptfoo-assert.js';
import { PromptError, type ConfigFileReader } from './promptfoo-prompts.js';

export type Warn = (w: string) => void;
export type Issue = (path: PropertyKey[], message: string) => void;

export const looseRecord = z.record(z.string(), z.unknown());
export const assertionSchema = z.looseObject({ type: z.string().min(1), value: z.unknown().optional() });
export const testSchema = z.looseObject({
  description: z.string().optional(),
  vars: z.union([looseRecord, z.string()]).optional(),
  assert: z.array(assertionSchema).optional(),
  options: looseRecord.optional(),
  metadata: looseRecord.optional(),
  threshold: z.number().optional(),
});
export type PromptfooTest = z.infer<typeof testSchema>;

export interface LoadedTest {
  test: PromptfooTest;
  where: string;
  /** Where in the config it comes from (for file:line). */
  at: PropertyKey[];
}

export async function loadTests(config: { defaultTest?: string | PromptfooTest | undefined; tests?: string | (string | PromptfooTest)[] | undefined }, read: ConfigFileReader, warn: Warn, issue: Issue): Promise<LoadedTest[]> {
  let defaults: PromptfooTest = {};
  if (typeof config.defaultTest === 'string') {
    try {
      defaults = testSchema.parse(await readData(config.defaultTest, read));
    } catch (e) {
      issue(['defaultTest'], errorText(e));
    }
  } else if (config.defaultTest) defaults = config.defaultTest;
  for (const k of ['threshold', 'provider', 'providers'] as const) if (defaults[k] !== undefined) warn(`defaultTest.${k}: not supported; ignored`);

  const raw = config.tests ?? [{}];
  const items = typeof raw === 'string' ? [raw] : raw;
  const tests: LoadedTest[] = [];
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'string') {
      tests.push({ test: item, where: `tests.${i}`, at: ['tests', i] });
      continue;
    }
    try {
      const loaded = await readTestFile(item, read);
      const at = typeof raw === 'string' ? ['tests'] : ['tests', i];
      loaded.forEach((t, j) => tests.push({ test: t, where: `${item.slice(0, 80)}#${j + 1}`, at }));
    } catch (e) {
      issue(typeof raw === 'string' ? ['tests'] : ['tests', i], errorText(e));
    }
  }
  if (typeof defaults.vars === 'string') defaults.vars = await loadVars(defaults.vars, read, ['defaultTest', 'vars'], issue);
  const out: LoadedTest[] = [];
  for (const { test, where, at } of tests) {
    if (typeof test.vars === 'string') test.vars = await loadVars(test.vars, read, [...at, 'vars'], issue);
    out.push({ where, at, test: mergeDefaults(defaults, test) });
  }
  for (const { test, where, at } of out) {
    for (const [k, v] of Object.entries(test.vars as Record<string, unknown>)) {
      if (typeof v !== 'string' || !v.startsWith('file://')) continue;
      try {
        (test.vars as Record<string, unknown>)[k] = await readVarFile(v, read);
      } catch (e) {
        issue([...at, 'vars', k], `${where}.vars.${k}: ${errorText(e)}`);
      }
    }
  }
  return out;
}

async function loadVars(ref: string, read: ConfigFileReader, path: PropertyKey[], issue: Issue): Promise<Record<string, unknown>> {
  try {
    const data = await readData(ref, read);
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return { ...(data as Record<string, unknown>) };
    issue(path, `${ref.slice(0, 80)}: expected a map of vars`);
  } catch (e) {
    issue(path, errorText(e));
  }
  return {};
}

/** A var whose value is `file://path`: the file's text (.txt, .md...) or its data (.json, .yaml). */
async function readVarFile(ref: string, read: ConfigFileReader): Promise<unknown> {
  const spec = ref.slice(7);
  const ext = extname(spec).toLowerCase();
  if (['.json', '.yaml', '.yml'].includes(ext)) return readData(ref, read);
  if (['.js', '.cjs', '.mjs', '.ts', '.py'].includes(ext)) throw new PromptError(`${spec}: vars computed by scripts are not supported`);
  return read(spec);
}

function mergeDefaults(d: PromptfooTest, t: PromptfooTest): PromptfooTest {
  const vars = { ...(typeof d.vars === 'object' ? d.vars : {}), ...(typeof t.vars === 'object' ? t.vars : {}) };
  const merged: PromptfooTest = { ...t, vars, assert: [...(d.assert ?? []), ...(t.assert ?? [])] };
  if (d.options || t.options) merged.options = { ...d.options, ...t.options };
  return merged;
}

/** `file://tests.yaml|yml|json|jsonl|csv`: a list of tests (CSV: columns are vars, `__expected*` assertions). */
async function readTestFile(ref: string, read: ConfigFileReader): Promise<PromptfooTest[]> {
  if (!ref.startsWith('file://')) throw new PromptError(`tests "${ref.slice(0, 80)}": only file:// references are supported`);
  const spec = ref.slice(7);
  if (/[*?[]/.test(spec)) throw new PromptError(`test globs are not supported (${spec.slice(0, 80)}): list the files`);
  const ext = extname(spec).toLowerCase();
  if (ext === '.csv') return csvTests(await read(spec));
  const data = ext === '.jsonl' ? (await read(spec)).split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown) : await readData(ref, read);
  const list = Array.isArray(data) ? data : [data];
  return list.map((t, i) => {
    const r = testSchema.safeParse(t);
    if (!r.success) throw new PromptError(`${spec}: test ${i + 1} is not a test case (${r.error.issues[0]?.message ?? 'invalid'})`);
    return r.data;
  });
}

function csvTests(text: string): PromptfooTest[] {
  return parseCsv(text).map((row) => {
    const vars: Record<string, string> = {};
    const assert: PromptfooAssertion[] = [];
    let description: string | undefined;
    for (const [col, cell] of Object.entries(row)) {
      if (/^__expected\d*$/.test(col)) {
        if (cell.trim() !== '') assert.push(assertionFromString(cell.trim()));
      } else if (col === '__description') description = cell;
      else if (col.startsWith('__')) assert.push({ type: `csv column ${col}`, value: cell });
      else vars[col] = cell;
    }
    const t: PromptfooTest = { vars, assert };
    if (description) t.description = description;
    return t;
  });
}

/** JSON or YAML data behind a `file://` reference. */
async function readData(ref: string, read: ConfigFileReader): Promise<unknown> {
  if (!ref.startsWith('file://')) throw new PromptError(`"${ref.slice(0, 80)}": only file:// references are supported`);
  const spec = ref.slice(7);
  const text = await read(spec);
  const ext = extname(spec).toLowerCase();
  if (ext === '.json') return JSON.parse(text) as unknown;
  if (ext === '.yaml' || ext === '.yml') return parseYaml(text, { maxAliasCount: 100 }) as unknown;
  throw new PromptError(`${spec}: expected a .yaml, .yml or .json file`);
}


export function errorText(e: unknown): string {
  if (e instanceof Error && e.name === 'CsvError') return `CSV line ${(e as Error & { line: number }).line}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
