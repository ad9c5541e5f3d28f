// End to end: the gateway's life cycle. Health and readiness endpoints; a graceful stop that lets in-flight
// streams finish (to the last event and [DONE]) while refusing new connections, then writes the buffered events;
// a stop that does not wait forever for a request that never ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/gateway/start.js';
import { DEFAULT_POLICY } from '../src/policy/default-policy.js';
import { validateConfig } from '../src/policy/load.js';
import { openStore } from '../src/store/db.js';
import { createSimulator, type Simulator } from '../src/simulator/server.js';

const STORY = 'Please tell me a short story about a lighthouse keeper and his cat who watch the ships sail by every night, with a happy ending.';

let sim: Simulator;
let dir: string;

function config(upstreamUrl: string, timeoutMs = 5000) {
  return validateConfig(
    {
      version: 1,
      upstreams: [{ name: 'sim', url: upstreamUrl, models: ['sim-*'], timeoutMs }],
      auth: { apiKeys: { enabled: true }, anonymous: { enabled: false } },
      policies: { default: DEFAULT_POLICY },
    },
    'lifecycle-test',
  );
}

/** Resolves with the error code of a new TCP connection to `url` (or 'connected'). */
function tryConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

beforeAll(async () => {
  // 40 ms between events: a streamed story takes about a second and a half, long enough to stop the gateway mid-way.
  sim = await createSimulator({ chunkDelayMs: 40 });
  dir = mkdtempSync(join(tmpdir(), 'bulwark-lifecycle-'));
});

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('health endpoints', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ config: config(`${sim.url}/v1`), storeUrl: ':memory:', port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('/healthz and /readyz answer 200 without a credential', async () => {
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('health endpoints take no other method, and unknown paths are 404', async () => {
    expect((await fetch(`${gw.url}/healthz`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${gw.url}/nope`)).status).toBe(404);
    expect((await fetch(`${gw.url}/v1/chat/completions`)).status).toBe(405);
  });

  it('every answer carries x-request-id and x-bulwark-decision, not only the guarded routes', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const { key } = await gw.store.keys.create({ name: 'headers', models: ['sim-*'] });
    const cases: [string, RequestInit, number, string][] = [
      ['/healthz', {}, 200, 'allow'],
      ['/readyz', {}, 200, 'allow'],
      ['/v1/models', { headers: { authorization: `Bearer ${key}` } }, 200, 'allow'],
      ['/v1/models', {}, 401, 'block'],
      ['/nope', {}, 404, 'block'],
      ['/v1/chat/completions', {}, 405, 'block'],
      ['/api/v2/chat/completions-detection', { method: 'POST', body: '{}' }, 401, 'block'],
    ];
    const ids = new Set<string>();
    for (const [path, init, status, decision] of cases) {
      const r = await fetch(`${gw.url}${path}`, init);
      await r.arrayBuffer();
      expect([path, r.status, r.headers.get('x-bulwark-decision')]).toEqual([path, status, decision]);
      expect(r.headers.get('x-request-id')).toMatch(uuid);
      ids.add(r.headers.get('x-request-id')!);
    }
    expect(ids.size).toBe(cases.length);
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight streams, refuses new connections, and writes their events before the store closes', async () => {
    const dbPath = join(dir, 'graceful.db');
    const gw = await startGateway({ config: config(`${sim.url}/v1`), storeUrl: dbPath, port: 0, host: '127.0.0.1' });
    const { key } = await gw.store.keys.create({ name: 'graceful', models: ['sim-*'] });
    const api = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const expected = (await api.chat.completions.create({ model: 'sim-echo', messages: [{ role: 'user', content: STORY }] })).choices[0]?.message.content;
    expect(expected).toContain('lighthouse keeper');

    // Two streams in flight: one through the openai client, one read raw to see the [DONE] line.
    const { data: stream, response } = await api.chat.completions
      .create({ model: 'sim-echo', messages: [{ role: 'user', content: STORY }], stream: true })
      .withResponse();
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    const raw = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-echo', stream: true, messages: [{ role: 'user', content: STORY }] }),
    });
    expect(raw.status).toBe(200);
    const rawText = raw.text();

    const stopped = gw.stop();
    let stopDone = false;
    void stopped.then(() => (stopDone = true));
    expect(await tryConnect(gw.url)).toBe('ECONNREFUSED');
    expect(stopDone).toBe(false);

    let text = first.value?.choices[0]?.delta?.content ?? '';
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) text += r.value.choices[0]?.delta?.content ?? '';
    expect(text).toBe(expected);
    const body = await rawText;
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await stopped;

    // The store is closed: reopen the file and look for the streams' events.
    const store = await openStore({ url: dbPath });
    try {
      const events = await store.events.query({ requestId: response.headers.get('x-request-id')! });
      expect(events).toHaveLength(1);
      expect(events[0]?.attributes?.['streamEnd']).toBe('done');
      expect(await store.events.query({ requestId: raw.headers.get('x-request-id')! })).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('stop() can be called twice', async () => {
    const gw = await startGateway({ config: config(`${sim.url}/v1`), storeUrl: ':memory:', port: 0, host: '127.0.0.1' });
    await gw.stop();
    await expect(gw.stop()).resolves.toBeUndefined();
  });

  it('a request that never ends does not hold the shutdown beyond the grace period', async () => {
    const gw = await startGateway({ config: config(`${sim.url}/v1`, 60_000), storeUrl: ':memory:', port: 0, host: '127.0.0.1' });
    const { key } = await gw.store.keys.create({ name: 'stuck', models: ['sim-*'] });
    const api = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const stuck = api.chat.completions.create({ model: 'sim-fault-timeout', messages: [{ role: 'user', content: 'hello' }] }).then(
      () => 'answered',
      (e: unknown) => (e instanceof OpenAI.APIConnectionError ? 'connection-error' : e instanceof OpenAI.APIError ? e.status : 'other'),
    );
    await expect.poll(() => gw.gateway.inFlight).toBe(1);
    const started = performance.now();
    await gw.gateway.close(200);
    expect(performance.now() - started).toBeLessThan(2000);
    // The client is not left hanging either: it gets an answer or a closed connection.
    expect(['connection-error', 502, 503]).toContain(await stuck);
    await gw.stop();
  });
});
