// Assembles the labelled examples of every source, de-duplicated, with their split.
import { loadBenign } from './data/benign.js';
import { loadHarmful } from './data/harmful.js';
import { loadBipiaAttacks, loadPromptInjection, templateFillers } from './data/prompt-injection.js';
import { loadHandwritten } from './data/handwritten.js';
import { generateBenignTasks } from './data/synthetic/benign-tasks.js';
import { generateBusinessRequests } from './data/synthetic/business-requests.js';
import { generateFormatConstraints } from './data/synthetic/format-constraints.js';
import { generateGenericRequests } from './data/synthetic/generic-requests.js';
import { generateMultilingualEveryday } from './data/synthetic/multilingual-everyday.js';
import { generateHarmfulRequests } from './data/synthetic/harmful-requests.js';
import { generateNumberTexts } from './data/synthetic/numbers.js';
import { generateFromPhrasebooks } from './data/synthetic/phrasebook.js';
import { generateAboutAi } from './data/synthetic/pi-about-ai.js';
import { generateJailbreakFrames } from './data/synthetic/pi-jailbreak-frames.js';
import { generateIndirect, generatePiAttacks } from './data/synthetic/pi-attacks.js';
import { generatePiHardNegatives } from './data/synthetic/pi-hard-negatives.js';
import { generateSafeButScary } from './data/synthetic/safe-but-scary.js';
import { loadToxicity } from './data/toxicity.js';
import { repoPath, type Example } from './data/types.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dedupKey, rng } from './data/util.js';
import { type Split, splitOf } from './split.js';

export interface SplitExample extends Example {
  split: Split;
}

/** Dedup keys of every row of the hand-written evaluation corpora. */
function evaluationKeys(): Set<string> {
  const dir = repoPath('bench', 'corpora');
  const keys = new Set<string>();
  if (!existsSync(dir)) return keys;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(`${dir}/${file}`, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      keys.add(dedupKey((JSON.parse(line) as { text: string }).text));
    }
  }
  return keys;
}

/** Rows dropped by the last buildDataset() because they equal an evaluation row (reported in the data card). */
export let excludedForEvaluation = 0;

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
    ...generateNumberTexts(),
    ...generateGenericRequests(),
    ...generateBusinessRequests(),
    ...generateMultilingualEveryday(),
    ...generateFormatConstraints(),
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
  // Anything equal to a row of the evaluation corpora (bench/corpora) is never trained on.
  const reserved = evaluationKeys();
  const seen = new Set<string>();
  const out: SplitExample[] = [];
  excludedForEvaluation = 0;
  for (const e of [...injection, ...harmful, ...toxicity, ...benign, ...synthetic, ...crops]) {
    if (!e.text || !e.text.trim()) continue;
    const key = dedupKey(e.text);
    if (reserved.has(key)) {
      excludedForEvaluation++;
      continue;
    }
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
