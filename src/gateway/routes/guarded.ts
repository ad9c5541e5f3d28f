// The guarded request path shared by the OpenAI endpoints: authenticate, read and parse the body once, check the
// caps and limits, run the input stage, forward (the original bytes when nothing was redacted), run the output
// stage, answer, and record one event.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ScanContextData } from '../../detectors/contract.js';
import { createVault, restore } from '../../detectors/redact.js';
import { guardTexts } from '../../guard/guard-texts.js';
import { promptDigest } from '../../guard/prompt-digest.js';
import type { StageResult } from '../../guard/run-stage.js';
import type { CompiledPolicy } from '../../policy/types.js';
import { modelNotAllowedError } from '../auth/auth-error.js';
import { modelAllowed } from '../auth/principal.js';
import type { Admission, GatewayDeps } from '../deps.js';
import { parseJson, readBody } from '../http/body.js';
import { Cancel } from '../http/cancel.js';
import { sendError, sendJson } from '../http/errors.js';
import type { Located } from '../openai/chat-texts.js';
import { requestEvent, type RequestFacts } from '../request-event.js';
import { completionTokensIn } from '../openai/usage.js';
import { relayStream } from '../stream-relay.js';
import { classify, isFailure } from '../upstream.js';

type Json = Record<string, unknown>;

export interface EndpointSpec {
  route: string;
  upstreamPath: string;
  /** Texts to guard before the call, and the context (system prompt) detectors may use. */
  requestTexts(body: Json): { texts: Located[]; context: ScanContextData };
  /** Texts to guard in a non-streaming answer. */
  responseTexts(body: Json): Located[];
  streaming: boolean;
  /** Wire format of streamed chunks. */
  format: 'chat' | 'completion';
  /** Number of messages / inputs, for the caps. */
  items(body: Json): number;
  /** The endpoint generates text, charged as completion tokens (embeddings do not). */
  generates: boolean;
}

/** Largest non-streaming upstream answer read into memory (GatewayDeps.maxResponseBytes overrides it). */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

function violation(res: ServerResponse, headers: Record<string, string>, result: StageResult, stage: string): void {
  const by = result.blockedBy;
  sendError(res, 400, { type: 'bulwark_policy_violation', code: by?.detector ?? 'policy', message: by?.message ?? `the ${stage} violated the policy` }, { ...headers, 'x-bulwark-decision': 'block' });
}

function decisionOf(results: readonly (StageResult | undefined)[]): 'allow' | 'redact' | 'block' {
  let d: 'allow' | 'redact' | 'block' = 'allow';
  for (const r of results) {
    if (!r) continue;
    if (r.decision === 'block') return 'block';
    if (r.decision === 'redact') d = 'redact';
  }
  return d;
}

