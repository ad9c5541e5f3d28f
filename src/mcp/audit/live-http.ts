// HTTP plumbing of the live audit: a fetch that contacts only the audited server's own origin and never follows a
// redirect elsewhere, bounded bodies and timeouts, and a bare JSON-RPC client (initialize, tools/list) for the auth
// probes, which must see exactly what a server answers to a request without the SDK's retries and auth flows.
import { isIP } from 'node:net';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { BULWARK_VERSION } from '../../core/version.js';

/** Largest response body the live audit reads from a server (a hostile server may stream forever). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Probes read far less: an initialize or a tools/list answer, a metadata document. */
export const MAX_PROBE_BYTES = 1024 * 1024;
const MAX_SAME_ORIGIN_REDIRECTS = 3;

/** The URL without userinfo, query or fragment: what a message may show (a query can carry a token). */
export function displayUrl(url: URL | string): string {
  try {
    const u = new URL(url);
    u.username = u.password = u.search = u.hash = '';
    return u.href;
  } catch {
    return '(invalid URL)';
  }
}

/** Loopback or private-network host: where DNS rebinding and ambient trust matter most. */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0;
  }
  if (isIP(host) === 6) return host === '::1' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80') || host.startsWith('::ffff:127.');
  return false;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host) || host.startsWith('::ffff:127.');
}

/** A response whose body errors once more than `max` bytes have been read. */
function capBody(res: Response, max: number): Response {
  if (!res.body) return res;
  let seen = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > max) controller.error(new Error(`response body exceeds ${max} bytes`));
      else controller.enqueue(chunk);
    },
  });
  return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * A fetch for the SDK transports and the probes: refuses any URL outside `origin` (so credentials never reach
 * another host), never lets fetch follow a redirect itself (the SDK follows same-origin ones through this fetch
 * again, hence through the same check), and bounds every body.
 */
export function originBoundFetch(origin: string, maxBytes = MAX_BODY_BYTES): FetchLike {
  return async (input, init) => {
    const url = new URL(input instanceof URL ? input.href : String(input));
    if (url.origin !== origin) throw new Error(`refused a request to ${url.origin}: the live audit only contacts ${origin}`);
    const redirect = init?.redirect === 'error' ? 'error' : 'manual';
    return capBody(await fetch(url, { ...init, redirect }), maxBytes);
  };
}

export interface PlainResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One request, aborted by `signal` (a probe's whole time budget), following at most a few GET redirects within the
 * origin; no body beyond `maxBytes`.
 */
export async function request(url: URL, init: RequestInit, signal: AbortSignal, maxBytes = MAX_PROBE_BYTES, until?: (text: string) => boolean): Promise<PlainResponse> {
  const fetchOrigin = originBoundFetch(url.origin, maxBytes);
  let target = url;
  for (let hop = 0; ; hop++) {
    const res = await fetchOrigin(target, { ...init, signal });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location && hop < MAX_SAME_ORIGIN_REDIRECTS && init.method !== 'POST') {
      const next = new URL(location, target);
      if (next.origin === url.origin) {
        await res.body?.cancel();
        target = next;
        continue;
      }
    }
    return { status: res.status, headers: res.headers, text: await readText(res, until) };
  }
}

/** Reads a body as text, stopping early once `until` is satisfied (an SSE stream a server keeps open). */
async function readText(res: Response, until?: (text: string) => boolean): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (until?.(text)) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text + decoder.decode();
}

/** The JSON-RPC messages of a JSON or `text/event-stream` body (malformed parts are skipped). */
export function jsonRpcMessages(text: string, contentType: string | null): unknown[] {
  const parse = (s: string): unknown[] => {
    try {
      const v = JSON.parse(s) as unknown;
      return Array.isArray(v) ? v : [v];
    } catch {
      return [];
    }
  };
  if (!contentType?.includes('text/event-stream')) return parse(text);
  const out: unknown[] = [];
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) out.push(...parse(data));
  }
  return out;
}

function resultOf(messages: unknown[], id: number): Record<string, unknown> | undefined {
  for (const m of messages) {
    if (m && typeof m === 'object' && (m as { id?: unknown }).id === id) {
      const result = (m as { result?: unknown }).result;
      return result && typeof result === 'object' ? (result as Record<string, unknown>) : undefined;
    }
  }
  return undefined;
}

export interface ProbeOutcome {
  /** HTTP status of the initialize request (0 when it failed before an answer). */
  status: number;
  /** The challenge of the refused request (initialize, or tools/list when only that was refused). */
  wwwAuthenticate?: string;
  /** The server answered initialize with a result. */
  initialized: boolean;
  /** Status of the tools/list request, when one was sent. */
  listStatus?: number;
  /** Number of tools in a tools/list result; undefined when no tools result came back. */
  tools?: number;
  error?: string;
}

/** For an SSE body a server may keep open: stop reading once a complete event answers `id`. */
const sseAnswered = (id: number) => (text: string) => jsonRpcMessages(text, 'text/event-stream').some((m) => (m as { id?: unknown } | null)?.id === id);

const INIT_ID = 1;
const LIST_ID = 2;

/**
 * initialize, notifications/initialized, tools/list with exactly the given headers, as a client would send them;
 * then ends the session. The whole exchange is bounded by `timeoutMs`; errors are returned, never thrown.
 */
export async function probeMcp(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<ProbeOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers };
  const post = (body: unknown, extra: Record<string, string>, id?: number) =>
    request(url, { method: 'POST', headers: { ...base, ...extra }, body: JSON.stringify(body) }, signal, MAX_PROBE_BYTES, id === undefined ? undefined : sseAnswered(id));
  let outcome: ProbeOutcome = { status: 0, initialized: false };
  try {
    const init = await post(
      {
        jsonrpc: '2.0',
        id: INIT_ID,
        method: 'initialize',
        params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'bulwark-mcp-audit', version: BULWARK_VERSION } },
      },
      {},
      INIT_ID,
    );
    outcome = { status: init.status, initialized: false };
    const challenge = init.headers.get('www-authenticate');
    if (challenge !== null) outcome.wwwAuthenticate = challenge;
    if (init.status !== 200) return outcome;
    const result = resultOf(jsonRpcMessages(init.text, init.headers.get('content-type')), INIT_ID);
    if (!result) return outcome;
    outcome.initialized = true;
    const session: Record<string, string> = {};
    const sessionId = init.headers.get('mcp-session-id');
    if (sessionId) session['mcp-session-id'] = sessionId;
    if (typeof result.protocolVersion === 'string') session['mcp-protocol-version'] = result.protocolVersion;
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session).catch(() => undefined);
    const list = await post({ jsonrpc: '2.0', id: LIST_ID, method: 'tools/list', params: {} }, session, LIST_ID);
    outcome.listStatus = list.status;
    const listChallenge = list.headers.get('www-authenticate');
    if (list.status !== 200 && listChallenge !== null) outcome.wwwAuthenticate = listChallenge;
    const tools = list.status === 200 ? resultOf(jsonRpcMessages(list.text, list.headers.get('content-type')), LIST_ID)?.tools : undefined;
    if (Array.isArray(tools)) outcome.tools = tools.length;
    if (sessionId) await request(url, { method: 'DELETE', headers: { ...headers, ...session } }, signal).catch(() => undefined);
    return outcome;
  } catch (e) {
    return { ...outcome, error: describeFetchError(e) };
  }
}

/** A fetch failure in a sentence, without the URL (which could carry a token in its query). */
export function describeFetchError(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
    const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return `${e.message} (${cause.code})`;
    return e.message;
  }
  return String(e);
}
