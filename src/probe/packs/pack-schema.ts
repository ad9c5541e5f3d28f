// The shape of a probe-pack data file (YAML), checked strictly with zod: our own data, so unknown keys are errors.
import { z } from 'zod';
import { TAXONOMY_NAMES, type TaxonomyName } from '../../core/taxonomy/index.js';
import { isProbeGraderType } from './grader-types.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'lower-case letters, digits and dashes');
const category = z.string().regex(/^[a-z0-9][a-z0-9/_.:-]{0,119}$/i, 'a path like prompt-injection/direct');
const text = z.string().min(1).max(100_000);

const tagsSchema = z
  .object(Object.fromEntries(TAXONOMY_NAMES.map((n) => [n, z.array(z.string().min(1)).max(50).optional()])) as Record<TaxonomyName, z.ZodOptional<z.ZodArray<z.ZodString>>>)
  .strict();

export const graderSpecSchema = z
  .object({
    type: z.string().refine(isProbeGraderType, { message: 'unknown grader type' }),
    value: z.unknown().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const turnSchema = z
  .object({
    role: z.enum(['user', 'tool']),
    content: text,
    toolCallId: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine((t) => t.role !== 'tool' || t.toolCallId !== undefined, { message: 'a tool turn needs toolCallId' });

const toolSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
    description: z.string().min(1).max(2000),
    parameters: z.record(z.string(), z.unknown()),
    dangerous: z.boolean().optional(),
  })
  .strict();

const kind = z.enum(['attack', 'control', 'quality']);

const caseSchema = z
  .object({
    /** Short slug, unique in the pack; kept as metadata.name for reports. */
    name: slug,
    intent: z.string().min(1).max(500),
    category: category.optional(),
    kind: kind.optional(),
    tags: tagsSchema.optional(),
    system: text.optional(),
    /** Shorthand for one user turn. */
    prompt: text.optional(),
    turns: z.array(turnSchema).min(1).max(50).optional(),
    tools: z.array(toolSchema).min(1).max(50).optional(),
    canary: z.string().min(4).max(200).optional(),
    graders: z.array(graderSpecSchema).min(1).max(20).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((c) => (c.prompt === undefined) !== (c.turns === undefined), { message: 'give exactly one of prompt and turns' })
  .refine((c) => c.turns === undefined || c.turns[0]?.role === 'user', { message: 'the first turn must be a user turn' });

export const packFileSchema = z
  .object({
    pack: slug,
    description: z.string().min(1).max(2000),
    /** Where the cases come from (for built-in packs: written for Bulwark). */
    source: z.string().min(1).max(500),
    licence: z.string().min(1).max(100),
    defaults: z
      .object({
        category: category.optional(),
        kind: kind.optional(),
        tags: tagsSchema.optional(),
        system: text.optional(),
        tools: z.array(toolSchema).min(1).max(50).optional(),
        graders: z.array(graderSpecSchema).min(1).max(20).optional(),
      })
      .strict()
      .optional(),
    cases: z.array(caseSchema).min(1).max(5000),
  })
  .strict();

export type PackFile = z.infer<typeof packFileSchema>;
export type PackFileCase = PackFile['cases'][number];
