// The gateway's client side of a Streamable HTTP upstream (MCP basic/transports, 2025-06-18 / 2025-11-25), lean
// enough for the hot path: node:http / node:https with a keep-alive Agent, no fetch, no web streams, no schema
// library; each message is JSON.parse'd once. A POST per message; its answer is either JSON (read up to a bound,
// then delivered) or an event stream (parsed incrementally, each event bounded, consumed in the background). After
// `notifications/initialized` a GET stream carries what the upstream sends on its own; DELETE ends the session on
// close(). Redirects are never followed, and the only headers besides the protocol's own are the ones the owner's
// `headers` callback returns for each request (the gateway's credential), so nothing else can reach the upstream.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BulwarkError } from '../../core/errors.js';
import { SseParser } from './event-stream.js';
import { validMessage } from './front.js';

type Id = string | number;

/** Largest JSON answer, and largest single event of an event stream. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** close() waits at most this long for the upstream to answer the DELETE of the session. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 1000;
/**
 * An idle keep-alive socket is closed after this long: below the 5 s that Node and uvicorn servers keep an idle
 * connection, so that a request rarely meets a connection the server is just closing (a server's `Keep-Alive:
 * timeout=` hint lowers it further).
 */
export const DEFAULT_IDLE_SOCKET_MS = 4000;
/** The GET stream is reopened at most this many times in a row (a stream that lived 10 s resets the count). */
export const DEFAULT_STREAM_RETRIES = 3;
const STREAM_RETRY_MS = 1000;
const STREAM_STABLE_MS = 10_000;
/** An answer that is not used (202, an error status) is read up to this much, then its connection is dropped. */
const DISCARD_BYTES = 64 * 1024;
/** JSON-RPC error code of an answer the transport makes up for a request whose event stream ended unanswered (the SDK's ConnectionClosed). */
export const STREAM_ENDED_CODE = -32000;

const ACCEPT_BOTH = 'application/json, text/event-stream';
const SSE = 'text/event-stream';
/** Headers only the transport sets: a supplied header of one of these names is dropped (upstream.ts refuses them in configuration). */
export const PROTOCOL_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'content-type',
  'content-length',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);
/** Visible ASCII, as the spec requires of a session id (and a protocol version). */
const VISIBLE_ASCII = /^[\x21-\x7e]{1,1024}$/;
const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/** The headers the owner adds to each request (authorization, configured ones); resolved per request. */
export type HeaderSource = () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;

export interface HttpClientTransportOptions {
  /** Names the upstream in error messages; default "upstream". */
  name?: string;
  /** Called before every request; its headers are added except the protocol's own names. */
  headers?: HeaderSource;
  /** A keep-alive Agent shared with other transports (see createUpstreamAgent); close() leaves it open. Default: an own Agent, destroyed by close(). */
  agent?: HttpAgent;
  /** Default DEFAULT_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  /** Default DEFAULT_CLOSE_TIMEOUT_MS. */
  closeTimeoutMs?: number;
  /** Open the GET stream for messages the upstream sends on its own, after `notifications/initialized`; default true. */
  standaloneStream?: boolean;
  /** Default DEFAULT_STREAM_RETRIES. */
  streamRetries?: number;
  /** First delay before the GET stream is reopened (doubling after); default 1 s. */
  streamRetryDelayMs?: number;
  /** Told the complete headers of every request as sent (for the owner's record of header names). */
  presented?: (headers: Readonly<Record<string, string>>) => void;
}

/** A keep-alive Agent for one upstream: idle sockets are unref'd and closed after `idleSocketMs`. */
export function createUpstreamAgent(url: URL, opts: { idleSocketMs?: number } = {}): HttpAgent {
  const options = { keepAlive: true, timeout: opts.idleSocketMs ?? DEFAULT_IDLE_SOCKET_MS, scheduling: 'lifo' as const };
  return url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

function mediaType(header: string | undefined): string {
  if (!header) return '';
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

const isId = (v: unknown): v is Id => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** The ids of the requests in a message (or a batch), undefined when there are none. */
function requestIds(message: unknown): Set<Id> | undefined {
  let ids: Set<Id> | undefined;
  for (const m of Array.isArray(message) ? (message as unknown[]) : [message]) {
    const r = m as { method?: unknown; id?: unknown };
    if (typeof r.method === 'string' && isId(r.id)) (ids ??= new Set()).add(r.id);
  }
  return ids;
}

/**
 * Reads and drops an unused answer, up to DISCARD_BYTES (then the connection is dropped instead). Resolves when an
 * empty answer has ended, so that its connection is back in the pool for the next request; at once otherwise.
 */
function discard(res: IncomingMessage): Promise<void> {
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > DISCARD_BYTES) res.destroy();
  });
  res.on('error', () => undefined);
  res.resume();
  if (res.headers['content-length'] !== '0' || res.complete) return Promise.resolve();
  return new Promise((resolve) => {
    res.once('end', resolve);
    res.once('close', resolve);
  });
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.name : 'error';
}

