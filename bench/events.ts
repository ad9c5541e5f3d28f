// `npm run bench:events`: how many security events per second the store takes while the outbox delivers them to a
// real TCP syslog receiver (octet-counted CEF), on SQLite and PostgreSQL; delivery lag (event time to receipt)
// p50/p99; losses (every event id must arrive); and the gateway's throughput with sinks enabled against without,
// in the same run with the same load generator. Writes bench/results/events.json. Flags: --quick.
// PostgreSQL: BULWARK_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; skipped if unreachable).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createEvent, type SecurityEvent } from '../src/core/event.js';
import { Outbox } from '../src/monitor/outbox.js';
import { createSink, parseSinkUrl } from '../src/monitor/sinks/index.js';
import { openStore, type Store } from '../src/store/db.js';
import { repoPath } from '../scripts/train/data/types.js';
import { load, startServer, type LoadResult, type Target } from './lib/http-load.js';
import { percentile } from './lib/latency.js';

const QUICK = process.argv.includes('--quick');
const EVENTS = QUICK ? 40_000 : 200_000;
const PG_EVENTS = QUICK ? 20_000 : 100_000;
const LOAD_MS = QUICK ? 3_000 : 8_000;
const CONNECTIONS = 32;
const PG_URL = process.env['BULWARK_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Receiver {
  server: Server;
  port: number;
  ids: Set<string>;
  lagsMs: number[];
  frames: number;
  lastAt: number;
}

/** A TCP syslog receiver: splits octet-counted frames, reads the event id and time from the CEF extension. */
async function syslogReceiver(): Promise<Receiver> {
  const r: Receiver = { server: undefined as unknown as Server, port: 0, ids: new Set(), lagsMs: [], frames: 0, lastAt: 0 };
  r.server = createServer((socket) => {
    let buf: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      let at = 0;
      const now = Date.now();
      for (;;) {
        const space = buf.indexOf(0x20, at);
        if (space < 0) break;
        const len = Number(buf.toString('latin1', at, space));
        if (buf.length < space + 1 + len) break;
        const msg = buf.toString('utf8', space + 1, space + 1 + len);
        at = space + 1 + len;
        r.frames++;
        const id = /externalId=(\S+)/.exec(msg)?.[1];
        const rt = Number(/\brt=(\d+)/.exec(msg)?.[1]);
        if (id) r.ids.add(id);
        if (Number.isFinite(rt)) r.lagsMs.push(now - rt);
        r.lastAt = now;
      }
      buf = buf.subarray(at);
    });
  });
  await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  const address = r.server.address();
  r.port = typeof address === 'object' && address ? address.port : 0;
  return r;
}

/** A gateway-like event: one prompt-injection finding, the usual request attributes. */
function sampleEvent(i: number): SecurityEvent {
  return createEvent({
    kind: 'detection',
    source: 'guard',
    decision: i % 10 === 0 ? 'block' : 'allow',
    principal: `team-${i % 16}`,
    requestId: `req-${i}`,
    findings:
      i % 10 === 0
        ? [{ detector: 'prompt-injection', category: 'jailbreak', score: 0.97, severity: 'high', evidence: 'ignore all previous…', tags: { owaspLlm: ['LLM01:2025'], atlas: ['AML.T0051.000'] } }]
        : [],
    attributes: { route: '/v1/chat/completions', status: i % 10 === 0 ? 400 : 200, durationMs: 1.234, model: 'gpt-4o-mini', upstream: 'openai', promptTokens: 57, completionTokens: 120, sourceIp: '10.1.2.3' },
  });
}

interface IngestResult {
  backend: string;
  events: number;
  writtenPerSecond: number;
  deliveredPerSecond: number;
  lagMs: { p50: number; p99: number; max: number };
  lost: number;
  duplicates: number;
  dropped: number;
  maxInFlight: number;
}

