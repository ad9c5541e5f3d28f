// Guarding MCP traffic with a policy's tool_call and tool_result rules: the string values of tools/call arguments,
// the texts of tool results, resources/read and prompts/get results. The walk is bounded (depth, count, size) so a
// hostile payload costs little and never overflows the stack; redactions are written back in place.
import type { DetectorFailure } from '../../core/event.js';
import type { Stage } from '../../core/finding.js';
import type { RedactionVault } from '../../detectors/redact.js';
import { guardTexts, type GuardTarget } from '../../guard/guard-texts.js';
import { decide, mergeResults, type RuledFinding, type StageResult } from '../../guard/run-stage.js';
import type { CompiledPolicy } from '../../policy/types.js';

export interface ToolGuardOutcome {
  result: StageResult;
  /** A redaction changed the value (already written back). */
  modified: boolean;
  /** Number of texts inspected. */
  texts: number;
}

/** Deepest nesting of objects and arrays walked (the arguments or structuredContent object itself is depth 0). */
export const MAX_DEPTH = 64;
/** Most strings handed to the detectors per message. */
export const MAX_STRINGS = 10_000;
/** Most text (UTF-16 code units) handed to the detectors per message. */
export const MAX_TEXT_CHARS = 4 * 1024 * 1024;

/** Shared by every call with nothing to inspect: frozen all the way down so that no caller can poison it. */
const CLEAN: ToolGuardOutcome = Object.freeze({
  result: Object.freeze({ decision: 'allow', findings: Object.freeze([]) as unknown as RuledFinding[], failures: Object.freeze([]) as unknown as DetectorFailure[] }) as StageResult,
  modified: false,
  texts: 0,
});

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One string slot of a parsed message: a class, so a target costs one small object and no closure. */
class Slot implements GuardTarget {
  constructor(
    readonly stage: Stage,
    readonly text: string,
    private readonly holder: Dict | unknown[],
    private readonly key: string | number,
  ) {}

  set(text: string): void {
    if (this.key === '__proto__') {
      // JSON.parse makes `__proto__` an own property; a plain assignment would hit the prototype setter and drop the redaction.
      Object.defineProperty(this.holder, this.key, { value: text, writable: true, enumerable: true, configurable: true });
    } else {
      (this.holder as Dict)[this.key] = text;
    }
  }
}

/** The texts of one message, collected within the bounds; `overflow` says which bound was hit first. */
class Collector {
  readonly targets: Slot[] = [];
  chars = 0;
  overflow: string | undefined;

  constructor(readonly stage: Stage) {}

  /** Adds `holder[key]` when it is a non-empty string; false once a bound is hit (the walk stops). */
  add(holder: Dict | unknown[], key: string | number, text: string): boolean {
    if (this.overflow !== undefined) return false;
    if (text.length === 0) return true;
    if (this.targets.length >= MAX_STRINGS) {
      this.overflow = `more than ${MAX_STRINGS} strings`;
      return false;
    }
    if (this.chars + text.length > MAX_TEXT_CHARS) {
      this.overflow = `more than ${MAX_TEXT_CHARS} characters of text`;
      return false;
    }
    this.chars += text.length;
    this.targets.push(new Slot(this.stage, text, holder, key));
    return true;
  }

  /**
   * Every string value under `holder[key]`, and object keys that read like text (a space, or longer than 64
   * characters: an injection can hide in a key of structuredContent). Keys are checked, never rewritten: a
   * redaction of a key leaves it as it is (a block still blocks).
   */
  walk(holder: Dict | unknown[], key: string | number, depth: number): void {
    if (this.overflow !== undefined) return;
    const value = (holder as Dict)[key as string];
    if (typeof value === 'string') {
      this.add(holder, key, value);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (depth > MAX_DEPTH) {
      this.overflow = `nested more than ${MAX_DEPTH} levels deep`;
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && this.overflow === undefined; i++) this.walk(value, i, depth + 1);
      return;
    }
    let textKeys: string[] | undefined;
    for (const k in value) {
      if (this.overflow !== undefined) return;
      if (!Object.hasOwn(value, k)) continue;
      if (k.length > 64 || k.includes(' ')) (textKeys ??= []).push(k);
      this.walk(value as Dict, k, depth + 1);
    }
    if (textKeys !== undefined) {
      const keys = textKeys.join('\n');
      this.add({ keys }, 'keys', keys);
    }
  }

