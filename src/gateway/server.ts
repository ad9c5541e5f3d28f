// The gateway's HTTP server: node:http with a fixed route table (no framework on the hot path), health endpoints,
// and a graceful shutdown that lets in-flight requests and streams finish.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayDeps } from './deps.js';
import { sendError, sendJson } from './http/errors.js';
import { CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS } from './routes/endpoints.js';
import { handleGuarded } from './routes/guarded.js';
import { handleFmsDetection } from './routes/fms-detection.js';
import { handleModels } from './routes/models.js';

export interface Gateway {
  server: Server;
  /** Starts listening; resolves with the bound URL. */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, waits for in-flight requests (at most `graceMs`), then closes the upstream pools. */
  close(graceMs?: number): Promise<void>;
  readonly inFlight: number;
}

export function createGateway(deps: GatewayDeps): Gateway {
  let inFlight = 0;
  let closing = false;
  let idle: (() => void) | undefined;
  let closed: Promise<void> | undefined;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      if (path === CHAT_COMPLETIONS.route) return handleGuarded(CHAT_COMPLETIONS, deps, req, res);
      if (path === COMPLETIONS.route) return handleGuarded(COMPLETIONS, deps, req, res);
      if (path === EMBEDDINGS.route) return handleGuarded(EMBEDDINGS, deps, req, res);
    }
    // The guarded routes set their own request id and decision; every other answer carries them too.
    res.setHeader('x-request-id', randomUUID());
    res.setHeader('x-bulwark-decision', 'allow');
    if (method === 'POST') {
      if (path === '/api/v2/chat/completions-detection') return handleFmsDetection(deps, req, res);
    } else if (method === 'GET') {
      if (path === '/v1/models') return handleModels(deps, req, res);
      if (path === '/healthz') return sendJson(res, 200, '{"status":"ok"}');
      if (path === '/metrics' && deps.metrics) {
        const body = await deps.metrics.metricsText();
        res.writeHead(200, { 'content-type': deps.metrics.contentType, 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      if (path === '/readyz') return sendJson(res, closing ? 503 : 200, closing ? '{"status":"closing"}' : '{"status":"ready"}');
    }
    res.setHeader('x-bulwark-decision', 'block');
    const known = path === CHAT_COMPLETIONS.route || path === COMPLETIONS.route || path === EMBEDDINGS.route || path === '/v1/models';
    sendError(res, known ? 405 : 404, { type: 'invalid_request_error', code: known ? 'method_not_allowed' : 'not_found', message: known ? `${method} is not allowed on ${path}` : `no route ${path}` });
  };

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 30_000 }, (req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    if (closing) res.setHeader('connection', 'close');
    route(req, res).catch((e: unknown) => {
      deps.log?.('error', 'request failed', { error: e instanceof Error ? e.name : 'unknown' });
      if (!res.headersSent) sendError(res, 500, { type: 'server_error', code: 'internal_error', message: 'internal error' });
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  return {
    server,
    get inFlight() {
      return inFlight;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
        });
      });
    },
    close(graceMs = 10_000) {
      // Once: a second call (stop() after close(), two signal handlers) waits for the same shutdown instead of
      // closing the undici pools again, which rejects.
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await Promise.race([new Promise<void>((resolve) => (idle = resolve)), new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())]);
        }
        server.closeAllConnections();
        await stopped;
        await Promise.all([...deps.upstreams.values()].map((u) => u.close()));
      })();
      return closed;
    },
  };
}
