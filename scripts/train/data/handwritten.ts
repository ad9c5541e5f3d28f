// Hand-written training sets (scripts/train/data/handwritten/*.jsonl), written for Bulwark: varied requests,
// attacks, hard negatives and toxic / non-toxic messages in many languages.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Example, PiCategory, ToxCategory } from './types.js';
import { repoPath } from './types.js';
import { hash32 } from './util.js';

interface Row {
  text: string;
  label: 0 | 1;
  lang: string;
  kind?: string;
  hazard?: string;
  category?: string;
  categories?: string[];
}

const DIR = repoPath('scripts', 'train', 'data', 'handwritten');

/** Files of one family: "harmful" matches harmful-en.jsonl, harmful-en-2.jsonl, harmful-multilingual.jsonl... */
function family(prefix: string): string[] {
  if (!existsSync(DIR)) return [];
  return readdirSync(DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl'))
    .sort();
}

function read(file: string): Row[] {
  const path = `${DIR}/${file}`;
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row)
    .filter((r) => typeof r.text === 'string' && r.text.trim() !== '' && (r.label === 0 || r.label === 1));
}

const source = (name: string, r: Row): string => `handwritten-${name}:${r.lang}`;
const group = (name: string, r: Row): string => `hw:${name}:${hash32(r.text)}`;

export function loadHandwritten(): Example[] {
  const out: Example[] = [];
  for (const file of family('harmful-')) {
    for (const r of read(file)) {
      out.push({
        text: r.text,
        source: source(r.label ? 'harmful' : 'safe', r),
        group: group('harmful', r),
        lang: r.lang,
        labels: r.label ? { harmful: 1, injection: 0 } : { harmful: 0, injection: 0, toxic: 0 },
        hazard: r.label ? r.hazard : undefined,
      });
    }
  }
  // Injection files hold attacks (label 1) and hard negatives (label 0).
  for (const r of family('injection-').flatMap(read)) {
    if (r.label === 0) {
      out.push({ text: r.text, source: source('hard-negative', r), group: group('hard-negative', r), lang: r.lang, labels: { injection: 0, harmful: 0, toxic: 0 } });
      continue;
    }
    out.push({
      text: r.text,
      source: source('injection', r),
      group: group('injection', r),
      lang: r.lang,
      labels: { injection: 1 },
      piCategory: (r.category as PiCategory | undefined) ?? 'direct_injection',
    });
  }
  for (const r of family('toxicity').flatMap(read)) {
    out.push({
      text: r.text,
      source: source('toxicity', r),
      group: group('toxicity', r),
      lang: r.lang,
      labels: { toxic: r.label, injection: 0, harmful: 0 },
      toxCategories: (r.categories ?? []) as ToxCategory[],
    });
  }
  return out;
}
