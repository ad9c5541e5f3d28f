// Turns the flags of `bulwark detect` (--detectors, --stage, --options, --context) into configured detectors.
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BulwarkError } from '../core/errors.js';
import { STAGES, type Stage } from '../core/finding.js';
import type { ScanContextData } from '../detectors/contract.js';
import type { ConfiguredDetector } from '../detectors/runner.js';
import {
  configureFrom,
  defaultDetectorIds,
  parseDetectorIds,
  requireDetector,
  shortId,
  type DetectorRegistry,
} from '../gateway/detector-api/registry.js';

export interface DetectFlags {
  detectors?: string;
  stage?: string;
  options?: string;
  context?: string;
}

export interface DetectConfig {
  detectors: ConfiguredDetector[];
  stage: Stage;
  context?: ScanContextData;
}

const contextSchema = z
  .object({
    systemPrompt: z.string().optional(),
    canaries: z.array(z.string()).optional(),
    documents: z.array(z.string()).optional(),
    prompt: z.string().optional(),
  })
  .strict();

const optionsSchema = z.record(z.string(), z.record(z.string(), z.unknown()).nullable());

export async function buildDetectConfig(registry: DetectorRegistry, flags: DetectFlags, cwd: string): Promise<DetectConfig> {
  const stage = parseStage(flags.stage ?? 'input');
  const options = flags.options === undefined ? {} : parseWith(optionsSchema, await readJsonOrFile(flags.options, '--options', cwd), '--options', 'an object of detector id → options object');
  for (const id of Object.keys(options)) requireDetector(registry, id);

  let ids: string[];
  if (flags.detectors !== undefined) {
    ids = parseDetectorIds(flags.detectors);
    if (ids.length === 0) throw new BulwarkError('ERR_CONFIG_INVALID', '--detectors names no detector');
    for (const id of ids) requireDetector(registry, id);
    const unused = Object.keys(options).filter((id) => !ids.includes(id));
    if (unused.length > 0) {
      throw new BulwarkError('ERR_CONFIG_INVALID', `--options names detector "${shortId(unused[0] ?? '')}" which --detectors does not select`);
    }
  } else {
    // Naming a detector in --options selects it too: that is how detectors that need options (keywords) run.
    ids = [...new Set([...defaultDetectorIds(registry, stage), ...Object.keys(options)])];
    if (ids.length === 0) throw new BulwarkError('ERR_CONFIG_INVALID', `no registered detector runs at stage "${stage}"`);
  }

  const detectors = ids.map((id) => {
    const detector = requireDetector(registry, id);
    if (!detector.stages.includes(stage)) {
      throw new BulwarkError('ERR_CONFIG_INVALID', `detector "${id}" does not run at stage "${stage}" (it runs at: ${detector.stages.join(', ')})`);
    }
    return configureFrom(registry, id, options[id] ?? {});
  });

  const context =
    flags.context === undefined
      ? undefined
      : parseWith(contextSchema, await readJsonOrFile(flags.context, '--context', cwd), '--context', 'an object with systemPrompt, canaries, documents or prompt');
  return context === undefined ? { detectors, stage } : { detectors, stage, context };
}

export function parseStage(value: string): Stage {
  if ((STAGES as readonly string[]).includes(value)) return value as Stage;
  throw new BulwarkError('ERR_CONFIG_INVALID', `--stage must be one of ${STAGES.join(', ')} (got "${shortId(value)}")`);
}

/** Inline JSON, or @path to a .json / .yaml / .yml file (relative to cwd). */
export async function readJsonOrFile(spec: string, flag: string, cwd: string): Promise<unknown> {
  if (!spec.startsWith('@')) return parseText(spec, 'json', flag);
  const path = resolve(cwd, spec.slice(1));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new BulwarkError('ERR_IO', `${flag}: cannot read ${path} (${code})`, { cause: e });
  }
  const ext = extname(path).toLowerCase();
  return parseText(text, ext === '.yaml' || ext === '.yml' ? 'yaml' : 'json', `${flag} ${path}`);
}

function parseText(text: string, format: 'json' | 'yaml', where: string): unknown {
  try {
    return format === 'yaml' ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new BulwarkError('ERR_CONFIG_INVALID', `${where}: invalid ${format.toUpperCase()}: ${reason}`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, flag: string, expected: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new BulwarkError('ERR_CONFIG_INVALID', `${flag} must be ${expected}${at}: ${issue?.message ?? 'invalid'}`);
}
