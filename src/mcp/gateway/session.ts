// One client session of the MCP gateway: the client's Streamable HTTP transport (official SDK) paired with its own
// upstream transport, and the raw JSON-RPC messages between them inspected on the way: tool calls checked against
// the caller's tool access, the pins and the tool_call rules; tools/list answers filtered (changed, unpinned,
// poisoned or denied tools hidden); tool results, resource reads and prompts checked with the tool_result rules.
// Every decision on a tool call is a SecurityEvent. The session is bound to the principal that opened it.
import { randomUUID } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../gateway/auth/principal.js';
import { createVault } from '../../detectors/redact.js';
import type { StageResult } from '../../guard/run-stage.js';
import { FrontChannel } from './front.js';
import type { McpRoute } from './route.js';
import { blockedToolResult, guardReadResult, guardToolCall, guardToolResult } from './tool-guard.js';
import type { ToolAccess, ToolVetter } from './tool-access.js';

/** Ids of the gateway's own requests to the upstream; a client request with this prefix is refused. */
const INTERNAL_PREFIX = 'bulwark-gw-';
/** JSON-RPC error of a request the gateway refused by policy (implementation-defined server error range). */
export const POLICY_ERROR = -32001;
export const UPSTREAM_ERROR = -32002;
/** Most requests of one session waiting for the upstream at once. */
export const MAX_PENDING = 256;
/** Longest tool name accepted (names are echoed into events). */
const MAX_TOOL_NAME = 256;
const CONTROL = /[\x00-\x1f\x7f]/;

type Dict = Record<string, unknown>;
type Id = string | number;

interface Pending {
  method: string;
  /** The request's `_meta.progressToken`: the upstream's progress notifications go back on the request's POST. */
  progressToken?: Id;
  /** A tools/list with a cursor: a later page of the same listing. */
  continued?: boolean;
  tool?: string;
  startedAt: number;
  timer: NodeJS.Timeout;
  /** Result of the tool_call stage, joined into the tools/call event. */
  callResult?: StageResult;
}

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every string inside a value (depth ≤ 16, at most 1,000): error data and sampling messages, for the guard. */
function stringsOf(v: unknown, out: string[] = [], depth = 0): string[] {
  if (out.length >= 1000 || depth > 16) return out;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out, depth + 1);
  else if (isDict(v)) for (const x of Object.values(v)) stringsOf(x, out, depth + 1);
  return out;
}
const isId = (v: unknown): v is Id => typeof v === 'string' || typeof v === 'number';

export interface SessionEvents {
  /** A decision of this session (tool calls, hidden tools, upstream failures). */
  record(e: { kind: 'detection' | 'auth' | 'limit' | 'system'; decision: 'allow' | 'redact' | 'block' | 'flag' | 'error'; stage?: 'tool_call' | 'tool_result'; reason?: string; tool?: string; method?: string; results?: (StageResult | undefined)[]; durationMs?: number; extra?: Dict }): void;
}

export class McpSession {
  readonly front: FrontChannel;
  private upstream: Transport | undefined;
  readonly id: string;
  lastSeen = Date.now();
  /** The caller's latest verified token (only for an RFC 8693 exchange; never sent upstream). */
  token: string | undefined;
  private readonly pending = new Map<Id, Pending>();
  /** progressToken → id of the pending client request that carries it. */
  private readonly progress = new Map<Id, Id>();
  /** Ids of tools/call requests still being checked (before they are pending): an id is never in use twice. */
  private readonly checking = new Set<Id>();
  /** The gateway's own tools/list in progress (shared by the calls that wait for it), and whether one completed. */
  private listing: Promise<void> | undefined;
  private listed = false;
  /** Ids of the upstream's sampling/elicitation requests sent to the client (their answers are guarded). */
  private readonly asked = new Set<Id>();
  private readonly internal = new Map<string, { resolve(v: JSONRPCMessage): void; timer: NodeJS.Timeout }>();
  private readonly access: ToolAccess;
  private readonly vetter: ToolVetter;
  /** tools/list_changed seen since the last listing: the next tools/call re-lists first. */
  private toolsStale = false;
  private closed = false;
  private readonly vault = createVault();

  constructor(
    readonly route: McpRoute,
    readonly principal: Principal,
    private readonly events: SessionEvents,
    onClosed: (session: McpSession) => void,
  ) {
    this.access = route.access(principal.name);
    this.vetter = route.newVetter();
    this.id = randomUUID();
    this.front = new FrontChannel(this.id);
    this.front.onmessage = (msg) => this.fromClient(msg as JSONRPCMessage);
    this.front.onclose = () => {
      void this.close();
      onClosed(this);
    };
  }

