import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { createEvent } from '../../core/event.js';
import type { Sink, StoredEvent } from '../types.js';
import { createSink, parseSinkUrl } from './index.js';

const ctx = { productVersion: '0.1.0', hostname: 'test-host' };
const signal = new AbortController().signal;
const TOKEN = '11111111-2222-3333-4444-555555555555';
const env = { SPLUNK_TOKEN: TOKEN };
const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;
if (!HAS_OPENSSL) console.warn('[splunk-hec-sink.test] openssl CLI not found: the HTTPS test is skipped');

function batch(from: number, count: number): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    event: createEvent({ kind: 'detection', source: 'guard', decision: 'block', attributes: { n: from + i } }),
  }));
}

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: Received, res: ServerResponse) => void;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function collector(requests: Received[], handler: Handler = (_req, res) => res.end('{"text":"Success","code":0}')) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      handler(received, res);
    });
  };
}

async function sinkFor(url: string): Promise<Sink> {
  const sink = await createSink(parseSinkUrl(url, env), ctx);
  cleanup.push(() => sink.close());
  return sink;
}

async function sinkError(p: Promise<unknown>): Promise<BulwarkError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BulwarkError);
  expect((e as BulwarkError).code).toBe('ERR_SINK');
  return e as BulwarkError;
}

/** HEC takes concatenated JSON objects; this splits them without relying on our newline separators. */
function splitConcatenated(body: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(body.slice(start, i + 1)));
  }
  return out;
}

describe('splunk-hec sink', () => {
  it('POSTs concatenated envelopes with the Splunk token to /services/collector/event', async () => {
    const requests: Received[] = [];
    const port = await listen(createServer(collector(requests)));
    const sink = await sinkFor(`splunk-hec+http://127.0.0.1:${port}?token_env=SPLUNK_TOKEN&index=security&sourcetype=bulwark:event&source=gw`);
    const events = batch(1, 3);
    await sink.send(events, signal);
    await sink.send([], signal);
    expect(requests).toHaveLength(1);
    const [req] = requests as [Received];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/services/collector/event');
    expect(req.headers.authorization).toBe(`Splunk ${TOKEN}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-splunk-request-channel']).toMatch(/^[0-9a-f-]{36}$/);
    const envelopes = splitConcatenated(req.body) as Record<string, unknown>[];
    expect(envelopes).toHaveLength(3);
    envelopes.forEach((envelope, i) => {
      const event = events[i]?.event;
      expect(envelope).toEqual({
        time: Number((Date.parse(event?.time ?? '') / 1000).toFixed(3)),
        host: 'test-host',
        source: 'gw',
        sourcetype: 'bulwark:event',
        index: 'security',
        event: JSON.parse(JSON.stringify(event)),
      });
    });
    // `time` is seconds with exactly three decimals as written on the wire.
    expect(req.body).toMatch(/^\{"time":\d{10}\.\d{3},/);
  });

  it('sends OCSF objects as the event when format=ocsf', async () => {
    const requests: Received[] = [];
    const port = await listen(createServer(collector(requests)));
    const sink = await sinkFor(`splunk-hec+http://127.0.0.1:${port}?token_env=SPLUNK_TOKEN&format=ocsf`);
    await sink.send(batch(1, 1), signal);
    const [envelope] = splitConcatenated(requests[0]?.body ?? '') as { sourcetype: string; event: Record<string, unknown> }[];
    expect(envelope?.sourcetype).toBe('bulwark:ocsf');
    expect(envelope?.event).toMatchObject({ class_uid: expect.any(Number), time: expect.any(Number) });
  });

  it('turns a non-2xx answer into ERR_SINK with the status and a body excerpt without the token', async () => {
    const requests: Received[] = [];
    let status = 403;
    const port = await listen(
      createServer(
        collector(requests, (req, res) => {
          res.statusCode = status;
          res.end(`{"text":"Invalid token","code":4,"echo":"${req.headers.authorization as string}"}`);
        }),
      ),
    );
    const sink = await sinkFor(`splunk-hec+http://127.0.0.1:${port}?token_env=SPLUNK_TOKEN`);
    const error = await sinkError(sink.send(batch(1, 1), signal));
    expect(error.context).toMatchObject({ status: 403, retryable: true });
    expect(error.message).toContain('HTTP 403');
    expect(error.message).toContain('Invalid token');
    expect(`${error.message} ${JSON.stringify(error.toJSON())}`).not.toContain(TOKEN);
    expect(error.message).toContain('[REDACTED]');
    // A malformed batch is refused (the outbox may dead-letter it); a bad token above is waited out.
    status = 400;
    expect((await sinkError(sink.send(batch(1, 1), signal))).context).toMatchObject({ status: 400, retryable: false });
  });

  it('rejects within the timeout while the receiver is down or silent, and delivers once it is back', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sink = await sinkFor(`splunk-hec+http://127.0.0.1:${port}?token_env=SPLUNK_TOKEN&timeout_ms=300&connect_timeout_ms=300`);
    expect((await sinkError(sink.send(batch(1, 1), signal))).context).toMatchObject({ code: 'ECONNREFUSED', retryable: true });

    const requests: Received[] = [];
    let silent = true;
    await listen(
      createServer(collector(requests, (_req, res) => (silent ? undefined : res.end('{"text":"Success","code":0}')))),
      port,
    );
    expect((await sinkError(sink.send(batch(1, 1), signal))).context).toMatchObject({ timeout: true });
    silent = false;
    await sink.send(batch(2, 1), signal);
    expect(requests.length).toBeGreaterThanOrEqual(2);
  });

  it('honours the abort signal', async () => {
    const port = await listen(createServer(() => undefined));
    const sink = await sinkFor(`splunk-hec+http://127.0.0.1:${port}?token_env=SPLUNK_TOKEN&timeout_ms=60000`);
    const controller = new AbortController();
    const sending = sink.send(batch(1, 1), controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect((await sinkError(sending)).context).toMatchObject({ aborted: true });
    await sink.close();
    await sink.close();
    expect((await sinkError(sink.send(batch(1, 1), signal))).context).toMatchObject({ closed: true });
  });

  describe.skipIf(!HAS_OPENSSL)('over HTTPS', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'bulwark-hec-tls-'));
      const r = spawnSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('trusts the receiver through ca_file and refuses it without', async () => {
      const requests: Received[] = [];
      const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, collector(requests));
      const port = await listen(server as unknown as Server);
      const trusted = await sinkFor(`splunk-hec+https://127.0.0.1:${port}?token_env=SPLUNK_TOKEN&ca_file=${encodeURIComponent(join(dir, 'cert.pem'))}`);
      await trusted.send(batch(1, 2), signal);
      expect(splitConcatenated(requests[0]?.body ?? '')).toHaveLength(2);
      const untrusted = await sinkFor(`splunk-hec+https://127.0.0.1:${port}?token_env=SPLUNK_TOKEN`);
      await sinkError(untrusted.send(batch(3, 1), signal));
      expect(requests).toHaveLength(1);
    });
  });
});
