// `npm run bench:gateway`: throughput, added latency, first streamed chunk and memory of the gateway, in one run on
// the same machine with the same load generator: the stub upstream alone; the thinnest Node proxy (the ceiling);
// Bulwark with no detectors; Bulwark with the default policy; and the Portkey gateway routed to the same stub.
// Every server runs in its own process from dist/ (built first); the load generator (undici) runs here.
// Throughput: every target is warmed up under load first, then measured in ROUNDS interleaved rounds (A B C, A B C,
// ...), and each target's median round is reported, so that neither warm-up order nor a passing burst of load on
// this shared machine decides a ratio; the one-connection latencies are interleaved request by request for the same
// reason, in blocks of back-to-back requests. Writes bench/results/gateway.json. Flags: --quick.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Pool } from 'undici';
import { repoPath } from '../scripts/train/data/types.js';
import { load, startServer, type LoadResult, type Target } from './lib/http-load.js';
import { percentile } from './lib/latency.js';

const args = new Set(process.argv.slice(2));
const DURATION_MS = args.has('--quick') ? 3000 : 8000;
const CONNECTIONS = 32;
const SEQUENTIAL = args.has('--quick') ? 500 : 2000;
const WARMUP_MS = args.has('--quick') ? 1500 : 3000;
const ROUNDS = args.has('--quick') ? 1 : 3;

// Every request asks its own question (an order number in the user message): real traffic does not repeat a text,
// and Bulwark remembers the results of request texts an authenticated caller has sent (src/guard/stage-cache.ts), so
// one body sent again and again would measure that memory instead of the detectors (this benchmark's callers are
// anonymous, for whom it is off, but the figures must not depend on that). Built by concatenation, which costs the load
// generator next to nothing.
function chatBody(stream: boolean): () => string {
  const [head, tail] = JSON.stringify({
    model: 'sim-naive',
    messages: [
      { role: 'system', content: 'You are a helpful assistant for an online shop. Answer briefly and politely.' },
      { role: 'user', content: 'Hello! I ordered a blue jacket last week (order ORDER) and it has not arrived yet. Can you tell me what the usual delivery time is and how I can track my parcel? Thanks a lot.' },
    ],
    ...(stream ? { stream: true } : {}),
  }).split('ORDER') as [string, string];
  let n = 0;
  return () => `${head}${1_000_000 + n++}${tail}`;
}
const BODY = chatBody(false);
const STREAM_BODY = chatBody(true);

