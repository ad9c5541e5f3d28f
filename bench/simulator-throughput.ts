// Requests per second of the upstream simulator (non-streaming chat by default) under N concurrent keep-alive
// connections from an undici Pool. The simulator runs in a child process so that client and server each get a core;
// its CPU time is sampled too, giving requests per server CPU-second. Writes bench/results/simulator-throughput.json.
// Flags: --duration <s> (10), --warmup <s> (2), --connections <n> (50), --model <id> (sim-naive), --stream.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { percentile } from './lib/latency.js';
import { createSimulator } from '../src/simulator/server.js';

interface ServerMessage {
  url?: string;
  cpuMicros?: number;
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}

async function serve(): Promise<void> {
  const sim = await createSimulator({ port: 0 });
  process.send?.({ url: sim.url } satisfies ServerMessage);
  process.on('message', (m: string) => {
    if (m === 'cpu') {
      const c = process.cpuUsage();
      process.send?.({ cpuMicros: c.user + c.system } satisfies ServerMessage);
    } else if (m === 'stop') void sim.close().then(() => process.exit(0));
  });
}

function ask(child: ChildProcess, message: string): Promise<ServerMessage> {
  return new Promise((resolve) => {
    child.once('message', (m: ServerMessage) => resolve(m));
    child.send(message);
  });
}

async function main(): Promise<void> {
  const durationS = Number(flag('duration', '10'));
  const warmupS = Number(flag('warmup', '2'));
  const connections = Number(flag('connections', '50'));
  const model = flag('model', 'sim-naive');
  const stream = process.argv.includes('--stream');
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: process.execArgv });
  const { url } = await new Promise<ServerMessage>((resolve) => child.once('message', resolve));
  const pool = new Pool(url as string, { connections, pipelining: 1 });
  const body = JSON.stringify({
    model,
    stream,
    messages: [
      { role: 'system', content: 'You are a helpful assistant for the ACME support desk.' },
      { role: 'user', content: 'What are your opening hours on public holidays, and can I reach you by phone?' },
    ],
  });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench' };

  let phase: 'warmup' | 'measure' | 'done' = 'warmup';
  let completed = 0;
  let failed = 0;
  const latencies: number[] = [];
  async function worker(): Promise<void> {
    while (phase !== 'done') {
      const t0 = process.hrtime.bigint();
      const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
      await res.body.text();
      if (phase !== 'measure') continue;
      if (res.statusCode === 200) {
        completed++;
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } else failed++;
    }
  }
  const workers = Array.from({ length: connections }, () => worker());
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  phase = 'measure';
  const cpu0 = (await ask(child, 'cpu')).cpuMicros as number;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, durationS * 1000));
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = (await ask(child, 'cpu')).cpuMicros as number;
  const measured = completed;
  phase = 'done';
  await Promise.all(workers);
  await pool.close();
  child.send('stop');

  latencies.sort((a, b) => a - b);
  const serverCpuS = (cpu1 - cpu0) / 1e6;
  const result = {
    benchmark: 'simulator-throughput',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    model,
    stream,
    connections,
    durationS: Math.round(elapsedS * 100) / 100,
    requests: measured,
    failed,
    requestsPerSecond: Math.round(measured / elapsedS),
    serverCpuShare: Math.round((serverCpuS / elapsedS) * 100) / 100,
    requestsPerServerCpuSecond: Math.round(measured / serverCpuS),
    latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/simulator-throughput${stream ? '-stream' : ''}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv.includes('--serve')) await serve();
else await main();
