// The labelled rows each benchmark task is measured on: the held-out test split of the training sources,
// the hand-written evaluation corpora (never trained on), the PII and secrets sets.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataset } from '../../scripts/train/dataset.js';
import { datasetsRoot, repoPath } from '../../scripts/train/data/types.js';
import { hash32 } from '../../scripts/train/data/util.js';
import { generateSecretsCorpus, SECRETS_HELD_OUT_KINDS } from '../corpora/secrets-corpus.js';
import type { PeerTask } from '../peers/types.js';

export interface Row {
  text: string;
  label: 0 | 1;
  source: string;
  /** For PII rows: the in-scope entity spans, for entity-level recall. */
  entities?: { type: string; start: number; end: number }[];
}

export interface Task {
  task: PeerTask;
  detector: string;
  rows: Row[];
}

/** Rows of a corpus file, halved by hash unless the file is wholly one half (`half`). */
function corpus(file: string, source: string, half?: 'eval-dev' | 'eval-holdout'): Row[] {
  const path = repoPath('bench', 'corpora', file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; label: 0 | 1 })
    .map((r) => ({ text: r.text, label: r.label, source: `${half ?? evalHalf(r.text)}:${source}` }));
}

/**
 * The hand-written corpora are halved: "dev" rows may be looked at while developing models, "holdout" rows
 * are only reported. Figures quoted in notes come from the holdout half.
 */
export function evalHalf(text: string): 'eval-dev' | 'eval-holdout' {
  return hash32(`eval-dev:${text}`) % 2 === 0 ? 'eval-dev' : 'eval-holdout';
}

/** Presidio entity types Bulwark's pii detector is meant to find. */
export const PII_IN_SCOPE = new Set(['PERSON', 'STREET_ADDRESS', 'CREDIT_CARD', 'PHONE_NUMBER', 'EMAIL_ADDRESS', 'IBAN_CODE', 'US_SSN', 'IP_ADDRESS', 'US_DRIVER_LICENSE']);

function piiRows(): Row[] {
  const file = join(datasetsRoot(), 'pii', 'presidio_synth_dataset_v2.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    full_text: string;
    spans: { entity_type: string; start_position: number; end_position: number }[];
  }[];
  return data.map((d) => {
    const entities = d.spans
      .filter((s) => PII_IN_SCOPE.has(s.entity_type))
      .map((s) => ({ type: s.entity_type, start: s.start_position, end: s.end_position }));
    return { text: d.full_text, label: entities.length > 0 ? 1 : 0, source: 'presidio-synth', entities };
  });
}

export function buildTasks(): Task[] {
  const test = buildDataset().filter((e) => e.split === 'test');
  const fromHead = (head: 'injection' | 'harmful' | 'toxic'): Row[] =>
    test
      .filter((e) => e.labels[head] !== undefined && !e.source.endsWith(':crop'))
      .map((e) => ({ text: e.text, label: e.labels[head]!, source: `test:${e.source.split(':')[0]}` }));
  return [
    {
      task: 'prompt-injection',
      detector: 'prompt-injection',
      rows: [
        ...fromHead('injection'),
        ...corpus('pi-attacks.jsonl', 'pi-attacks'),
        ...corpus('pi-hard-negatives.jsonl', 'pi-hard-negatives'),
        ...corpus('pi-benign-chat.jsonl', 'pi-benign-chat'),
        // Short texts (chat replies, tool outputs, short attacks): the dev file chose the model's evidence prior;
        // the holdout file was written before that and only reported.
        ...corpus('short-texts-dev.jsonl', 'short-texts', 'eval-dev'),
        ...corpus('short-texts-holdout.jsonl', 'short-texts', 'eval-holdout'),
        // Ordinary business traffic (orders, helpdesk, HR, bookings) full of "summarise", "list", "repeat" and numbers.
        ...corpus('business-requests-holdout.jsonl', 'business-requests'),
        ...corpus('multilingual-benign-holdout.jsonl', 'multilingual-benign'),
        // Requests that dictate the form of the answer ("reply in JSON only", "final answer only"), and attacks
        // phrased the same way.
        ...corpus('format-requests-holdout.jsonl', 'format-requests'),
        ...corpus('format-attacks-holdout.jsonl', 'format-attacks'),
      ],
    },
    {
      task: 'harmful-request',
      detector: 'harmful-request',
      rows: [
        ...fromHead('harmful'),
        ...corpus('harmful-requests.jsonl', 'harmful-requests'),
        ...corpus('safe-but-scary.jsonl', 'safe-but-scary'),
        ...corpus('business-requests-holdout.jsonl', 'business-requests'),
        // Everyday messages in the languages whose training rows are mostly harmful requests (Thai, Swahili, ...).
        ...corpus('multilingual-benign-holdout.jsonl', 'multilingual-benign'),
      ],
    },
    { task: 'toxicity', detector: 'toxicity', rows: fromHead('toxic') },
    { task: 'pii', detector: 'pii', rows: piiRows() },
    {
      task: 'secrets',
      detector: 'secrets',
      // Seed 2 was never tuned on (the rules were tuned on seed 1); "held-out kinds" were written after tuning.
      rows: generateSecretsCorpus(2, 4000).map((s) => ({
        text: s.text,
        label: s.label,
        source: `synthetic-secrets${SECRETS_HELD_OUT_KINDS.includes(s.kind) ? '-heldout-kinds' : ''}:${s.label ? 'secret' : 'hard-negative'}`,
      })),
    },
  ];
}
