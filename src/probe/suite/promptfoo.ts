// promptfoo compatibility: a promptfooconfig.yaml (providers, prompts, tests, defaultTest) → a Suite plus its ProbeCases.
import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { configError, formatPath, type ConfigIssue } from '../../policy/issues.js';
import { readYamlSource } from '../../policy/yaml-source.js';
import { convertIssues, messageFor, type Locate } from '../../policy/zod-issues.js';
import { caseId } from '../case-id.js';
import type { GraderSpec, ProbeCase } from '../types.js';
import { CsvError } from './csv.js';
import { readTextFile } from './load.js';
import { mapAssertion, unscored, type PromptfooAssertion } from './promptfoo-assert.js';
import { loadPromptEntry, PromptError, renderPrompt, type ConfigFileReader, type PromptTemplate } from './promptfoo-prompts.js';
import { errorText, loadTests, looseRecord, testSchema, type Issue, type LoadedTest, type Warn } from './promptfoo-tests.js';
import { suiteSchema, type Suite, type TargetSpec } from './schema.js';

export const PROMPTFOO_PACK = 'promptfoo';
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Most (prompt × test × var combination) cases one config may produce. */
export const MAX_PROMPTFOO_CASES = 100_000;
const MAX_DATA_FILE_BYTES = 16 * 1024 * 1024;
const MAX_WARNINGS = 200;

export interface PromptfooTranslation {
  suite: Suite;
  cases: ProbeCase[];
  /** Everything not carried over as promptfoo would run it (unsupported providers, assertions, keys...). */
  warnings: string[];
}

export interface PromptfooOptions {
  sourceName?: string;
  /** For OPENAI_BASE_URL / OPENAI_API_BASE_URL, as promptfoo reads them (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Let `file://` references leave the config's folder (promptfoo allows it; we do not by default). */
  allowFilesOutsideConfigDir?: boolean;
}

const providerSchema = z.union([z.string().min(1), z.looseObject({ id: z.string().optional(), label: z.string().optional(), config: looseRecord.optional() })]);
const providersSchema = z.union([z.string().min(1), z.array(providerSchema).min(1)]);
const configSchema = z.looseObject({
  description: z.string().optional(),
  providers: providersSchema.optional(),
  targets: providersSchema.optional(),
  prompts: z.union([z.string().min(1), z.array(z.union([z.string().min(1), z.looseObject({ id: z.string().optional(), label: z.string().optional(), raw: z.string().optional() })])).min(1), z.record(z.string(), z.string())]),
  tests: z.union([z.string().min(1), z.array(z.union([z.string().min(1), testSchema]))]).optional(),
  defaultTest: z.union([z.string().min(1), testSchema]).optional(),
  evaluateOptions: z
    .looseObject({ maxConcurrency: z.int().min(1).max(1024).optional(), repeat: z.int().min(1).max(100).optional(), cache: z.boolean().optional() })
    .optional(),
  outputPath: z.union([z.string(), z.array(z.string())]).optional(),
});
type PromptfooConfig = z.infer<typeof configSchema>;

const KNOWN_KEYS = new Set(['description', 'providers', 'targets', 'prompts', 'tests', 'defaultTest', 'evaluateOptions', 'outputPath', 'tags', 'sharing', 'writeLatestResults', 'metadata']);

/** promptfoo configs have `prompts` or `providers`; Bulwark suites have neither (their schema is strict). */
export function looksLikePromptfoo(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.hasOwn(value, 'prompts') || Object.hasOwn(value, 'providers') || (Object.hasOwn(value, 'tests') && !Object.hasOwn(value, 'packs'));
}

/** Reads a promptfoo config file and translates it; file:// references are relative to its folder. */
export async function loadPromptfoo(path: string, options: PromptfooOptions = {}): Promise<PromptfooTranslation> {
  const source = options.sourceName ?? path;
  const src = readYamlSource(await readTextFile(path, source), source);
  if (src.issues.length > 0) throw configError(src.issues);
  return translatePromptfoo(src.value, { ...options, sourceName: source, baseDir: dirname(resolve(path)), locate: src.locate, fallbackName: basename(path, extname(path)) });
}

