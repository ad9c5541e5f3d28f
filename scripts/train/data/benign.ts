// Benign texts from the datasets: prompts, documents and answers that no detector should flag.
import { readCsv, readJson, readJsonl } from './read.js';
import type { Example } from './types.js';
import { hash32 } from './util.js';

const ALL_ZERO = { injection: 0, harmful: 0, toxic: 0 } as const;

export function loadBenign(): Example[] {
  const out: Example[] = [];
  for (const r of readJson<{ prompt: string }[]>('benign/wildguard_benign.json')) {
    out.push({ text: r.prompt, source: 'wildguard-benign', group: `wg:${hash32(r.prompt)}`, lang: 'en', labels: { ...ALL_ZERO } });
  }
  for (const file of ['benign/mt_bench_questions.jsonl', 'benign/vicuna_bench_questions.jsonl']) {
    for (const r of readJsonl<{ question_id: number; turns: string[] }>(file)) {
      r.turns.forEach((t, k) =>
        out.push({ text: t, source: 'mt-vicuna', group: `${file}:${r.question_id}`, lang: 'en', labels: { ...ALL_ZERO }, weight: k === 0 ? 1 : 0.5 }),
      );
    }
  }
  for (const r of readJsonl<{ text: string; lang: string; qid: string; set: string }>('benign/multilingual_benign_prompts.jsonl')) {
    // Translations share a qid (arena-hard) or a numeric prefix (MT-Bench-X "81_DE"); keep them in one split.
    const qid = r.set === 'mt-bench-x' ? `mtb:${r.qid.split('_')[0]}` : r.set === 'ja-vicuna-qa' ? `vic:${r.qid}` : `arena:${r.qid}`;
    out.push({ text: r.text, source: `multilingual-benign:${r.lang}`, group: qid, lang: r.lang, labels: { ...ALL_ZERO } });
  }
  for (const kind of ['email', 'code', 'table']) {
    const rows = readJsonl<{ context: string | string[]; question: string }>(`prompt-injection/bipia_${kind}_context_train.jsonl`);
    rows.forEach((r, k) => {
      out.push({
        text: Array.isArray(r.context) ? r.context.join('\n') : r.context,
        source: `bipia-context:${kind}`,
        group: `bipia:${kind}:${k}`,
        lang: 'en',
        labels: { injection: 0, harmful: 0 },
        weight: kind === 'table' ? 0.2 : 1,
      });
    });
  }
  for (const r of readJsonl<{ user_query: string; chatgpt_response: string; ID: string }>('hallucination/halueval_general_data.jsonl')) {
    out.push({ text: r.user_query, source: 'halueval-query', group: `halu:${r.ID}`, lang: 'en', labels: { injection: 0, harmful: 0 } });
    out.push({ text: r.chatgpt_response, source: 'halueval-response', group: `halu:${r.ID}`, lang: 'en', labels: { ...ALL_ZERO }, weight: 0.5 });
  }
  // presidio-research synthetic sentences: full of names, addresses, card and phone numbers, and benign for every
  // core head (the PII detector itself is rule-based and not trained on them).
  for (const r of readJson<{ full_text: string; template_id: number }[]>('pii/presidio_synth_dataset_v2.json')) {
    out.push({ text: r.full_text, source: 'presidio-text', group: `presidio:${r.template_id}`, lang: 'en', labels: { ...ALL_ZERO }, weight: 0.5 });
  }
  for (const r of readCsv('hallucination/truthfulqa.csv')) {
    const q = r['Question'] ?? '';
    if (q) out.push({ text: q, source: 'truthfulqa', group: `tqa:${hash32(q)}`, lang: 'en', labels: { ...ALL_ZERO } });
  }
  return out;
}