/**
 * Runs steps in order, the first at once and each one that comes while a step ran in the current turn of the event
 * loop in a later turn (setImmediate): all microtasks of a delivered message settle before the next one is delivered.
 * The SDK's Protocol handles a notification some microtasks later but a response at once; without this, a progress
 * notification that arrived in one chunk with its request's answer would be handled after the answer, and dropped.
 */
class Turns {
  private readonly queue: (() => void)[] = [];
  private busy = false;

  push(step: () => void): void {
    if (this.busy) {
      this.queue.push(step);
      return;
    }
    this.busy = true;
    step();
    setImmediate(this.next);
  }

  private readonly next = (): void => {
    const step = this.queue.shift();
    if (step === undefined) {
      this.busy = false;
      return;
    }
    step();
    setImmediate(this.next);
  };
}

export class HttpClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private readonly name: string;
  private readonly target: RequestOptions;
  private readonly doRequest: typeof httpRequest;
  private readonly agent: HttpAgent;
  private readonly ownsAgent: boolean;
  private readonly source: HeaderSource | undefined;
  private readonly presented: ((headers: Readonly<Record<string, string>>) => void) | undefined;
  private readonly maxBytes: number;
  private readonly closeTimeoutMs: number;
  private readonly standalone: boolean;
  private readonly streamRetries: number;
  private readonly streamRetryMs: number;
  private readonly turns = new Turns();
  /** Requests whose answer is not read to its end yet (POSTs, event streams, the GET stream). */
  private readonly inflight = new Set<ClientRequest>();
  private session: string | undefined;
  private protocolVersion: string | undefined;
  private started = false;
  private closed = false;
  private streamState: 'none' | 'open' | 'off' = 'none';
  private streamFailures = 0;
  private streamTimer: NodeJS.Timeout | undefined;

  constructor(url: URL | string, opts: HttpClientTransportOptions = {}) {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`HttpClientTransport needs an http(s) URL, not ${u.protocol}`);
    if (u.username !== '' || u.password !== '') throw new TypeError('HttpClientTransport: the URL must not contain credentials');
    this.name = opts.name ?? 'upstream';
    const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    this.target = { protocol: u.protocol, hostname, port: u.port === '' ? undefined : Number(u.port), path: `${u.pathname}${u.search}` };
    this.doRequest = u.protocol === 'https:' ? httpsRequest : httpRequest;
    this.ownsAgent = opts.agent === undefined;
    this.agent = opts.agent ?? createUpstreamAgent(u);
    this.source = opts.headers;
    this.presented = opts.presented;
    this.maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.standalone = opts.standaloneStream ?? true;
    this.streamRetries = opts.streamRetries ?? DEFAULT_STREAM_RETRIES;
    this.streamRetryMs = opts.streamRetryDelayMs ?? STREAM_RETRY_MS;
  }

  get sessionId(): string | undefined {
    return this.session;
  }

  setProtocolVersion(version: string): void {
    if (typeof version === 'string' && VISIBLE_ASCII.test(version)) this.protocolVersion = version;
  }

  start(): Promise<void> {
    if (this.started) return Promise.reject(new Error('HttpClientTransport already started'));
    this.started = true;
    return Promise.resolve();
  }

  /**
   * POSTs one message. Resolves once the upstream accepted it: a JSON answer read and delivered, or an event
   * stream's headers received (its events are delivered as they arrive). Rejects (and reports to onerror) on an
   * error status, a redirect, a network failure, an oversize or malformed answer.
   */
  async send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw this.closedError();
    const body = JSON.stringify(message);
    let res: IncomingMessage;
    let withSession: boolean;
    try {
      const headers = await this.headers(ACCEPT_BOTH, body);
      withSession = headers['mcp-session-id'] !== undefined;
      // A tools/call is not sent twice: the upstream may have run it before the connection broke.
      res = await this.exchange('POST', headers, body, (message as { method?: unknown }).method !== 'tools/call');
    } catch (e) {
      throw this.failed(e);
    }
    this.captureSession(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      discard(res);
      throw this.failed(this.statusError(status, withSession));
    }
    const initialized = (message as { method?: unknown }).method === 'notifications/initialized';
    const ids = requestIds(message);
    const type = status === 202 || status === 204 ? undefined : mediaType(res.headers['content-type']);
    if (type === undefined) {
      await discard(res); // accepted; any answer comes on another stream
    } else if (type === 'application/json') {
      let parsed: unknown;
      try {
        parsed = await this.readJson(res, ids !== undefined);
      } catch (e) {
        throw this.failed(e);
      }
      if (parsed !== undefined) {
        const messages = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
        if (!messages.every(validMessage)) throw this.failed(this.malformed('the JSON answer is not a JSON-RPC message'));
        for (const m of messages) await this.delivered(m);
      }
    } else if (type === SSE) {
      this.consumeStream(res, ids, undefined);
    } else {
      await discard(res);
      if (ids !== undefined) throw this.failed(this.malformed(`the answer has the unexpected content type ${JSON.stringify(type.slice(0, 64))}`));
    }
    if (initialized) this.openStream();
  }

  /** Aborts what is in flight, DELETEs the session (best effort, bounded), releases an own Agent; onclose once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.streamTimer);
    const aborted = this.closedError();
    for (const req of this.inflight) req.destroy(aborted);
    this.inflight.clear();
    if (this.session !== undefined) await this.deleteSession();
    if (this.ownsAgent) this.agent.destroy();
    try {
      this.onclose?.();
    } catch {
      // The owner's handler failing is not the transport's concern.
    }
  }

  // ------------------------------------------------------------------------------------------------ requests

  /** The headers of one request: the owner's (without protocol names), then the protocol's. */
  private async headers(accept: string | undefined, body: string | undefined): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    if (this.source) {
      const given = this.source();
      const supplied = given instanceof Promise ? await given : given;
      for (const key of Object.keys(supplied)) {
        const name = key.toLowerCase();
        if (PROTOCOL_HEADERS.has(name)) continue;
        const value = supplied[key];
        if (typeof value !== 'string' || LINE_BREAK_OR_NUL.test(value)) {
          throw new BulwarkError('ERR_CONFIG_INVALID', `${this.name}: the value of header ${JSON.stringify(name.slice(0, 64))} is not a single line`, { context: { header: name } });
        }
        out[name] = value;
      }
    }
    if (accept !== undefined) out.accept = accept;
    if (body !== undefined) {
      out['content-type'] = 'application/json';
      out['content-length'] = String(Buffer.byteLength(body));
    }
    if (this.session !== undefined) out['mcp-session-id'] = this.session;
    if (this.protocolVersion !== undefined) out['mcp-protocol-version'] = this.protocolVersion;
    return out;
  }

  /**
   * One request; resolves with the response head. A request on a reused keep-alive connection that fails before
   * any answer (the server closed the idle connection just then) is sent once more on a new connection, when
   * `resendable` (not for a tool call, which the upstream may have run before the connection broke).
   */
  private exchange(method: string, headers: Record<string, string>, body: string | undefined, resendable: boolean): Promise<IncomingMessage> {
    if (this.closed) return Promise.reject(this.closedError());
    this.presented?.(headers);
    return new Promise<IncomingMessage>((resolve, reject) => {
      const attempt = (retry: boolean): void => {
        let req: ClientRequest;
        try {
          req = this.doRequest({ ...this.target, method, headers, agent: this.agent });
        } catch (e) {
          reject(this.networkError(e));
          return;
        }
        this.inflight.add(req);
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          resolve(res);
        });
        req.on('error', (err) => {
          if (answered) return; // the response's own handlers see the failure
          this.inflight.delete(req);
          if (this.closed) reject(this.closedError());
          else if (retry && req.reusedSocket && (errorCode(err) === 'ECONNRESET' || errorCode(err) === 'EPIPE')) attempt(false);
          else reject(this.networkError(err));
        });
        req.on('close', () => this.inflight.delete(req));
        req.end(body);
      };
      attempt(resendable);
    });
  }

  /** A JSON answer, read up to maxBytes and parsed once; undefined for an empty body when no answer is due. */
  private readJson(res: IncomingMessage, answerDue: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (Number(res.headers['content-length']) > this.maxBytes) {
        res.on('error', () => undefined);
        res.destroy();
        reject(this.tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > this.maxBytes) {
          done = true;
          res.destroy();
          reject(this.tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (done) return;
        done = true;
        if (size === 0 && !answerDue) {
          resolve(undefined);
          return;
        }
        const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new BulwarkError('ERR_INPUT_INVALID_JSON', `${this.name}: the answer is not valid JSON`));
        }
      });
      res.on('error', () => undefined);
      res.on('close', () => {
        if (done) return;
        done = true;
        reject(this.closed ? this.closedError() : new BulwarkError('ERR_IO', `${this.name}: the answer was cut off`));
      });
    });
  }

  /**
   * Reads an event stream in the background, delivering each message event. A request of `pending` whose answer
   * never came when the stream ends (cut off, malformed, or simply closed) gets an error answer, so that no caller
   * waits for it.
   */
  private consumeStream(res: IncomingMessage, pending: Set<Id> | undefined, ended: ((failed: boolean) => void) | undefined): void {
    let failure: Error | undefined;
    let finished = false;
    const parser = new SseParser(this.maxBytes, (event, data) => {
      if (event !== 'message' || data === '') return;
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch {
        this.report(new BulwarkError('ERR_INPUT_INVALID_JSON', `${this.name}: an event of the event stream is not valid JSON`));
        return;
      }
      const messages = Array.isArray(value) ? (value as unknown[]) : [value];
      for (const m of messages) {
        if (!validMessage(m)) {
          this.report(this.malformed('an event of the event stream is not a JSON-RPC message'));
          continue;
        }
        if (pending !== undefined && typeof m.method !== 'string') pending.delete(m.id as Id);
        this.deliver(m);
      }
    });
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.turns.push(settle);
    };
    // In turn: after the messages that came before the end.
    const settle = (): void => {
      if (this.closed) return;
      if (failure) this.report(failure);
      if (pending !== undefined && pending.size > 0) {
        if (!failure) this.report(new BulwarkError('ERR_IO', `${this.name}: the event stream ended before the answer`));
        for (const id of pending) {
          this.deliver({ jsonrpc: '2.0', id, error: { code: STREAM_ENDED_CODE, message: `the upstream's event stream ended before the answer` } });
        }
        pending.clear();
      }
      ended?.(failure !== undefined);
    };
    res.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        parser.push(chunk);
      } catch (e) {
        failure = e instanceof Error ? e : new Error(String(e));
        res.destroy();
      }
    });
    res.on('end', finish);
    res.on('error', () => undefined);
    res.on('close', () => {
      if (!res.complete && !failure) failure = new BulwarkError('ERR_IO', `${this.name}: the event stream was cut off`);
      finish();
    });
  }

  /** Opens the GET stream for the upstream's own messages (once; 405 means the upstream offers none). */
  private openStream(): void {
    if (!this.standalone || this.closed || this.streamState !== 'none') return;
    this.streamState = 'open';
    const opened = Date.now();
    const again = (): void => {
      if (this.closed || this.streamState === 'off') return;
      this.streamState = 'none';
      if (Date.now() - opened >= STREAM_STABLE_MS) this.streamFailures = 0;
      if (this.streamFailures >= this.streamRetries) {
        this.streamState = 'off';
        this.report(new BulwarkError('ERR_IO', `${this.name}: the event stream for the upstream's own messages could not be kept open`));
        return;
      }
      this.streamTimer = setTimeout(() => this.openStream(), this.streamRetryMs * 2 ** this.streamFailures++);
      this.streamTimer.unref();
    };
    void (async () => {
      let res: IncomingMessage;
      let withSession: boolean;
      try {
        const headers = await this.headers(SSE, undefined);
        withSession = headers['mcp-session-id'] !== undefined;
        res = await this.exchange('GET', headers, undefined, true);
      } catch (e) {
        if (this.closed) return;
        this.report(e);
        again();
        return;
      }
      const status = res.statusCode ?? 0;
      if (status === 405 || status < 200 || status > 299) {
        discard(res);
        this.streamState = 'off';
        if (status !== 405) this.report(this.statusError(status, withSession));
        return;
      }
      if (mediaType(res.headers['content-type']) !== SSE) {
        discard(res);
        this.streamState = 'off';
        this.report(this.malformed('the GET stream is not an event stream'));
        return;
      }
      this.consumeStream(res, undefined, again);
    })();
  }

  /** DELETE of the session, bounded by closeTimeoutMs; every failure is ignored. */
  private deleteSession(): Promise<void> {
    return new Promise<void>((resolve) => {
      let req: ClientRequest | undefined;
      let done = false;
      const finish = (abort: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (abort) req?.destroy();
        resolve();
      };
      const timer = setTimeout(() => finish(true), this.closeTimeoutMs);
      void this.headers(undefined, undefined)
        .then((headers) => {
          if (done) return;
          this.presented?.(headers);
          req = this.doRequest({ ...this.target, method: 'DELETE', headers, agent: this.agent });
          req.on('response', (res) => {
            res.on('error', () => undefined);
            res.on('end', () => finish(false));
            res.on('close', () => finish(!res.complete));
            res.resume();
          });
          req.on('error', () => finish(true));
          req.end();
        })
        .catch(() => finish(true));
    });
  }

  // ----------------------------------------------------------------------------------------------- messages

  /** Resolves once `m` was delivered. */
  private delivered(m: Record<string, unknown>): Promise<void> {
    return new Promise((resolve) => {
      this.turns.push(() => {
        this.onmessageSafe(m);
        resolve();
      });
    });
  }

  /** Delivers in turn (see Turns). */
  private deliver(m: Record<string, unknown>): void {
    this.turns.push(() => this.onmessageSafe(m));
  }

  private onmessageSafe(m: Record<string, unknown>): void {
    if (this.closed) return;
    try {
      this.onmessage?.(m as JSONRPCMessage);
    } catch (e) {
      this.report(e);
    }
  }

  private captureSession(res: IncomingMessage): void {
    const id = res.headers['mcp-session-id'];
    if (typeof id === 'string' && VISIBLE_ASCII.test(id)) this.session = id;
  }

  /** To onerror, unless closed; an onerror that throws is ignored. */
  private report(e: unknown): void {
    if (this.closed) return;
    try {
      this.onerror?.(e instanceof Error ? e : new Error(String(e)));
    } catch {
      // Never out of an event handler.
    }
  }

  /** The error send() rejects with, reported to onerror unless the transport was closed meanwhile. */
  private failed(e: unknown): Error {
    if (this.closed) return this.closedError();
    const err = e instanceof Error ? e : new Error(String(e));
    this.report(err);
    return err;
  }

  private statusError(status: number, withSession: boolean): BulwarkError {
    if (status === 404 && withSession) {
      return new BulwarkError('ERR_IO', `${this.name}: the upstream answered HTTP 404: its session has ended`, { context: { status, sessionExpired: true } });
    }
    const redirect = status >= 300 && status <= 399 ? ' (redirects are not followed)' : '';
    return new BulwarkError('ERR_IO', `${this.name}: the upstream answered HTTP ${status}${redirect}`, { context: { status } });
  }

  private networkError(e: unknown): BulwarkError {
    // The cause stays off: it could quote the request.
    const code = errorCode(e);
    return new BulwarkError('ERR_IO', `${this.name}: the request failed (${code})`, { context: { code } });
  }

  private malformed(what: string): BulwarkError {
    return new BulwarkError('ERR_INPUT_INVALID', `${this.name}: ${what}`);
  }

  private tooLarge(): BulwarkError {
    return new BulwarkError('ERR_INPUT_TOO_LARGE', `${this.name}: the answer exceeds ${this.maxBytes} bytes`, { context: { limit: this.maxBytes } });
  }

  private closedError(): BulwarkError {
    return new BulwarkError('ERR_IO', `${this.name}: the transport is closed`, { context: { closed: true } });
  }
}
