// Scores the dev half of the hand-written evaluation corpora (bench/corpora) with a freshly trained core model:
// the signal used to choose model settings. The holdout half is never read here.
import { existsSync, readFileSync } from 'node:fs';
import { rawCoreProbabilities } from '../../src/detectors/models/core-scores.js';
import type { LinearModel } from '../../src/detectors/models/linear-model.js';
import { analyzeText } from '../../src/text/analysis.js';
import { repoPath } from './data/types.js';
import { hash32 } from './data/util.js';
import { auc } from './metrics.js';

const SETS: { file: string; head: 'injection' | 'harmful' }[] = [
  { file: 'pi-attacks.jsonl', head: 'injection' },
  { file: 'pi-hard-negatives.jsonl', head: 'injection' },
  { file: 'pi-benign-chat.jsonl', head: 'injection' },
  { file: 'harmful-requests.jsonl', head: 'harmful' },
  { file: 'safe-but-scary.jsonl', head: 'harmful' },
  { file: 'pi-benign-chat.jsonl', head: 'harmful' },
  { file: 'business-requests-holdout.jsonl', head: 'injection' },
  { file: 'multilingual-benign-holdout.jsonl', head: 'harmful' },
  { file: 'format-requests-holdout.jsonl', head: 'injection' },
  { file: 'format-attacks-holdout.jsonl', head: 'injection' },
];

export function evalDev(model: LinearModel, log: (msg: string) => void): void {
  const byHead = new Map<string, { p: number; y: number }[]>();
  for (const { file, head } of SETS) {
    const path = repoPath('bench', 'corpora', file);
    if (!existsSync(path)) continue;
    const h = model.headIndex(head);
    const threshold = model.header.heads[h]!.threshold;
    const rows = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { text: string; label: number })
      .filter((r) => hash32(`eval-dev:${r.text}`) % 2 === 0);
    const scored = rows.map((r) => ({ p: rawCoreProbabilities(model, analyzeText(r.text).normalized, new Float64Array(3))[h]!, y: r.label }));
    const flagged = scored.filter((s) => s.p >= threshold).length;
    log(`  dev ${file}: ${flagged}/${rows.length} flagged (${((100 * flagged) / Math.max(rows.length, 1)).toFixed(1)}%)`);
    const list = byHead.get(head) ?? [];
    list.push(...scored);
    byHead.set(head, list);
  }
  for (const [head, list] of byHead) {
    const curve = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((t) => {
      const pos = list.filter((s) => s.y === 1);
      const neg = list.filter((s) => s.y === 0);
      const r = pos.filter((s) => s.p >= t).length / Math.max(pos.length, 1);
      const f = neg.filter((s) => s.p >= t).length / Math.max(neg.length, 1);
      return `${t}: R ${r.toFixed(2)} FPR ${f.toFixed(2)}`;
    });
    log(`  dev ${head} AUC ${auc(list.map((s) => s.p), list.map((s) => s.y))?.toFixed(3)} | ${curve.join(' | ')}`);
  }
}
