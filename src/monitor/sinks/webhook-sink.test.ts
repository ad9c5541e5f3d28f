import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { createEvent } from '../../core/event.js';
import type { Sink, StoredEvent } from '../types.js';
import { createSink, parseSinkUrl, signWebhookBody, verifyWebhookSignature } from './index.js';

const ctx = { productVersion: '0.1.0', hostname: 'test-host' };
const signal = new AbortController().signal;
const SECRET = 'whsec-0123456789abcdef-0123456789';
const env = { HOOK_SECRET: SECRET };

function batch(from: number, count: number): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    event: createEvent({ kind: 'limit', source: 'guard', decision: 'block', attributes: { n: from + i, note: 'é"\\\n' } }),
  }));
}

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  raw: Buffer;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function receiver(respond: (req: Received, res: ServerResponse) => void = (_r, res) => res.end()): Promise<{ port: number; requests: Received[] }> {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { url: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) };
      requests.push(received);
      respond(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, requests };
}

async function sinkFor(url: string): Promise<Sink> {
  const sink = await createSink(parseSinkUrl(url, env), ctx);
  cleanup.push(() => sink.close());
  return sink;
}

describe('webhook sink', () => {
  it('POSTs a JSON array signed with HMAC-SHA256 over "<timestamp>.<body>"', async () => {
    const { port, requests } = await receiver();
    const sink = await sinkFor(`webhook+http://127.0.0.1:${port}/hooks/soc?secret_env=HOOK_SECRET`);
    expect(sink.id).toBe(`webhook+http://127.0.0.1:${port}/hooks/soc`);
    const events = batch(1, 3);
    await sink.send(events, signal);
    const [req] = requests as [Received];
    expect(req.url).toBe('/hooks/soc');
    expect(req.headers['content-type']).toBe('application/json');
    const timestamp = req.headers['x-bulwark-timestamp'] as string;
    expect(timestamp).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(600);
    // Verified here independently of our own helper: the receiver's view of the scheme.
    const expected = createHmac('sha256', SECRET).update(Buffer.concat([Buffer.from(`${timestamp}.`), req.raw])).digest('hex');
    expect(req.headers['x-bulwark-signature']).toBe(`sha256=${expected}`);
    expect(JSON.parse(req.raw.toString('utf8'))).toEqual(events.map((e) => JSON.parse(JSON.stringify(e.event))));
    expect(verifyWebhookSignature(SECRET, timestamp, req.raw, req.headers['x-bulwark-signature'] as string)).toBe(true);
  });

  it('verification refuses a tampered body, a wrong secret, a bad or stale timestamp', () => {
    const body = Buffer.from('[{"a":1}]');
    const now = 1_700_000_000;
    const signature = signWebhookBody(SECRET, String(now), body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, String(now), body, signature, { nowSec: now + 10 })).toBe(true);
    expect(verifyWebhookSignature(SECRET, String(now), Buffer.from('[{"a":2}]'), signature, { nowSec: now })).toBe(false);
    expect(verifyWebhookSignature(`${SECRET}x`, String(now), body, signature, { nowSec: now })).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(now + 1), body, signature, { nowSec: now })).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(now), body, signature, { nowSec: now + 301 })).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'abc', body, signature, { nowSec: now })).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(now), body, 'sha256=00', { nowSec: now })).toBe(false);
  });

  it('turns non-2xx into ERR_SINK without the secret, and recovers on the next batch', async () => {
    let status = 500;
    const { port, requests } = await receiver((_req, res) => {
      res.statusCode = status;
      res.end(status === 200 ? 'ok' : `failed; you sent secret ${SECRET}`);
    });
    const sink = await sinkFor(`webhook+http://127.0.0.1:${port}/in?secret_env=HOOK_SECRET&format=ecs`);
    const error = (await sink.send(batch(1, 1), signal).catch((e: unknown) => e)) as BulwarkError;
    expect(error).toBeInstanceOf(BulwarkError);
    expect(error.code).toBe('ERR_SINK');
    expect(error.context).toMatchObject({ status: 500, retryable: true });
    expect(`${error.message} ${JSON.stringify(error.toJSON())}`).not.toContain(SECRET);
    status = 200;
    await sink.send(batch(1, 1), signal);
    expect(requests).toHaveLength(2);
    const [doc] = JSON.parse(requests[1]?.raw.toString('utf8') ?? '[]') as Record<string, unknown>[];
    expect(doc).toHaveProperty('@timestamp');
  });
});
