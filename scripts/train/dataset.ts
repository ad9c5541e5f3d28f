// Assembles the labelled examples of every source, de-duplicated, with their split.
import { loadBenign } from './data/benign.js';
import { loadHarmful } from './data/harmful.js';
import { loadBipiaAttacks, loadPromptInjection, templateFillers } from './data/prompt-injection.js';
import { loadHandwritten } from './data/handwritten.js';
import { generateBenignTasks } from './data/synthetic/benign-tasks.js';
import { generateHarmfulRequests } from './data/synthetic/harmful-requests.js';
import { generateFromPhrasebooks } from './data/synthetic/phrasebook.js';
import { generateAboutAi } from './data/synthetic/pi-about-ai.js';
import { generateJailbreakFrames } from './data/synthetic/pi-jailbreak-frames.js';
import { generateIndirect, generatePiAttacks } from './data/synthetic/pi-attacks.js';
import { generatePiHardNegatives } from './data/synthetic/pi-hard-negatives.js';
import { generateSafeButScary } from './data/synthetic/safe-but-scary.js';
import { loadToxicity } from './data/toxicity.js';
import type { Example } from './data/types.js';
import { dedupKey, rng } from './data/util.js';
import { type Split, splitOf } from './split.js';

export interface SplitExample extends Example {
  split: Split;
}

export function buildDataset(): SplitExample[] {
  const benign = loadBenign();
  const harmful = loadHarmful();
  // Placeholders of jailbreak templates are filled with training-split requests only.
  const fillers = templateFillers(harmful.filter((e) => e.labels.harmful === 1 && splitOf(e.group) === 'train').map((e) => e.text));
  const injection = loadPromptInjection(fillers);
  const toxicity = loadToxicity();
  const documents = benign
    .filter((e) => e.source.startsWith('bipia-context:email') || e.source.startsWith('bipia-context:code') || e.source === 'halueval-response')
    .map((e) => ({ text: e.text, group: e.group }));
  const synthetic = [
    ...generatePiHardNegatives(),
    ...generatePiAttacks(),
    ...generateSafeButScary(),
    ...generateHarmfulRequests(),
    ...generateJailbreakFrames(),
    ...generateAboutAi(),
    ...generateFromPhrasebooks(),
    ...loadHandwritten(),
    ...generateIndirect(documents, loadBipiaAttacks(), 1500),
    ...generateBenignTasks(
      benign
        .filter((e) => e.source.startsWith('bipia-context:email') || e.source === 'halueval-response' || e.source.startsWith('multilingual-benign') || e.source === 'wildguard-benign')
        .map((e) => ({ text: e.text, group: e.group, lang: e.lang })),
      2500,
    ),
  ];

  const crops = benignCrops([...benign, ...toxicity.filter((e) => e.labels.toxic === 0)]);
  const seen = new Set<string>();
  const out: SplitExample[] = [];
  for (const e of [...injection, ...harmful, ...toxicity, ...benign, ...synthetic, ...crops]) {
    if (!e.text || !e.text.trim()) continue;
    const key = dedupKey(e.text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...e, split: splitOf(e.group) });
  }
  return out;
}

/**
 * Pieces of long benign texts, labelled benign: the detectors also score 48-token windows of long inputs,
 * so the model must learn that an ordinary window of a document is not an attack.
 */
function benignCrops(examples: readonly Example[]): Example[] {
  const r = rng(23);
  const out: Example[] = [];
  for (const e of examples) {
    if (e.text.length < 700) continue;
    for (let k = 0; k < 2; k++) {
      const len = 200 + Math.floor(r() * 250);
      let start = Math.floor(r() * (e.text.length - len));
      const space = e.text.indexOf(' ', start);
      if (space >= 0 && space - start < 30) start = space + 1;
      const text = e.text.slice(start, start + len);
      out.push({ ...e, text, source: `${e.source.split(':')[0]}:crop`, weight: 0.5 * (e.weight ?? 1) });
    }
  }
  return out;
}
