// Relays an upstream OpenAI event stream to the client through the guard: content deltas go through a hold-back
// scanner per choice, tool-call deltas are held until their choice finishes and is checked, everything else is
// forwarded at once. A violation or an upstream fault ends the stream with an error event.
import type { ServerResponse } from 'node:http';
import type { ScanContextData } from '../detectors/contract.js';
import { createRestorer, type RedactionVault, type Restorer } from '../detectors/redact.js';
import { HoldbackScanner } from '../guard/holdback.js';
import { mergeResults, runStage, type StageResult } from '../guard/run-stage.js';
import type { CompiledPolicy } from '../policy/types.js';
import { SseParser } from './http/sse.js';
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
}

interface ChoiceState {
  scanner: HoldbackScanner;
  restorer: Restorer | undefined;
  toolArgs: Map<number, string>;
  heldToolChunks: Json[];
  finished: boolean;
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
  signal: AbortSignal,
  format: 'chat' | 'completion' = 'chat',
): Promise<RelayOutcome> {
  const outputRules = policy.stages.output;
  const toolRules = policy.stages.tool_call;
  const restore = policy.restoreRedactions && Object.keys(vault.entries).length > 0;
  const passThrough = outputRules.length === 0 && toolRules.length === 0 && !restore;
  const choices = new Map<number, ChoiceState>();
  const toolResults: StageResult[] = [];
  const parser = new SseParser();
  let completionTokens: number | undefined;

  const state = (index: number): ChoiceState => {
    let s = choices.get(index);
    if (!s) {
      s = {
        scanner: new HoldbackScanner(outputRules, policy.streaming, context, vault),
        restorer: restore ? createRestorer(vault) : undefined,
        toolArgs: new Map(),
        heldToolChunks: [],
        finished: false,
      };
      choices.set(index, s);
    }
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
  const block = (result: StageResult): RelayOutcome => {
    const by = result.blockedBy;
    write(errorEvent('bulwark_policy_violation', by?.detector ?? 'policy', by?.message ?? 'the response violated the policy'));
    res.end();
    return { result: summary(), end: 'blocked', detail: by?.message, completionTokens };
  };

  /** Finishes one choice: the rest of its text, its checked tool calls, then the finish chunk. */
  const finishChoice = async (template: Json, index: number, s: ChoiceState, finishChunk: Json | undefined): Promise<StageResult | undefined> => {
    s.finished = true;
    const end = await s.scanner.finish();
    if (end.blocked) return end.blocked;
    let tail = end.release;
    if (s.restorer) tail = s.restorer.push(tail) + s.restorer.flush();
    emitContent(template, index, tail);
    if (s.toolArgs.size > 0 && toolRules.length > 0) {
      const results = await Promise.all([...s.toolArgs.values()].map((args) => runStage(toolRules, args, 'tool_call', context)));
      const merged = mergeResults(results);
      toolResults.push(merged);
      if (merged.decision === 'block') return merged;
    }
    for (const chunk of s.heldToolChunks) write(`data: ${JSON.stringify(chunk)}\n\n`);
    if (finishChunk) write(`data: ${JSON.stringify(finishChunk)}\n\n`);
    return undefined;
  };

  try {
    for await (const bytes of upstream.body as AsyncIterable<Uint8Array>) {
      if (signal.aborted) return { result: summary(), end: 'client_closed', completionTokens };
      let events;
      try {
        events = parser.push(bytes);
      } catch (e) {
        write(errorEvent('upstream_error', 'malformed_stream', 'the upstream stream was malformed'));
        res.end();
        return { result: summary(), end: 'upstream_error', detail: (e as Error).message, completionTokens };
      }
      for (const ev of events) {
        if (ev.data === '[DONE]') {
          for (const [index, s] of choices) {
            if (s.finished) continue;
            const blocked = await finishChoice({}, index, s, undefined);
            if (blocked) return block(blocked);
          }
          write(ev.raw);
          res.end();
          return { result: summary(), end: 'done', completionTokens };
        }
        if (passThrough) {
          write(ev.raw);
          continue;
        }
        let chunk: Json;
        try {
          chunk = JSON.parse(ev.data) as Json;
        } catch {
          write(errorEvent('upstream_error', 'malformed_stream', 'the upstream sent an event that is not JSON'));
          res.end();
          return { result: summary(), end: 'upstream_error', detail: 'invalid JSON in an event', completionTokens };
        }
        const usage = chunk['usage'] as { completion_tokens?: number } | null | undefined;
        if (usage && typeof usage.completion_tokens === 'number') completionTokens = usage.completion_tokens;
        if (chunk['error']) {
          write(ev.raw);
          res.end();
          return { result: summary(), end: 'upstream_error', detail: 'the upstream sent an error event', completionTokens };
        }
        const list = Array.isArray(chunk['choices']) ? (chunk['choices'] as Json[]) : [];
        if (list.length === 0) {
          write(ev.raw); // usage-only chunk, or anything else without choices
          continue;
        }
        const { choices: _c, ...template } = chunk;
        for (const choice of list) {
          const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
          const s = state(index);
          const delta = (format === 'chat' ? (choice['delta'] ?? {}) : { content: choice['text'] }) as Json;
          const { content, tool_calls: toolCalls, ...rest } = delta;
          if (Array.isArray(toolCalls)) {
            for (const tc of toolCalls as Json[]) {
              const i = typeof tc['index'] === 'number' ? tc['index'] : 0;
              const fn = tc['function'] as Json | undefined;
              if (fn && typeof fn['arguments'] === 'string') s.toolArgs.set(i, (s.toolArgs.get(i) ?? '') + fn['arguments']);
            }
            s.heldToolChunks.push({ ...template, choices: [{ index, delta: { tool_calls: toolCalls }, finish_reason: null }] });
          }
          if (Object.keys(rest).length > 0 && content === undefined && !Array.isArray(toolCalls) && !choice['finish_reason']) {
            write(`data: ${JSON.stringify({ ...template, choices: [choice] })}\n\n`); // e.g. the role delta
          } else if (Object.keys(rest).length > 0 && typeof content === 'string') {
            write(`data: ${JSON.stringify({ ...template, choices: [{ index, delta: rest, finish_reason: null }] })}\n\n`);
          }
          if (typeof content === 'string' && content !== '') {
            const out = await s.scanner.push(content);
            if (out.blocked) return block(out.blocked);
            emitContent(template, index, s.restorer ? s.restorer.push(out.release) : out.release);
          }
          if (choice['finish_reason']) {
            const end = format === 'chat' ? { index, delta: {}, finish_reason: choice['finish_reason'] } : { index, text: '', finish_reason: choice['finish_reason'] };
            const blocked = await finishChoice(template, index, s, { ...template, choices: [end] });
            if (blocked) return block(blocked);
          }
        }
      }
    }
  } catch (e) {
    if (signal.aborted) return { result: summary(), end: 'client_closed', completionTokens };
    write(errorEvent('upstream_error', 'upstream_reset', 'the upstream stream ended unexpectedly'));
    res.end();
    return { result: summary(), end: 'upstream_error', detail: (e as Error).message, completionTokens };
  }
  // The upstream ended without [DONE].
  for (const [index, s] of choices) {
    if (s.finished) continue;
    const blocked = await finishChoice({}, index, s, undefined);
    if (blocked) return block(blocked);
  }
  write(errorEvent('upstream_error', 'upstream_incomplete', 'the upstream stream ended without [DONE]'));
  res.end();
  return { result: summary(), end: 'upstream_error', detail: 'no [DONE]', completionTokens };
}
