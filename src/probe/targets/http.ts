// Generic HTTP targets: a request body template, a JSONPath to the answer, and a session id carried across turns
// (read from the response JSON or a header, sent back in the body or a header; made up here when the server has none).
import { randomUUID } from 'node:crypto';
import type { Target, TargetRequest, TargetResponse } from '../types.js';
import { compileBodyTemplate, type BodyTemplate } from './body-template.js';
import { compileJsonPath, valueText, type JsonPath } from './json-path.js';
import { latestPrompt } from './request-text.js';
import type { HttpTargetSpec } from './spec.js';
import { createHttpClient, DEFAULT_TIMEOUT_MS, isTimeout, publicUrl, redactor, resolveHeaders, statusError, transportError } from './transport.js';

const MAX_SESSION_ID = 1024;

export function createHttpTarget(spec: HttpTargetSpec, env: NodeJS.ProcessEnv = process.env): Target {
  const secrets: string[] = [];
  const url = new URL(spec.url);
  const headers = resolveHeaders(spec.headers, env, secrets);
  if (url.username !== '' && headers.authorization === undefined) {
    secrets.push(url.password);
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  }
  const method = spec.method ?? 'POST';
  const format = spec.bodyFormat ?? 'json';
  if (headers['content-type'] === undefined) headers['content-type'] = format === 'json' || typeof spec.body !== 'string' ? 'application/json' : 'text/plain; charset=utf-8';
  const template: BodyTemplate = compileBodyTemplate(spec.body ?? { messages: '{{messages}}' }, typeof spec.body === 'string' ? format : 'json');
  const responsePath: JsonPath | undefined = spec.responsePath === undefined ? undefined : compileJsonPath(spec.responsePath);
  const sessionPath: JsonPath | undefined = spec.sessionPath === undefined ? undefined : compileJsonPath(spec.sessionPath);
  const sessionHeader = spec.sessionHeader?.toLowerCase();
  const redact = redactor(secrets);
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = createHttpClient(url);
  const path = `${url.pathname}${url.search}`;

  return {
    id: `http:${method} ${publicUrl(url)}`,
    endpoints: [publicUrl(url)],
    async send(request: TargetRequest, signal: AbortSignal): Promise<TargetResponse> {
      const started = performance.now();
      const latency = (): number => Math.round(performance.now() - started);
      // A conversation's first turn gets a fresh id, for servers that expect the client to name the session.
      const sessionId = request.sessionId ?? randomUUID();
      const sendHeaders = sessionHeader === undefined ? headers : { ...headers, [sessionHeader]: sessionId };
      const body = template.render({
        prompt: latestPrompt(request.messages),
        messages: wireMessages(request),
        system: request.system ?? '',
        sessionId,
      });
      try {
        const res = await client.request({ method, path, headers: sendHeaders, ...(body === undefined ? {} : { body }), signal, timeoutMs });
        const text = res.text;
        if (text === undefined) return { text: '', error: { code: 'response_too_large', message: 'the response body exceeds the size limit' }, latencyMs: latency() };
        if (res.statusCode < 200 || res.statusCode >= 300) {
          return { text: '', error: statusError(res.statusCode, res.headers, text, redact), latencyMs: latency() };
        }
        const headerSession = sessionHeader === undefined ? undefined : res.headers[sessionHeader];
        let nextSession = typeof headerSession === 'string' && headerSession !== '' ? headerSession.slice(0, MAX_SESSION_ID) : sessionId;
        if (responsePath === undefined && sessionPath === undefined) return { text, sessionId: nextSession, latencyMs: latency() };
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return { text: '', error: { code: 'bad_response', message: 'the response is not JSON (a responsePath is configured)' }, latencyMs: latency() };
        }
        if (sessionPath !== undefined) {
          const s = valueText(sessionPath.get(json));
          if (s !== undefined && s !== '') nextSession = s.slice(0, MAX_SESSION_ID);
        }
        if (responsePath === undefined) return { text, sessionId: nextSession, latencyMs: latency() };
        const answer = valueText(responsePath.get(json));
        if (answer === undefined) {
          return { text: '', error: { code: 'bad_response', message: `nothing at ${responsePath.source} in the response` }, sessionId: nextSession, latencyMs: latency() };
        }
        return { text: answer, sessionId: nextSession, latencyMs: latency() };
      } catch (e) {
        return { text: '', error: transportError(e, isTimeout(e), signal.aborted, timeoutMs), latencyMs: latency() };
      }
    },
    close: () => client.close(),
  };
}

function wireMessages(request: TargetRequest): { role: string; content: string }[] {
  const out = request.messages.map((m) => ({ role: m.role, content: m.content }));
  if (request.system !== undefined && request.system !== '') out.unshift({ role: 'system', content: request.system });
  return out;
}
