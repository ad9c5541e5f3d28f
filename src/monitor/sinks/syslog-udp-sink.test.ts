import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../core/event.js';
import type { Sink, StoredEvent } from '../types.js';
import { createSink, parseSinkUrl } from './index.js';

const ctx = { productVersion: '0.1.0', hostname: 'test-host' };
const signal = new AbortController().signal;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function batch(from: number, count: number, text = ''): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    event: createEvent({ kind: 'detection', source: 'guard', decision: 'block', attributes: { n: from + i, text } }),
  }));
}

describe('syslog+udp sink', () => {
  let receiver: Socket;
  let port: number;
  let datagrams: Buffer[];
  let waiters: (() => void)[];
  let sink: Sink | undefined;

  beforeEach(async () => {
    datagrams = [];
    waiters = [];
    receiver = createSocket('udp4');
    receiver.on('message', (msg) => {
      datagrams.push(msg);
      for (const wake of waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await sink?.close();
    sink = undefined;
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  async function received(count: number): Promise<Buffer[]> {
    while (datagrams.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return datagrams;
  }

  it('sends one RFC 5424 datagram per event', async () => {
    sink = await createSink(parseSinkUrl(`syslog+udp://127.0.0.1:${port}?format=json&facility=local4&app_name=bw-test`), ctx);
    expect(sink.id).toBe(`syslog+udp://127.0.0.1:${port}?app_name=bw-test&facility=local4&format=json`);
    const events = batch(1, 3);
    await sink.send(events, signal);
    const got = await received(3);
    expect(got).toHaveLength(3);
    got.forEach((datagram, i) => {
      const text = datagram.toString('utf8');
      // local4 (20) * 8 + info (6) = 166
      expect(text).toMatch(/^<166>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z test-host bw-test \d+ detection - \{/);
      const msg = text.slice(text.indexOf(' - ') + 3);
      expect(JSON.parse(msg)).toEqual(JSON.parse(JSON.stringify(events[i]?.event)));
    });
  });

  it('cuts a long event to max_message_bytes on a UTF-8 boundary', async () => {
    sink = await createSink(parseSinkUrl(`syslog+udp://127.0.0.1:${port}?format=json&max_message_bytes=1000`), ctx);
    await sink.send(batch(1, 1, 'ü€😀'.repeat(500)), signal);
    const [datagram] = await received(1);
    expect(datagram?.length).toBeLessThanOrEqual(1000);
    expect(datagram?.length).toBeGreaterThan(996);
    expect(() => strictUtf8.decode(datagram)).not.toThrow();
  });

  it('rejects with ERR_SINK on abort and after close (a down receiver is invisible to UDP)', async () => {
    sink = await createSink(parseSinkUrl(`syslog+udp://127.0.0.1:${port}?format=json`), ctx);
    const aborted = new AbortController();
    aborted.abort();
    await expect(sink.send(batch(1, 1), aborted.signal)).rejects.toMatchObject({ code: 'ERR_SINK', context: { aborted: true } });
    await sink.close();
    await sink.close();
    await expect(sink.send(batch(1, 1), signal)).rejects.toMatchObject({ code: 'ERR_SINK', context: { closed: true } });
  });

  it('fails the batch before sending anything when an event cannot be formatted', async () => {
    sink = await createSink(parseSinkUrl(`syslog+udp://127.0.0.1:${port}?format=cef`), ctx);
    let cefReady = true;
    try {
      await sink.send(batch(1, 1), signal);
    } catch (e) {
      cefReady = false;
      expect(e).toMatchObject({ code: 'ERR_SINK', context: { format: 'cef' } });
      expect(datagrams).toHaveLength(0);
    }
    if (cefReady) {
      // The CEF formatter exists: the datagram carries a CEF line after the syslog header.
      const [datagram] = await received(1);
      expect(datagram?.toString('utf8')).toMatch(/^<\d+>1 \S+ test-host bulwark \d+ detection - CEF:\d\|/);
    }
  });
});