async function ingest(backend: string, store: Store, total: number): Promise<IngestResult> {
  const receiver = await syslogReceiver();
  const sink = await createSink(parseSinkUrl(`syslog+tcp://127.0.0.1:${receiver.port}?format=cef`), { productVersion: 'bench', hostname: 'bench' });
  const outbox = new Outbox(store, { sinks: [sink], batchSize: 500, pollIntervalMs: 100 });
  await outbox.start();
  const ids: string[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const e = sampleEvent(i);
    ids.push(e.id);
    // Producers never wait on disk; the bench only keeps the buffer below its bound, as a busy gateway would.
    if (!store.events.append(e)) throw new Error('an event was dropped');
    if (i % 500 === 499) {
      await new Promise((r) => setImmediate(r));
      while (store.events.stats().buffered > 5_000) await new Promise((r) => setTimeout(r, 1));
    }
  }
  await store.events.flush();
  const writtenAt = performance.now();
  const deadline = Date.now() + 120_000;
  while (receiver.ids.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const deliveredAt = performance.now();
  const stats = outbox.stats();
  await outbox.stop();
  await new Promise((r) => receiver.server.close(r));
  const lost = ids.filter((id) => !receiver.ids.has(id)).length;
  receiver.lagsMs.sort((a, b) => a - b);
  return {
    backend,
    events: total,
    writtenPerSecond: total / ((writtenAt - started) / 1000),
    deliveredPerSecond: receiver.ids.size / ((deliveredAt - started) / 1000),
    lagMs: { p50: percentile(receiver.lagsMs, 0.5), p99: percentile(receiver.lagsMs, 0.99), max: receiver.lagsMs.at(-1) ?? 0 },
    lost,
    duplicates: receiver.frames - receiver.ids.size,
    dropped: store.events.stats().dropped,
    maxInFlight: stats.sinks[0]?.maxInFlight ?? 0,
  };
}

async function postgresSchema(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const name = `bulwark_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  try {
    await admin(`create schema ${name}`);
  } catch (e) {
    console.log(`PostgreSQL not measured (${PG_URL}): ${(e as Error).message}`);
    return undefined;
  }
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { url: url.toString(), drop: () => admin(`drop schema if exists ${name} cascade`) };
}

function line(r: IngestResult): string {
  return (
    `${r.backend.padEnd(10)} ${r.events} events: written ${r.writtenPerSecond.toFixed(0)}/s, delivered end to end ${r.deliveredPerSecond.toFixed(0)}/s, ` +
    `lag p50 ${r.lagMs.p50.toFixed(0)} ms p99 ${r.lagMs.p99.toFixed(0)} ms, lost ${r.lost}, duplicates ${r.duplicates}, max in flight ${r.maxInFlight}`
  );
}

const BODY = JSON.stringify({
  model: 'sim-naive',
  messages: [
    { role: 'system', content: 'You are a helpful assistant for an online shop. Answer briefly and politely.' },
    { role: 'user', content: 'Hello! I ordered a blue jacket last week and it has not arrived yet. Can you tell me what the usual delivery time is and how I can track my parcel? Thanks a lot.' },
  ],
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bulwark-bench-events-'));
  const ingestResults: IngestResult[] = [];
  try {
    const sqlite = await openStore({ url: join(dir, 'events.db') });
    ingestResults.push(await ingest('sqlite', sqlite, EVENTS));
    await sqlite.close();
    console.log(line(ingestResults.at(-1)!));
    const schema = await postgresSchema();
    if (schema) {
      try {
        const store = await openStore({ url: schema.url });
        ingestResults.push(await ingest('postgresql', store, PG_EVENTS));
        await store.close();
        console.log(line(ingestResults.at(-1)!));
      } finally {
        await schema.drop();
      }
    }

    // The gateway with the default policy, without and with sinks (TCP syslog CEF + an OCSF file), alternated.
    const receiver = await syslogReceiver();
    const stub = await startServer('stub');
    const sinks = [`syslog+tcp://127.0.0.1:${receiver.port}?format=cef`, `file://${join(dir, 'gw.ocsf.jsonl')}?format=ocsf`];
    const gateway: Record<string, LoadResult[]> = { 'without sinks': [], 'with sinks': [] };
    for (let round = 0; round < 2; round++) {
      for (const [name, extra] of [['without sinks', []], ['with sinks', sinks]] as const) {
        process.env['BENCH_STORE_URL'] = join(dir, `gw-${round}-${name.replace(' ', '-')}.db`);
        const server = await startServer('bulwark-default', stub.url, extra);
        const t: Target = { name, url: server.url, child: server.child, headers: {} };
        const r = await load(t, BODY, LOAD_MS, CONNECTIONS);
        gateway[name]!.push(r);
        console.log(`gateway ${name.padEnd(14)} round ${round + 1}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, CPU ${r.cpuMsPerRequest?.toFixed(3)} ms/req, errors ${r.errors}`);
        server.child.kill('SIGTERM');
        await new Promise((r) => server.child.once('exit', r));
      }
    }
    delete process.env['BENCH_STORE_URL'];
    stub.child.kill();
    await new Promise((r) => receiver.server.close(r));
    const best = (name: string) => Math.max(...gateway[name]!.map((r) => r.rps));
    const cpu = (name: string) => Math.min(...gateway[name]!.map((r) => r.cpuMsPerRequest ?? Infinity));
    const ratios = {
      'gateway throughput with sinks / without (best of 2)': best('with sinks') / best('without sinks'),
      'gateway CPU per request with sinks / without (best of 2)': cpu('with sinks') / cpu('without sinks'),
      'syslog CEF lines received from the gateway runs': receiver.frames,
    };
    console.log('\nratios:');
    for (const [k, v] of Object.entries(ratios)) console.log(`  ${k}: ${Number(v).toFixed(3)}`);
    const out = {
      benchmark: 'events',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load: os.loadavg() },
      ingest: ingestResults,
      gateway,
      ratios,
    };
    mkdirSync(repoPath('bench', 'results'), { recursive: true });
    writeFileSync(repoPath('bench', 'results', 'events.json'), `${JSON.stringify(out, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
