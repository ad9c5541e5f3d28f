// Toxicity data: hateful / offensive / threatening / sexual texts with categories, and their non-toxic counterparts.
import { readCsv, readJsonl } from './read.js';
import type { Example, ToxCategory } from './types.js';
import { hash32 } from './util.js';

/** HateCheck functionality to categories (hateful rows) — non-hateful functionalities map to none. */
function hatecheckCategories(functionality: string): ToxCategory[] {
  if (functionality.startsWith('threat_')) return ['threat', 'hate'];
  if (functionality.startsWith('profanity_h')) return ['hate', 'profanity'];
  if (functionality.startsWith('profanity_nh')) return ['profanity'];
  return ['hate'];
}

/** Tweets carry HTML entities (&amp;, &#128514;) that no user types; decoded so digits do not come to mean "toxic". */
function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d{1,7});/g, (_, n: string) => {
      const cp = Number(n);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ' ';
    })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
}

export function loadToxicity(): Example[] {
  const out: Example[] = [];
  for (const row of readCsv('toxicity/hatecheck_en.csv')) {
    const hateful = row['label'] === '1';
    const functionality = row['functionality'] ?? '';
    const cats = hateful ? hatecheckCategories(functionality) : functionality.startsWith('profanity_nh') ? (['profanity'] as ToxCategory[]) : [];
    out.push({
      text: row['text'] ?? '',
      source: 'hatecheck',
      group: `hc:en:${row['templ_id']}`,
      lang: 'en',
      // HateCheck labels hate only; profanity that is not hateful is toxic under broader definitions, so
      // its toxic label is left unknown rather than taught either way.
      labels: { toxic: hateful ? 1 : functionality.startsWith('profanity_nh') ? undefined : 0, injection: 0, harmful: 0 },
      toxCategories: cats,
    });
  }
  for (const row of readCsv('toxicity/multilingual_hatecheck.csv')) {
    const hateful = row['label'] === '1';
    const functionality = row['functionality'] ?? '';
    out.push({
      text: row['text'] ?? '',
      source: `mhc:${row['language']}`,
      group: `hc:${row['language']}:${row['templ_id']}`,
      lang: row['language'] ?? '',
      // Only the toxicity head learns from these: as injection / harmful negatives, ten languages that have
      // few attack examples would teach the other heads that the language itself means "benign".
      labels: { toxic: hateful ? 1 : functionality.startsWith('profanity_nh') ? undefined : 0 },
      toxCategories: hateful ? hatecheckCategories(functionality) : functionality.startsWith('profanity_nh') ? ['profanity'] : [],
      weight: 0.35,
    });
  }
  for (const row of readCsv('toxicity/davidson_labeled_data.csv')) {
    const cls = row['class'];
    const text = decodeEntities(row['tweet'] ?? '');
    // class 0 hate, 1 offensive (mostly profanity and slurs used loosely), 2 neither.
    out.push({
      text,
      source: 'davidson',
      group: `dav:${hash32(text)}`,
      lang: 'en',
      labels: { toxic: cls === '2' ? 0 : 1, injection: 0, harmful: 0 },
      toxCategories: cls === '0' ? ['hate'] : cls === '1' ? ['profanity', 'harassment'] : [],
      weight: cls === '1' ? 0.15 : 0.6,
    });
  }
  for (const row of readCsv('toxicity/mlma_hate_speech.csv')) {
    const text = decodeEntities(row['text'] ?? '');
    const hostility = row['hostility'] ?? '';
    const cats: ToxCategory[] = [];
    if (hostility.includes('hateful')) cats.push('hate');
    if (hostility.includes('offensive') || hostility.includes('abusive')) cats.push('harassment');
    out.push({
      text,
      source: `mlma:${row['language']}`,
      group: `mlma:${hash32(text)}`,
      lang: row['language'] ?? '',
      // Keyword-selected tweets whose "normal" rows are often hostile: too noisy for the toxic head; kept for
      // the category model only.
      labels: {},
      toxCategories: cats,
      weight: 0.3,
    });
  }
  for (const row of readJsonl<Record<string, unknown>>('toxicity/openai_moderation_eval.jsonl')) {
    const text = String(row['text'] ?? '');
    const cats: ToxCategory[] = [];
    if (row['S'] === 1 || row['S3'] === 1) cats.push('sexual');
    if (row['H'] === 1 || row['H2'] === 1) cats.push('hate');
    if (row['H2'] === 1 || row['V'] === 1) cats.push('threat');
    if (row['HR'] === 1) cats.push('harassment');
    if (row['SH'] === 1) cats.push('self_harm');
    out.push({
      text,
      source: 'openai-moderation',
      group: `oam:${hash32(text)}`,
      lang: 'en',
      labels: { toxic: row['label_any'] === 1 ? 1 : 0, injection: 0 },
      toxCategories: cats,
    });
  }
  for (const row of readCsv('toxicity/cold_chinese_offensive_dev_test.csv')) {
    const text = row['text'] ?? '';
    out.push({
      text,
      source: 'cold-zh',
      group: `cold:${hash32(text)}`,
      lang: 'zh',
      labels: { toxic: row['label'] === '1' ? 1 : 0 },
      toxCategories: row['label'] === '1' ? ['hate'] : [],
      weight: 0.3,
    });
  }
  return out;
}
