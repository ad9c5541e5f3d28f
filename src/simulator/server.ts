// The OpenAI-wire-format upstream simulator: a bare node:http server (it is also the stub upstream of the gateway
// benchmark, so the non-streaming path is a handful of string concatenations) with behaviour profiles and faults.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deliveries } from './delivery.js';
import { MODEL_LIST_BODY, modelBody } from './models.js';
import { PROFILES } from './profiles/registry.js';
import { isProfileName, type ProfileName } from './profiles/types.js';
import { readJsonBody, type BodyLimits } from './request-body.js';
import { RequestLog, type RecordedRequest } from './request-log.js';
import { jsonHeaders, type RouteContext } from './route-context.js';
import { chatCompletions, embeddings, textCompletions } from './routes.js';
import { sendError, wireError, type WireError } from './wire-errors.js';

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 128;
export const DEFAULT_RECORDED_REQUESTS = 50;
export const DEFAULT_SLOW_INTERVAL_MS = 1000;
/** How long close() lets open streams drain before cutting every connection. */
const CLOSE_GRACE_MS = 2000;
/** How long a client may keep uploading a body that was already refused with 413. */
const REFUSED_UPLOAD_GRACE_MS = 2000;

export interface SimulatorLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface SimulatorOptions {
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Profile for model names that select none (sim-echo, sim-naive, sim-hardened do); default naive. */
  profile?: ProfileName;
  /** Wait before the first byte of every answer, in ms; default 0. */
  latencyMs?: number;
  /** Wait between SSE events, in ms; default 0 (the whole stream at once). */
  chunkDelayMs?: number;
  /** When set, requests whose Authorization is not `Bearer <requireKey>` get 401. */
  requireKey?: string;
  /** Largest request body in bytes; default 10 MiB, larger bodies get 413. */
  bodyLimit?: number;
  /** Deepest JSON nesting accepted; default 128. */
  maxDepth?: number;
  /** How many requests lastRequests keeps; default 50, 0 records none. */
  recordRequests?: number;
  /** Interval of sim-fault-slow; default 1000 ms. */
  slowIntervalMs?: number;
  /** Receives a line per fault injected and per error answer; default silent. `console` fits. */
  logger?: SimulatorLogger;
}

export interface Simulator {
  readonly server: Server;
  /** Base URL without /v1, e.g. http://127.0.0.1:8000. */
  readonly url: string;
  /** The last recordRequests requests (method, URL, headers), oldest first. */
  readonly lastRequests: RecordedRequest[];
  clearRequests(): void;
  /** Responses still in delivery: open streams, delayed answers, held (sim-fault-timeout) requests. */
  readonly openResponses: number;
  /** Stops accepting, finishes open streams at once (held requests are dropped), clears every timer, closes sockets. */
  close(): Promise<void>;
}

const SHUTTING_DOWN = wireError(503, 'The simulator is shutting down.', null, 'shutting_down');
const INTERNAL = wireError(500, 'The simulator failed while answering (a bug in Bulwark).', null, 'internal_error');

