// End to end: upstream faults (errors, silence, resets, broken streams, drips, huge and invalid answers, a dead
// upstream) reach the openai client as clear errors, never as hangs, and each leaves one system/error event.
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../src/core/event.js';
import { startGateway, type RunningGateway } from '../src/gateway/start.js';
import { DEFAULT_POLICY } from '../src/policy/default-policy.js';
import { validateConfig } from '../src/policy/load.js';
import { createSimulator, type Simulator } from '../src/simulator/server.js';

type ApiError = InstanceType<typeof OpenAI.APIError>;

const UPSTREAM_KEY = 'upstream-secret-key-faults-0123456789';
const TIMEOUT_MS = 500;
const PROMPT = [{ role: 'user' as const, content: 'What is the capital of France?' }];

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(upstreams: Record<string, unknown>[]) {
  process.env['BULWARK_TEST_FAULTS_UPSTREAM_KEY'] = UPSTREAM_KEY;
  return validateConfig(
    {
      version: 1,
      upstreams,
      auth: { apiKeys: { enabled: true }, anonymous: { enabled: false } },
      // Tokens are not what is tested here: the huge answer alone reports over a million completion tokens.
      limits: { requestsPerMinute: 10_000, tokensPerMinute: 1_000_000_000, concurrency: 64 },
      // "passthrough" guards nothing: the gateway is a plain proxy and reads answers only to forward them.
      // "fixedbudget" is the default policy with budgets that do not grow with the text: 10 ms for any size.
      policies: {
        default: DEFAULT_POLICY,
        passthrough: { input: [], output: [], tool_call: [], tool_result: [] },
        fixedbudget: { ...DEFAULT_POLICY, output: (DEFAULT_POLICY.output ?? []).map((r) => ({ ...r, budgetMsPerKb: 0 })) },
      },
      defaultPolicy: 'default',
    },
    'faults-test',
  );
}

let clients = 0;
async function clientFor(gw: RunningGateway, policy: string): Promise<OpenAI> {
  const { key } = await gw.store.keys.create({ name: `faults-${policy}-${++clients}`, models: ['*'], policy });
  return new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0, timeout: 15_000 });
}

/** The one event recorded for a request (by the x-request-id the client saw). */
async function eventOf(gw: RunningGateway, requestId: string | null | undefined): Promise<SecurityEvent> {
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const events = await gw.store.events.query({ requestId: requestId! });
  expect(events).toHaveLength(1);
  return events[0]!;
}

async function expectSystemError(gw: RunningGateway, requestId: string | null | undefined, reason: string | RegExp): Promise<SecurityEvent> {
  const event = await eventOf(gw, requestId);
  expect(event.kind).toBe('system');
  expect(event.decision).toBe('error');
  expect(String(event.attributes?.['reason'])).toMatch(reason);
  return event;
}

/** Calls `create` and returns the APIError it must reject with. */
async function apiError(call: Promise<unknown>): Promise<ApiError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as ApiError;
}

/** Iterates a stream to its end; returns the text seen and the error that ended it, if any. */
async function drain(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<{ text: string; error?: ApiError }> {
  let text = '';
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  } catch (e) {
    expect(e).toBeInstanceOf(OpenAI.APIError);
    return { text, error: e as ApiError };
  }
  return { text };
}

let sim: Simulator;
let gw: RunningGateway;
let client: OpenAI;
let plain: OpenAI;

beforeAll(async () => {
  // A drip of one part every 150 ms: well inside the 500 ms idle timeout, while the whole answer takes longer.
  sim = await createSimulator({ requireKey: UPSTREAM_KEY, slowIntervalMs: 150 });
  const dead = await closedPort();
  gw = await startGateway({
    config: config([
      { name: 'sim', url: `${sim.url}/v1`, models: ['sim-*'], apiKey: { env: 'BULWARK_TEST_FAULTS_UPSTREAM_KEY' }, timeoutMs: TIMEOUT_MS },
      { name: 'dead', url: `http://127.0.0.1:${dead}/v1`, models: ['dead-*'], timeoutMs: TIMEOUT_MS },
    ]),
    storeUrl: ':memory:',
    port: 0,
    host: '127.0.0.1',
  });
  client = await clientFor(gw, 'default');
  plain = await clientFor(gw, 'passthrough');
});

