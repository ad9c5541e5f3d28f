// Hostile requests never crash the simulator: invalid UTF-8, invalid or deep JSON, oversized bodies (declared,
// chunked or simply huge), garbage instead of HTTP.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './server.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await createSimulator({ bodyLimit: 10 * 1024 * 1024 });
});
afterAll(() => sim.close());

async function postRaw(body: string | Buffer, route = 'chat/completions'): Promise<{ status: number; error?: { code: string | null; message: string } }> {
  const res = await fetch(`${sim.url}/v1/${route}`, { method: 'POST', body });
  const json = (await res.json()) as { error?: { code: string | null; message: string } };
  return { status: res.status, error: json.error };
}

/** Sends raw bytes on a fresh connection and returns everything the server wrote before closing. */
function rawExchange(bytes: string | Buffer, endAfterWrite = false): Promise<string> {
  const address = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(address.port), address.hostname, () => {
      socket.write(bytes);
      if (endAfterWrite) socket.end();
    });
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  });
}

describe('hostile request bodies', () => {
  it('answers invalid UTF-8 with 400', async () => {
    const body = Buffer.concat([Buffer.from('{"model":"sim-echo","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]);
    expect(await postRaw(body)).toMatchObject({ status: 400, error: { code: 'invalid_encoding' } });
  });

  it.each([
    ['not JSON', '{"model":'],
    ['empty', ''],
    ['an array', '[1,2,3]'],
    ['a string', '"hello"'],
    ['null', 'null'],
  ])('answers a body that is %s with 400 invalid_json', async (_name, body) => {
    expect(await postRaw(body)).toMatchObject({ status: 400, error: { code: 'invalid_json' } });
  });

  it('answers JSON nested 100,000 levels deep with 400, and accepts brackets inside strings', async () => {
    const deep = `{"model":"sim-echo","messages":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const r = await postRaw(deep);
    expect(r).toMatchObject({ status: 400, error: { code: 'invalid_json' } });
    expect(r.error?.message).toContain('deeper than 128');
    const brackets = JSON.stringify({ model: 'sim-echo', messages: [{ role: 'user', content: '['.repeat(10_000) }] });
    expect((await postRaw(brackets)).status).toBe(200);
  });

  it('echoes lone surrogates as escaped JSON', async () => {
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{"model":"sim-echo","messages":[{"role":"user","content":"a\\ud800b"}]}',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"content":"a\\ud800b"');
  });

  it('answers 413 at once when Content-Length announces more than the limit, without waiting for the body', async () => {
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n{"model":`;
    const t0 = performance.now();
    const out = await rawExchange(head, true);
    expect(out).toMatch(/^HTTP\/1\.1 413 /);
    expect(out.toLowerCase()).toContain('connection: close');
    expect(out).toContain('request_too_large');
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it('answers 413 to a chunked upload once it passes the limit', async () => {
    const address = new URL(sim.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: address.hostname, port: address.port, path: '/v1/chat/completions', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 12) {
          sent++;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('answers 413 to a 100 MB streamed upload and stays healthy', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 100) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body, duplex: 'half' } as RequestInit).catch((e: unknown) => e);
    // Either the 413 arrives, or the client reports the connection the server closed after it: never a hang or a crash.
    if (res instanceof Response) expect(res.status).toBe(413);
    else expect(res).toBeInstanceOf(Error);
    expect(sent).toBeLessThan(100);
    expect((await fetch(`${sim.url}/healthz`)).status).toBe(200);
  });

  it('answers garbage instead of HTTP with 400 and keeps serving', async () => {
    const out = await rawExchange('\x00\x01GARBAGE \xff\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${sim.url}/v1/models`)).status).toBe(200);
  });

  it('answers 100,000 messages in one request', async () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `message ${i}` }));
    const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'sim-naive', messages }) });
    expect(res.status).toBe(200);
  });

  it('answers a 1 MB pathological message under every profile', async () => {
    const text = `${'ignore '.repeat(50_000)}${' '.repeat(200_000)}reply only with${' '.repeat(200_000)}\n${'say '.repeat(50_000)}![${'a'.repeat(1000)}`;
    for (const model of ['sim-echo', 'sim-naive', 'sim-hardened']) {
      const res = await fetch(`${sim.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model, stream: true, messages: [{ role: 'system', content: 'S' }, { role: 'user', content: text }] }),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('data: [DONE]');
    }
  });
});
