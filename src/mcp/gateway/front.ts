// The client side of one MCP session over Streamable HTTP (MCP basic/transports), lean enough for the gateway's
// hot path: POSTed messages are checked for JSON-RPC shape and handed to the session; the answers to the requests
// of one POST are returned together as JSON once all are in, or as events when progress of one of them came first;
// other messages the upstream sends on its own (notifications, its requests to the client) go to the client's GET
// event stream, when it has opened one. DELETE ends the session.
// Auth, Origin, body limits and session ownership are checked by server.ts before a request gets here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

export type Message = Record<string, unknown>;
type Id = string | number;

/** Most messages in one POSTed batch. */
export const MAX_BATCH = 100;
/** A comment line on the GET stream this often keeps proxies from closing an idle stream. */
const SSE_KEEPALIVE_MS = 25_000;

const SUPPORTED = new Set<string>(SUPPORTED_PROTOCOL_VERSIONS);
/** An event stream whose client reads slower than this much is buffered for it is cut (memory stays bounded). */
const MAX_BUFFERED = 4 * 1024 * 1024;

/** Writes one event; a stream whose reader has fallen MAX_BUFFERED behind is destroyed instead of growing. */
function writeEvent(res: ServerResponse, m: Message): void {
  if (res.destroyed) return;
  if (res.writableLength > MAX_BUFFERED) {
    res.destroy();
    return;
  }
  res.write(`event: message\ndata: ${JSON.stringify(m)}\n\n`);
}

const isDict = (v: unknown): v is Message => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is Id => (typeof v === 'string' && v.length <= 1024) || (typeof v === 'number' && Number.isFinite(v));

