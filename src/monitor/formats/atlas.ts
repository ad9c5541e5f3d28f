// MITRE ATLAS ids of an event's tags resolved into technique / sub-technique / tactic triples with names,
// the shape both OCSF `attacks[]` and ECS `threat.*` need.
import { findTaxonomyEntry, TAXONOMIES, type TaxonomyTags } from '../../core/taxonomy/index.js';
import tacticData from './atlas-tactics.json' with { type: 'json' };
import { CAPS } from './common.js';

export interface AtlasRef {
  uid: string;
  name: string;
}

export interface AtlasAttack {
  technique: AtlasRef;
  sub_technique?: AtlasRef;
  tactic?: AtlasRef;
}

const TACTIC_NAMES: Readonly<Record<string, string>> = tacticData.tactics;
const TECHNIQUE_ID = /^AML\.T\d{4}(?:\.\d{3})?$/;

/** The ATLAS release the taxonomy table was taken from (e.g. "5.6.0"), for OCSF `attack.version`. */
export const ATLAS_VERSION: string | undefined = /v(\d+\.\d+\.\d+)/.exec(TAXONOMIES.atlas.source)?.[1];

function tactic(id: string): AtlasRef {
  const bare = id.replace(/^AML\./, '');
  return { uid: `AML.${bare}`, name: TACTIC_NAMES[bare] ?? `AML.${bare}` };
}

/**
 * One entry per (technique, tactic) pair of the event's ATLAS technique tags, in tag order and bounded; mitigations
 * (AML.M*) and ids that are not technique-shaped are skipped. Names come from the taxonomy table, or the id itself
 * when the table does not know it.
 */
export function atlasAttacks(tags: TaxonomyTags): AtlasAttack[] {
  const out: AtlasAttack[] = [];
  for (const id of tags.atlas ?? []) {
    if (typeof id !== 'string' || !TECHNIQUE_ID.test(id)) continue;
    const entry = findTaxonomyEntry('atlas', id);
    const dot = id.lastIndexOf('.');
    const isSub = dot > 'AML.T'.length && id.length - dot === 4;
    let technique: AtlasRef;
    let sub: AtlasRef | undefined;
    if (isSub) {
      const parentId = id.slice(0, dot);
      const parent = findTaxonomyEntry('atlas', parentId);
      const name = entry?.name ?? id;
      technique = { uid: parentId, name: parent?.name ?? name.split(':')[0] ?? parentId };
      sub = { uid: id, name };
    } else technique = { uid: id, name: entry?.name ?? id };
    const tactics = entry?.tactics ?? (isSub ? findTaxonomyEntry('atlas', technique.uid)?.tactics : undefined) ?? [];
    if (tactics.length === 0) out.push(sub ? { technique, sub_technique: sub } : { technique });
    for (const t of tactics) out.push(sub ? { technique, sub_technique: sub, tactic: tactic(t) } : { technique, tactic: tactic(t) });
    if (out.length >= CAPS.tags) break;
  }
  return out.slice(0, CAPS.tags);
}