/** Translates a parsed config; throws ERR_CONFIG_INVALID (file:line issues) when nothing runnable can be made of it. */
export async function translatePromptfoo(
  value: unknown,
  options: PromptfooOptions & { baseDir: string; locate?: Locate; fallbackName?: string },
): Promise<PromptfooTranslation> {
  const source = options.sourceName ?? 'promptfooconfig.yaml';
  const locate: Locate = options.locate ?? (() => undefined);
  const parsed = configSchema.safeParse(value, { error: messageFor });
  if (!parsed.success) throw configError(convertIssues(parsed.error.issues, configSchema, source, locate));
  const config = parsed.data;
  const warnings: string[] = [];
  const warn = (w: string): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push(w);
  };
  const issues: ConfigIssue[] = [];
  const issue = (path: PropertyKey[], message: string): void => {
    issues.push({ source, ...locate(path), path: formatPath(path), message });
  };
  for (const key of Object.keys(config)) if (!KNOWN_KEYS.has(key)) warn(`${key}: not supported by Bulwark's promptfoo compatibility; ignored`);

  const read = fileReader(options.baseDir, options.allowFilesOutsideConfigDir === true);
  const targets = translateProviders(config, options.env ?? process.env, warn, issue);
  const prompts = await loadPrompts(config, read, issue);
  const tests = await loadTests(config, read, warn, issue);
  if (issues.length > 0) throw configError(issues);

  const cases = buildCases(prompts, tests, warn, issue);
  if (issues.length > 0) throw configError(issues);

  const suiteValue: Record<string, unknown> = {
    name: suiteName(config.description ?? options.fallbackName ?? 'promptfoo'),
    targets,
    packs: [],
  };
  if (config.description) suiteValue.description = config.description.slice(0, 2000);
  const eo = config.evaluateOptions;
  if (eo?.repeat !== undefined) suiteValue.repeats = eo.repeat;
  if (eo?.maxConcurrency !== undefined) suiteValue.concurrency = eo.maxConcurrency;
  if (eo?.cache !== undefined) suiteValue.cache = eo.cache;
  const reports = outputReports(config.outputPath, warn);
  if (reports) suiteValue.reports = reports;
  const suite = suiteSchema.safeParse(suiteValue, { error: messageFor });
  if (!suite.success) throw configError(convertIssues(suite.error.issues, suiteSchema, source, () => undefined));
  return { suite: suite.data, cases, warnings };
}


function translateProviders(config: PromptfooConfig, env: Readonly<Record<string, string | undefined>>, warn: Warn, issue: Issue): TargetSpec[] {
  const key = config.providers !== undefined ? 'providers' : 'targets';
  const raw = config.providers ?? config.targets;
  if (raw === undefined) {
    issue([], 'a promptfoo config needs providers');
    return [];
  }
  const list = typeof raw === 'string' ? [raw] : raw;
  const out: TargetSpec[] = [];
  const ids = new Set<string>();
  list.forEach((p, i) => {
    let id: string | undefined;
    let label: string | undefined;
    let cfg: Record<string, unknown> = {};
    if (typeof p === 'string') id = p;
    else if (p.id !== undefined) {
      id = p.id;
      label = p.label;
      cfg = p.config ?? {};
    } else {
      // `- openai:chat:gpt-4o: { config: ... }`: the one key is the provider id.
      const keys = Object.keys(p);
      const only = keys.length === 1 ? keys[0] : undefined;
      const inner = only === undefined ? undefined : (p as Record<string, unknown>)[only];
      if (only !== undefined && inner !== null && typeof inner === 'object') {
        id = only;
        label = (inner as { label?: string }).label;
        cfg = ((inner as { config?: Record<string, unknown> }).config ?? {}) as Record<string, unknown>;
      }
    }
    if (id === undefined) return issue([key, i], 'a provider needs an id such as openai:chat:gpt-4o-mini');
    const m = /^openai:(?:(chat):)?(.*)$/.exec(id);
    const kindless = m && m[1] === undefined ? m[2] : undefined;
    const isOther = !m || (kindless !== undefined && /^(completion|embeddings?|assistant|realtime|responses|chatkit|codex-sdk|image)(:|$)/.test(kindless));
    if (isOther) return warn(`${key}.${i}: provider "${id.slice(0, 80)}" is not supported (only openai:chat:<model> and openai:<model>); skipped`);
    const model = (m[2] === '' || m[2] === 'chat' ? 'gpt-4o-mini' : m[2]) as string;
    let baseUrl = typeof cfg.apiBaseUrl === 'string' ? cfg.apiBaseUrl : undefined;
    if (!baseUrl && typeof cfg.apiHost === 'string') baseUrl = `https://${cfg.apiHost}/v1`;
    baseUrl ??= env.OPENAI_BASE_URL ?? env.OPENAI_API_BASE_URL ?? DEFAULT_OPENAI_BASE_URL;
    if (cfg.apiKey !== undefined) warn(`${key}.${i}: an apiKey written in the config is not used; put the key in an environment variable and name it with apiKeyEnvar`);
    const apiKeyEnv = typeof cfg.apiKeyEnvar === 'string' ? cfg.apiKeyEnvar : 'OPENAI_API_KEY';
    const ignored = Object.keys(cfg).filter((k) => !['apiBaseUrl', 'apiHost', 'apiKey', 'apiKeyEnvar'].includes(k));
    if (ignored.length > 0) warn(`${key}.${i}: provider options not carried over: ${ignored.slice(0, 10).join(', ')}`);
    let tid = suiteName(label ?? `openai-${model}`);
    for (let n = 2; ids.has(tid); n++) tid = `${suiteName(label ?? `openai-${model}`).slice(0, 60)}-${n}`;
    ids.add(tid);
    out.push({ id: tid, type: 'openai', baseUrl, model, apiKeyEnv });
  });
  if (out.length === 0 && list.length > 0) issue([key], 'no provider can be run by Bulwark (supported: openai:chat:<model> with config.apiBaseUrl)');
  return out;
}

