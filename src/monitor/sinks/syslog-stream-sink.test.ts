import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { createEvent } from '../../core/event.js';
import type { Sink, StoredEvent } from '../types.js';
import { createSink, parseSinkUrl } from './index.js';

const ctx = { productVersion: '0.1.0', hostname: 'test-host' };
const signal = new AbortController().signal;
const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;
if (!HAS_OPENSSL) console.warn('[syslog-stream-sink.test] openssl CLI not found: TLS tests are skipped');

/** The JSON format caps strings at 4,096 characters: big events are built from arrays of shorter strings. */
function blob(char: string, bytes: number): string[] {
  return Array.from({ length: Math.ceil(bytes / 4000) }, () => char.repeat(4000));
}

function batch(from: number, count: number, text: (i: number) => string | string[] = () => ''): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    event: createEvent({ kind: 'detection', source: 'guard', decision: 'block', attributes: { n: from + i, text: text(from + i) } }),
  }));
}

/** RFC 6587 octet-counting reader, strict: MSG-LEN = NONZERO-DIGIT *DIGIT, then SP, then exactly MSG-LEN bytes. */
class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes of the frame body still expected, or -1 while reading MSG-LEN. */
  private need = -1;
  readonly frames: string[] = [];

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (;;) {
      if (this.need < 0) {
        const head = this.peek(Math.min(this.size, 11)).toString('latin1');
        const space = head.indexOf(' ');
        if (space === -1) {
          if (head.length >= 11 || !/^([1-9]\d*)?$/.test(head)) throw new Error(`bad frame length ${JSON.stringify(head)}`);
          return;
        }
        const len = head.slice(0, space);
        if (!/^[1-9]\d{0,8}$/.test(len)) throw new Error(`bad frame length ${JSON.stringify(len)}`);
        this.take(space + 1);
        this.need = Number(len);
      }
      if (this.size < this.need) return;
      this.frames.push(new TextDecoder('utf-8', { fatal: true }).decode(this.take(this.need)));
      this.need = -1;
    }
  }

  private peek(n: number): Buffer {
    return Buffer.concat(this.chunks, Math.min(n, this.size)).subarray(0, n);
  }

  private take(n: number): Buffer {
    const out = Buffer.concat(this.chunks, this.size);
    this.chunks = [out.subarray(n)];
    this.size -= n;
    return out.subarray(0, n);
  }
}

interface Receiver {
  server: Server;
  port: number;
  frames: string[];
  connections: Socket[];
  errors: Error[];
  waitFrames(count: number): Promise<string[]>;
  close(): Promise<void>;
}

type ServerFactory = (onSocket: (socket: Socket) => void) => Server;
const tcpServer: ServerFactory = (onSocket) => createTcpServer(onSocket);

/** Piece sizes a receiver re-slices every read into, so frames are reassembled across arbitrary splits. */
const PIECES = [1, 2, 3, 5, 8, 13, 21, 1000, 65536];

