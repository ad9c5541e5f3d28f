// Each fault model as a plain fetch client sees it: 500, silence until the client gives up, a reset mid-stream,
// malformed SSE, a drip, 5 MiB, and a body that is not JSON.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUGE_REPLY_CHARS } from './faults.js';
import { createSimulator, type Simulator } from './server.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await createSimulator();
});
afterAll(() => sim.close());

function post(model: string, extra: Record<string, unknown> = {}, init: RequestInit = {}, route = 'chat/completions', base = sim.url): Promise<Response> {
  const body = route === 'embeddings' ? { model, input: 'x', ...extra } : route === 'completions' ? { model, prompt: 'x', ...extra } : { model, messages: [{ role: 'user', content: 'hello' }], ...extra };
  return fetch(`${base}/v1/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });
}

/** Reads SSE events (the text between blank lines) until the stream ends or fails. */
async function readEvents(res: Response): Promise<{ events: string[]; error?: unknown; gapsMs: number[] }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: string[] = [];
  const gapsMs: number[] = [];
  let last = performance.now();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const now = performance.now();
      gapsMs.push(now - last);
      last = now;
      buffer += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        events.push(buffer.slice(0, i));
        buffer = buffer.slice(i + 2);
      }
    }
  } catch (error) {
    return { events, error, gapsMs };
  }
  return { events, gapsMs };
}

describe('fault models', () => {
  it('sim-fault-500 answers HTTP 500 with an OpenAI server_error, on every POST route', async () => {
    for (const route of ['chat/completions', 'completions', 'embeddings']) {
      const res = await post('sim-fault-500', {}, {}, route);
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('server_error');
    }
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'sim-fault-500', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.InternalServerError,
    );
  });

  it('sim-fault-timeout never answers; the request is released when the client gives up', async () => {
    const t0 = performance.now();
    await expect(post('sim-fault-timeout', {}, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/timeout|aborted/i);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    for (let i = 0; i < 50 && sim.openResponses > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.openResponses).toBe(0);
  });

  it('sim-fault-reset streams two chunks then drops the connection', async () => {
    const res = await post('sim-fault-reset', { stream: true });
    expect(res.status).toBe(200);
    const { events, error } = await readEvents(res);
    expect(events).toHaveLength(2);
    expect(events[0]).toContain('"role":"assistant"');
    expect(error).toBeInstanceOf(Error);
  });

  it('sim-fault-reset without streaming announces the full length and drops the connection halfway', async () => {
    const res = await post('sim-fault-reset');
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(100);
    await expect(res.text()).rejects.toThrow();
  });

  it('sim-fault-malformed-sse sends a data line with invalid JSON and a line that is not SSE', async () => {
    const res = await post('sim-fault-malformed-sse', { stream: true });
    const { events, error } = await readEvents(res);
    expect(error).toBeUndefined();
    expect(events.at(-1)).toBe('data: [DONE]');
    const data = events.filter((e) => e.startsWith('data: ') && e !== 'data: [DONE]').map((e) => e.slice(6));
    const invalid = data.filter((d) => {
      try {
        JSON.parse(d);
        return false;
      } catch {
        return true;
      }
    });
    expect(invalid.length).toBeGreaterThanOrEqual(2);
    expect(events.some((e) => !/^(?:data|event|id|retry):|^:/.test(e))).toBe(true);
    // Even a non-streaming request gets the broken event stream.
    expect((await post('sim-fault-malformed-sse')).headers.get('content-type')).toContain('text/event-stream');
  });

  it('sim-fault-slow drips one chunk per second', async () => {
    const res = await post('sim-fault-slow', { stream: true });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const t0 = performance.now();
    await reader.read();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
    await reader.cancel();
  });

  it('sim-fault-slow honours slowIntervalMs, for streams and dripped JSON bodies', async () => {
    const quick = await createSimulator({ slowIntervalMs: 30 });
    try {
      const t0 = performance.now();
      const { events } = await readEvents(await post('sim-fault-slow', { stream: true }, {}, 'chat/completions', quick.url));
      expect(events.at(-1)).toBe('data: [DONE]');
      expect(performance.now() - t0).toBeGreaterThanOrEqual((events.length - 1) * 30 - 20);
      const res = await post('sim-fault-slow', {}, {}, 'chat/completions', quick.url);
      const { gapsMs } = await readEvents(res.clone());
      expect(gapsMs.length).toBeGreaterThanOrEqual(3);
      expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    } finally {
      await quick.close();
    }
  });

  it('sim-fault-huge answers 5 MiB, plain and streamed', async () => {
    const res = await post('sim-fault-huge');
    const json = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(json.choices[0]?.message.content).toHaveLength(HUGE_REPLY_CHARS);
    const { events } = await readEvents(await post('sim-fault-huge', { stream: true }));
    const text = events
      .filter((e) => e !== 'data: [DONE]')
      .map((e) => (JSON.parse(e.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toHaveLength(HUGE_REPLY_CHARS);
    expect(events.length).toBeGreaterThan(100);
  });

  it('sim-fault-bad-json answers 200 application/json with a body that is not JSON', async () => {
    for (const stream of [false, true]) {
      const res = await post('sim-fault-bad-json', { stream });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const text = await res.text();
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
    }
  });

  it('leaves the server healthy after every fault', async () => {
    const res = await post('sim-echo');
    expect(res.status).toBe(200);
  });
});
