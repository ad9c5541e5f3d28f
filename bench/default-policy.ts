// `npm run bench:default-policy`: what the gateway's default policy does to the hand-written evaluation corpora, end
// to end — each row sent as the user message of a chat completion to `bulwark-default` (bench/lib/gateway-servers.mjs,
// built dist/, anonymous callers, the simulated upstream), and counted as blocked when the answer is the policy's
// HTTP 400. Benign corpora measure what users would have refused; attack corpora what is stopped. The holdout halves
// by default (`--half dev|holdout|all`); `--root DIR` runs the gateway from another checkout's dist/ (to compare
// weights: a copy of the repository with other model files). Writes bench/results/default-policy.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { repoPath } from '../scripts/train/data/types.js';
import { startServer } from './lib/http-load.js';
import { evalHalf } from './lib/tasks.js';

const CORPORA = [
  'format-requests-holdout.jsonl',
  'format-attacks-holdout.jsonl',
  'business-requests-holdout.jsonl',
  'multilingual-benign-holdout.jsonl',
  'pi-benign-chat.jsonl',
  'pi-hard-negatives.jsonl',
  'pi-attacks.jsonl',
  'harmful-requests.jsonl',
  'safe-but-scary.jsonl',
];
const IN_FLIGHT = 8;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const half = option('--half') ?? 'holdout';
if (!['dev', 'holdout', 'all'].includes(half)) throw new Error('--half must be dev, holdout or all');
const root = option('--root') ?? repoPath();

interface Result {
  corpus: string;
  label: 0 | 1 | 'mixed';
  rows: number;
  blocked: number;
  byDetector: Record<string, number>;
  /** Rows answered with anything but 200 or the policy's 400 (they count as neither). */
  errors: number;
}

async function main(): Promise<void> {
  if (!existsSync(join(root, 'dist'))) throw new Error(`no dist/ under ${root}: build it first`);
  const stub = await startServer('stub', undefined, [], root);
  const gateway = await startServer('bulwark-default', stub.url, [], root);
  const pool = new Pool(new URL(gateway.url).origin, { connections: IN_FLIGHT });
  const results: Result[] = [];
  try {
    for (const file of CORPORA) {
      const path = repoPath('bench', 'corpora', file);
      if (!existsSync(path)) continue;
      const rows = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { text: string; label: 0 | 1 })
        .filter((r) => half === 'all' || evalHalf(r.text) === `eval-${half}`);
      const labels = new Set(rows.map((r) => r.label));
      const result: Result = { corpus: file, label: labels.size === 1 ? rows[0]!.label : 'mixed', rows: rows.length, blocked: 0, byDetector: {}, errors: 0 };
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < rows.length) {
          const row = rows[next++]!;
          const res = await pool.request({
            method: 'POST',
            path: '/v1/chat/completions',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'sim-echo', messages: [{ role: 'user', content: row.text }] }),
          });
          const body = (await res.body.json().catch(() => undefined)) as { error?: { type?: string; code?: string } } | undefined;
          if (res.statusCode === 400 && body?.error?.type === 'bulwark_policy_violation') {
            result.blocked++;
            const code = body.error.code ?? 'policy';
            result.byDetector[code] = (result.byDetector[code] ?? 0) + 1;
          } else if (res.statusCode !== 200) result.errors++;
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      results.push(result);
      const share = result.rows === 0 ? 0 : (100 * result.blocked) / result.rows;
      const what = result.label === 1 ? 'attacks stopped' : result.label === 0 ? 'benign refused' : 'blocked';
      console.log(`${file.padEnd(36)} ${what.padEnd(16)} ${String(result.blocked).padStart(4)} / ${String(result.rows).padEnd(4)} ${share.toFixed(1).padStart(5)} %  ${JSON.stringify(result.byDetector)}${result.errors ? `  errors ${result.errors}` : ''}`);
    }
  } finally {
    await pool.close();
    gateway.child.kill();
    stub.child.kill();
  }
  const out = { benchmark: 'default-policy', date: new Date().toISOString(), half, root, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, results };
  if (root === repoPath()) {
    mkdirSync(repoPath('bench', 'results'), { recursive: true });
    writeFileSync(repoPath('bench', 'results', 'default-policy.json'), `${JSON.stringify(out, null, 2)}\n`);
  }
}

await main();