  /** Opens the upstream connection (a stdio server process, or an HTTP client); throws when it cannot start. */
  async open(): Promise<void> {
    const upstream = this.route.connector.open({ principal: this.principal, subjectToken: () => this.token });
    upstream.onmessage = (msg) => this.fromUpstream(msg);
    upstream.onclose = () => {
      if (!this.closed) {
        this.events.record({ kind: 'system', decision: 'error', reason: 'upstream_closed' });
        void this.front.close();
      }
    };
    upstream.onerror = (e) => {
      // The upstream forgot its session (restarted, expired): this session cannot go on either; closing it makes
      // the client's next request a 404, after which MCP clients start a new session.
      const context = (e as { context?: { sessionExpired?: unknown } }).context;
      if (context?.sessionExpired === true && !this.closed) {
        this.events.record({ kind: 'system', decision: 'error', reason: 'upstream_session_expired' });
        void this.close();
      }
    };
    await upstream.start();
    this.upstream = upstream;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.settle(id);
    for (const w of this.internal.values()) clearTimeout(w.timer);
    this.internal.clear();
    await Promise.allSettled([this.upstream?.close(), this.front.close()]);
  }

  private reply(id: Id, code: number, message: string, data?: Dict): void {
    this.front.send({ jsonrpc: '2.0', id, error: { code, message, ...(data ? { data } : {}) } });
  }

  private send(msg: JSONRPCMessage): void {
    if (!this.upstream) return;
    this.upstream.send(msg).catch(() => {
      const m = msg as Dict;
      if ('method' in m && isId(m.id)) this.upstreamFailed(m.id, 'the upstream could not be reached');
    });
  }

  private upstreamFailed(id: Id, message: string): void {
    const p = this.settle(id);
    if (!p) return;
    this.events.record({ kind: 'system', decision: 'error', reason: 'upstream_error', method: p.method, ...(p.tool !== undefined ? { tool: p.tool } : {}) });
    this.reply(id, UPSTREAM_ERROR, message);
  }

  private track(id: Id, m: Dict, tool?: string, callResult?: StageResult): void {
    const timer = setTimeout(() => this.upstreamFailed(id, `the upstream did not answer within ${this.route.timeoutMs} ms`), this.route.timeoutMs);
    timer.unref();
    const meta = isDict(m.params) && isDict(m.params._meta) ? m.params._meta : undefined;
    const progressToken = meta !== undefined && isId(meta.progressToken) ? meta.progressToken : undefined;
    if (progressToken !== undefined) this.progress.set(progressToken, id);
    const continued = m.method === 'tools/list' && isDict(m.params) && m.params.cursor !== undefined;
    this.pending.set(id, { method: m.method as string, startedAt: performance.now(), timer, ...(continued ? { continued } : {}), ...(progressToken !== undefined ? { progressToken } : {}), ...(tool !== undefined ? { tool } : {}), ...(callResult ? { callResult } : {}) });
  }

