// The POST routes: /v1/chat/completions, /v1/completions and /v1/embeddings, from a parsed body to the answer.
import type { ServerResponse } from 'node:http';
import { chatCompletionBody, chatCompletionEvents } from './chat-format.js';
import { parseChatRequest } from './chat-request.js';
import { completionResult } from './completion-result.js';
import { embeddingBody, parseEmbeddingRequest } from './embeddings.js';
import { respondWithFault, type Render } from './fault-responses.js';
import { faultForModel } from './faults.js';
import { profileForModel } from './profiles/registry.js';
import { sendEvents, sendJson, type RouteContext } from './route-context.js';
import { completeTexts, parseCompletionRequest, textCompletionBody, textCompletionEvents } from './text-completions.js';

export function chatCompletions(ctx: RouteContext, res: ServerResponse, body: Record<string, unknown>): void {
  const parsed = parseChatRequest(body);
  if (!parsed.ok) {
    ctx.fail(res, parsed.error);
    return;
  }
  const request = parsed.value;
  const who = ctx.identity('chatcmpl-', request.model);
  const fault = faultForModel(request.model);
  if (fault !== undefined) {
    const render: Render = (override, words) => {
      const result = completionResult(override ?? ctx.defaultProfile.reply(request), request.promptChars, request.maxTokens);
      return { body: () => chatCompletionBody(who, result), events: () => chatCompletionEvents(who, result, request.includeUsage, words) };
    };
    respondWithFault(ctx, res, fault, request.stream, render, who.id);
    return;
  }
  const result = completionResult(profileForModel(request.model, ctx.defaultProfile).reply(request), request.promptChars, request.maxTokens);
  if (request.stream) sendEvents(ctx, res, chatCompletionEvents(who, result, request.includeUsage), who.id);
  else sendJson(ctx, res, chatCompletionBody(who, result), who.id);
}

export function textCompletions(ctx: RouteContext, res: ServerResponse, body: Record<string, unknown>): void {
  const parsed = parseCompletionRequest(body);
  if (!parsed.ok) {
    ctx.fail(res, parsed.error);
    return;
  }
  const request = parsed.value;
  const who = ctx.identity('cmpl-', request.model);
  const fault = faultForModel(request.model);
  if (fault !== undefined) {
    const render: Render = (override, words) => {
      const results = completeTexts(request, ctx.defaultProfile, override);
      return { body: () => textCompletionBody(who, results), events: () => textCompletionEvents(who, results, request.includeUsage, words) };
    };
    respondWithFault(ctx, res, fault, request.stream, render, who.id);
    return;
  }
  const results = completeTexts(request, profileForModel(request.model, ctx.defaultProfile));
  if (request.stream) sendEvents(ctx, res, textCompletionEvents(who, results, request.includeUsage), who.id);
  else sendJson(ctx, res, textCompletionBody(who, results), who.id);
}

export function embeddings(ctx: RouteContext, res: ServerResponse, body: Record<string, unknown>): void {
  const parsed = parseEmbeddingRequest(body);
  if (!parsed.ok) {
    ctx.fail(res, parsed.error);
    return;
  }
  const request = parsed.value;
  const who = ctx.identity('emb-', request.model);
  const fault = faultForModel(request.model);
  if (fault !== undefined) {
    respondWithFault(ctx, res, fault, false, () => ({ body: () => embeddingBody(request, who.modelJson) }), who.id);
    return;
  }
  sendJson(ctx, res, embeddingBody(request, who.modelJson), who.id);
}