afterAll(async () => {
  await gw?.stop();
  await sim?.close();
});

describe('upstream faults through the gateway', () => {
  it('an upstream 500 becomes a 502 with the upstream error passed on', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'sim-fault-500', messages: PROMPT }));
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/simulated by sim-fault-500/);
    expect(err.headers?.get('x-bulwark-decision')).toBe('allow');
    await expectSystemError(gw, err.requestID, 'upstream_status_500');
  });

  it('an upstream that never answers gives 504 soon after the upstream timeout, streaming or not', async () => {
    for (const stream of [false, true]) {
      const started = performance.now();
      const err = await apiError(client.chat.completions.create({ model: 'sim-fault-timeout', messages: PROMPT, stream }));
      // undici's timers tick every ~500 ms: the answer comes between one and two timeouts later, never "hangs".
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS * 4);
      expect(err.status).toBe(504);
      expect(err.code).toBe('upstream_timeout');
      // The input passed the guard; the upstream failed: the header keeps the guard's decision.
      expect(err.headers?.get('x-bulwark-decision')).toBe('allow');
      await expectSystemError(gw, err.requestID, 'upstream_timeout');
    }
    // The held requests were abandoned by the gateway, not left open upstream.
    await expect.poll(() => sim.openResponses).toBe(0);
  });

  it('a connection reset mid-stream ends the stream with an error event after the partial answer', async () => {
    const { data: stream, response } = await client.chat.completions.create({ model: 'sim-fault-reset', messages: PROMPT, stream: true }).withResponse();
    const { text, error } = await drain(stream);
    expect(error?.code).toBe('upstream_reset');
    expect(error?.type).toBe('upstream_error');
    // Whatever arrived before the reset may have been released; nothing beyond what the upstream sent.
    expect('Sure! Here is a helpful answer'.startsWith(text.slice(0, 30))).toBe(true);
    const event = await expectSystemError(gw, response.headers.get('x-request-id'), /.+/);
    expect(event.attributes?.['streamEnd']).toBe('upstream_error');
  });

  it('a connection reset in a non-streaming answer is a 502, not an internal error (regression)', async () => {
    // The simulator announces the full Content-Length, sends half, then drops the connection.
    for (const api of [client, plain]) {
      const err = await apiError(api.chat.completions.create({ model: 'sim-fault-reset', messages: PROMPT }));
      expect(err.status).toBe(502);
      expect(err.code).toBe('upstream_reset');
      await expectSystemError(gw, err.requestID, 'upstream_reset');
    }
  });

  it('a malformed event stream ends with a stream error', async () => {
    // Guarded: the gateway parses every event and stops at the first broken one with an error event.
    const { data: stream, response } = await client.chat.completions.create({ model: 'sim-fault-malformed-sse', messages: PROMPT, stream: true }).withResponse();
    expect((await drain(stream)).error?.code).toBe('malformed_stream');
    await expectSystemError(gw, response.headers.get('x-request-id'), /invalid JSON|malformed/i);
    // A plain proxy relays events verbatim: the client's own parser meets the broken event and throws.
    const quiet = plain.withOptions({ logLevel: 'off' });
    const relayed = await quiet.chat.completions.create({ model: 'sim-fault-malformed-sse', messages: PROMPT, stream: true });
    const thrown = await (async () => {
      for await (const chunk of relayed) expect(chunk.object).toBe('chat.completion.chunk');
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(SyntaxError);
  });

  it('a slow drip completes as long as the chunks keep coming, streaming and not', async () => {
    const started = performance.now();
    const whole = await client.chat.completions.create({ model: 'sim-fault-slow', messages: PROMPT });
    // Five parts, 150 ms apart: longer in total than the 500 ms upstream timeout, which is an idle timeout.
    expect(performance.now() - started).toBeGreaterThan(TIMEOUT_MS);
    expect(whole.choices[0]?.message.content).toMatch(/^Sure! Here is a helpful answer/);
    const { data: stream, response } = await client.chat.completions.create({ model: 'sim-fault-slow', messages: PROMPT, stream: true, max_tokens: 8 }).withResponse();
    const { text, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(whole.choices[0]?.message.content?.startsWith(text)).toBe(true);
    expect(text.length).toBeGreaterThan(10);
    const event = await eventOf(gw, response.headers.get('x-request-id'));
    expect(event.kind).toBe('detection');
    expect(event.attributes?.['streamEnd']).toBe('done');
  });

  it('a 5 MB answer: passed whole by a plain proxy and by the default policy (its budgets grow with the text); a fixed budget fails closed', async () => {
    const rss = process.memoryUsage().rss;
    const { data, response } = await plain.chat.completions.create({ model: 'sim-fault-huge', messages: PROMPT }).withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0]?.message.content?.length).toBe(5 * 1024 * 1024);
    // The default policy scans the whole answer: 10 ms + 0.5 ms per KB per detector is enough for 5 MB.
    const guarded = await client.chat.completions.create({ model: 'sim-fault-huge', messages: PROMPT }).withResponse();
    expect(guarded.data.choices[0]?.message.content?.length).toBe(5 * 1024 * 1024);
    expect((await eventOf(gw, guarded.response.headers.get('x-request-id'))).failures).toEqual([]);
    // With budgets that do not grow, the secrets rule (fail closed) cannot scan 5 MB in 10 ms: a clean policy
    // error, decided by the policy, recorded with the failure.
    const fixed = await clientFor(gw, 'fixedbudget');
    const err = await apiError(fixed.chat.completions.create({ model: 'sim-fault-huge', messages: PROMPT }));
    expect(err.status).toBe(400);
    expect(err.type).toBe('bulwark_policy_violation');
    expect(err.message).toMatch(/could not finish .* fails closed/);
    const event = await eventOf(gw, err.requestID);
    expect(event.decision).toBe('block');
    expect(event.failures.some((f) => f.code === 'ERR_DETECTOR_TIMEOUT' && f.failMode === 'closed')).toBe(true);
    // A few copies of 5 MB, not an unbounded pile-up (a loose bound: rss is noisy).
    expect(process.memoryUsage().rss - rss).toBeLessThan(400 * 1024 * 1024);
  });

  it('a 5 MB streamed answer is relayed whole by a plain proxy and by the default policy, and cut by a fixed budget', async () => {
    const stream = await plain.chat.completions.create({ model: 'sim-fault-huge', messages: PROMPT, stream: true });
    const { text, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(text.length).toBe(5 * 1024 * 1024);
    const scanned = await drain(await client.chat.completions.create({ model: 'sim-fault-huge', messages: PROMPT, stream: true }));
    expect(scanned.error).toBeUndefined();
    expect(scanned.text).toBe(text);
    // Fixed budgets: released in hold-back windows until a check fails closed: at the latest the end-of-stream
    // check of the whole text (secrets over its budget), earlier if a window scan overran on a loaded machine.
    const fixed = await clientFor(gw, 'fixedbudget');
    const guarded = await drain(await fixed.chat.completions.create({ model: 'sim-fault-huge', messages: PROMPT, stream: true }));
    expect(guarded.error?.type).toBe('bulwark_policy_violation');
    expect(guarded.error?.message).toMatch(/could not finish .* fails closed/);
    expect(text.startsWith(guarded.text)).toBe(true);
  });

  it('an answer that is not JSON gives 502 when the gateway has to read it', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'sim-fault-bad-json', messages: PROMPT }));
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_invalid_json');
    await expectSystemError(gw, err.requestID, 'upstream_invalid_json');
  });

  it('a plain proxy policy forwards a non-JSON answer as it came (it never parses answers)', async () => {
    const { key } = await gw.store.keys.create({ name: 'faults-raw', models: ['*'], policy: 'passthrough' });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-fault-bad-json', messages: PROMPT }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<upstream crashed mid-body>$/);
  });

  it('a client that goes away while the answer is read leaves a client_closed event, and the upstream call is dropped', async () => {
    const controller = new AbortController();
    const call = client.chat.completions.create({ model: 'sim-fault-slow', messages: PROMPT }, { signal: controller.signal }).catch((e: unknown) => e);
    await expect.poll(() => sim.openResponses, { interval: 5 }).toBeGreaterThanOrEqual(1);
    const before = new Date(Date.now() - 1000);
    controller.abort();
    expect(await call).toBeInstanceOf(OpenAI.APIUserAbortError);
    await expect.poll(() => sim.openResponses).toBe(0);
    await expect
      .poll(async () => (await gw.store.events.query({ since: before, kind: 'system' })).map((e) => e.attributes?.['reason']))
      .toContain('client_closed');
  });

  it('an unreachable upstream gives 502 at once', async () => {
    for (const stream of [false, true]) {
      const started = performance.now();
      const err = await apiError(client.chat.completions.create({ model: 'dead-model', messages: PROMPT, stream }));
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
      expect(err.status).toBe(502);
      expect(err.code).toBe('upstream_unreachable');
      await expectSystemError(gw, err.requestID, 'upstream_unreachable');
    }
  });

  it('the gateway still serves ordinary requests after all of that', async () => {
    const ok = await client.chat.completions.create({ model: 'sim-echo', messages: [{ role: 'user', content: 'still there?' }] });
    expect(ok.choices[0]?.message.content).toContain('still there?');
    expect(gw.gateway.inFlight).toBeLessThanOrEqual(1);
  });
});