  /** Forgets a pending request (answered, failed or timed out). */
  private settle(id: Id): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (p.progressToken !== undefined && this.progress.get(p.progressToken) === id) this.progress.delete(p.progressToken);
    return p;
  }

  private fromClient(msg: JSONRPCMessage): void {
    this.lastSeen = Date.now();
    const m = msg as Dict;
    if (typeof m.method !== 'string') {
      // Answers to the upstream's own requests: what the client's model or user answered to sampling and
      // elicitation leaves toward the server, so it passes the tool_call rules (like tool arguments); roots and
      // pings go as they are.
      if (isId(m.id) && this.asked.delete(m.id) && isDict(m.result)) void this.guardAnswer(m, m.result).catch(() => undefined);
      else this.send(msg);
      return;
    }
    if (!isId(m.id)) {
      // Only notifications travel without an id: a request without one (a `tools/call` sent as a notification)
      // would reach the upstream past every check, and is dropped.
      if (m.method.startsWith('notifications/')) this.send(msg);
      else this.events.record({ kind: 'detection', decision: 'block', reason: 'request_without_id', method: m.method.slice(0, 64) });
      return;
    }
    const id = m.id;
    if (typeof id === 'string' && id.startsWith(INTERNAL_PREFIX)) {
      this.reply(id, -32600, 'request ids with this prefix are reserved');
      return;
    }
    if (this.pending.has(id) || this.checking.has(id)) {
      this.reply(id, -32600, 'a request with this id is already in flight');
      return;
    }
    if (this.pending.size + this.checking.size >= MAX_PENDING) {
      this.reply(id, -32000, `too many requests in flight (at most ${MAX_PENDING} per session)`);
      return;
    }
    // MCP tasks let a tool's result arrive through tasks/result, past the tool_result checks: the gateway does not
    // offer them (the capability is removed from the initialize answer) and refuses their use.
    if (m.method.startsWith('tasks/') || (m.method === 'tools/call' && isDict(m.params) && m.params.task !== undefined)) {
      this.reply(id, -32602, 'tasks are not supported through the Bulwark gateway');
      return;
    }
    switch (m.method) {
      case 'tools/call':
        this.checking.add(id);
        void this.toolCall(id, m)
          .catch(() => this.reply(id, -32603, 'internal error'))
          .finally(() => this.checking.delete(id));
        return;
      default:
        // Every request is tracked: answers to tools/list, initialize, resources/read and prompts/get are inspected,
        // and a silent upstream gets a timeout answer.
        this.track(id, m);
    }
    this.send(msg);
  }

  private async toolCall(id: Id, m: Dict): Promise<void> {
    const params = isDict(m.params) ? m.params : {};
    const tool = typeof params.name === 'string' && params.name.length > 0 && params.name.length <= MAX_TOOL_NAME && !CONTROL.test(params.name) ? params.name : undefined;
    if (tool === undefined) {
      this.reply(id, -32602, `tools/call needs params.name: 1 to ${MAX_TOOL_NAME} characters without control characters`);
      return;
    }
    if (!this.access.allowed(tool)) {
      this.events.record({ kind: 'auth', decision: 'block', reason: 'tool_denied', tool, method: 'tools/call' });
      this.reply(id, POLICY_ERROR, `tool ${tool} is not available to this caller`, { type: 'bulwark_policy_violation', code: 'tool_denied' });
      return;
    }
    if (this.route.vetsDefinitions) {
      let approved = this.toolsStale ? undefined : this.vetter.approved(tool);
      // Unknown to this session: list once (shared by concurrent calls); after that, an unknown name is refused
      // without listing again until the server says its list changed.
      if (approved === undefined && (!this.listed || this.toolsStale)) {
        await (this.listing ??= this.listTools().finally(() => (this.listing = undefined)));
        approved = this.vetter.approved(tool);
      }
      if (approved !== true) {
        const reason = approved === false ? 'tool_not_approved' : 'tool_not_listed';
        this.events.record({ kind: 'detection', decision: 'block', stage: 'tool_call', reason, tool, method: 'tools/call' });
        this.reply(id, POLICY_ERROR, approved === false ? `tool ${tool} changed since it was approved (or is unsafe) and is blocked until re-approved` : `tool ${tool} is not served`, {
          type: 'bulwark_policy_violation',
          code: reason,
        });
        return;
      }
    }
    const outcome = await guardToolCall(this.route.policy, params.arguments, this.vault);
    if (outcome.result.decision === 'block') {
      this.events.record({ kind: 'detection', decision: 'block', stage: 'tool_call', reason: outcome.result.blockedBy?.detector ?? 'policy', tool, method: 'tools/call', results: [outcome.result] });
      this.reply(id, POLICY_ERROR, `the tool call was blocked: ${outcome.result.blockedBy?.message ?? 'policy violation'}`, {
        type: 'bulwark_policy_violation',
        code: outcome.result.blockedBy?.detector ?? 'policy',
      });
      return;
    }
    if (this.closed) return;
    this.track(id, m, tool, outcome.texts > 0 ? outcome.result : undefined);
    this.send(m as JSONRPCMessage);
  }

  /** Lists the upstream's tools with the gateway's own request ids (every page) so that the vetter knows them. */
  private async listTools(): Promise<void> {
    this.toolsStale = false;
    this.listed = true;
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const answer = (await this.request('tools/list', cursor === undefined ? {} : { cursor })) as Dict | undefined;
      const result = answer !== undefined && isDict(answer.result) ? answer.result : undefined;
      if (!result || !Array.isArray(result.tools)) return;
      this.vetter.vetTools(result.tools as unknown[], page > 0);
      cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
      if (cursor === undefined) return;
    }
  }

  private request(method: string, params: Dict): Promise<JSONRPCMessage | undefined> {
    const id = INTERNAL_PREFIX + randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.internal.delete(id);
        resolve(undefined);
      }, this.route.timeoutMs);
      timer.unref();
      this.internal.set(id, { resolve, timer });
      this.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage);
    });
  }

  private fromUpstream(msg: JSONRPCMessage): void {
    const m = msg as Dict;
    if (isId(m.id) && (m.method === 'sampling/createMessage' || m.method === 'elicitation/create')) {
      void this.upstreamAsks(m).catch(() => this.send({ jsonrpc: '2.0', id: m.id as Id, error: { code: -32603, message: 'internal error' } } as JSONRPCMessage));
      return;
    }
    if (typeof m.method === 'string') {
      if (m.method === 'notifications/tools/list_changed') this.toolsStale = true;
      // Progress goes back on the POST of the request it reports on (after its answer it would be lost); other
      // notifications and the upstream's own requests go to the client's GET stream.
      const token = m.method === 'notifications/progress' && isDict(m.params) && isId(m.params.progressToken) ? m.params.progressToken : undefined;
      this.front.send(m, token === undefined ? undefined : this.progress.get(token));
      return;
    }
    if (!isId(m.id)) return;
    if (typeof m.id === 'string' && m.id.startsWith(INTERNAL_PREFIX)) {
      const w = this.internal.get(m.id);
      if (w) {
        clearTimeout(w.timer);
        this.internal.delete(m.id);
        w.resolve(msg);
      }
      return;
    }
    const p = this.settle(m.id);
    if (!p) return; // an answer to nothing (or after our timeout answer): dropped
    void this.answer(m, p).catch(() => this.reply(m.id as Id, -32603, 'internal error'));
  }

  /**
   * The upstream asks the client's model (sampling) or its user (elicitation): text written by the server, the
   * same lever as a tool result. It passes the tool_result rules first; a blocked one is refused to the upstream.
   */
  /** The client's answer to a sampling or elicitation request, checked before it goes upstream. */
  private async guardAnswer(m: Dict, result: Dict): Promise<void> {
    const outcome = await guardToolCall(this.route.policy, result, this.vault);
    if (outcome.result.decision === 'block') {
      this.events.record({ kind: 'detection', decision: 'block', stage: 'tool_call', reason: outcome.result.blockedBy?.detector ?? 'policy', method: 'answer', results: [outcome.result] });
      this.send({ jsonrpc: '2.0', id: m.id as Id, error: { code: POLICY_ERROR, message: 'the answer was blocked by the Bulwark gateway' } } as JSONRPCMessage);
      return;
    }
    if (outcome.result.decision === 'redact') this.events.record({ kind: 'detection', decision: 'redact', stage: 'tool_call', method: 'answer', results: [outcome.result] });
    this.send(m as JSONRPCMessage);
  }

  private async upstreamAsks(m: Dict): Promise<void> {
    const params = isDict(m.params) ? m.params : {};
    const texts = [params.systemPrompt, params.message, ...stringsOf(params.messages)].filter((t): t is string => typeof t === 'string');
    const outcome = await guardToolResult(this.route.policy, { content: texts.map((text) => ({ type: 'text', text })) }, this.vault);
    if (outcome.result.decision === 'block') {
      this.events.record({ kind: 'detection', decision: 'block', stage: 'tool_result', reason: outcome.result.blockedBy?.detector ?? 'policy', method: m.method as string, results: [outcome.result] });
      this.send({ jsonrpc: '2.0', id: m.id as Id, error: { code: POLICY_ERROR, message: 'the request was blocked by the Bulwark gateway' } } as JSONRPCMessage);
      return;
    }
    if (this.closed) return;
    if (this.asked.size >= MAX_PENDING) this.asked.delete(this.asked.values().next().value as Id);
    this.asked.add(m.id as Id);
    this.front.send(m);
  }

  private async answer(m: Dict, p: Pending): Promise<void> {
    const result = isDict(m.result) ? m.result : undefined;
    if (result) {
      switch (p.method) {
        case 'initialize':
          this.initialized(result);
          break;
        case 'tools/list':
          if (Array.isArray(result.tools)) result.tools = this.visibleTools(result.tools as unknown[], p.continued === true);
          break;
        case 'tools/call':
          if (!(await this.toolResult(m, result, p))) return;
          break;
        case 'resources/read':
        case 'prompts/get': {
          const outcome = await guardReadResult(this.route.policy, result, this.vault);
          if (outcome.result.decision === 'block') {
            this.events.record({ kind: 'detection', decision: 'block', stage: 'tool_result', reason: outcome.result.blockedBy?.detector ?? 'policy', method: p.method, results: [outcome.result] });
            this.reply(m.id as Id, POLICY_ERROR, `the ${p.method === 'prompts/get' ? 'prompt' : 'resource'} was blocked: ${outcome.result.blockedBy?.message ?? 'policy violation'}`, { type: 'bulwark_policy_violation', code: outcome.result.blockedBy?.detector ?? 'policy' });
            return;
          }
          if (outcome.result.decision === 'redact' || outcome.result.findings.length > 0) {
            this.events.record({ kind: 'detection', decision: outcome.result.decision === 'redact' ? 'redact' : 'flag', stage: 'tool_result', method: p.method, results: [outcome.result] });
          }
          break;
        }
        default:
          break;
      }
    } else if (isDict(m.error)) {
      // Error answers are text a host may show the model too: the tool_result rules read their message and data.
      const error = m.error;
      const texts = [error.message, ...stringsOf(error.data)].filter((t): t is string => typeof t === 'string');
      const outcome = await guardToolResult(this.route.policy, { content: texts.map((text) => ({ type: 'text', text })) }, this.vault);
      if (outcome.result.decision === 'block') {
        m.error = { code: typeof error.code === 'number' ? error.code : -32603, message: `Blocked by Bulwark: ${outcome.result.blockedBy?.message ?? 'the error message violated the policy'}` };
      }
      if (p.method === 'tools/call' || outcome.result.decision === 'block') {
        this.events.record({ kind: 'detection', decision: outcome.result.decision === 'block' ? 'block' : 'allow', stage: 'tool_result', tool: p.tool, method: p.method, reason: 'upstream_error', durationMs: performance.now() - p.startedAt, results: [outcome.result, p.callResult] });
      }
    }
    if (this.closed) return;
    this.front.send(m);
  }

  /** Guards a tool result; false when the answer was replaced and already sent. */
  private async toolResult(m: Dict, result: Dict, p: Pending): Promise<boolean> {
    const outcome = await guardToolResult(this.route.policy, result, this.vault);
    const results = [outcome.result, p.callResult];
    const durationMs = performance.now() - p.startedAt;
    if (outcome.result.decision === 'block') {
      this.events.record({ kind: 'detection', decision: 'block', stage: 'tool_result', reason: outcome.result.blockedBy?.detector ?? 'policy', tool: p.tool, method: 'tools/call', results, durationMs });
      m.result = blockedToolResult(outcome.result.blockedBy?.message ?? 'the tool result violated the policy');
      if (!this.closed) this.front.send(m);
      return false;
    }
    const redacted = outcome.result.decision === 'redact' || p.callResult?.decision === 'redact';
    const flagged = outcome.result.findings.length > 0 || (p.callResult?.findings.length ?? 0) > 0;
    this.events.record({ kind: 'detection', decision: redacted ? 'redact' : flagged ? 'flag' : 'allow', stage: 'tool_result', tool: p.tool, method: 'tools/call', results, durationMs });
    return true;
  }

  private initialized(result: Dict): void {
    if (isDict(result.capabilities) && 'tasks' in result.capabilities) delete result.capabilities.tasks;
    const version = result.protocolVersion;
    if (typeof version === 'string') this.upstream?.setProtocolVersion?.(version);
    const instructions = typeof result.instructions === 'string' ? result.instructions : undefined;
    const verdict = this.vetter.vetInstructions(instructions);
    if (!verdict.keep) {
      delete result.instructions;
      this.events.record({ kind: 'detection', decision: 'block', reason: `instructions_${verdict.reason ?? 'unsafe'}`, method: 'initialize', extra: { checks: verdict.findings.map((f) => f.check) } });
    }
  }

  private visibleTools(tools: readonly unknown[], continued: boolean): unknown[] {
    this.toolsStale = false;
    this.listed = true;
    const vet = this.vetter.vetTools(tools, continued);
    for (const h of vet.hidden) {
      if (h.reason === 'denied') continue;
      this.route.reportHidden(h, () =>
        this.events.record({ kind: 'detection', decision: 'block', reason: `tool_${h.reason}`, tool: h.name, method: 'tools/list', extra: { ...(h.fields ? { fields: h.fields } : {}), checks: h.findings.map((f) => f.check) } }),
      );
    }
    for (const f of vet.flagged) this.route.reportFlag(f, () => this.events.record({ kind: 'detection', decision: 'flag', reason: f.check, method: 'tools/list', extra: { location: f.location } }));
    return vet.visible.filter((t) => isDict(t) && typeof t.name === 'string' && this.access.allowed(t.name));
  }
}
