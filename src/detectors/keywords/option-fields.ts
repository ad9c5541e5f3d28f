// Zod fields shared by the configurable detectors' options: severity and validated taxonomy tags.
import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';
import { TAXONOMY_NAMES, unknownTags, type TaxonomyTags } from '../../core/taxonomy/index.js';

const tagList = z.array(z.string().min(1).max(64)).max(64);

/** TaxonomyTags as configured by a user: known taxonomies only, every id checked against the tables. */
export const taxonomyTagsField = z
  .object(Object.fromEntries(TAXONOMY_NAMES.map((name) => [name, tagList.optional()])) as Record<
    (typeof TAXONOMY_NAMES)[number],
    z.ZodOptional<typeof tagList>
  >)
  .strict()
  .superRefine((tags, ctx) => {
    const bad = unknownTags(tags as TaxonomyTags);
    if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `unknown taxonomy ids: ${bad.join(', ')}` });
  })
  .transform((tags) => tags as TaxonomyTags);

export const severityField = z.enum(SEVERITIES);

/** A 0..1 score or threshold. */
export const unitField = z.number().min(0).max(1);

/** Returns the first duplicate among `names`, if any (used to refuse ambiguous categories). */
export function firstDuplicate(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return n;
    seen.add(n);
  }
  return undefined;
}