type Route = (ctx: RouteContext, res: ServerResponse, body: Record<string, unknown>) => void;

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const profileName = options.profile ?? 'naive';
  if (!isProfileName(profileName)) throw new TypeError(`unknown simulator profile: ${String(profileName)}`);
  const limits: BodyLimits = {
    maxBytes: nonNegative(options.bodyLimit ?? DEFAULT_BODY_LIMIT, 'bodyLimit'),
    maxDepth: nonNegative(options.maxDepth ?? DEFAULT_MAX_DEPTH, 'maxDepth'),
  };
  const expectedAuth = options.requireKey === undefined ? undefined : `Bearer ${options.requireKey}`;
  const requests = new RequestLog(nonNegative(options.recordRequests ?? DEFAULT_RECORDED_REQUESTS, 'recordRequests'));
  const deliveries = new Deliveries();
  const logger = options.logger;
  // Ids differ between simulator instances so that two upstreams in one test never hand out the same id.
  const instance = randomBytes(3).toString('hex');
  let counter = 0;
  let closing = false;

  const ctx: RouteContext = {
    deliveries,
    defaultProfile: PROFILES[profileName],
    latencyMs: nonNegative(options.latencyMs ?? 0, 'latencyMs'),
    chunkDelayMs: nonNegative(options.chunkDelayMs ?? 0, 'chunkDelayMs'),
    slowIntervalMs: nonNegative(options.slowIntervalMs ?? DEFAULT_SLOW_INTERVAL_MS, 'slowIntervalMs'),
    identity: (prefix, model) => ({
      id: `${prefix}sim${instance}${(++counter).toString(36)}`,
      created: Math.floor(Date.now() / 1000),
      modelJson: JSON.stringify(model),
    }),
    log: (level, message) => logger?.[level](message),
    fail: (res, error) => fail(res, error),
  };

  function fail(res: ServerResponse, error: WireError, close = false): void {
    logger?.warn(`${error.status} ${error.code ?? error.type}: ${error.message}`);
    sendError(res, error, close);
  }

  function internalError(res: ServerResponse, e: unknown): void {
    logger?.warn(`internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    sendError(res, INTERNAL);
  }

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    if (closing) {
      fail(res, SHUTTING_DOWN, true);
      return;
    }
    // A test double: plain comparison is enough, timing leaks of the simulator's key do not matter.
    if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) {
      fail(res, wireError(401, 'Incorrect API key provided.', null, 'invalid_api_key'));
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? '';
    if (method === 'POST') {
      const route: Route | undefined =
        path === '/v1/chat/completions' ? chatCompletions : path === '/v1/completions' ? textCompletions : path === '/v1/embeddings' ? embeddings : undefined;
      if (route !== undefined) {
        readJsonBody(req, limits, (result) => {
          if (!result.ok) {
            fail(res, result.error, result.tooLarge);
            if (result.tooLarge) cutRefusedUpload(req);
            return;
          }
          try {
            route(ctx, res, result.value);
          } catch (e) {
            internalError(res, e);
          }
        });
        return;
      }
    } else if (method === 'GET' || method === 'HEAD') {
      if (path === '/v1/models') {
        sendStatic(res, MODEL_LIST_BODY);
        return;
      }
      if (path === '/healthz') {
        sendStatic(res, '{"status":"ok"}');
        return;
      }
      if (path.startsWith('/v1/models/')) {
        const id = safeDecode(path.slice('/v1/models/'.length));
        const body = modelBody(id);
        if (body !== undefined) sendStatic(res, body);
        else fail(res, wireError(404, `The model '${id.slice(0, 200)}' does not exist`, 'model', 'model_not_found'));
        return;
      }
    }
    fail(res, wireError(404, `Unknown request URL: ${method.slice(0, 16)} ${path.slice(0, 200)}. Please check the URL for typos.`, null, 'unknown_url'));
  }

  function sendStatic(res: ServerResponse, body: string): void {
    res.writeHead(200, jsonHeaders(body, `req_sim${instance}${(++counter).toString(36)}`));
    res.end(body);
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    requests.record(req.method ?? '', req.url ?? '', req.rawHeaders);
    try {
      dispatch(req, res);
    } catch (e) {
      internalError(res, e);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    server,
    url,
    get lastRequests() {
      return requests.entries();
    },
    clearRequests: () => requests.clear(),
    get openResponses() {
      return deliveries.size;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await deliveries.finishAll(CLOSE_GRACE_MS);
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

/**
 * After a 413 sent before the body was read (Connection: close), Node discards the rest of the upload; a client that
 * keeps sending gets its socket cut after a grace period. The timer goes with the socket.
 */
function cutRefusedUpload(req: IncomingMessage): void {
  const socket = req.socket;
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), REFUSED_UPLOAD_GRACE_MS);
  socket.once('close', () => clearTimeout(timer));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function nonNegative(n: number, name: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new TypeError(`simulator option ${name} must be a non-negative number`);
  return n;
}