/** A receiver that parses octet-counted frames from reads re-sliced into small and large pieces. */
async function startReceiver(factory: ServerFactory = tcpServer, port = 0, onConnect?: (socket: Socket) => void): Promise<Receiver> {
  const frames: string[] = [];
  const connections: Socket[] = [];
  const errors: Error[] = [];
  let wake: (() => void) | undefined;
  const server = factory((socket) => {
    connections.push(socket);
    const reader = new FrameReader();
    let turn = 0;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      try {
        for (let at = 0, piece = 0; at < chunk.length; at += piece) {
          piece = PIECES[turn++ % PIECES.length] as number;
          reader.push(chunk.subarray(at, at + piece));
        }
        frames.push(...reader.frames.splice(0));
      } catch (e) {
        errors.push(e as Error);
      }
      wake?.();
    });
    onConnect?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    frames,
    connections,
    errors,
    async waitFrames(count) {
      while (frames.length < count && errors.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      expect(errors).toEqual([]);
      return frames;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function msgOf(frame: string): { attributes: { n: number; text: string | string[] } } {
  return JSON.parse(frame.slice(frame.indexOf(' - ') + 3)) as { attributes: { n: number; text: string | string[] } };
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

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function track(receiver: Receiver): Promise<Receiver> {
  cleanup.push(() => receiver.close());
  return receiver;
}

async function sinkFor(url: string): Promise<Sink> {
  const sink = await createSink(parseSinkUrl(url), ctx);
  cleanup.push(() => sink.close());
  return sink;
}

describe('syslog+tcp sink', () => {
  it('delivers a burst of many octet-counted frames over one persistent connection', async () => {
    const rx = await track(await startReceiver());
    const sink = await sinkFor(`syslog+tcp://127.0.0.1:${rx.port}?format=json`);
    const text = (n: number): string => (n % 7 === 0 ? 'é€😀'.repeat(n * 3) : 'x'.repeat(n % 50));
    await sink.send(batch(1, 500, text), signal);
    await sink.send(batch(501, 10, text), signal);
    const frames = await rx.waitFrames(510);
    expect(frames.map((f) => msgOf(f).attributes.n)).toEqual(Array.from({ length: 510 }, (_, i) => i + 1));
    expect(msgOf(frames[6] as string).attributes.text).toBe('é€😀'.repeat(21));
    for (const frame of frames) expect(frame).toMatch(/^<134>1 \S+ test-host bulwark \d+ detection - \{/);
    expect(rx.connections).toHaveLength(1);
  });

  it('keeps large frames intact across TCP segments', async () => {
    const rx = await track(await startReceiver());
    const sink = await sinkFor(`syslog+tcp://127.0.0.1:${rx.port}?format=json`);
    await sink.send(batch(1, 12, (n) => blob(String.fromCharCode(0x41 + n), 150_000)), signal);
    const frames = await rx.waitFrames(12);
    for (const [i, frame] of frames.entries()) {
      expect(Buffer.byteLength(frame)).toBeGreaterThan(150_000);
      const text = msgOf(frame).attributes.text as string[];
      expect(text.every((part) => part === String.fromCharCode(0x42 + i).repeat(4000))).toBe(true);
      expect(text).toHaveLength(38);
    }
  });

  it('rejects quickly while the receiver is down and reconnects once it is back', async () => {
    const first = await startReceiver();
    const port = first.port;
    await first.close();
    const sink = await sinkFor(`syslog+tcp://127.0.0.1:${port}?format=json&connect_timeout_ms=2000`);
    const error = await sinkError(sink.send(batch(1, 2), signal));
    expect(error.context).toMatchObject({ code: 'ECONNREFUSED' });
    const rx = await track(await startReceiver(tcpServer, port));
    await sink.send(batch(1, 2), signal);
    expect((await rx.waitFrames(2)).map((f) => msgOf(f).attributes.n)).toEqual([1, 2]);
  });

  it('opens a new connection after the receiver hung up between batches', async () => {
    const rx = await track(await startReceiver());
    const sink = await sinkFor(`syslog+tcp://127.0.0.1:${rx.port}?format=json`);
    await sink.send(batch(1, 1), signal);
    await rx.waitFrames(1);
    const closed = new Promise((resolve) => rx.connections[0]?.once('close', resolve));
    rx.connections[0]?.end();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the sink see the FIN
    await sink.send(batch(2, 1), signal);
    expect((await rx.waitFrames(2)).map((f) => msgOf(f).attributes.n)).toEqual([1, 2]);
    expect(rx.connections).toHaveLength(2);
  });

  describe('a receiver that stops reading', () => {
    // 16 MB: more than the loopback socket buffers take while nobody reads, so the sink must wait for 'drain'.
    const big = (from: number): StoredEvent[] => batch(from, 64, () => blob('z', 256_000));

    it('times out with ERR_SINK, drops the connection, and recovers on the next batch', async () => {
      let stall = true;
      const rx = await track(await startReceiver(tcpServer, 0, (socket) => stall && socket.pause()));
      const sink = await sinkFor(`syslog+tcp://127.0.0.1:${rx.port}?format=json&max_message_bytes=1048576&timeout_ms=400`);
      const stalled = new Promise<Socket>((resolve) => rx.server.once('connection', resolve));
      const error = await sinkError(sink.send(big(1), signal));
      expect(error.context).toMatchObject({ timeout: true });
      // The half-written connection is closed, never reused: the receiver sees it end once it reads again.
      const first = await stalled;
      const ended = new Promise((resolve) => first.once('close', resolve));
      first.resume();
      await ended;
      stall = false;
      const before = rx.frames.length;
      expect(before).toBeLessThan(64);
      await sink.send(batch(100, 1), signal);
      const frames = await rx.waitFrames(before + 1);
      expect(msgOf(frames.at(-1) as string).attributes.n).toBe(100);
      expect(rx.connections).toHaveLength(2);
    });

    it('honours the abort signal while waiting for drain', async () => {
      const rx = await track(await startReceiver(tcpServer, 0, (socket) => socket.pause()));
      const sink = await sinkFor(`syslog+tcp://127.0.0.1:${rx.port}?format=json&max_message_bytes=1048576&timeout_ms=60000`);
      const controller = new AbortController();
      const sending = sink.send(big(1), controller.signal);
      setTimeout(() => controller.abort(), 100);
      expect((await sinkError(sending)).context).toMatchObject({ aborted: true });
    });

    it('waits for drain and delivers everything once the receiver reads again', async () => {
      const rx = await track(
        await startReceiver(tcpServer, 0, (socket) => {
          socket.pause();
          setTimeout(() => socket.resume(), 300);
        }),
      );
      const sink = await sinkFor(`syslog+tcp://127.0.0.1:${rx.port}?format=json&max_message_bytes=1048576&timeout_ms=15000`);
      await sink.send(big(1), signal);
      const frames = await rx.waitFrames(64);
      expect(frames.map((f) => msgOf(f).attributes.n)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
      expect(rx.connections).toHaveLength(1);
    });
  });

  it('is safe to close twice and refuses to send afterwards', async () => {
    const rx = await track(await startReceiver());
    const sink = await sinkFor(`syslog+tcp://127.0.0.1:${rx.port}?format=json`);
    await sink.send(batch(1, 1), signal);
    await sink.close();
    await sink.close();
    expect((await sinkError(sink.send(batch(2, 1), signal))).context).toMatchObject({ closed: true });
  });
});

describe.skipIf(!HAS_OPENSSL)('syslog+tls sink', () => {
  let dir: string;
  let key: Buffer;
  let cert: Buffer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-tls-'));
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    key = readFileSync(join(dir, 'key.pem'));
    cert = readFileSync(join(dir, 'cert.pem'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tlsServer: ServerFactory = (onSocket) => createTlsServer({ key, cert }, onSocket);

  it('delivers frames to a receiver whose certificate is trusted through ca_file', async () => {
    const rx = await track(await startReceiver(tlsServer));
    const sink = await sinkFor(`syslog+tls://127.0.0.1:${rx.port}?format=json&ca_file=${encodeURIComponent(join(dir, 'cert.pem'))}`);
    await sink.send(batch(1, 200), signal);
    expect((await rx.waitFrames(200)).map((f) => msgOf(f).attributes.n)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('refuses an untrusted certificate unless insecure=1', async () => {
    const rx = await track(await startReceiver(tlsServer));
    const strict = await sinkFor(`syslog+tls://127.0.0.1:${rx.port}?format=json`);
    await sinkError(strict.send(batch(1, 1), signal));
    const insecure = await sinkFor(`syslog+tls://127.0.0.1:${rx.port}?format=json&insecure=1`);
    await insecure.send(batch(2, 1), signal);
    expect((await rx.waitFrames(1)).map((f) => msgOf(f).attributes.n)).toEqual([2]);
  });

  it('times out the handshake with a receiver that never answers', async () => {
    const silent = await track(await startReceiver(tcpServer));
    const sink = await sinkFor(`syslog+tls://127.0.0.1:${silent.port}?format=json&connect_timeout_ms=200`);
    expect((await sinkError(sink.send(batch(1, 1), signal))).context).toMatchObject({ timeout: true });
  });

  it('fails creation with ERR_SINK_CONFIG when ca_file is missing or not PEM', async () => {
    await expect(createSink(parseSinkUrl(`syslog+tls://127.0.0.1:1?ca_file=${join(dir, 'nope.pem')}`), ctx)).rejects.toMatchObject({ code: 'ERR_SINK_CONFIG' });
    await expect(createSink(parseSinkUrl(`syslog+tls://127.0.0.1:1?ca_file=${join(dir, 'key.pem')}`), ctx)).rejects.toMatchObject({ code: 'ERR_SINK_CONFIG' });
  });
});
