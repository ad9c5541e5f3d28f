// The FMS / TrustyAI Detector API over Bulwark's detectors: a fastify app with /api/v1/text/{contents,generation,
// chat,context/doc}, /health and /api/v1/detectors. Errors leave as {"code": <http status>, "message"}.
import { randomUUID } from 'node:crypto';
import { fastify, LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { ZodType } from 'zod';
import { BulwarkError, isBulwarkError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { chatTexts } from './detector-api/chat.js';
import { applyThresholds, detectorIdsFromHeader, resolveRequestDetectors } from './detector-api/params.js';
import { defaultRegistry, requireDetector, type DetectorRegistry } from './detector-api/registry.js';
import {
  byPosition,
  toContentsResult,
  toDetectionResult,
  type FmsContentsResult,
  type FmsDetectionResult,
} from './detector-api/results.js';
import { scanForRequest } from './detector-api/scan.js';
import { requestSchemas } from './detector-api/schemas.js';

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;
/** Cap on array lengths in a body (contents, messages, context documents). */
export const DEFAULT_MAX_ITEMS = 1000;

export interface DetectorApiOptions {
  /** Detectors to serve; default: every detector Bulwark ships. */
  registry?: DetectorRegistry;
  /** Largest accepted request body in bytes; larger bodies get 413. */
  bodyLimit?: number;
  maxItems?: number;
  /** fastify/pino logger options; default false (silent). Request bodies are never logged. */
  logger?: FastifyServerOptions['logger'];
}

export interface WireError {
  code: number;
  message: string;
  request_id?: string;
}

export function createDetectorApi(options: DetectorApiOptions = {}): FastifyInstance {
  const registry = options.registry ?? defaultRegistry();
  const schemas = requestSchemas(options.maxItems ?? DEFAULT_MAX_ITEMS);
  const app = fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: options.logger ?? false,
    // fastify's own request lines log the URL and headers; ours (onResponse below) log only what we choose.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
  });
  // Only JSON bodies: anything else is a 415 that the error handler turns into the spec's 422.
  app.removeContentTypeParser('text/plain');

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(no route)',
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ code: 404, message: 'no such route' } satisfies WireError);
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/api/v1/detectors', async () =>
    registry.detectors.map((d) => ({
      id: d.id,
      description: d.description,
      stages: d.stages,
      tags: d.tags,
      requires_options: d.requiresOptions === true,
    })),
  );

  app.post('/api/v1/text/contents', async (request): Promise<FmsContentsResult[][]> => {
    const ids = requiredIds(registry, request);
    const body = parseBody(schemas.contents, request.body);
    const { configured, thresholds } = resolveRequestDetectors(registry, ids, body.detector_params);
    const out: FmsContentsResult[][] = [];
    for (const content of body.contents) {
      const findings = applyThresholds(await scanForRequest(configured, content, { stage: 'input' }), thresholds);
      out.push(findings.map((f) => toContentsResult(f, content)).sort(byPosition));
    }
    return out;
  });

  app.post('/api/v1/text/generation', async (request): Promise<FmsDetectionResult[]> => {
    const ids = requiredIds(registry, request);
    const body = parseBody(schemas.generation, request.body);
    const { configured, thresholds } = resolveRequestDetectors(registry, ids, body.detector_params);
    const findings = await scanForRequest(configured, body.generated_text, {
      stage: 'output',
      context: { prompt: body.prompt },
    });
    return applyThresholds(findings, thresholds).map((f) => toDetectionResult(f, spanOf(f)));
  });

  app.post('/api/v1/text/chat', async (request): Promise<FmsDetectionResult[]> => {
    // detector-id is optional here (per the spec); without it, every detector that needs no options runs at the
    // stage of each message and only there.
    const named = detectorIdsFromHeader(request.headers['detector-id']);
    for (const id of named) requireDetector(registry, id);
    const body = parseBody(schemas.chat, request.body);
    const ids = named.length > 0 ? named : registry.detectors.filter((d) => !d.requiresOptions).map((d) => d.id);
    const { configured, thresholds } = resolveRequestDetectors(registry, ids, body.detector_params);
    // One flat list, as the orchestrator's chat client expects; metadata tells which message each result is about.
    const out: FmsDetectionResult[] = [];
    for (const { text, stage, where } of chatTexts(body.messages)) {
      const findings = await scanForRequest(configured, text, { stage, onlyMatchingStage: named.length === 0 });
      for (const f of applyThresholds(findings, thresholds)) out.push(toDetectionResult(f, { ...where, ...spanOf(f) }));
    }
    return out;
  });

  app.post('/api/v1/text/context/doc', async (request): Promise<FmsDetectionResult[]> => {
    const ids = requiredIds(registry, request);
    const body = parseBody(schemas.contextDoc, request.body);
    if (body.context_type === 'url') {
      // Fetching URLs named by a caller would be a network call the operator did not configure (and an SSRF).
      throw new BulwarkError('ERR_INPUT_INVALID', 'context_type "url" is not supported: send the documents\' text as "docs"');
    }
    const { configured, thresholds } = resolveRequestDetectors(registry, ids, body.detector_params);
    const findings = await scanForRequest(configured, body.content, {
      stage: 'output',
      context: { documents: body.context },
    });
    return applyThresholds(findings, thresholds).map((f) => toDetectionResult(f, spanOf(f)));
  });

  return app;
}