export async function handleGuarded(spec: EndpointSpec, deps: GatewayDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const headers: Record<string, string> = { 'x-request-id': requestId };
  const facts: RequestFacts = { requestId, route: spec.route, status: 0, startedAt: performance.now() };
  if (req.socket.remoteAddress !== undefined) facts.sourceIp = req.socket.remoteAddress;
  const record = (kind: Parameters<typeof requestEvent>[0], decision: Parameters<typeof requestEvent>[1], results: (StageResult | undefined)[] = [], extra?: Record<string, unknown>): void => {
    const event = requestEvent(kind, decision, facts, results, undefined, extra);
    deps.events.append(event);
    deps.observe?.(event, facts, req);
  };
  // Until the input stage has passed, a refusal is the gateway's `block`; after it, an upstream failure keeps the
  // input's decision in the header (the request was allowed, the upstream failed) and `error` in the event.
  let headerDecision: 'allow' | 'redact' | 'block' = 'block';
  const fail = (status: number, type: string, code: string, message: string, kind: 'auth' | 'limit' | 'system' = 'system', extra: Record<string, string> = {}): void => {
    facts.status = status;
    facts.reason = code;
    sendError(res, status, { type, code, message }, { ...headers, 'x-bulwark-decision': headerDecision, ...extra });
    record(kind, kind === 'system' ? 'error' : 'block');
  };
  /** The upstream connection failed while its answer was read: timeout, reset, or the client went away. */
  const upstreamFailed = (e: unknown, timeoutMs: number, aborted: boolean): void => {
    if (aborted) {
      // The client closed its connection (which aborted the upstream call): nobody to answer, but one event.
      facts.status = 499;
      facts.reason = 'client_closed';
      record('system', 'error');
      return;
    }
    const f = classify(e, timeoutMs);
    fail(f.kind === 'timeout' ? 504 : 502, 'upstream_error', `upstream_${f.kind}`, f.message);
  };

  // 1. Who is calling.
  const auth = await deps.auth.authenticate(req);
  if (!auth.ok) {
    facts.status = auth.response.status;
    facts.reason = auth.reason;
    res.writeHead(auth.response.status, { ...auth.response.headers, ...headers, 'x-bulwark-decision': 'block', 'content-length': Buffer.byteLength(auth.response.body) });
    res.end(auth.response.body);
    record('auth', 'block');
    return;
  }
  const principal = auth.principal;
  facts.principal = principal.name;
  if (principal.kind === 'api-key') facts.keyId = principal.id.slice(4);

  // 2. The body, once.
  const body = await readBody(req, deps.config.server.bodyLimitBytes);
  if (!body.ok) {
    if (body.status === 413) res.setHeader('connection', 'close');
    return fail(body.status, 'invalid_request_error', body.status === 413 ? 'body_too_large' : 'body_unreadable', body.message, 'limit');
  }
  const parsed = parseJson(body.body);
  if (!parsed.ok) return fail(400, 'invalid_request_error', 'invalid_body', parsed.message);
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return fail(400, 'invalid_request_error', 'invalid_body', 'the request body must be a JSON object');
  }
  const json = parsed.value as Json;
  const model = typeof json['model'] === 'string' ? json['model'] : undefined;
  if (model === undefined) return fail(400, 'invalid_request_error', 'missing_model', 'the request has no "model"');
  facts.model = model;
  const stream = spec.streaming && json['stream'] === true;
  facts.stream = stream;

  // 3. Caps, model access, policy, upstream, limits.
  const limits = deps.config.limits;
  if (limits.maxMessages !== undefined && spec.items(json) > limits.maxMessages) {
    return fail(400, 'invalid_request_error', 'too_many_messages', `at most ${limits.maxMessages} messages or inputs per request`, 'limit');
  }
  const maxTokens = json['max_completion_tokens'] ?? json['max_tokens'];
  if (typeof maxTokens === 'number') facts.maxTokens = maxTokens;
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1 || (limits.maxTokens !== undefined && maxTokens > limits.maxTokens))) {
    return fail(400, 'invalid_request_error', 'max_tokens_invalid', `max_tokens must be an integer between 1 and ${limits.maxTokens ?? 'the model limit'}`, 'limit');
  }
  if (!modelAllowed(principal, model)) {
    const r = modelNotAllowedError(model);
    facts.status = r.status;
    facts.reason = 'model_not_allowed';
    res.writeHead(r.status, { ...r.headers, ...headers, 'x-bulwark-decision': 'block', 'content-length': Buffer.byteLength(r.body) });
    res.end(r.body);
    record('auth', 'block');
    return;
  }
  const policy: CompiledPolicy | undefined = deps.config.selectPolicy(spec.route, principal);
  if (policy) facts.policy = policy.name;
  if (!policy) return fail(403, 'permission_error', 'policy_not_found', 'the policy assigned to this credential does not exist', 'auth');
  const upstreamConfig = deps.config.routeModel(model);
  const upstream = upstreamConfig ? deps.upstreams.get(upstreamConfig.name) : undefined;
  if (!upstreamConfig || !upstream) return fail(404, 'invalid_request_error', 'model_not_found', `no upstream serves model ${JSON.stringify(model.slice(0, 128))}`);
  facts.upstream = upstreamConfig.name;
  const { texts, context } = spec.requestTexts(json);
  facts.prompt = promptDigest(texts.map((t) => t.text), policy.logPromptText);
  const promptTokens = deps.estimateTokens(parsed.text);
  facts.promptTokens = promptTokens;
  const admit = deps.limits.admit(principal, { promptTokens, maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined });
  if (!admit.ok) {
    const extra: Record<string, string> = admit.retryAfterSeconds !== undefined ? { 'retry-after': String(admit.retryAfterSeconds) } : {};
    return fail(admit.status, 'rate_limit_error', admit.code, admit.message, 'limit', extra);
  }
  const admission: Admission = admit.admission;
  // What the token limit is charged: the prompt alone when no answer came; prompt + completion when the answer
  // says (usage) or shows (streamed text) how long it was; else the whole reservation (prompt + max_tokens or the
  // assumed budget), so that an answer without usage is never free.
  let answered = false;
  let completionTokens: number | undefined;
  try {
    // 4. Input stage.
    const vault = createVault();
    // The conversation so far is sent again with every turn: texts this caller sent before are not scanned again.
    // Not for anonymous callers: they share one principal, and a hit's faster answer would tell one of them what
    // another had sent.
    const input = await guardTexts(policy, texts, context, vault, principal.kind === 'anonymous' ? undefined : principal.id);
    if (input.result.decision === 'block') {
      facts.status = 400;
      violation(res, headers, input.result, 'request');
      record('detection', 'block', [input.result]);
      return;
    }
    // 5. Upstream: the original bytes unless a redaction changed the request.
    const cancel = new Cancel();
    res.on('close', () => {
      if (!res.writableFinished) cancel.abort();
    });
    const forward = input.modified ? JSON.stringify(json) : body.body;
    const inputDecision = input.result.decision === 'redact' ? 'redact' : 'allow';
    headerDecision = inputDecision;
    const upstreamStarted = performance.now();
    const answer = await upstream.post(spec.upstreamPath, forward, cancel);
    facts.upstreamMs = performance.now() - upstreamStarted;
    if (!isFailure(answer)) facts.upstreamStatus = answer.status;
    if (isFailure(answer)) {
      if (cancel.aborted) return upstreamFailed(undefined, upstreamConfig.timeoutMs, true);
      const status = answer.kind === 'timeout' ? 504 : 502;
      return fail(status, 'upstream_error', `upstream_${answer.kind}`, answer.message);
    }
    if (answer.status !== 200) {
      // Upstream errors pass through (bounded), with our headers; the upstream's own credential problems stay ours.
      let text: string | undefined;
      try {
        text = await readBounded(answer.body, 256 * 1024);
      } catch (e) {
        return upstreamFailed(e, upstreamConfig.timeoutMs, cancel.aborted);
      }
      facts.status = answer.status >= 500 ? 502 : answer.status;
      facts.reason = `upstream_status_${answer.status}`;
      if (answer.status === 401 || answer.status === 403) {
        sendError(res, 502, { type: 'upstream_error', code: 'upstream_auth', message: 'the gateway could not authenticate to the upstream' }, { ...headers, 'x-bulwark-decision': inputDecision });
      } else {
        sendJson(res, facts.status, text ?? JSON.stringify({ error: { message: 'upstream error', type: 'upstream_error', param: null, code: null } }), { ...headers, 'x-bulwark-decision': inputDecision });
      }
      record('system', 'error', [input.result]);
      return;
    }
    answered = true;
    const isSse = String(answer.headers['content-type'] ?? '').includes('text/event-stream');
    if (stream && isSse) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers, 'x-bulwark-decision': inputDecision });
      res.flushHeaders();
      const outcome = await relayStream(answer, res, policy, { ...context, prompt: undefined }, vault, cancel, spec.format);
      completionTokens = outcome.completionTokens ?? (outcome.completionChars === undefined ? undefined : Math.ceil(outcome.completionChars / 4));
      facts.status = 200;
      facts.completionTokens = outcome.completionTokens;
      const decision = outcome.end === 'blocked' ? 'block' : decisionOf([input.result, outcome.result]);
      if (outcome.end === 'upstream_error') facts.reason = outcome.detail;
      record(outcome.end === 'upstream_error' ? 'system' : 'detection', outcome.end === 'upstream_error' ? 'error' : decision, [input.result, outcome.result], { streamEnd: outcome.end });
      return;
    }
    // 6. Non-streaming answer: read (bounded), output stage, answer.
    // A reset or a stall while the body is read is an upstream failure like any other (it used to escape as a 500).
    let raw: string | undefined;
    try {
      raw = await readBounded(answer.body, deps.maxResponseBytes ?? deps.config.server.maxResponseBytes ?? MAX_RESPONSE_BYTES);
    } catch (e) {
      return upstreamFailed(e, upstreamConfig.timeoutMs, cancel.aborted);
    }
    if (raw === undefined) return fail(502, 'upstream_error', 'upstream_response_too_large', 'the upstream answer is too large');
    const needsOutput = policy.stages.output.length > 0 || policy.stages.tool_call.length > 0 || policy.detectionsInBody || (policy.restoreRedactions && input.modified);
    if (!needsOutput) {
      completionTokens = completionTokensIn(raw);
      facts.completionTokens = completionTokens;
      facts.status = 200;
      sendJson(res, 200, raw, { ...headers, 'x-bulwark-decision': inputDecision });
      record('detection', inputDecision, [input.result]);
      return;
    }
    let out: Json;
    try {
      out = JSON.parse(raw) as Json;
    } catch {
      return fail(502, 'upstream_error', 'upstream_invalid_json', 'the upstream answer is not valid JSON');
    }
    const reported = (out['usage'] as { completion_tokens?: unknown } | undefined)?.completion_tokens;
    completionTokens = typeof reported === 'number' && reported >= 0 ? reported : undefined;
    facts.completionTokens = completionTokens;
    const outTexts = spec.responseTexts(out);
    let restored = false;
    if (policy.restoreRedactions && input.modified) {
      for (const t of outTexts) {
        const back = restore(t.text, vault);
        if (back !== t.text) {
          t.set(back);
          t.text = back;
          restored = true;
        }
      }
    }
    const output = await guardTexts(policy, outTexts, { ...context, prompt: undefined }, vault);
    facts.status = output.result.decision === 'block' ? 400 : 200;
    if (output.result.decision === 'block') {
      violation(res, headers, output.result, 'response');
      record('detection', 'block', [input.result, output.result]);
      return;
    }
    const decision = decisionOf([input.result, output.result]);
    if (policy.detectionsInBody) {
      out['bulwark'] = { request_id: requestId, decision, findings: [...input.result.findings, ...output.result.findings] };
    }
    const text = output.modified || restored || policy.detectionsInBody ? JSON.stringify(out) : raw;
    sendJson(res, 200, text, { ...headers, 'x-bulwark-decision': decision });
    record('detection', decision, [input.result, output.result]);
  } finally {
    if (!answered || !spec.generates) admission.done(promptTokens);
    else admission.done(completionTokens === undefined ? admission.reservedTokens : promptTokens + completionTokens);
  }
}

/** An upstream answer's body: a readable stream (undici's). */
interface BodyStream {
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (e: unknown) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  destroy(): void;
}

/**
 * Reads a response body up to `limit` bytes; undefined when it is larger (the rest is discarded). Rejects when the
 * stream fails or closes before its end, as `for await` would; events rather than an async iterator, whose
 * promise per chunk costs more than the read itself on a small answer.
 */
const ignore = (): void => undefined;

function readBounded(body: BodyStream, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', onError);
      body.removeListener('close', onClose);
      // A late error (a reset after the limit was hit) must find a listener, or it would crash the process.
      body.on('error', ignore);
    };
    const onData = (chunk: Uint8Array): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        body.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    };
    const onEnd = (): void => {
      cleanup();
      resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8'));
    };
    const onError = (e: unknown): void => {
      cleanup();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const onClose = (): void => {
      cleanup();
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}
