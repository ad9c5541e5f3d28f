// Development benchmark for the groundedness detector: TruthfulQA turned into a grounding test, plus a HaluEval self-grounding sanity check.
//
// TruthfulQA: the "document" is the Best Answer and Correct Answers joined; the answer is a correct
// answer (label grounded) or an incorrect one (label ungrounded). Two settings:
//   verbatim      — as specified: the correct answer being judged is itself in the document (easy);
//   leave-one-out — the judged correct answer is removed from the document, so it must be supported
//                   by its paraphrases (closer to a real RAG answer).
// Each setting is run over the first correct/incorrect answer of every question ("first") and over all
// of them ("all"). Figures: ROC AUC of the score and accuracy at 0.5 (hand-made cases also at the shipped default, 0.25).
// The 40 hand-made RAG cases of the unit tests are scored too (8 grounded, 32 with one planted fault).
// HaluEval general: no documents exist, so each response is grounded against itself; any finding there
// is a splitter/scorer defect. Also reports µs per call.
// Usage: npx tsx bench/groundedness-dev.ts [--json]   (datasets: $BULWARK_DATASETS, else ../shared/datasets)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { groundednessDetector } from '../src/detectors/groundedness.js';
import { RAG_CASES } from '../src/detectors/groundedness/rag-cases.js';
import { analyzeText } from '../src/text/analysis.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasetsRoot = process.env.BULWARK_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets');
const truthfulPath = join(datasetsRoot, 'hallucination', 'truthfulqa.csv');
const haluPath = join(datasetsRoot, 'hallucination', 'halueval_general_data.jsonl');
for (const p of [truthfulPath, haluPath]) {
  if (!existsSync(p)) {
    console.error(`dataset not found: ${p} (set BULWARK_DATASETS)`);
    process.exit(2);
  }
}

/** RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes; a leading BOM is dropped. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

interface QA {
  question: string;
  best: string;
  correct: string[];
  incorrect: string[];
}

function loadTruthful(): QA[] {
  const [header, ...rows] = parseCsv(readFileSync(truthfulPath, 'utf8'));
  const col = (name: string) => header!.indexOf(name);
  const [q, b, c, inc] = [col('Question'), col('Best Answer'), col('Correct Answers'), col('Incorrect Answers')];
  const split = (v: string | undefined) => (v ?? '').split(';').map((x) => x.trim()).filter(Boolean);
  return rows
    .filter((r) => r.length > inc)
    .map((r) => ({ question: r[q]!, best: r[b]!.trim(), correct: split(r[c]), incorrect: split(r[inc]) }));
}

const asSentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

function scorer(options: Record<string, unknown>) {
  const detect = groundednessDetector.create(groundednessDetector.options.parse({ ...options, threshold: 0 }));
  return (answer: string, documents: string[], prompt: string): number => {
    const f = detect({ text: answer, stage: 'output', context: { documents, prompt } }, { analysis: analyzeText(answer) });
    if (f instanceof Promise) throw new TypeError('groundedness is synchronous');
    return f[0]?.score ?? 0;
  };
}

/** Probability that a random ungrounded case scores above a random grounded one (ties count half). */
function auc(pos: number[], neg: number[]): number {
  const all = [...pos.map((s) => ({ s, y: 0 })), ...neg.map((s) => ({ s, y: 1 }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]!.y === 1) rankSum += avg;
    i = j;
  }
  return (rankSum - (neg.length * (neg.length + 1)) / 2) / (neg.length * pos.length);
}

interface Figures {
  grounded: number;
  ungrounded: number;
  auc: number;
  accuracy: number;
  flaggedGrounded: number;
  flaggedUngrounded: number;
}

function figures(pos: number[], neg: number[], threshold = 0.5): Figures {
  const fp = pos.filter((s) => s >= threshold).length;
  const tp = neg.filter((s) => s >= threshold).length;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    grounded: pos.length,
    ungrounded: neg.length,
    auc: r(auc(pos, neg)),
    accuracy: r((tp + pos.length - fp) / (pos.length + neg.length)),
    flaggedGrounded: r(fp / pos.length),
    flaggedUngrounded: r(tp / neg.length),
  };
}