/** The header's detector ids, each registered (404 otherwise); an absent or empty header is a 422. */
function requiredIds(registry: DetectorRegistry, request: FastifyRequest): string[] {
  const ids = detectorIdsFromHeader(request.headers['detector-id']);
  if (ids.length === 0) throw new BulwarkError('ERR_INPUT_MISSING_FIELD', 'header detector-id is required');
  for (const id of ids) requireDetector(registry, id);
  return ids;
}

function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BulwarkError('ERR_INPUT_INVALID', 'request body must be a JSON object');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  // zod messages name paths and expected types, never the received values.
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw new BulwarkError('ERR_INPUT_INVALID', `invalid request body: ${issues.join('; ')}`);
}

function spanOf(f: Finding): { span?: { start: number; end: number } } {
  return f.span ? { span: { start: f.span.start, end: f.span.end } } : {};
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const wire = toWireError(error, request.id);
  if (wire.code >= 500) {
    // Name and code only: a message may quote the scanned text.
    const err = error instanceof Error ? { name: error.name, code: (error as { code?: unknown }).code } : { name: typeof error };
    request.log.error({ err, requestId: request.id }, 'request failed');
  }
  return reply.code(wire.code).send(wire);
}

/** Converts any error into the wire body. Only BulwarkErrors and fastify's own 4xx errors keep their message. */
export function toWireError(error: unknown, requestId: string): WireError {
  if (isBulwarkError(error)) {
    switch (error.code) {
      case 'ERR_DETECTOR_UNKNOWN':
        return { code: 404, message: error.message };
      case 'ERR_DETECTOR_FAILED':
      case 'ERR_DETECTOR_TIMEOUT':
        return { code: 500, message: error.message, request_id: requestId };
      default:
        if (error.code.startsWith('ERR_INPUT_') || error.code === 'ERR_DETECTOR_OPTIONS') {
          return { code: 422, message: error.message };
        }
    }
  }
  const status = fastifyClientStatus(error);
  if (status === 413) return { code: 413, message: 'request body is too large' };
  if (status === 415) return { code: 422, message: 'content-type must be application/json' };
  if (status !== undefined) return { code: status === 404 ? 404 : 422, message: (error as Error).message };
  return { code: 500, message: 'internal error', request_id: requestId };
}

/** The 4xx status of an error fastify raised itself (its messages are fixed strings, safe to return). */
function fastifyClientStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return typeof code === 'string' && code.startsWith('FST_') ? statusCode : undefined;
}
