// Taxonomy tags of a finding with their names (OWASP LLM 2025, MITRE ATLAS, NIST AI 600-1, MLCommons), for reports.
import { findTaxonomyEntry, TAXONOMIES, type TaxonomyName, type TaxonomyTags } from '../../core/taxonomy/index.js';

/** Taxonomies shown in reports, in this order. */
export const REPORTED_TAXONOMIES: readonly TaxonomyName[] = ['owaspLlm', 'atlas', 'nistAi600', 'mlcommons', 'owaspAgentic'];

export const SHORT_TITLES: Record<TaxonomyName, string> = {
  owaspLlm: 'OWASP LLM 2025',
  atlas: 'MITRE ATLAS',
  nistAi600: 'NIST AI 600-1',
  mlcommons: 'MLCommons hazards',
  owaspAgentic: 'OWASP Agentic 2026',
  owaspMcp: 'OWASP MCP Top 10',
};

export interface TagLabel {
  taxonomy: TaxonomyName;
  id: string;
  /** Entry name, or undefined when the id is not in our tables. */
  name?: string;
}

export function tagLabels(tags: TaxonomyTags | undefined): TagLabel[] {
  if (!tags) return [];
  const out: TagLabel[] = [];
  for (const taxonomy of REPORTED_TAXONOMIES) {
    for (const id of tags[taxonomy] ?? []) {
      const name = findTaxonomyEntry(taxonomy, id)?.name;
      out.push(name === undefined ? { taxonomy, id } : { taxonomy, id, name });
    }
  }
  return out;
}

/** "LLM01:2025 Prompt Injection" */
export function labelText(l: TagLabel): string {
  return l.name === undefined ? l.id : `${l.id} ${l.name}`;
}

export function taxonomyTitle(name: TaxonomyName): string {
  return TAXONOMIES[name].title;
}
