// End to end: the gateway's limits. Requests and tokens per minute (429 with Retry-After), concurrent requests
// (429, the slot comes back when the first request ends), body size (413), message count and max_tokens caps (400);
// none of them reaches the upstream, and each is recorded as a limit event.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/gateway/start.js';
import { DEFAULT_POLICY } from '../src/policy/default-policy.js';
import { validateConfig } from '../src/policy/load.js';
import { createSimulator, type Simulator } from '../src/simulator/server.js';

type ApiError = InstanceType<typeof OpenAI.APIError>;

const BODY_LIMIT = 64 * 1024;
const MAX_MESSAGES = 8;
const MAX_TOKENS = 1024;
const HELLO = [{ role: 'user' as const, content: 'What is the capital of France?' }];

let sim: Simulator;
let gw: RunningGateway;

beforeAll(async () => {
  // sim-fault-slow drips its answer in five parts 100 ms apart: a request that stays in flight for ~400 ms.
  sim = await createSimulator({ slowIntervalMs: 100 });
  const config = validateConfig(
    {
      version: 1,
      server: { bodyLimitBytes: BODY_LIMIT },
      upstreams: [{ name: 'sim', url: `${sim.url}/v1`, models: ['sim-*'], timeoutMs: 5000 }],
      auth: { apiKeys: { enabled: true }, anonymous: { enabled: false } },
      limits: { requestsPerMinute: 1000, tokensPerMinute: 10_000_000, concurrency: 64, maxMessages: MAX_MESSAGES, maxTokens: MAX_TOKENS },
      // "noinput": the caps tests send bodies near the size limit, whose input scan could overrun its time budget on
      // a loaded machine (and fail closed); the caps are checked before any detector either way.
      policies: { default: DEFAULT_POLICY, noinput: { ...DEFAULT_POLICY, input: [] }, passthrough: {} },
    },
    'limits-test',
  );
  gw = await startGateway({ config, storeUrl: ':memory:', port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await gw?.stop();
  await sim?.close();
});

async function keyed(name: string, limits: { rpm?: number; tpm?: number; concurrency?: number } = {}, policy = 'default'): Promise<{ key: string; api: OpenAI }> {
  const { key } = await gw.store.keys.create({ name, models: ['sim-*'], policy, ...limits });
  return { key, api: new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }) };
}

async function rejection(call: Promise<unknown>): Promise<ApiError> {
  const e = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OpenAI.APIError);
  return e as ApiError;
}

async function expectLimitEvent(requestId: string | null | undefined, reason: string): Promise<void> {
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const events = await gw.store.events.query({ requestId: requestId! });
  expect(events).toHaveLength(1);
  expect(events[0]?.kind).toBe('limit');
  expect(events[0]?.decision).toBe('block');
  expect(events[0]?.attributes?.['reason']).toBe(reason);
}