async function startPortkey(): Promise<{ url: string; child: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [repoPath('node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js'), `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return { url, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Portkey did not start');
}

/** One request on `pool`: its whole time, or the time to the first chunk of the body. */
async function timeOne(pool: Pool, t: Target, body: () => string, firstByte: boolean): Promise<number | undefined> {
  const t0 = performance.now();
  const r = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', ...t.headers }, body: body() });
  if (!firstByte) {
    await r.body.text();
    return performance.now() - t0;
  }
  let first: number | undefined;
  await new Promise<void>((resolve, reject) => {
    r.body.on('data', () => {
      first ??= performance.now() - t0;
    });
    r.body.once('end', resolve);
    r.body.once('error', reject);
  });
  return first;
}

/** Requests per target in a row (one block) when the one-connection latencies are measured. */
const BLOCK = 100;

/**
 * Latency at one connection: back-to-back requests, in blocks of BLOCK per target taken in turn (A B C, A B C, ...)
 * so that a passing burst of load on this shared machine touches all targets alike and the differences ("added
 * p50") hold. Within a block the requests follow each other as a single client's would; each target's first block
 * warms it up and is not counted.
 */
async function sequential(targets: readonly Target[], body: () => string, firstByte: boolean): Promise<Map<Target, { p50: number; p99: number }>> {
  const pools = targets.map((t) => new Pool(new URL(t.url).origin, { connections: 1 }));
  const times = targets.map((): number[] => []);
  for (let block = 0; block <= SEQUENTIAL / BLOCK; block++) {
    for (let k = 0; k < targets.length; k++) {
      for (let i = 0; i < BLOCK; i++) {
        const ms = await timeOne(pools[k]!, targets[k]!, body, firstByte);
        if (block > 0 && ms !== undefined) times[k]!.push(ms);
      }
    }
  }
  await Promise.all(pools.map((p) => p.close()));
  return new Map(
    targets.map((t, k) => {
      const sorted = times[k]!.sort((a, b) => a - b);
      return [t, { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }];
    }),
  );
}

async function main(): Promise<void> {
  const stub = await startServer('stub');
  const targets: Target[] = [{ name: 'stub upstream alone', url: stub.url, child: stub.child, headers: {} }];
  const thin = await startServer('thin', stub.url);
  targets.push({ name: 'thinnest Node proxy (ceiling)', url: thin.url, child: thin.child, headers: {} });
  const off = await startServer('bulwark-off', stub.url);
  targets.push({ name: 'Bulwark, detectors off', url: off.url, child: off.child, headers: {} });
  const def = await startServer('bulwark-default', stub.url);
  targets.push({ name: 'Bulwark, default policy', url: def.url, child: def.child, headers: {} });
  try {
    const portkey = await startPortkey();
    targets.push({
      name: 'Portkey gateway 1.15.2',
      url: portkey.url,
      child: portkey.child,
      headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${stub.url}/v1`, authorization: 'Bearer sk-bench' },
    });
  } catch (e) {
    console.log(`Portkey not measured: ${(e as Error).message}`);
  }

  const rounds = new Map<Target, LoadResult[]>(targets.map((t) => [t, []]));
  for (const t of targets) await load(t, BODY, WARMUP_MS, CONNECTIONS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) rounds.get(t)!.push(await load(t, BODY, DURATION_MS, CONNECTIONS));
  }
  const latencies = await sequential(targets, BODY, false);
  const firstChunks = await sequential(targets, STREAM_BODY, true);
  const results: Record<string, unknown>[] = [];
  for (const t of targets) {
    const all = rounds.get(t)!;
    const median = [...all].sort((a, b) => a.rps - b.rps)[Math.floor(all.length / 2)]!;
    const maxRss = Math.max(...all.map((r) => r.maxRssMiB ?? 0));
    // Failed requests of all rounds, by cause (a policy block, an upstream fault), not just the median round's.
    const errorCauses: Record<string, number> = {};
    for (const r of all) for (const [cause, n] of Object.entries(r.errorCauses ?? {})) errorCauses[cause] = (errorCauses[cause] ?? 0) + n;
    const errors = all.reduce((sum, r) => sum + r.errors, 0);
    const throughput = {
      ...median,
      ...(median.maxRssMiB !== undefined ? { maxRssMiB: maxRss } : {}),
      rpsRounds: all.map((r) => Math.round(r.rps)),
      errors,
      ...(errors > 0 ? { errorCauses } : { errorCauses: undefined }),
    };
    const latency = latencies.get(t)!;
    const firstChunk = firstChunks.get(t)!;
    results.push({ name: t.name, throughput, latency1Connection: latency, firstStreamedChunk: firstChunk });
    console.log(
      `${t.name.padEnd(32)} ${throughput.rps.toFixed(0).padStart(7)} req/s  p50 ${throughput.p50.toFixed(2)} ms  ` +
        `1-conn p50 ${latency.p50.toFixed(3)} ms  first chunk p50 ${firstChunk.p50.toFixed(3)} ms` +
        (throughput.cpuMsPerRequest !== undefined ? `  CPU ${throughput.cpuMsPerRequest.toFixed(3)} ms/req  max RSS ${throughput.maxRssMiB!.toFixed(0)} MiB` : '') +
        (throughput.errors ? `  errors ${throughput.errors} ${JSON.stringify(throughput.errorCauses)}` : ''),
    );
  }
  const by = (name: string) => results.find((r) => String(r['name']).startsWith(name)) as { throughput: { rps: number }; latency1Connection: { p50: number }; firstStreamedChunk: { p50: number } } | undefined;
  const stubR = by('stub')!;
  const portkey = by('Portkey');
  const ratios: Record<string, number> = {};
  for (const name of ['thinnest', 'Bulwark, detectors off', 'Bulwark, default policy']) {
    const r = by(name);
    if (!r) continue;
    ratios[`${name}: added p50 at 1 connection (ms)`] = r.latency1Connection.p50 - stubR.latency1Connection.p50;
    ratios[`${name}: added first-chunk p50 (ms)`] = r.firstStreamedChunk.p50 - stubR.firstStreamedChunk.p50;
    if (portkey) ratios[`${name}: throughput / Portkey`] = r.throughput.rps / portkey.throughput.rps;
  }
  const thinR = by('thinnest');
  const offR = by('Bulwark, detectors off');
  if (thinR && offR) ratios['Bulwark detectors off / thinnest proxy'] = offR.throughput.rps / thinR.throughput.rps;
  console.log('\nratios:');
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k}: ${v.toFixed(3)}`);
  const out = {
    benchmark: 'gateway',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load: os.loadavg() },
    durationMs: DURATION_MS,
    warmupMs: WARMUP_MS,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    results,
    ratios,
  };
  mkdirSync(repoPath('bench', 'results'), { recursive: true });
  writeFileSync(repoPath('bench', 'results', 'gateway.json'), `${JSON.stringify(out, null, 2)}\n`);
  for (const t of targets) t.child?.kill();
}

await main();
