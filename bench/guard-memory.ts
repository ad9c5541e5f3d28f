// `npm run bench:guard-memory`: what the guard's memory of request texts (src/guard/stage-cache.ts) saves on
// multi-turn conversations, where a client resends the whole history with every turn. Two gateways with the default
// policy from the built dist/, one with the memory and one with BULWARK_GUARD_MEMORY=0, both called with an API key
// (the memory is per authenticated caller), in front of the same stub; conversations of TURNS turns whose last
// question is new with every request. Throughput at 32 connections in interleaved rounds (median), p50 at one
// connection in interleaved runs; the order alternates round by round. Writes bench/results/guard-memory.json. Flags: --quick.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { repoPath } from '../scripts/train/data/types.js';
import { load, startServer, type LoadResult, type Target } from './lib/http-load.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const TURNS = [1, 10, 30];
const DURATION_MS = quick ? 2000 : 5000;
const ROUNDS = quick ? 2 : 4;
const CONNECTIONS = 32;
const SEQUENTIAL_MS = quick ? 1000 : 3000;

/** A conversation of `turns` user turns (with the answers between them) whose last question is new each call. */
function conversation(turns: number): () => string {
  const messages: { role: string; content: string }[] = [{ role: 'system', content: 'You are a helpful assistant for an online shop. Answer briefly and politely.' }];
  for (let i = 0; i < turns - 1; i++) {
    messages.push({
      role: 'user',
      content: `Question ${i}: I ordered a blue jacket and a pair of brown boots last week and only the jacket arrived. Could you check what happened to the boots, whether they were sent separately, and how long the second parcel usually takes? I would also like to know if I can change the delivery address for it.`,
    });
    messages.push({
      role: 'assistant',
      content: 'The boots were sent in a separate parcel from our second warehouse, which usually takes two to four working days. You can change the delivery address until the parcel is handed to the carrier, from the order page in your account.',
    });
  }
  messages.push({ role: 'user', content: 'And one more thing about order NUMBER: can I return the jacket if it does not fit?' });
  const [head, tail] = JSON.stringify({ model: 'sim-naive', messages }).split('NUMBER') as [string, string];
  let n = 0;
  return () => `${head}${1_000_000 + n++}${tail}`;
}

/** A keyed gateway with the default policy; resolves with its URL and the API key it printed. */
function startKeyed(upstream: string, memory: boolean): Promise<Target & { child: ChildProcess }> {
  const child = spawn(process.execPath, [repoPath('bench', 'lib', 'gateway-servers.mjs'), 'bulwark-default-keyed', upstream], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BULWARK_HOME: os.tmpdir(), BULWARK_GUARD_MEMORY: memory ? '1' : '0' },
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const [url, key] = line.trim().split('\t') as [string, string];
      resolve({ name: memory ? 'memory on' : 'memory off', url, child, headers: { authorization: `Bearer ${key}` } });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const stub = await startServer('stub');
  const targets = [await startKeyed(stub.url, true), await startKeyed(stub.url, false)];
  const results: Record<string, unknown>[] = [];
  try {
    for (const turns of TURNS) {
      const body = conversation(turns);
      for (const t of targets) await load(t, body, 1000, CONNECTIONS, quick ? 1500 : 3000);
      const rounds = new Map<Target, LoadResult[]>(targets.map((t) => [t, []]));
      // Rounds alternate the order (A B, B A, ...) so that neither target always runs first after the other.
      const order = (r: number): typeof targets => (r % 2 === 0 ? targets : [...targets].reverse());
      for (let r = 0; r < ROUNDS; r++) for (const t of order(r)) rounds.get(t)!.push(await load(t, body, DURATION_MS, CONNECTIONS));
      // One connection: interleaved runs of the same length, medians of their p50s.
      const single = new Map<Target, number[]>(targets.map((t) => [t, []]));
      for (let r = 0; r < ROUNDS; r++) for (const t of order(r)) single.get(t)!.push((await load(t, body, SEQUENTIAL_MS, 1)).p50);
      const row: Record<string, unknown> = { turns, bodyBytes: body().length };
      for (const t of targets) {
        const all = rounds.get(t)!;
        const errors = all.reduce((n, x) => n + x.errors, 0);
        row[t.name] = {
          rps: median(all.map((x) => x.rps)),
          rpsRounds: all.map((x) => Math.round(x.rps)),
          cpuMsPerRequest: median(all.map((x) => x.cpuMsPerRequest ?? Number.NaN)),
          maxRssMiB: Math.max(...all.map((x) => x.maxRssMiB ?? 0)),
          p50OneConnection: median(single.get(t)!),
          errors,
        };
      }
      const on = row['memory on'] as { rps: number; p50OneConnection: number; maxRssMiB: number };
      const off = row['memory off'] as { rps: number; p50OneConnection: number; maxRssMiB: number };
      row['throughputRatio'] = on.rps / off.rps;
      results.push(row);
      console.log(
        `${String(turns).padStart(2)} turns (${row['bodyBytes']} B): ${on.rps.toFixed(0)} vs ${off.rps.toFixed(0)} req/s (${(on.rps / off.rps).toFixed(2)}x), ` +
          `1-conn p50 ${on.p50OneConnection.toFixed(3)} vs ${off.p50OneConnection.toFixed(3)} ms, max RSS ${on.maxRssMiB.toFixed(0)} vs ${off.maxRssMiB.toFixed(0)} MiB`,
      );
    }
  } finally {
    for (const t of targets) t.child.kill('SIGTERM');
    stub.child.kill('SIGTERM');
  }
  const out = { benchmark: 'guard-memory', date: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load: os.loadavg().map((x) => Math.round(x * 100) / 100) }, results };
  mkdirSync(repoPath('bench', 'results'), { recursive: true });
  writeFileSync(repoPath('bench', 'results', 'guard-memory.json'), `${JSON.stringify(out, null, 2)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