describe('stalls and size limits', () => {
  let stallSim: Simulator;
  let small: RunningGateway;
  let smallClient: OpenAI;

  beforeAll(async () => {
    // Parts 3 s apart: the first arrives at once, then the upstream goes quiet for longer than the timeout.
    stallSim = await createSimulator({ slowIntervalMs: 3000 });
    small = await startGateway({
      config: config([{ name: 'stall', url: `${stallSim.url}/v1`, models: ['*'], timeoutMs: TIMEOUT_MS }]),
      storeUrl: ':memory:',
      port: 0,
      host: '127.0.0.1',
      maxResponseBytes: 1024 * 1024,
    });
    smallClient = await clientFor(small, 'passthrough');
  });

  afterAll(async () => {
    await small?.stop();
    await stallSim?.close();
  });

  it('an answer over the response limit is a clean 502 upstream_response_too_large, and the rest is not read', async () => {
    const err = await apiError(smallClient.chat.completions.create({ model: 'sim-fault-huge', messages: PROMPT }));
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_response_too_large');
    await expectSystemError(small, err.requestID, 'upstream_response_too_large');
    // The gateway dropped the upstream response after 1 MiB instead of draining the remaining 4 MiB.
    await expect.poll(() => stallSim.openResponses).toBe(0);
  });

  it('a stream that stalls mid-way ends with an upstream_timeout error event', async () => {
    const started = performance.now();
    const { data: stream, response } = await smallClient.chat.completions.create({ model: 'sim-fault-slow', messages: PROMPT, stream: true }).withResponse();
    const { error } = await drain(stream);
    expect(performance.now() - started).toBeLessThan(2500);
    expect(error?.code).toBe('upstream_timeout');
    await expectSystemError(small, response.headers.get('x-request-id'), /timeout/i);
  });

  it('a non-streaming answer that stalls mid-body is a 504', async () => {
    const err = await apiError(smallClient.chat.completions.create({ model: 'sim-fault-slow', messages: PROMPT }));
    expect(err.status).toBe(504);
    expect(err.code).toBe('upstream_timeout');
    await expectSystemError(small, err.requestID, 'upstream_timeout');
  });
});
