// Taxonomy tables (loaded from the JSON data files beside this module) and lookups by id.
import atlas from './mitre-atlas.json' with { type: 'json' };
import mlcommons from './mlcommons-hazards.json' with { type: 'json' };
import nistAi600 from './nist-ai-600-1.json' with { type: 'json' };
import owaspAgentic from './owasp-agentic-2026.json' with { type: 'json' };
import owaspLlm from './owasp-llm-2025.json' with { type: 'json' };
import owaspMcp from './owasp-mcp-top10.json' with { type: 'json' };

export interface TaxonomyEntry {
  id: string;
  name: string;
  slug?: string;
  tactics?: string[];
  kind?: string;
}

export interface Taxonomy {
  taxonomy: TaxonomyName;
  title: string;
  source: string;
  entries: TaxonomyEntry[];
}

export const TAXONOMY_NAMES = ['owaspLlm', 'atlas', 'nistAi600', 'mlcommons', 'owaspAgentic', 'owaspMcp'] as const;
export type TaxonomyName = (typeof TAXONOMY_NAMES)[number];

/** Taxonomy ids attached to a finding, probe, detector or risk, grouped by taxonomy. */
export type TaxonomyTags = Partial<Record<TaxonomyName, readonly string[]>>;

export const TAXONOMIES: Readonly<Record<TaxonomyName, Taxonomy>> = {
  owaspLlm: owaspLlm as Taxonomy,
  atlas: atlas as Taxonomy,
  nistAi600: nistAi600 as Taxonomy,
  mlcommons: mlcommons as Taxonomy,
  owaspAgentic: owaspAgentic as Taxonomy,
  owaspMcp: owaspMcp as Taxonomy,
};

const BY_ID = new Map<string, { taxonomy: TaxonomyName; entry: TaxonomyEntry }>();
for (const name of TAXONOMY_NAMES) {
  for (const entry of TAXONOMIES[name].entries) BY_ID.set(`${name}:${entry.id}`, { taxonomy: name, entry });
}

export function findTaxonomyEntry(taxonomy: TaxonomyName, id: string): TaxonomyEntry | undefined {
  return BY_ID.get(`${taxonomy}:${id}`)?.entry;
}

/** Returns the tags that name no known entry, as "taxonomy:id" strings (empty when all are valid). */
export function unknownTags(tags: TaxonomyTags): string[] {
  const bad: string[] = [];
  for (const [name, ids] of Object.entries(tags) as [string, readonly string[] | undefined][]) {
    if (!(TAXONOMY_NAMES as readonly string[]).includes(name)) {
      bad.push(`${name}:*`);
      continue;
    }
    for (const id of ids ?? []) if (!BY_ID.has(`${name}:${id}`)) bad.push(`${name}:${id}`);
  }
  return bad;
}

/** Union of several tag sets, each list de-duplicated and sorted. */
export function mergeTags(...sets: (TaxonomyTags | undefined)[]): TaxonomyTags {
  const out: Partial<Record<TaxonomyName, Set<string>>> = {};
  for (const set of sets) {
    if (!set) continue;
    for (const name of TAXONOMY_NAMES) {
      const ids = set[name];
      if (!ids?.length) continue;
      const bucket = (out[name] ??= new Set());
      for (const id of ids) bucket.add(id);
    }
  }
  const result: Partial<Record<TaxonomyName, string[]>> = {};
  for (const name of TAXONOMY_NAMES) {
    const bucket = out[name];
    if (bucket) result[name] = [...bucket].sort();
  }
  return result;
}

/** All ids of a tag set as one flat list ("LLM01:2025", "AML.T0051.000", "S10"), handy for SIEM fields. */
export function flattenTags(tags: TaxonomyTags): string[] {
  return TAXONOMY_NAMES.flatMap((name) => [...(tags[name] ?? [])]);
}