describe('rate limits', () => {
  it('a key with rpm 3 gets 429 with Retry-After on its 4th request in a minute; other keys are not affected', async () => {
    const { api } = await keyed('rpm-three', { rpm: 3 });
    for (let i = 0; i < 3; i++) expect((await api.chat.completions.create({ model: 'sim-echo', messages: HELLO })).choices).toHaveLength(1);
    sim.clearRequests();
    const err = await rejection(api.chat.completions.create({ model: 'sim-echo', messages: HELLO }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('rpm_limit');
    expect(err.headers?.get('x-bulwark-decision')).toBe('block');
    const retryAfter = Number(err.headers?.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(61);
    expect(sim.lastRequests).toHaveLength(0);
    await expectLimitEvent(err.requestID, 'rpm_limit');
    // Streaming requests count the same way.
    expect((await rejection(api.chat.completions.create({ model: 'sim-echo', messages: HELLO, stream: true }))).status).toBe(429);
    const other = await keyed('rpm-neighbour', { rpm: 3 });
    expect((await other.api.chat.completions.create({ model: 'sim-echo', messages: HELLO })).choices).toHaveLength(1);
  });

  it('a request that alone needs more tokens than the tpm gets 429 without Retry-After (retrying cannot help)', async () => {
    const { api } = await keyed('tpm-tiny', { tpm: 50 });
    sim.clearRequests();
    const err = await rejection(api.chat.completions.create({ model: 'sim-echo', messages: HELLO, max_tokens: 100 }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('tpm_limit');
    expect(err.message).toMatch(/more than the limit of 50/);
    expect(err.headers?.get('retry-after')).toBeNull();
    expect(sim.lastRequests).toHaveLength(0);
    await expectLimitEvent(err.requestID, 'tpm_limit');
  });

  it('a small tpm is used up by a few requests, then 429 with Retry-After', async () => {
    const { api } = await keyed('tpm-small', { tpm: 600 });
    let denied: ApiError | undefined;
    let served = 0;
    for (let i = 0; i < 20 && !denied; i++) {
      try {
        await api.chat.completions.create({ model: 'sim-echo', messages: HELLO, max_tokens: 200 });
        served++;
      } catch (e) {
        denied = e as ApiError;
      }
    }
    // Each request reserves its prompt plus max_tokens and is then charged what it used: a few fit, not twenty.
    expect(served).toBeGreaterThanOrEqual(1);
    expect(denied?.status).toBe(429);
    expect(denied?.code).toBe('tpm_limit');
    expect(Number(denied?.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('tokens actually used', () => {
  // sim-fault-huge answers max_tokens tokens (4 characters each, as the simulator counts): 1000 here. The tpm of
  // 1500 fits one such request (prompt + 1000 reserved) but not two, once the first is charged what it used.
  const ask = { model: 'sim-fault-huge', messages: HELLO, max_tokens: 1000 };

  it.each([
    ['a guarded stream without usage', 'default', true],
    ['a plain-proxy stream without usage', 'passthrough', true],
    ['a plain-proxy answer (never parsed)', 'passthrough', false],
    ['a guarded answer', 'default', false],
  ] as const)('%s is charged for its completion', async (_what, policy, stream) => {
    const { api } = await keyed(`tpm-used-${policy}-${stream}`, { tpm: 1500 }, policy);
    if (stream) {
      let text = '';
      for await (const chunk of await api.chat.completions.create({ ...ask, stream: true })) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text.length).toBe(4000);
    } else {
      expect((await api.chat.completions.create(ask)).choices[0]?.message.content).toHaveLength(4000);
    }
    const err = await rejection(api.chat.completions.create({ ...ask, stream }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('tpm_limit');
  });
});

describe('concurrency', () => {
  it('with concurrency 1 a second request in flight gets 429, and the slot comes back when the first ends', async () => {
    const { api } = await keyed('one-at-a-time', { concurrency: 1 });
    const first = api.chat.completions.create({ model: 'sim-fault-slow', messages: HELLO });
    await expect.poll(() => sim.openResponses, { interval: 5 }).toBeGreaterThanOrEqual(1);
    const err = await rejection(api.chat.completions.create({ model: 'sim-echo', messages: HELLO }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('concurrency_limit');
    expect(err.headers?.get('retry-after')).toBe('1');
    await expectLimitEvent(err.requestID, 'concurrency_limit');
    expect((await first).choices[0]?.message.content).toMatch(/^Sure!/);
    const third = await api.chat.completions.create({ model: 'sim-echo', messages: HELLO });
    expect(third.choices).toHaveLength(1);
  });

  it('a streaming request holds its slot until the stream ends, and a client that goes away gives it back', async () => {
    const { api } = await keyed('one-stream', { concurrency: 1 });
    const stream = await api.chat.completions.create({ model: 'sim-fault-slow', messages: HELLO, stream: true });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    expect((await rejection(api.chat.completions.create({ model: 'sim-echo', messages: HELLO }))).status).toBe(429);
    // The client walks away mid-stream.
    stream.controller.abort();
    await expect
      .poll(async () => (await api.chat.completions.create({ model: 'sim-echo', messages: HELLO }).then(() => 'ok', (e: ApiError) => e.status)), { interval: 50, timeout: 3000 })
      .toBe('ok');
  });
});

describe('request caps', () => {
  let key: string;
  const post = (body: RequestInit['body'], headers: Record<string, string> = {}, extra: RequestInit = {}) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body, ...extra });

  beforeAll(async () => {
    key = (await keyed('caps', {}, 'noinput')).key;
  });

  it('a body over server.bodyLimitBytes gets 413, whether or not it declares its length', async () => {
    sim.clearRequests();
    const big = JSON.stringify({ model: 'sim-echo', messages: [{ role: 'user', content: 'a'.repeat(BODY_LIMIT) }] });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    await expectLimitEvent(declared.headers.get('x-request-id'), 'body_too_large');
    // Chunked: no Content-Length, the limit is found while reading.
    const bytes = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
        controller.close();
      },
    });
    const streamed = await post(chunked, {}, { duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(sim.lastRequests).toHaveLength(0);
    // Just under the limit is fine.
    const fits = JSON.stringify({ model: 'sim-echo', messages: [{ role: 'user', content: 'What is the capital of France? ' + ' '.repeat(BODY_LIMIT - 200) }] });
    expect((await post(fits)).status).toBe(200);
  });

  it('more messages than limits.maxMessages get 400 too_many_messages', async () => {
    const messages = Array.from({ length: MAX_MESSAGES + 1 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `message ${i}` }));
    const res = await post(JSON.stringify({ model: 'sim-echo', messages }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_messages');
    await expectLimitEvent(res.headers.get('x-request-id'), 'too_many_messages');
    expect((await post(JSON.stringify({ model: 'sim-echo', messages: messages.slice(0, MAX_MESSAGES) }))).status).toBe(200);
  });

  it.each([
    ['max_tokens above limits.maxTokens', { max_tokens: MAX_TOKENS + 1 }],
    ['max_completion_tokens above limits.maxTokens', { max_completion_tokens: MAX_TOKENS + 1 }],
    ['max_tokens 0', { max_tokens: 0 }],
    ['a negative max_tokens', { max_tokens: -5 }],
    ['a fractional max_tokens', { max_tokens: 10.5 }],
    ['max_tokens as a string', { max_tokens: '100' }],
  ])('%s gets 400 max_tokens_invalid', async (_what, extra) => {
    sim.clearRequests();
    const res = await post(JSON.stringify({ model: 'sim-echo', messages: HELLO, ...extra }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('max_tokens_invalid');
    expect(sim.lastRequests).toHaveLength(0);
  });

  it('max_tokens at the cap is accepted', async () => {
    expect((await post(JSON.stringify({ model: 'sim-echo', messages: HELLO, max_tokens: MAX_TOKENS }))).status).toBe(200);
  });
});
