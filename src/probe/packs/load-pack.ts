// Turns a probe-pack data file into ProbeCases: validation, defaults, canary and grader filling, stable ids.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { BulwarkError } from '../../core/errors.js';
import { mergeTags, unknownTags } from '../../core/taxonomy/index.js';
import { caseId } from '../case-id.js';
import type { ChatMessage, GraderSpec, ProbeCase, ToolSpec } from '../types.js';
import { packFileSchema, type PackFile, type PackFileCase } from './pack-schema.js';

export interface ProbePack {
  name: string;
  description: string;
  source: string;
  licence: string;
  cases: ProbeCase[];
}

/** User pack files larger than this are refused (built-in ones are a few KB). */
export const MAX_PACK_FILE_BYTES = 5 * 1024 * 1024;
const CANARY_SLOT = '{{canary}}';

function invalid(message: string, origin: string, context: Record<string, unknown> = {}, cause?: unknown): BulwarkError {
  return new BulwarkError('ERR_CONFIG_INVALID', `probe pack ${origin}: ${message}`, { context: { origin, ...context }, cause });
}

/** Parses pack YAML text; `origin` names the file in errors. Throws BulwarkError ERR_CONFIG_INVALID. */
export function parsePack(yamlText: string, origin: string): ProbePack {
  if (yamlText.length > MAX_PACK_FILE_BYTES) throw invalid('file is too large', origin);
  const doc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw invalid(`YAML error: ${e.message.split('\n')[0] ?? ''}`, origin, { line: e.linePos?.[0]?.line });
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw invalid('YAML could not be read', origin, {}, cause);
  }
  const parsed = packFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    throw invalid(`${path || '(root)'}: ${issue.message}`, origin, { path });
  }
  return buildPack(parsed.data, origin);
}

function buildPack(file: PackFile, origin: string): ProbePack {
  const names = new Set<string>();
  const ids = new Set<string>();
  const cases = file.cases.map((c, index) => {
    if (names.has(c.name)) throw invalid(`duplicate case name ${c.name}`, origin, { case: c.name });
    names.add(c.name);
    const built = buildCase(file, c, origin);
    if (ids.has(built.id)) throw invalid(`case ${c.name} has the same content as an earlier case`, origin, { case: c.name, index });
    ids.add(built.id);
    return built;
  });
  return { name: file.pack, description: file.description, source: file.source, licence: file.licence, cases };
}

function buildCase(file: PackFile, c: PackFileCase, origin: string): ProbeCase {
  const d = file.defaults ?? {};
  const where = { case: c.name };
  const category = c.category ?? d.category;
  if (category === undefined) throw invalid(`case ${c.name} has no category`, origin, where);
  const kind = c.kind ?? d.kind ?? 'attack';
  const tags = mergeTags(d.tags, c.tags);
  const bad = unknownTags(tags);
  if (bad.length > 0) throw invalid(`case ${c.name} has unknown tags ${bad.join(', ')}`, origin, where);

  const fill = (s: string): string => {
    if (!s.includes(CANARY_SLOT)) return s;
    if (c.canary === undefined) throw invalid(`case ${c.name} uses ${CANARY_SLOT} but has no canary`, origin, where);
    return s.replaceAll(CANARY_SLOT, c.canary);
  };
  const rawSystem = c.system ?? d.system;
  const system = rawSystem === undefined ? undefined : fill(rawSystem);
  const turns: ChatMessage[] = (c.turns ?? [{ role: 'user' as const, content: c.prompt ?? '' }]).map((t) => ({
    role: t.role,
    content: fill(t.content),
    ...(t.toolCallId === undefined ? {} : { toolCallId: t.toolCallId }),
  }));
  const tools = (c.tools ?? d.tools)?.map((t): ToolSpec => ({ ...t }));
  const graderSpecs = c.graders ?? d.graders;
  if (graderSpecs === undefined) throw invalid(`case ${c.name} has no graders`, origin, where);
  const graders = graderSpecs.map((g) => completeGrader(g, { kind, canary: c.canary, tools }, (m) => invalid(`case ${c.name}: ${m}`, origin, where)));

  const base: Omit<ProbeCase, 'id'> = {
    pack: file.pack,
    category,
    kind,
    intent: c.intent,
    tags,
    ...(system === undefined ? {} : { system }),
    turns,
    ...(tools === undefined ? {} : { tools }),
    ...(c.canary === undefined ? {} : { canary: c.canary }),
    graders,
    transforms: [],
    metadata: { name: c.name, ...c.metadata },
  };
  return { id: caseId(base), ...base };
}

interface GraderContext {
  kind: ProbeCase['kind'];
  canary: string | undefined;
  tools: ToolSpec[] | undefined;
}

/** Fills what a pack may leave implicit, so that every emitted grader is explicit and self-contained. */
function completeGrader(g: GraderSpec, ctx: GraderContext, fail: (message: string) => Error): GraderSpec {
  switch (g.type) {
    case 'canary': {
      const value = g.value ?? ctx.canary;
      if (typeof value !== 'string' || value.length < 4) throw fail('a canary grader needs a value or a case canary');
      return { ...g, value };
    }
    case 'refusal': {
      const expect = g.options?.['expect'] ?? (ctx.kind === 'attack' ? 'refuse' : ctx.kind === 'control' ? 'comply' : undefined);
      if (expect !== 'refuse' && expect !== 'comply') throw fail('a refusal grader needs options.expect (refuse or comply)');
      return { ...g, options: { ...g.options, expect } };
    }
    case 'tool-called': {
      const dangerous = ctx.tools?.filter((t) => t.dangerous) ?? [];
      const value = g.value ?? (dangerous.length === 1 ? dangerous[0]!.name : undefined);
      if (typeof value !== 'string') throw fail('a tool-called grader needs a value or exactly one dangerous tool');
      if (!ctx.tools?.some((t) => t.name === value)) throw fail(`tool-called names ${value}, which the case does not offer`);
      return { ...g, value };
    }
    default:
      return { ...g };
  }
}

/** Reads and parses a pack file from disk (a user's own pack). */
export function loadPackFile(path: string): ProbePack {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new BulwarkError('ERR_IO', `probe pack ${path} could not be read`, { context: { path }, cause });
  }
  return parsePack(text, path);
}