/** JSON-RPC 2.0 shape: a request, a notification, or a response (result or error). */
export function validMessage(m: unknown): m is Message {
  if (!isDict(m) || m.jsonrpc !== '2.0') return false;
  if (typeof m.method === 'string') {
    if (m.method.length === 0 || m.method.length > 256 || 'result' in m || 'error' in m) return false;
    if ('id' in m && !isId(m.id)) return false;
    return m.params === undefined || isDict(m.params) || Array.isArray(m.params);
  }
  if (!isId(m.id)) return false;
  if ('result' in m) return isDict(m.result) && !('error' in m);
  return isDict(m.error) && typeof m.error.code === 'number' && typeof m.error.message === 'string';
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function rpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  json(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

interface Post {
  res: ServerResponse;
  waiting: Set<Id>;
  answers: Message[];
  batch: boolean;
  /** Switched to an event stream by a message related to one of its requests (progress): answers follow as events. */
  sse: boolean;
}

export class FrontChannel {
  /** Request id → the POST waiting for its answer. */
  private readonly posts = new Map<Id, Post>();
  private stream: ServerResponse | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private closed = false;
  initialized = false;
  onmessage: ((m: Message) => void) | undefined;
  onclose: (() => void) | undefined;

  constructor(readonly sessionId: string) {}

  /** A POST whose body server.ts already read and parsed. */
  handlePost(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return rpcError(res, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    const ct = req.headers['content-type'] ?? '';
    if (!/^application\/json\s*(?:;|$)/i.test(ct)) return rpcError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    const batch = Array.isArray(body);
    const messages: unknown[] = batch ? (body as unknown[]) : [body];
    if (messages.length === 0 || messages.length > MAX_BATCH) return rpcError(res, 400, -32600, `Invalid Request: a batch holds 1 to ${MAX_BATCH} messages`);
    for (const m of messages) if (!validMessage(m)) return rpcError(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
    const msgs = messages as Message[];
    const init = msgs.some((m) => m.method === 'initialize');
    if (init) {
      if (this.initialized) return rpcError(res, 400, -32600, 'Invalid Request: Server already initialized');
      if (msgs.length > 1) return rpcError(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
      this.initialized = true;
    } else {
      const version = req.headers['mcp-protocol-version'];
      if (version !== undefined && (typeof version !== 'string' || !SUPPORTED.has(version))) {
        return rpcError(res, 400, -32000, `Bad Request: Unsupported protocol version (supported versions: ${[...SUPPORTED].join(', ')})`);
      }
    }
    if (this.closed) return rpcError(res, 404, -32001, 'Session not found');
    const ids = msgs.filter((m) => typeof m.method === 'string' && 'id' in m).map((m) => m.id as Id);
    if (ids.length === 0) {
      res.writeHead(202, { 'content-length': 0 }).end();
      for (const m of msgs) this.onmessage?.(m);
      return;
    }
    if (new Set(ids).size !== ids.length || ids.some((id) => this.posts.has(id))) {
      return rpcError(res, 400, -32600, 'Invalid Request: a request with this id is already in flight');
    }
    const post: Post = { res, waiting: new Set(ids), answers: [], batch, sse: false };
    for (const id of ids) this.posts.set(id, post);
    res.once('close', () => {
      // The client went away: answers that arrive later have nowhere to go.
      for (const id of post.waiting) if (this.posts.get(id) === post) this.posts.delete(id);
      post.waiting.clear();
    });
    for (const m of msgs) this.onmessage?.(m);
  }

  /** GET: the client's stream for messages the upstream sends on its own. One at a time. */
  handleGet(req: IncomingMessage, res: ServerResponse): void {
    if (!(req.headers.accept ?? '').includes('text/event-stream')) return rpcError(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    if (this.stream && !this.stream.destroyed) return rpcError(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'mcp-session-id': this.sessionId });
    res.flushHeaders();
    this.stream = res;
    this.keepAlive = setInterval(() => res.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
    this.keepAlive.unref();
    res.once('close', () => {
      if (this.stream === res) {
        this.stream = undefined;
        clearInterval(this.keepAlive);
      }
    });
  }

  /** DELETE: the client ends the session. */
  handleDelete(res: ServerResponse): void {
    res.writeHead(200, { 'content-length': 0 }).end();
    void this.close();
  }

  /**
   * A message for the client: the answer to a pending request; a message related to a pending request
   * (`relatedId`: progress of a tool call), sent on that request's POST, which becomes an event stream; anything
   * else on the GET stream (dropped when the client has none open).
   */
  send(m: Message, relatedId?: Id): void {
    const isAnswer = typeof m.method !== 'string' && isId(m.id);
    if (!isAnswer && relatedId !== undefined) {
      const post = this.posts.get(relatedId);
      if (post && !post.res.destroyed) {
        if (!post.sse) {
          post.sse = true;
          post.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'mcp-session-id': this.sessionId });
        }
        writeEvent(post.res, m);
        return;
      }
    }
    const post = isAnswer ? this.posts.get(m.id as Id) : undefined;
    if (post) {
      this.posts.delete(m.id as Id);
      post.waiting.delete(m.id as Id);
      if (post.sse) {
        writeEvent(post.res, m);
        if (post.waiting.size === 0) post.res.end();
        return;
      }
      post.answers.push(m);
      if (post.waiting.size === 0 && !post.res.destroyed) {
        json(post.res, 200, post.batch ? post.answers : post.answers[0], { 'mcp-session-id': this.sessionId });
      }
      return;
    }
    if (isAnswer || !this.stream || this.stream.destroyed) return;
    writeEvent(this.stream, m);
  }

  /** Ends the session: pending POSTs get an error, the GET stream ends. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const [id, post] of this.posts) {
      this.posts.delete(id);
      post.waiting.delete(id);
      const error = { jsonrpc: '2.0', id, error: { code: -32001, message: 'Session closed' } };
      if (post.sse) {
        writeEvent(post.res, error);
        if (post.waiting.size === 0) post.res.end();
        continue;
      }
      post.answers.push(error);
      if (post.waiting.size === 0 && !post.res.destroyed) json(post.res, 200, post.batch ? post.answers : post.answers[0]);
    }
    clearInterval(this.keepAlive);
    this.stream?.end();
    this.stream = undefined;
    this.onclose?.();
    return Promise.resolve();
  }
}
