// Training-only examples composed from the multilingual phrasebooks (synthetic/phrasebook/<lang>.json, written
// for Bulwark): injections, harmful and safe requests, and benign prompts in the same 22 languages, so that a
// language is never evidence by itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Example } from '../types.js';
import { repoPath } from '../types.js';
import { pick, rng } from '../util.js';

interface Phrasebook {
  override: string[];
  no_limits: string[];
  persona: string[];
  extraction: string[];
  payload: string[];
  indirect_prefix: string[];
  indirect_action: string[];
  confirm: string[];
  harmful_frames: string[];
  harmful_actions: { text: string; hazard: string }[];
  safe_actions: string[];
  benign_prompts: string[];
}

const NAMES = ['DAN', 'Nova', 'Omega', 'Zed', 'Echo', 'Atlas', 'Rogue', 'Vex'];

export function generateFromPhrasebooks(seed = 37): Example[] {
  const dir = repoPath('scripts', 'train', 'data', 'synthetic', 'phrasebook');
  if (!existsSync(dir)) return [];
  const r = rng(seed);
  const out: Example[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const lang = file.slice(0, -5);
    const pb = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Phrasebook;
    const add = (text: string, group: string, labels: Example['labels'], extra: Partial<Example> = {}, kind = 'phrasebook'): void => {
      out.push({ text, source: `${kind}:${lang}`, group: `pb:${group}`, lang, labels, ...extra });
    };
    const benign = pb.benign_prompts ?? [];
    (pb.override ?? []).forEach((o, i) => {
      for (let k = 0; k < 2; k++) {
        const lead = r() < 0.5 && benign.length ? `${pick(r, benign)} ` : '';
        const tail = r() < 0.5 ? pick(r, pb.payload ?? ['']) : `${pick(r, pb.no_limits ?? [''])} ${pick(r, pb.confirm ?? [''])}`;
        add(`${lead}${o} ${tail}`.trim(), `override:${i}`, { injection: 1 }, { piCategory: 'direct_injection' });
      }
    });
    (pb.no_limits ?? []).forEach((n, i) => add(`${n} ${pick(r, pb.confirm ?? [''])}`.trim(), `nolimits:${i}`, { injection: 1 }, { piCategory: 'jailbreak' }));
    (pb.persona ?? []).forEach((p, i) => add(`${p.replaceAll('{name}', pick(r, NAMES))} ${pick(r, pb.no_limits ?? [''])}`.trim(), `persona:${i}`, { injection: 1 }, { piCategory: 'jailbreak' }));
    (pb.extraction ?? []).forEach((e, i) => add(e, `extraction:${i}`, { injection: 1 }, { piCategory: 'system_prompt_extraction' }));
    (pb.indirect_prefix ?? []).forEach((p, i) => {
      const doc = benign.length ? pick(r, benign) : '';
      const note = `${p} ${pick(r, pb.indirect_action ?? [''])}`;
      add(r() < 0.5 ? `${doc}\n\n${note}` : `${note}\n\n${doc}`, `indirect:${i}`, { injection: 1 }, { piCategory: 'indirect_injection' });
    });
    const frames = pb.harmful_frames ?? [];
    (pb.harmful_actions ?? []).forEach((a, i) => {
      for (let k = 0; k < 3 && frames.length; k++) {
        add(pick(r, frames).replace('{action}', a.text), `harm:${i}`, { harmful: 1, injection: 0 }, { hazard: a.hazard });
      }
    });
    (pb.safe_actions ?? []).forEach((a, i) => {
      for (let k = 0; k < 3 && frames.length; k++) {
        const frame = pick(r, frames.filter((f) => !/caught|erwischt|pris|atrap|scopr|złap|поймал|发现|バレ|들키/i.test(f)));
        if (frame) add(frame.replace('{action}', a), `safe:${i}`, { harmful: 0, injection: 0, toxic: 0 }, {}, 'phrasebook-safe');
      }
    });
    benign.forEach((b, i) => add(b, `benign:${i}`, { injection: 0, harmful: 0, toxic: 0 }));
  }
  return out;
}
