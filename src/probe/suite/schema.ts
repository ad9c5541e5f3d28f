// The zod schema of an eval suite (targets, packs, datasets, transforms, graders, thresholds, reports), its JSON Schema and its hash.
import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../case-id.js';

export const DATASET_FORMATS = ['harmbench', 'advbench', 'jailbreakbench', 'xstest', 'bbq', 'truthfulqa'] as const;
export const ATTACKER_STRATEGIES = ['pair', 'crescendo'] as const;
export const REPORT_FORMATS = ['html', 'junit', 'sarif', 'json', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Pack, transform and grader ids: `owasp-llm01-direct`, `lang:fr`, `detector:pii`. */
const REF = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

const idSchema = z.string().regex(ID, 'must be 1-64 letters, digits, "_", ".", ":" or "-", starting with a letter or digit');
const refSchema = z.string().regex(REF, 'must be an id: letters, digits, "_", ".", ":", "/" or "-"');
const pathSchema = z.string().min(1).max(4096).regex(/^[^\x00-\x1f\x7f]+$/, 'must not contain control characters');
const rateSchema = z.number().min(0).max(1);

/**
 * A target spec as far as the suite is concerned: an object with an `id` and a `type`; every other key belongs to
 * the targets module, which validates specs with its own schema (pass it to createSuiteSchema to check them here,
 * with file:line, at load time).
 */
export const looseTargetSchema = z
  .looseObject({
    id: idSchema.describe('name of the target in reports and results'),
    type: z.string().min(1).max(64).describe('openai | gateway | http | command | simulated (see the targets documentation)'),
  })
  .describe('a target: { id, type, ...options of that type }');

export const graderSpecSchema = z
  .strictObject({
    type: z.string().min(1).max(128).describe('grader id, e.g. refusal, detector:pii, canary, regex, llm-judge'),
    value: z.unknown().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('a grader: { type, value?, options? }');

const datasetSchema = z.strictObject({
  format: z.enum(DATASET_FORMATS),
  /** Relative paths are resolved against the suite file's folder by loadSuite. */
  path: pathSchema,
  limit: z.int().min(1).max(1_000_000).optional(),
  /** Reporting group of the loaded cases (default: the loader's). */
  category: z.string().min(1).max(128).optional(),
});

const transformsSchema = z.strictObject({
  apply: z.array(refSchema).min(1).max(32),
  seed: z.union([z.int(), z.string().max(128)]).default(0),
  /** Keep the untransformed base case next to its variants. */
  keepOriginal: z.boolean().default(true),
});

const attackerSchema = z.strictObject({
  type: z.literal('openai'),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  model: z.string().min(1).max(256),
  apiKeyEnv: z.string().regex(ENV_NAME, 'must be an environment variable name').optional(),
  strategy: z.enum(ATTACKER_STRATEGIES),
  maxTurns: z.int().min(1).max(50).default(5),
});

/** A rate for all categories, or per category / category group (`jailbreak` covers `jailbreak/*`) with a `default`. */
const rateByCategorySchema = z.union([rateSchema, z.record(z.string().min(1).max(128), rateSchema)]);

export const thresholdsSchema = z.strictObject({
  maxAttackSuccess: rateByCategorySchema.optional(),
  maxOverRefusal: rateByCategorySchema.optional(),
  /** Share of error outcomes tolerated per category (errors never count as passes; too many hide the truth). */
  maxErrorRate: rateByCategorySchema.optional(),
  /** Quality categories: minimum pass rate (pass over pass + fail). */
  minQualityPass: rateByCategorySchema.optional(),
});

const reportsSchema = z.strictObject(Object.fromEntries(REPORT_FORMATS.map((f) => [f, pathSchema.optional()])) as Record<ReportFormat, z.ZodOptional<typeof pathSchema>>);

function suiteShape<T extends z.ZodType>(target: T) {
  return {
    name: idSchema.describe('suite name, shown in reports'),
    description: z.string().max(2000).optional(),
    targets: z.array(target).min(1).max(64),
    packs: z.array(refSchema).max(256).default([]),
    datasets: z.array(datasetSchema).max(64).default([]),
    transforms: transformsSchema.optional(),
    /** Added to the graders of every case. */
    graders: z.array(graderSpecSchema).max(64).default([]),
    repeats: z.int().min(1).max(100).default(1),
    concurrency: z.int().min(1).max(1024).default(8),
    /** Hard cap on requests sent to targets (the run stops, marked interrupted, when reached). */
    budget: z.int().min(1).optional(),
    /** Reuse stored answers for identical requests (opt-in: results then say they came from the cache). */
    cache: z.boolean().default(false),
    timeoutMs: z.int().min(100).max(3_600_000).default(60_000),
    attacker: attackerSchema.optional(),
    thresholds: thresholdsSchema.optional(),
    reports: reportsSchema.optional(),
  };
}

/** Suite schema with `targetSchema` for the entries of `targets` (default: any object with id and type). */
export function createSuiteSchema<T extends z.ZodType>(targetSchema: T) {
  return z.strictObject(suiteShape(targetSchema)).superRefine((suite, ctx) => {
    const seen = new Set<string>();
    suite.targets.forEach((t, i) => {
      const id = (t as { id?: unknown }).id;
      if (typeof id !== 'string') return;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'id'], message: `duplicate target id "${id}"` });
      seen.add(id);
    });
  });
}

export const suiteSchema = createSuiteSchema(looseTargetSchema);

export type TargetSpec = z.infer<typeof looseTargetSchema>;
export type Suite = z.infer<typeof suiteSchema>;
export type SuiteInput = z.input<typeof suiteSchema>;
export type Thresholds = z.infer<typeof thresholdsSchema>;
export type DatasetSpec = z.infer<typeof datasetSchema>;
export type AttackerSpec = z.infer<typeof attackerSchema>;

export const SUITE_SCHEMA_ID = 'https://bulwark.dev/schemas/bulwark-eval-suite-v1.json';

/** Draft-07 JSON Schema of a suite file (what `bulwark eval schema` prints), input side: defaulted keys optional. */
export function suiteJsonSchema(targetSchema: z.ZodType = looseTargetSchema): Record<string, unknown> {
  const schema = z.toJSONSchema(createSuiteSchema(targetSchema), { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: SUITE_SCHEMA_ID, title: 'Bulwark eval suite' };
}

/**
 * sha256 (hex) of what the suite measures: everything but where reports go and how fast requests are sent, so that
 * runs of the same suite compare even when their report paths or concurrency differ.
 */
export function suiteHash(suite: Suite): string {
  const { reports: _reports, concurrency: _concurrency, ...measured } = suite;
  return sha256Hex(canonicalJson(measured));
}
