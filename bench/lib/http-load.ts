// Shared by the HTTP benchmarks: start a server under test in its own process (bench/lib/gateway-servers.mjs),
// drive it with a closed-loop undici load generator, and read its CPU time and RSS from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { repoPath } from '../../scripts/train/data/types.js';
import { percentile } from './latency.js';

export interface Target {
  name: string;
  url: string;
  child?: ChildProcess;
  headers: Record<string, string>;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Failed requests by cause ("status 503", an error message), when there were any. */
  errorCauses?: Record<string, number>;
  cpuMsPerRequest?: number;
  maxRssMiB?: number;
}

/**
 * Starts `node bench/lib/gateway-servers.mjs <kind> [upstream] [...extra]` and resolves with the URL it prints; from
 * another checkout (its own dist/) when `root` is given.
 */
export function startServer(kind: string, upstream?: string, extra: readonly string[] = [], root = repoPath()): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'bench', 'lib', 'gateway-servers.mjs'), kind, ...(upstream ? [upstream] : []), ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BULWARK_HOME: os.tmpdir() },
  });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve({ url: line.trim(), child }));
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
}

export function procStats(pid: number): { rssMiB: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssMiB: rss, cpuMs: (ticks * 1000) / 100 };
}

export async function request(pool: Pool, path: string, headers: Record<string, string>, body: string): Promise<number> {
  const t0 = performance.now();
  const r = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}${errorCode(text)}`);
  return performance.now() - t0;
}

/** " (code)" of an OpenAI-style error body, so that a benchmark can tell a policy block from an upstream fault. */
function errorCode(body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return code === undefined || code === null ? '' : ` (${String(code).slice(0, 60)})`;
  } catch {
    return '';
  }
}

/**
 * `connections` workers send `body` (or a fresh `body()` for each request) back to back for `durationMs`, after a
 * warm-up: 200 sequential requests, or `warmupMs` of the same load when given (long enough for the JIT to settle in
 * every process involved).
 */
export async function load(t: Target, body: string | (() => string), durationMs: number, connections: number, warmupMs = 0): Promise<LoadResult> {
  const u = new URL(t.url);
  const pool = new Pool(u.origin, { connections, pipelining: 1 });
  const path = '/v1/chat/completions';
  const next = typeof body === 'function' ? body : () => body;
  if (warmupMs > 0) {
    const until = performance.now() + warmupMs;
    const warm = async (): Promise<void> => {
      while (performance.now() < until) await request(pool, path, t.headers, next()).catch(() => undefined);
    };
    await Promise.all(Array.from({ length: connections }, warm));
  } else for (let i = 0; i < 200; i++) await request(pool, path, t.headers, next());
  const before = t.child?.pid ? procStats(t.child.pid) : undefined;
  let maxRss = before?.rssMiB ?? 0;
  const sampler = setInterval(() => {
    if (t.child?.pid) maxRss = Math.max(maxRss, procStats(t.child.pid).rssMiB);
  }, 200);
  const latencies: number[] = [];
  let errors = 0;
  const causes: Record<string, number> = {};
  const end = performance.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      try {
        latencies.push(await request(pool, path, t.headers, next()));
      } catch (e) {
        errors++;
        const cause = e instanceof Error ? e.message.slice(0, 120) : String(e);
        causes[cause] = (causes[cause] ?? 0) + 1;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  const after = t.child?.pid ? procStats(t.child.pid) : undefined;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / (elapsed / 1000),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
    ...(errors > 0 ? { errorCauses: causes } : {}),
    ...(before && after ? { cpuMsPerRequest: (after.cpuMs - before.cpuMs) / latencies.length, maxRssMiB: maxRss } : {}),
  };
}
