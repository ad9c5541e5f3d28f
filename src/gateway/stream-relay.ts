// Relays an upstream OpenAI event stream to the client through the guard: content deltas go through a hold-back
// scanner per choice, tool-call deltas are held until their choice finishes and is checked, everything else is
// forwarded at once. A violation or an upstream fault ends the stream with an error event.
import type { ServerResponse } from 'node:http';
import { errors as undiciErrors } from 'undici';
import type { ScanContextData } from '../detectors/contract.js';
import { createRestorer, redact, restore as restoreText, type RedactionVault, type Restorer } from '../detectors/redact.js';
import { HoldbackScanner } from '../guard/holdback.js';
import { mergeResults, runStage, type StageResult } from '../guard/run-stage.js';
import type { CompiledPolicy } from '../policy/types.js';
import type { CancelState } from './http/cancel.js';
import { SseParser, type SseEvent } from './http/sse.js';
import { completionTokensIn } from './openai/usage.js';
import type { UpstreamResponse } from './upstream.js';

type Json = Record<string, unknown>;

export interface RelayOutcome {
  /** Output-stage result over the whole stream. */
  result: StageResult;
  /** How the stream ended. */
  end: 'done' | 'blocked' | 'upstream_error' | 'client_closed';
  detail?: string;
  /** Completion tokens reported by the upstream, when it sent usage. */
  completionTokens?: number;
  /** Characters of content and tool-call arguments received (undefined on the pass-through path, which never parses). */
  completionChars?: number;
}

/** The legacy single `function_call` is held and checked like tool call number -1. */
const FUNCTION_CALL = -1;

