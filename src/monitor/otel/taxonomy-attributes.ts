// Taxonomy tags (OWASP LLM, MITRE ATLAS, …) as flat OpenTelemetry attributes: `bulwark.taxonomy.<group>` = [ids].
import { TAXONOMY_NAMES, type TaxonomyName, type TaxonomyTags } from '../../core/taxonomy/index.js';

const KEYS: Record<TaxonomyName, string> = {
  owaspLlm: 'owasp_llm',
  atlas: 'atlas',
  nistAi600: 'nist_ai_600',
  mlcommons: 'mlcommons',
  owaspAgentic: 'owasp_agentic',
  owaspMcp: 'owasp_mcp',
};

export function addTaxonomyAttributes(out: Record<string, unknown>, tags: TaxonomyTags | undefined): void {
  if (!tags) return;
  for (const name of TAXONOMY_NAMES) {
    const ids = tags[name];
    if (ids && ids.length > 0) out[`bulwark.taxonomy.${KEYS[name]}`] = ids.slice(0, 32).map(String);
  }
}