async function loadPrompts(config: PromptfooConfig, read: ConfigFileReader, issue: Issue): Promise<PromptTemplate[]> {
  const p = config.prompts;
  const entries: { entry: string | { id?: string; label?: string; raw?: string }; path: PropertyKey[] }[] =
    typeof p === 'string'
      ? [{ entry: p, path: ['prompts'] }]
      : Array.isArray(p)
        ? p.map((entry, i) => ({ entry, path: ['prompts', i] }))
        : Object.entries(p).map(([file, label]) => ({ entry: { raw: file, label }, path: ['prompts', file] }));
  const out: PromptTemplate[] = [];
  for (const { entry, path } of entries) {
    try {
      out.push(...(await loadPromptEntry(entry, read)));
    } catch (e) {
      if (e instanceof PromptError || isFileError(e)) issue(path, errorText(e));
      else throw e;
    }
  }
  return out;
}

function buildCases(prompts: PromptTemplate[], tests: LoadedTest[], warn: Warn, issue: Issue): ProbeCase[] {
  const cases: ProbeCase[] = [];
  const ids = new Set<string>();
  const missingVars = new Set<string>();
  let duplicates = 0;
  let noAssert = 0;
  for (const { test, where } of tests) {
    for (const k of ['threshold', 'provider', 'providers'] as const) if (test[k] !== undefined) warn(`${where}: "${k}" is not supported; ignored (every assertion must pass)`);
    const opts = test.options ?? {};
    const transformed = opts.transform !== undefined || opts.postprocess !== undefined;
    if (transformed) warn(`${where}: options.transform is not run by Bulwark; its assertions are reported as unscored`);
    const varSets = expandVars(typeof test.vars === 'object' ? test.vars : {});
    if (varSets.length * prompts.length + cases.length > MAX_PROMPTFOO_CASES) {
      issue([], `the config expands to more than ${MAX_PROMPTFOO_CASES} cases`);
      return cases;
    }
    for (const vars of varSets) {
      let graders: GraderSpec[] = [];
      (test.assert ?? []).forEach((a, j) => {
        const mapped = mapAssertion(a as PromptfooAssertion, vars, `${where}.assert.${j}`);
        graders.push(...mapped.graders);
        mapped.warnings.forEach(warn);
      });
      if (transformed) graders = graders.map((g) => unscored(g.type, 'the test transforms the output first'));
      if (graders.length === 0) {
        noAssert++;
        graders.push(unscored('(none)', 'the test has no assertions'));
      }
      for (const prompt of prompts) {
        const r = renderPrompt(prompt, vars);
        r.missing.forEach((m) => missingVars.add(m));
        r.unsupported.forEach((u) => warn(`${prompt.label}: template construct ${u} is not supported; left as written`));
        if (typeof opts.prefix === 'string' || typeof opts.suffix === 'string') {
          const lastUser = r.turns.findLastIndex((t) => t.role === 'user');
          const turn = r.turns[lastUser];
          if (turn) r.turns[lastUser] = { ...turn, content: `${typeof opts.prefix === 'string' ? opts.prefix : ''}${turn.content}${typeof opts.suffix === 'string' ? opts.suffix : ''}` };
        }
        if (!r.turns.some((t) => t.role === 'user')) {
          warn(`${where} × ${prompt.label}: the prompt has no user message; skipped`);
          continue;
        }
        const base: Omit<ProbeCase, 'id'> = {
          pack: PROMPTFOO_PACK,
          category: (test.description ?? prompt.label).slice(0, 128),
          kind: 'quality',
          intent: test.description ? `promptfoo test: ${test.description.slice(0, 200)}` : `promptfoo prompt ${prompt.label} with the vars of ${where}`,
          tags: {},
          turns: r.turns,
          graders,
          metadata: { promptfoo: { prompt: prompt.label, test: where, ...(test.metadata ? { metadata: test.metadata } : {}), ...(r.turns.some((t) => t.role === 'assistant') ? { history: true } : {}) } },
        };
        if (r.system !== undefined) base.system = r.system;
        const id = caseId(base);
        if (ids.has(id)) {
          duplicates++;
          continue;
        }
        ids.add(id);
        cases.push({ id, ...base });
      }
    }
  }
  if (missingVars.size > 0) warn(`vars used in prompts but not given (rendered empty): ${[...missingVars].slice(0, 20).join(', ')}`);
  if (noAssert > 0) warn(`${noAssert} test(s) have no assertions: their cases are reported as unscored`);
  if (duplicates > 0) warn(`${duplicates} identical case(s) merged (same prompt, vars and assertions)`);
  return cases;
}

