// POST /api/v2/chat/completions-detection — the FMS guardrails orchestrator's chat endpoint, so TrustyAI users can
// switch: an OpenAI chat request plus `detectors: {input: {id: params}, output: {id: params}}`; the answer carries
// `detections` and `warnings`. Input hits skip the generation (empty choices); output hits are returned as is.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isBulwarkError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import { defaultRegistry } from '../detector-api/registry.js';
import { applyThresholds, resolveRequestDetectors } from '../detector-api/params.js';
import { toContentsResult } from '../detector-api/results.js';
import { scanForRequest } from '../detector-api/scan.js';
import type { GatewayDeps } from '../deps.js';
import { parseJson, readBody } from '../http/body.js';
import { sendJson } from '../http/errors.js';
import { chatRequestTexts, chatResponseTexts } from '../openai/chat-texts.js';
import { requestEvent, type RequestFacts } from '../request-event.js';
import { isFailure } from '../upstream.js';

type Json = Record<string, unknown>;

const ROUTE = '/api/v2/chat/completions-detection';
const registry = defaultRegistry();

/** FMS errors are {code, message} with the HTTP status as code. */
function fmsError(res: ServerResponse, status: number, message: string, headers: Record<string, string>): void {
  sendJson(res, status, JSON.stringify({ code: status, message }), headers);
}

function detectorSpecs(value: unknown): Record<string, Record<string, unknown>> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError('must be an object of detector id to parameters');
  const out: Record<string, Record<string, unknown>> = {};
  for (const [id, params] of Object.entries(value as Json)) {
    if (params !== null && (typeof params !== 'object' || Array.isArray(params))) throw new TypeError(`parameters of ${id} must be an object`);
    out[id] = (params ?? {}) as Record<string, unknown>;
  }
  return out;
}

async function detect(specs: Record<string, Record<string, unknown>>, text: string, stage: 'input' | 'output'): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const [id, params] of Object.entries(specs)) {
    const { configured, thresholds } = resolveRequestDetectors(registry, [id], params);
    found.push(...applyThresholds(await scanForRequest(configured, text, { stage }), thresholds));
  }
  return found;
}