interface ChoiceState {
  scanner: HoldbackScanner;
  restorer: Restorer | undefined;
  /** Arguments per tool call index, as received. */
  toolArgs: Map<number, string>;
  /** The `function` objects of the held chunks, in order, to write checked arguments back into. */
  toolFunctions: { call: number; fn: Json }[];
  heldToolChunks: Json[];
  /** The last chunk's fields other than `choices` (id, model, ...), for the chunks the relay writes itself. */
  template: Json;
  finished: boolean;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function errorEvent(type: string, code: string, message: string): string {
  return `data: ${JSON.stringify({ error: { message, type, param: null, code } })}\n\n`;
}

export async function relayStream(
  upstream: UpstreamResponse,
  res: ServerResponse,
  policy: CompiledPolicy,
  context: ScanContextData | undefined,
  vault: RedactionVault,
  signal: CancelState,
  format: 'chat' | 'completion' = 'chat',
): Promise<RelayOutcome> {
  const outputRules = policy.stages.output;
  const toolRules = policy.stages.tool_call;
  // The input's placeholders, restored in the upstream's text BEFORE it is checked (as the non-streaming path does):
  // restoring after the check would also undo the output's own redactions, which go into the same vault. A copy,
  // so that no placeholder the output stage makes can ever be restored.
  const inputVault: RedactionVault | undefined = policy.restoreRedactions && Object.keys(vault.entries).length > 0 ? { entries: { ...vault.entries }, counters: {} } : undefined;
  const passThrough = outputRules.length === 0 && toolRules.length === 0 && !inputVault;
  const choices = new Map<number, ChoiceState>();
  const toolResults: StageResult[] = [];
  const parser = new SseParser();
  let completionTokens: number | undefined;
  let chars = 0;

  const state = (index: number, template: Json): ChoiceState => {
    let s = choices.get(index);
    if (!s) {
      s = {
        scanner: new HoldbackScanner(outputRules, policy.streaming, context, vault),
        restorer: inputVault ? createRestorer(inputVault) : undefined,
        toolArgs: new Map(),
        toolFunctions: [],
        heldToolChunks: [],
        template,
        finished: false,
      };
      choices.set(index, s);
    }
    s.template = template;
    return s;
  };

  const write = (text: string): void => {
    if (!res.writableEnded) res.write(text);
  };
  const emitContent = (template: Json, index: number, content: string): void => {
    if (content === '') return;
    const choice = format === 'chat' ? { index, delta: { content }, finish_reason: null } : { index, text: content, finish_reason: null };
    write(`data: ${JSON.stringify({ ...template, choices: [choice] })}\n\n`);
  };
  const summary = (): StageResult => mergeResults([...[...choices.values()].map((c) => c.scanner.lastResult), ...toolResults].filter((r): r is StageResult => r !== undefined).concat([{ decision: 'allow', findings: [], failures: [] }]));
  const ended = (end: RelayOutcome['end'], detail?: string): RelayOutcome => ({ result: summary(), end, detail, completionTokens, completionChars: passThrough ? undefined : chars });
  const block = (result: StageResult): RelayOutcome => {
    const by = result.blockedBy;
    write(errorEvent('bulwark_policy_violation', by?.detector ?? 'policy', by?.message ?? 'the response violated the policy'));
    res.end();
    return ended('blocked', by?.message);
  };

  /** Content of one choice: input placeholders restored, then checked; returns a block, if any. */
  const pushContent = async (s: ChoiceState, index: number, content: string): Promise<StageResult | undefined> => {
    const text = s.restorer ? s.restorer.push(content) : content;
    if (text === '') return undefined;
    const out = await s.scanner.push(text);
    if (out.blocked) return out.blocked;
    emitContent(s.template, index, out.release);
    return undefined;
  };

  /** Checks the complete arguments of each held tool call; writes restored or redacted arguments back. */
  const checkToolCalls = async (s: ChoiceState): Promise<StageResult | undefined> => {
    if (s.toolArgs.size === 0) return undefined;
    const calls = [...s.toolArgs].map(([call, received]) => ({ call, received, text: inputVault ? restoreText(received, inputVault) : received }));
    if (toolRules.length > 0) {
      const results = await Promise.all(calls.map((c) => runStage(toolRules, c.text, 'tool_call', context)));
      const merged = mergeResults(results);
      toolResults.push(merged);
      if (merged.decision === 'block') return merged;
      results.forEach((r, i) => {
        const spans = r.findings.filter((f) => f.action === 'redact' && f.span !== undefined);
        if (r.decision === 'redact' && spans.length > 0) calls[i]!.text = redact(calls[i]!.text, spans, { vault }).text;
      });
    }
    for (const c of calls) {
      if (c.text === c.received) continue;
      // The whole checked text goes into the first fragment of that call, the other fragments become empty.
      let first = true;
      for (const { call, fn } of s.toolFunctions) {
        if (call !== c.call) continue;
        fn['arguments'] = first ? c.text : '';
        first = false;
      }
    }
    return undefined;
  };

  /** Finishes one choice: the rest of its text, its checked tool calls, then the finish chunk. */
  const finishChoice = async (index: number, s: ChoiceState, finishChunk: Json | undefined): Promise<StageResult | undefined> => {
    s.finished = true;
    const rest = s.restorer?.flush() ?? '';
    if (rest !== '') {
      const out = await s.scanner.push(rest);
      if (out.blocked) return out.blocked;
      emitContent(s.template, index, out.release);
    }
    const end = await s.scanner.finish();
    if (end.blocked) return end.blocked;
    emitContent(s.template, index, end.release);
    const blocked = await checkToolCalls(s);
    if (blocked) return blocked;
    for (const chunk of s.heldToolChunks) write(`data: ${JSON.stringify(chunk)}\n\n`);
    if (finishChunk) write(`data: ${JSON.stringify(finishChunk)}\n\n`);
    return undefined;
  };

  /** Finishes the choices still open (at [DONE] or at the end of the body); returns a block, if any. */
  const finishAll = async (): Promise<StageResult | undefined> => {
    for (const [index, s] of choices) {
      if (s.finished) continue;
      const blocked = await finishChoice(index, s, undefined);
      if (blocked) return blocked;
    }
    return undefined;
  };

  /** Handles one event; returns the outcome when it ends the stream. */
  const handle = async (ev: SseEvent): Promise<RelayOutcome | undefined> => {
    if (ev.data === '[DONE]') {
      const blocked = await finishAll();
      if (blocked) return block(blocked);
      write(ev.raw);
      res.end();
      return ended('done');
    }
    if (passThrough) {
      // Only the usage chunk (stream_options.include_usage) carries the key: a cheap search, no parse.
      completionTokens = completionTokensIn(ev.data) ?? completionTokens;
      write(ev.raw);
      return undefined;
    }
    let chunk: Json;
    try {
      chunk = JSON.parse(ev.data) as Json;
    } catch {
      write(errorEvent('upstream_error', 'malformed_stream', 'the upstream sent an event that is not JSON'));
      res.end();
      return ended('upstream_error', 'invalid JSON in an event');
    }
    if (!isObject(chunk)) {
      write(errorEvent('upstream_error', 'malformed_stream', 'the upstream sent an event that is not a JSON object'));
      res.end();
      return ended('upstream_error', 'an event is not a JSON object');
    }
    const usage = chunk['usage'] as { completion_tokens?: number } | null | undefined;
    if (usage && typeof usage.completion_tokens === 'number') completionTokens = usage.completion_tokens;
    if (chunk['error']) {
      write(ev.raw);
      res.end();
      return ended('upstream_error', 'the upstream sent an error event');
    }
    const list = Array.isArray(chunk['choices']) ? (chunk['choices'] as unknown[]).filter(isObject) : [];
    if (list.length === 0) {
      write(ev.raw); // usage-only chunk, or anything else without choices
      return undefined;
    }
    const { choices: _c, ...template } = chunk;
    for (const choice of list) {
      const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
      const s = state(index, template);
      if (s.finished) continue; // nothing may follow the finish chunk of a choice
      const delta = format === 'chat' ? (isObject(choice['delta']) ? choice['delta'] : {}) : { content: choice['text'] };
      const { content, tool_calls: toolCalls, function_call: functionCall, ...rest } = delta;
      if (Array.isArray(toolCalls)) {
        for (const tc of toolCalls) {
          const fn = isObject(tc) && isObject(tc['function']) ? tc['function'] : undefined;
          if (!fn) continue;
          const call = typeof tc['index'] === 'number' ? tc['index'] : 0;
          s.toolFunctions.push({ call, fn });
          if (typeof fn['arguments'] === 'string') {
            s.toolArgs.set(call, (s.toolArgs.get(call) ?? '') + fn['arguments']);
            chars += fn['arguments'].length;
          }
        }
        s.heldToolChunks.push({ ...template, choices: [{ index, delta: { tool_calls: toolCalls }, finish_reason: null }] });
      }
      if (isObject(functionCall)) {
        s.toolFunctions.push({ call: FUNCTION_CALL, fn: functionCall });
        if (typeof functionCall['arguments'] === 'string') {
          s.toolArgs.set(FUNCTION_CALL, (s.toolArgs.get(FUNCTION_CALL) ?? '') + functionCall['arguments']);
          chars += functionCall['arguments'].length;
        }
        s.heldToolChunks.push({ ...template, choices: [{ index, delta: { function_call: functionCall }, finish_reason: null }] });
      }
      const held = Array.isArray(toolCalls) || isObject(functionCall);
      if (Object.keys(rest).length > 0) {
        if (content === undefined && !held && !choice['finish_reason']) {
          write(`data: ${JSON.stringify({ ...template, choices: [choice] })}\n\n`); // e.g. the role delta
        } else {
          write(`data: ${JSON.stringify({ ...template, choices: [{ index, delta: rest, finish_reason: null }] })}\n\n`);
        }
      }
      if (typeof content === 'string' && content !== '') {
        chars += content.length;
        const blocked = await pushContent(s, index, content);
        if (blocked) return block(blocked);
      }
      if (choice['finish_reason']) {
        const end = format === 'chat' ? { index, delta: {}, finish_reason: choice['finish_reason'] } : { index, text: '', finish_reason: choice['finish_reason'] };
        const blocked = await finishChoice(index, s, { ...template, choices: [end] });
        if (blocked) return block(blocked);
      }
    }
    return undefined;
  };

  try {
    for await (const bytes of upstream.body as AsyncIterable<Uint8Array>) {
      if (signal.aborted) return ended('client_closed');
      let events;
      try {
        events = parser.push(bytes);
      } catch (e) {
        write(errorEvent('upstream_error', 'malformed_stream', 'the upstream stream was malformed'));
        res.end();
        return ended('upstream_error', (e as Error).message);
      }
      for (const ev of events) {
        const outcome = await handle(ev);
        if (outcome) return outcome;
      }
      // A slow client: stop reading the upstream until the socket drains, so memory stays bounded by the
      // socket buffers instead of growing with everything the model sends.
      if (res.writableNeedDrain) await drained(res);
    }
    // The body ended: a last event without its blank line still counts.
    for (const ev of parser.flush()) {
      const outcome = await handle(ev);
      if (outcome) return outcome;
    }
  } catch (e) {
    if (signal.aborted) return ended('client_closed');
    // undici's bodyTimeout: the upstream stopped sending mid-stream (as opposed to dropping the connection).
    if (e instanceof undiciErrors.BodyTimeoutError) write(errorEvent('upstream_error', 'upstream_timeout', 'the upstream stream stalled'));
    else write(errorEvent('upstream_error', 'upstream_reset', 'the upstream stream ended unexpectedly'));
    res.end();
    return ended('upstream_error', (e as Error).message);
  }
  // The upstream ended without [DONE].
  const blocked = await finishAll();
  if (blocked) return block(blocked);
  write(errorEvent('upstream_error', 'upstream_incomplete', 'the upstream stream ended without [DONE]'));
  res.end();
  return ended('upstream_error', 'no [DONE]');
}

/** Resolves when `res` drains or closes (whichever comes first). */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
