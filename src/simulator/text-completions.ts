// The legacy /v1/completions wire format: reading `prompt` (string, strings, token arrays) and serialising
// `text_completion` bodies and stream events. Each prompt is answered by the profile as a one-message conversation.
import { readMaxTokens, readModel, readStreamFlags, type Parsed } from './chat-request.js';
import { completionResult, usageJson, type CompletionResult } from './completion-result.js';
import { DONE_EVENT, type ResponseIdentity } from './chat-format.js';
import { splitIntoDeltas } from './deltas.js';
import type { Profile, Reply } from './profiles/types.js';
import { wireError } from './wire-errors.js';

/** OpenAI's cap on the number of prompts in one request. */
export const MAX_PROMPTS = 2048;

export interface CompletionRequest {
  model: string;
  prompts: { text: string; chars: number }[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
  echo: boolean;
}

const PROMPT_SHAPE = "'prompt' must be a string, an array of strings, an array of tokens or an array of token arrays";

export function parseCompletionRequest(body: Record<string, unknown>): Parsed<CompletionRequest> {
  const model = readModel(body);
  if (!model.ok) return model;
  const prompts = readPrompts(body.prompt);
  if (prompts === undefined) return { ok: false, error: wireError(400, PROMPT_SHAPE, 'prompt', 'invalid_type') };
  if (prompts.length > MAX_PROMPTS) {
    return { ok: false, error: wireError(400, `at most ${MAX_PROMPTS} prompts per request`, 'prompt', 'invalid_value') };
  }
  const flags = readStreamFlags(body);
  return {
    ok: true,
    value: { model: model.value, prompts, stream: flags.stream, includeUsage: flags.includeUsage, maxTokens: readMaxTokens(body), echo: body.echo === true },
  };
}

/** Token arrays count as 4 characters per token so that the prompt estimate gives back their length. */
function readPrompts(prompt: unknown): { text: string; chars: number }[] | undefined {
  if (typeof prompt === 'string') return [{ text: prompt, chars: prompt.length }];
  if (!Array.isArray(prompt) || prompt.length === 0) return undefined;
  if (prompt.every((p) => typeof p === 'number')) return [{ text: '', chars: prompt.length * 4 }];
  const prompts: { text: string; chars: number }[] = [];
  for (const p of prompt) {
    if (typeof p === 'string') prompts.push({ text: p, chars: p.length });
    else if (Array.isArray(p) && p.every((t) => typeof t === 'number')) prompts.push({ text: '', chars: p.length * 4 });
    else return undefined;
  }
  return prompts;
}

/** One result per prompt, in order; `override` replaces the profile's reply (fault models). */
export function completeTexts(request: CompletionRequest, profile: Profile, override?: Reply): CompletionResult[] {
  return request.prompts.map((p) => {
    const reply = override ?? profile.reply({ messages: [{ role: 'user', text: p.text }], tools: [] });
    const result = completionResult(reply, p.chars, request.maxTokens);
    return request.echo && result.reply.kind === 'text' ? { ...result, reply: { kind: 'text', content: p.text + result.reply.content } } : result;
  });
}

function textOf(r: CompletionResult): string {
  return r.reply.kind === 'text' ? r.reply.content : '';
}

function totalUsage(results: readonly CompletionResult[]): string {
  let promptTokens = 0;
  let completionTokens = 0;
  for (const r of results) {
    promptTokens += r.promptTokens;
    completionTokens += r.completionTokens;
  }
  return usageJson({ reply: { kind: 'text', content: '' }, finishReason: 'stop', promptTokens, completionTokens });
}

export function textCompletionBody(who: ResponseIdentity, results: readonly CompletionResult[]): string {
  const choices = results
    .map((r, i) => {
      const text = r.reply.kind === 'text' ? (r.reply.contentJson ?? JSON.stringify(r.reply.content)) : '""';
      return `{"text":${text},"index":${i},"logprobs":null,"finish_reason":"${r.finishReason === 'tool_calls' ? 'stop' : r.finishReason}"}`;
    })
    .join(',');
  return `{"id":"${who.id}","object":"text_completion","created":${who.created},"model":${who.modelJson},"choices":[${choices}],"usage":${totalUsage(results)},"system_fingerprint":null}`;
}

export function textCompletionEvents(
  who: ResponseIdentity,
  results: readonly CompletionResult[],
  includeUsage: boolean,
  wordsPerDelta?: number,
): string[] {
  const head = `data: {"id":"${who.id}","object":"text_completion","created":${who.created},"model":${who.modelJson},"system_fingerprint":null,"choices":[`;
  const tail = includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
  const events: string[] = [];
  results.forEach((r, i) => {
    for (const piece of splitIntoDeltas(textOf(r), wordsPerDelta)) {
      events.push(`${head}{"text":${JSON.stringify(piece)},"index":${i},"logprobs":null,"finish_reason":null}${tail}`);
    }
    const finish = r.finishReason === 'tool_calls' ? 'stop' : r.finishReason;
    events.push(`${head}{"text":"","index":${i},"logprobs":null,"finish_reason":"${finish}"}${tail}`);
  });
  if (includeUsage) events.push(`${head}],"usage":${totalUsage(results)}}\n\n`);
  events.push(DONE_EVENT);
  return events;
}