export async function handleFmsDetection(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const headers = { 'x-request-id': requestId };
  const facts: RequestFacts = { requestId, route: ROUTE, status: 0, startedAt: performance.now() };
  const auth = await deps.auth.authenticate(req);
  if (!auth.ok) {
    facts.status = auth.response.status;
    res.writeHead(auth.response.status, { ...auth.response.headers, ...headers, 'x-bulwark-decision': 'block', 'content-length': Buffer.byteLength(auth.response.body) });
    res.end(auth.response.body);
    deps.events.append(requestEvent('auth', 'block', facts));
    return;
  }
  facts.principal = auth.principal.name;
  const body = await readBody(req, deps.config.server.bodyLimitBytes);
  if (!body.ok) return fmsError(res, body.status === 413 ? 413 : 422, body.message, headers);
  const parsed = parseJson(body.body);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return fmsError(res, 422, parsed.ok ? 'the request body must be a JSON object' : parsed.message, headers);
  }
  const { detectors, ...chat } = parsed.value as Json;
  let input: Record<string, Record<string, unknown>> | undefined;
  let output: Record<string, Record<string, unknown>> | undefined;
  try {
    const d = (detectors ?? {}) as Json;
    if (typeof d !== 'object' || Array.isArray(d)) throw new TypeError('detectors must be an object');
    input = detectorSpecs(d['input']);
    output = detectorSpecs(d['output']);
  } catch (e) {
    return fmsError(res, 422, `detectors: ${(e as Error).message}`, headers);
  }
  if (Object.keys(input ?? {}).length === 0 && Object.keys(output ?? {}).length === 0) {
    return fmsError(res, 422, 'no detectors were requested (give detectors.input and/or detectors.output)', headers);
  }
  const model = typeof chat['model'] === 'string' ? chat['model'] : undefined;
  if (!model || !Array.isArray(chat['messages'])) return fmsError(res, 422, 'the request needs model and messages', headers);
  facts.model = model;
  const upstreamConfig = deps.config.routeModel(model);
  const upstream = upstreamConfig ? deps.upstreams.get(upstreamConfig.name) : undefined;
  if (!upstreamConfig || !upstream) return fmsError(res, 404, `no upstream serves model ${JSON.stringify(model.slice(0, 128))}`, headers);
  facts.upstream = upstreamConfig.name;
  try {
    // Input detectors see the last message only, as the orchestrator does.
    const { lastUser } = chatRequestTexts(chat);
    const messages = chat['messages'] as unknown[];
    const inputFindings = input && lastUser ? await detect(input, lastUser.text, 'input') : [];
    if (inputFindings.length > 0) {
      facts.status = 200;
      const promptTokens = deps.estimateTokens(parsed.text);
      sendJson(
        res,
        200,
        JSON.stringify({
          id: `chatcmpl-${requestId}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [],
          usage: { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens },
          detections: { input: [{ message_index: messages.length - 1, results: inputFindings.map((f) => ({ ...toContentsResult(f, lastUser!.text), detector_id: f.detector })) }] },
          warnings: [{ type: 'UNSUITABLE_INPUT', message: 'Unsuitable input detected. Please check the detected entities on your input and try again with the unsuitable input removed.' }],
        }),
        headers,
      );
      deps.events.append(requestEvent('detection', 'block', facts, [{ decision: 'block', findings: inputFindings.map((f) => ({ ...f, action: 'block' as const })), failures: [] }]));
      return;
    }
    const forward = JSON.stringify({ ...chat, stream: false });
    const answer = await upstream.post('/chat/completions', forward);
    if (isFailure(answer)) return fmsError(res, answer.kind === 'timeout' ? 504 : 502, answer.message, headers);
    const chunks: Buffer[] = [];
    for await (const c of answer.body) chunks.push(Buffer.from(c));
    const text = Buffer.concat(chunks).toString('utf8');
    if (answer.status !== 200) return fmsError(res, 502, `the upstream answered ${answer.status}`, headers);
    const completion = JSON.parse(text) as Json;
    const detections: Json = {};
    const warnings: Json[] = [];
    const outputFindings: Finding[] = [];
    if (output) {
      const results: Json[] = [];
      const choices = Array.isArray(completion['choices']) ? (completion['choices'] as Json[]) : [];
      for (const [i, t] of chatResponseTexts(completion).entries()) {
        if (t.stage !== 'output') continue;
        const found = await detect(output, t.text, 'output');
        outputFindings.push(...found);
        if (found.length > 0) results.push({ choice_index: typeof choices[i]?.['index'] === 'number' ? choices[i]!['index'] : i, results: found.map((f) => ({ ...toContentsResult(f, t.text), detector_id: f.detector })) });
      }
      if (results.length > 0) {
        detections['output'] = results;
        warnings.push({ type: 'UNSUITABLE_OUTPUT', message: 'Unsuitable output detected.' });
      }
    }
    facts.status = 200;
    sendJson(res, 200, JSON.stringify({ ...completion, detections, warnings }), headers);
    deps.events.append(requestEvent('detection', outputFindings.length > 0 ? 'flag' : 'allow', facts, [{ decision: 'allow', findings: outputFindings.map((f) => ({ ...f, action: 'flag' as const })), failures: [] }]));
  } catch (e) {
    if (isBulwarkError(e) && e.code === 'ERR_DETECTOR_UNKNOWN') return fmsError(res, 404, e.message, headers);
    if (isBulwarkError(e) && (e.code === 'ERR_DETECTOR_OPTIONS' || e.code === 'ERR_INPUT_INVALID')) return fmsError(res, 422, e.message, headers);
    throw e;
  }
}