function truthful(data: QA[], options: Record<string, unknown>, setting: 'verbatim' | 'leave-one-out', which: 'first' | 'all'): Figures {
  const score = scorer(options);
  const pos: number[] = [];
  const neg: number[] = [];
  for (const qa of data) {
    const knowledge = [...new Set([qa.best, ...qa.correct])];
    const candidates = which === 'first' ? knowledge.filter((a) => a !== qa.best).slice(0, 1) : knowledge;
    for (const answer of candidates.length ? candidates : [qa.best]) {
      const doc = setting === 'verbatim' ? knowledge : knowledge.filter((k) => k !== answer);
      if (doc.length === 0) continue;
      pos.push(score(answer, [doc.map(asSentence).join(' ')], qa.question));
    }
    const doc = [knowledge.map(asSentence).join(' ')];
    for (const answer of which === 'first' ? qa.incorrect.slice(0, 1) : qa.incorrect) neg.push(score(answer, doc, qa.question));
  }
  return figures(pos, neg);
}

function haluSelf(options: Record<string, unknown>): { responses: number; flagged: number; usPerCall: number; usPerKb: number } {
  const detect = groundednessDetector.create(groundednessDetector.options.parse(options));
  const rows = readFileSync(haluPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { chatgpt_response: string; user_query: string });
  let flagged = 0;
  let chars = 0;
  const t0 = performance.now();
  for (const r of rows) {
    const text = r.chatgpt_response ?? '';
    chars += text.length;
    const f = detect({ text, stage: 'output', context: { documents: [text], prompt: r.user_query } }, { analysis: analyzeText(text) });
    if (!(f instanceof Promise) && f.length > 0) flagged++;
  }
  const ms = performance.now() - t0;
  return {
    responses: rows.length,
    flagged,
    usPerCall: Math.round((ms * 1000) / rows.length),
    usPerKb: Math.round((ms * 1000 * 1024) / chars),
  };
}

function handMade(threshold: number): Figures {
  const score = scorer({});
  const pos = RAG_CASES.map((c) => score(c.grounded, c.documents, c.prompt));
  const neg = RAG_CASES.flatMap((c) => [c.changedNumber, c.changedName, c.addedClaim, c.negationFlip].map((a) => score(a, c.documents, c.prompt)));
  return figures(pos, neg, threshold);
}

const data = loadTruthful();
const result = {
  dataset: { truthfulqa: data.length },
  truthfulqa: {
    defaults: {
      'verbatim/first': truthful(data, {}, 'verbatim', 'first'),
      'leave-one-out/first': truthful(data, {}, 'leave-one-out', 'first'),
      'leave-one-out/all': truthful(data, {}, 'leave-one-out', 'all'),
    },
    // TruthfulQA answers are often under four content words: judge them all.
    allClaims: {
      'verbatim/first': truthful(data, { ignoreShortClaims: false }, 'verbatim', 'first'),
      'leave-one-out/first': truthful(data, { ignoreShortClaims: false }, 'leave-one-out', 'first'),
      'leave-one-out/all': truthful(data, { ignoreShortClaims: false }, 'leave-one-out', 'all'),
    },
  },
  handMadeRag: handMade(0.5),
  handMadeRagStrict: handMade(0.25),
  haluevalSelfGrounding: haluSelf({}),
};

if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`TruthfulQA as grounding (${data.length} questions); AUC, accuracy at threshold 0.5, flag rates`);
  for (const [opts, settings] of Object.entries(result.truthfulqa)) {
    for (const [name, f] of Object.entries(settings)) {
      console.log(
        `  ${opts.padEnd(9)} ${name.padEnd(20)} n=${f.grounded}+${f.ungrounded}  AUC ${f.auc.toFixed(3)}  acc ${f.accuracy.toFixed(3)}  ` +
          `flagged: grounded ${f.flaggedGrounded.toFixed(3)}, ungrounded ${f.flaggedUngrounded.toFixed(3)}`,
      );
    }
  }
  for (const [t, m] of [
    [0.5, result.handMadeRag],
    [0.25, result.handMadeRagStrict],
  ] as const) {
    console.log(
      `Hand-made RAG cases, threshold ${t}: n=${m.grounded}+${m.ungrounded}  AUC ${m.auc.toFixed(3)}  acc ${m.accuracy.toFixed(3)}  ` +
        `flagged: grounded ${m.flaggedGrounded.toFixed(3)}, faulty ${m.flaggedUngrounded.toFixed(3)}`,
    );
  }
  const h = result.haluevalSelfGrounding;
  console.log(`HaluEval self-grounding: ${h.flagged}/${h.responses} flagged (expect 0); ${h.usPerCall} µs per call, ${h.usPerKb} µs per KB`);
}
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
writeFileSync(join(repoRoot, 'bench', 'results', 'groundedness-dev.json'), `${JSON.stringify(result, null, 2)}\n`);
