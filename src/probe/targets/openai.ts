// OpenAI-compatible chat targets (and Bulwark gateways, which speak the same wire): one keep-alive node:http client per target,
// non-streaming POST /chat/completions, Bulwark's 400 policy violation read as `blocked`, failures typed.
import type { Target, TargetRequest, TargetResponse } from '../types.js';
import { chatBody, parseChatAnswer, readBlock } from './openai-wire.js';
import type { GatewayTargetSpec, OpenAiTargetSpec } from './spec.js';
import {
  createHttpClient,
  DEFAULT_TIMEOUT_MS,
  isTimeout,
  publicUrl,
  redactor,
  resolveHeaders,
  secretFromEnv,
  statusError,
  transportError,
} from './transport.js';

export function createOpenAiTarget(spec: OpenAiTargetSpec, env: NodeJS.ProcessEnv = process.env): Target {
  return chatTarget('openai', spec.baseUrl, spec, env);
}

/** A Bulwark gateway: the OpenAI target on `<url>/v1` with the Bulwark API key. */
export function createGatewayTarget(spec: GatewayTargetSpec, env: NodeJS.ProcessEnv = process.env): Target {
  const base = spec.url.replace(/\/+$/, '');
  return chatTarget('gateway', base.endsWith('/v1') ? base : `${base}/v1`, spec, env);
}

interface ChatTargetOptions {
  model: string;
  apiKeyEnv?: string;
  headers?: Record<string, string>;
  temperature?: number;
  maxTokens?: number;
  timeoutMs?: number;
}

function chatTarget(kind: 'openai' | 'gateway', baseUrl: string, spec: ChatTargetOptions, env: NodeJS.ProcessEnv): Target {
  const secrets: string[] = [];
  const base = new URL(baseUrl);
  const headers = resolveHeaders(spec.headers, env, secrets);
  if (spec.apiKeyEnv !== undefined) headers.authorization = `Bearer ${secretFromEnv(spec.apiKeyEnv, env, secrets)}`;
  // Credentials written into the URL go as Basic auth, never into ids or messages.
  if (base.username !== '' && headers.authorization === undefined) {
    const userInfo = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    secrets.push(base.password);
    headers.authorization = `Basic ${Buffer.from(userInfo).toString('base64')}`;
  }
  headers['content-type'] = 'application/json';
  headers.accept = 'application/json';
  const redact = redactor(secrets);
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const path = `${base.pathname.replace(/\/+$/, '')}/chat/completions${base.search}`;
  const endpoint = `${publicUrl(base).replace(/\/+$/, '')}/chat/completions`;
  const client = createHttpClient(base);
  const bodyOptions = { model: spec.model, temperature: spec.temperature, maxTokens: spec.maxTokens };

  return {
    id: `${kind}:${spec.model}@${publicUrl(base)}`,
    endpoints: [endpoint],
    async send(request: TargetRequest, signal: AbortSignal): Promise<TargetResponse> {
      const started = performance.now();
      const latency = (): number => Math.round(performance.now() - started);
      try {
        const res = await client.request({ method: 'POST', path, headers, body: chatBody(request, bodyOptions), signal, timeoutMs });
        const text = res.text;
        if (text === undefined) return { text: '', error: { code: 'response_too_large', message: 'the response body exceeds the size limit' }, latencyMs: latency() };
        if (res.statusCode >= 200 && res.statusCode < 300) {
          const parsed = parseChatAnswer(text);
          return parsed.ok ? { ...parsed.value, latencyMs: latency() } : { text: '', error: parsed.error, latencyMs: latency() };
        }
        const blocked = readBlock(res.statusCode, text);
        if (blocked) return { text: '', blocked, latencyMs: latency() };
        return { text: '', error: statusError(res.statusCode, res.headers, text, redact), latencyMs: latency() };
      } catch (e) {
        return { text: '', error: transportError(e, isTimeout(e), signal.aborted, timeoutMs), latencyMs: latency() };
      }
    },
    close: () => client.close(),
  };
}