/** promptfoo runs a test once per value of each list var (all combinations); lists of objects stay values. */
function expandVars(vars: Record<string, unknown>): Record<string, unknown>[] {
  let sets: Record<string, unknown>[] = [{}];
  for (const [k, v] of Object.entries(vars)) {
    const values = Array.isArray(v) && v.length > 0 && v.every((x) => x === null || typeof x !== 'object') ? v : [v];
    const next: Record<string, unknown>[] = [];
    for (const s of sets) {
      for (const value of values) {
        next.push({ ...s, [k]: value });
        if (next.length > MAX_PROMPTFOO_CASES) return next;
      }
    }
    sets = next;
  }
  return sets;
}

function outputReports(outputPath: string | string[] | undefined, warn: Warn): Record<string, string> | undefined {
  if (outputPath === undefined) return undefined;
  const reports: Record<string, string> = {};
  for (const p of Array.isArray(outputPath) ? outputPath : [outputPath]) {
    const ext = extname(p).toLowerCase();
    if (ext === '.html') reports.html = p;
    else if (ext === '.json') reports.json = p;
    else if (ext === '.md') reports.markdown = p;
    else warn(`outputPath ${p.slice(0, 80)}: this format is not written by Bulwark (html, json, md are)`);
  }
  return Object.keys(reports).length > 0 ? reports : undefined;
}

function suiteName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9_.:-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64).replace(/-+$/, '');
  return name === '' ? 'promptfoo' : name;
}

/**
 * Files named by the config must lie in its folder tree (unless allowed): a config from a pull request must not
 * be able to read ~/.aws/credentials into a prompt that goes to a URL it also chose.
 */
function fileReader(baseDir: string, allowOutside: boolean): ConfigFileReader {
  const cache = new Map<string, Promise<string>>();
  return (spec) => {
    const path = isAbsolute(spec) ? spec : resolve(baseDir, spec);
    const rel = relative(baseDir, path);
    if (!allowOutside && (rel.startsWith('..') || isAbsolute(rel))) {
      return Promise.reject(new PromptError(`${spec.slice(0, 120)}: outside the config's folder (files must be in it or below it)`));
    }
    let p = cache.get(path);
    if (!p) {
      p = readTextFile(path, spec, MAX_DATA_FILE_BYTES);
      cache.set(path, p);
    }
    return p;
  };
}

function isFileError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'BulwarkError' || e instanceof CsvError || e instanceof SyntaxError || e instanceof z.ZodError);
}