  /** The texts of one content block: `text`, an embedded resource's `text`, a resource link's title and description. */
  content(block: unknown): void {
    if (!isDict(block)) return;
    if (typeof block.text === 'string') this.add(block, 'text', block.text);
    const resource = block.resource;
    if (isDict(resource) && typeof resource.text === 'string') this.add(resource, 'text', resource.text);
    if (block.type === 'resource_link') {
      if (typeof block.title === 'string') this.add(block, 'title', block.title);
      if (typeof block.description === 'string') this.add(block, 'description', block.description);
    }
  }

  contents(blocks: unknown): void {
    if (Array.isArray(blocks)) for (let i = 0; i < blocks.length && this.overflow === undefined; i++) this.content(blocks[i]);
    else this.content(blocks);
  }
}

/** Runs the stage's rules over what was collected; a hit bound is a failure that blocks when any rule of the stage fails closed. */
async function finish(policy: CompiledPolicy, c: Collector, vault: RedactionVault): Promise<ToolGuardOutcome> {
  const rules = policy.stages[c.stage];
  let bounded: StageResult | undefined;
  if (c.overflow !== undefined) {
    const failure: DetectorFailure = { detector: 'mcp-gateway', code: 'ERR_INPUT_TOO_LARGE', message: `the message is ${c.overflow}`, failMode: rules.some((r) => r.failMode === 'closed') ? 'closed' : 'open' };
    bounded = decide([], [failure], c.stage);
    // Failing closed: nothing is scanned, the block is decided.
    if (bounded.decision === 'block') return { result: bounded, modified: false, texts: 0 };
  }
  if (c.targets.length === 0) return bounded ? { result: bounded, modified: false, texts: 0 } : CLEAN;
  const outcome = await guardTexts(policy, c.targets, undefined, vault);
  const result = bounded ? mergeResults([outcome.result, bounded]) : outcome.result;
  return { result, modified: outcome.modified, texts: c.targets.length };
}

/** Stage tool_call: every string value of the tools/call `arguments`, redactions written back into `args`. */
export async function guardToolCall(policy: CompiledPolicy, args: unknown, vault: RedactionVault): Promise<ToolGuardOutcome> {
  if (policy.stages.tool_call.length === 0 || typeof args !== 'object' || args === null) return CLEAN;
  const c = new Collector('tool_call');
  c.walk({ args }, 'args', 0);
  return finish(policy, c, vault);
}

/**
 * Stage tool_result over a CallToolResult: the text of its content blocks (text, embedded resources, resource
 * links) and every string value of structuredContent; images, audio and blobs are not text and are skipped.
 */
export async function guardToolResult(policy: CompiledPolicy, result: unknown, vault: RedactionVault): Promise<ToolGuardOutcome> {
  if (policy.stages.tool_result.length === 0 || !isDict(result)) return CLEAN;
  const c = new Collector('tool_result');
  c.contents(result.content);
  if (result.structuredContent !== undefined) c.walk(result, 'structuredContent', 0);
  return finish(policy, c, vault);
}

/** Stage tool_result over a resources/read result (`contents[].text`) or a prompts/get result (`messages[].content`, `description`). */
export async function guardReadResult(policy: CompiledPolicy, result: unknown, vault: RedactionVault): Promise<ToolGuardOutcome> {
  if (policy.stages.tool_result.length === 0 || !isDict(result)) return CLEAN;
  const c = new Collector('tool_result');
  if (typeof result.description === 'string') c.add(result, 'description', result.description);
  const contents = result.contents;
  if (Array.isArray(contents)) {
    for (let i = 0; i < contents.length && c.overflow === undefined; i++) {
      const item: unknown = contents[i];
      if (isDict(item) && typeof item.text === 'string') c.add(item, 'text', item.text);
    }
  }
  const messages = result.messages;
  if (Array.isArray(messages)) {
    for (let i = 0; i < messages.length && c.overflow === undefined; i++) {
      const message: unknown = messages[i];
      if (isDict(message)) c.contents(message.content);
    }
  }
  return finish(policy, c, vault);
}

/** What the client gets instead of a blocked tool result. */
export function blockedToolResult(message: string): { content: { type: 'text'; text: string }[]; isError: true } {
  return { content: [{ type: 'text', text: `Blocked by Bulwark: ${message}` }], isError: true };
}
