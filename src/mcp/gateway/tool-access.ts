// What a caller of the MCP gateway may see and call: per-principal tool access rules and per-tool scopes (compiled
// once from the config, matched on every tools/call), and the vetting of what an upstream serves (tools/list and
// the initialize instructions) against its pins and the poisoned-description checks.
import { compileGlob, compileGlobs, type GlobMatcher } from '../../policy/glob.js';
import { checkDefinitions } from '../audit/descriptions.js';
import { liveFinding } from '../audit/live-checks.js';
import { toDefinition } from '../audit/served.js';
import type { PinnedServer } from '../pins.js';
import { changedFields, definitionKey, hashDefinition, hashInstructions, sha256Hex } from '../pins-canonical.js';
import type { McpFinding, ToolDefinition } from '../types.js';
import type { AccessRule } from './config.js';

/** Entries of each per-name cache; names longer than MAX_CACHED_NAME are matched every time, never cached. */
const MAX_CACHE = 10_000;
const MAX_CACHED_NAME = 256;

/** Inserts into a bounded Map, dropping the oldest entry when full (insertion order). */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_CACHE) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

// ---- access -------------------------------------------------------------------------------------------------

export interface ToolAccess {
  allowed(tool: string): boolean;
}

const never: GlobMatcher = () => false;
const EVERY_TOOL: ToolAccess = Object.freeze({ allowed: () => true });

function ruleAccess(rule: AccessRule): ToolAccess {
  const allow = rule.allow === undefined ? undefined : compileGlobs(rule.allow);
  const deny = rule.deny.length === 0 ? never : compileGlobs(rule.deny);
  if (!allow) return Object.freeze({ allowed: (tool: string) => !deny(tool) });
  return Object.freeze({ allowed: (tool: string) => allow(tool) && !deny(tool) });
}

/**
 * First rule whose `principal` glob matches the caller's name decides; within it deny wins over allow; `allow`
 * absent = every tool. No rule matches = every tool. Compiled once; per-principal results cached (≤ 10,000).
 */
export function compileAccess(rules: readonly AccessRule[]): (principalName: string) => ToolAccess {
  if (rules.length === 0) return () => EVERY_TOOL;
  const compiled = rules.map((r) => ({ principal: compileGlob(r.principal), access: ruleAccess(r) }));
  const cache = new Map<string, ToolAccess>();
  const lookup = (name: string): ToolAccess => {
    for (const r of compiled) if (r.principal(name)) return r.access;
    return EVERY_TOOL;
  };
  return (principalName) => {
    const hit = cache.get(principalName);
    if (hit) return hit;
    const access = lookup(principalName);
    if (principalName.length <= MAX_CACHED_NAME) remember(cache, principalName, access);
    return access;
  };
}

// ---- scopes -------------------------------------------------------------------------------------------------

const NO_SCOPES: readonly string[] = Object.freeze([]);
const isGlob = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');
const sortedUnique = (scopes: Iterable<string>): readonly string[] => Object.freeze([...new Set(scopes)].sort());

/** Scopes a tools/call of `tool` needs: the union over every matching glob (sorted, de-duplicated). */
export function compileToolScopes(toolScopes: Readonly<Record<string, readonly string[]>>): (tool: string) => readonly string[] {
  const exact = new Map<string, readonly string[]>();
  const globs: { match: GlobMatcher; scopes: readonly string[] }[] = [];
  for (const [pattern, scopes] of Object.entries(toolScopes)) {
    if (isGlob(pattern)) globs.push({ match: compileGlob(pattern), scopes });
    else exact.set(pattern, sortedUnique(scopes));
  }
  if (globs.length === 0) return (tool) => exact.get(tool) ?? NO_SCOPES;
  const cache = new Map<string, readonly string[]>();
  return (tool) => {
    const hit = cache.get(tool);
    if (hit) return hit;
    const union: string[] = [...(exact.get(tool) ?? NO_SCOPES)];
    for (const g of globs) if (g.match(tool)) union.push(...g.scopes);
    const scopes = union.length === 0 ? NO_SCOPES : sortedUnique(union);
    if (tool.length <= MAX_CACHED_NAME) remember(cache, tool, scopes);
    return scopes;
  };
}

/** Required scopes the caller lacks (granted undefined = none granted), in the order of `required`. */
export function missingScopes(granted: readonly string[] | undefined, required: readonly string[]): string[] {
  if (required.length === 0) return [];
  if (!granted || granted.length === 0) return [...required];
  return required.filter((s) => !granted.includes(s));
}

// ---- vetting what a server serves ---------------------------------------------------------------------------

export type HiddenReason = 'changed' | 'unpinned' | 'poisoned' | 'denied';

export interface HiddenTool {
  name: string;
  reason: HiddenReason;
  /** For 'changed': which model-read fields differ from the pin. */
  fields?: string[];
  findings: McpFinding[];
}

export interface VetResult {
  /** Raw tools/list items to pass on, in order, unmodified objects. */
  visible: unknown[];
  hidden: HiddenTool[];
  /** Description findings on tools that stay visible ('flag', or below high severity under 'block'). */
  flagged: McpFinding[];
}

export interface InstructionsVerdict {
  keep: boolean;
  reason?: 'changed' | 'poisoned';
  findings: McpFinding[];
}

export interface ToolVetter {
  /** Vets the `tools` array of a tools/list result; `continued`: a later page of the same listing (a cursor was sent). */
  vetTools(tools: readonly unknown[], continued?: boolean): VetResult;
  /** Server instructions from the initialize result: drift against the pinned hash, poisoned text → keep: false. */
  vetInstructions(instructions: string | undefined): InstructionsVerdict;
  /** Whether the named tool was approved the last time it was vetted (undefined: never seen). */
  approved(tool: string): boolean | undefined;
}

export interface ToolVetterOptions {
  serverName: string;
  /** The server's pin (`findPinned(pins, pinName)`); undefined: no pins, every definition approved unless poisoned. */
  pins?: PinnedServer;
  descriptions: 'block' | 'flag' | 'off';
  /** Names of the other servers of the gateway (descriptions that name them are shadowing). */
  otherServers?: readonly string[];
}

/** Most tools vetted per tools/list page; the rest are hidden (a server with more is hostile or broken). */
const MAX_TOOLS = 10_000;
/** Cache keys longer than this are replaced by their SHA-256, so a cache of huge items stays small. */
const MAX_KEY_CHARS = 2048;

const MALFORMED_TAGS = Object.freeze({ owaspMcp: ['MCP03'] });

/** Not in the audit catalogues: only the gateway meets tools/list items without a name. */
function malformed(message: string): McpFinding {
  return { check: 'gateway.malformed-tool', severity: 'medium', message, location: 'tools/list', tags: MALFORMED_TAGS };
}

/**
 * A finding that hides a tool under 'block': a high or critical finding of the pattern checks (hidden directives,
 * file reads, exfiltration, shadowing, invisible text). The prompt-injection model's score alone only flags: on
 * short descriptions it is not precise enough to take a tool away (a benign "Tests simple text content response"
 * scored 0.993 in the MCP conformance suite).
 */
const isBlocking = (f: McpFinding): boolean => (f.severity === 'high' || f.severity === 'critical') && f.check !== 'descriptions.prompt-injection';

/** The verdict on one tools/list item, shared by every listing that serves the same item (frozen). */
interface ItemVerdict {
  name: string;
  hidden?: HiddenTool;
  flagged: readonly McpFinding[];
}

function freezeHidden(h: HiddenTool): HiddenTool {
  Object.freeze(h.findings);
  if (h.fields) Object.freeze(h.fields);
  return Object.freeze(h);
}

/** A cheap identity of a raw item; undefined when it cannot be serialised (too deep), then it is vetted uncached. */
function itemKey(pinKey: string, raw: unknown): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(raw);
  } catch {
    return undefined;
  }
  const key = `${pinKey}\u0000${json}`;
  return key.length <= MAX_KEY_CHARS ? key : `${pinKey}\u0000#${sha256Hex(json)}`;
}

/** Hostile definitions (nesting too deep to hash) count as changed rather than throwing. */
function hashOrUndefined(def: ToolDefinition): string | undefined {
  try {
    return hashDefinition(def);
  } catch {
    return undefined;
  }
}

function fieldsOrEmpty(before: ToolDefinition, after: ToolDefinition): string[] {
  try {
    return changedFields(before, after);
  } catch {
    return [];
  }
}

export function createToolVetter(opts: ToolVetterOptions): ToolVetter {
  const { serverName, pins, descriptions } = opts;
  const ctx = { serverName, otherServers: opts.otherServers ?? [] };
  const pinned = new Map(pins?.definitions.map((d) => [d.key, d]));
  const verdicts = new Map<string, ItemVerdict>();
  const approvals = new Map<string, boolean>();
  let lastInstructions: { text: string | undefined; verdict: InstructionsVerdict } | undefined;

  function describe(def: ToolDefinition): McpFinding[] {
    return descriptions === 'off' ? [] : checkDefinitions({ items: [def] }, ctx);
  }

  function vetItem(def: ToolDefinition, pinKey: string): ItemVerdict {
    const label = `Tool \`${def.name}\` of server \`${serverName}\``;
    if (pins) {
      const pin = pinned.get(pinKey);
      if (!pin) {
        const findings = [liveFinding('pins.added', `${label} is not pinned: hidden until reviewed and pinned with \`bulwark mcp pin\`.`, `tool:${def.name}`), ...describe(def)];
        return { name: def.name, hidden: freezeHidden({ name: def.name, reason: 'unpinned', findings }), flagged: [] };
      }
      if (hashOrUndefined(def) !== pin.hash) {
        const fields = fieldsOrEmpty(pin.definition, def);
        const what = fields.join(', ') || 'definition';
        const findings = [liveFinding('pins.changed', `${label} changed since it was pinned (${what}): hidden until reviewed and re-pinned.`, `tool:${def.name}`), ...describe(def)];
        return { name: def.name, hidden: freezeHidden({ name: def.name, reason: 'changed', fields, findings }), flagged: [] };
      }
    }
    const findings = describe(def);
    if (descriptions === 'block' && findings.some(isBlocking)) {
      return { name: def.name, hidden: freezeHidden({ name: def.name, reason: 'poisoned', findings }), flagged: [] };
    }
    return { name: def.name, flagged: Object.freeze(findings) };
  }

  function approve(name: string, ok: boolean, seen: Set<string>): void {
    // A name served twice in one listing is approved only when every copy is.
    const value = seen.has(name) ? ok && approvals.get(name) === true : ok;
    seen.add(name);
    approvals.delete(name);
    remember(approvals, name, value);
  }

  // Repeats of a name are counted over the whole listing, across its pages (pin keys `#2`, `#3`… are too).
  let listing = { occurrences: new Map<string, number>(), seen: new Set<string>() };

  function vetTools(tools: readonly unknown[], continued = false): VetResult {
    const visible: unknown[] = [];
    const hidden: HiddenTool[] = [];
    const flagged: McpFinding[] = [];
    if (!continued) listing = { occurrences: new Map(), seen: new Set() };
    const { occurrences, seen } = listing;
    let malformedCount = 0;
    const count = Math.min(tools.length, MAX_TOOLS);
    for (let i = 0; i < count; i++) {
      const raw = tools[i];
      const nameOk = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && typeof (raw as { name?: unknown }).name === 'string' && (raw as { name: string }).name !== '';
      const def = nameOk ? toDefinition(raw, 'tool') : undefined;
      if (!def) {
        malformedCount++;
        continue;
      }
      // Keys as in pin files: `tool:<name>`, then `#2`, `#3`… for repeats within one listing.
      const base = definitionKey(def);
      const n = (occurrences.get(base) ?? 0) + 1;
      occurrences.set(base, n);
      const pinKey = n === 1 ? base : `${base}#${n}`;
      const key = itemKey(pinKey, raw);
      let verdict = key === undefined ? undefined : verdicts.get(key);
      if (!verdict) {
        verdict = vetItem(def, pinKey);
        if (key !== undefined) remember(verdicts, key, verdict);
      }
      approve(verdict.name, verdict.hidden === undefined, seen);
      if (verdict.hidden) hidden.push(verdict.hidden);
      else {
        visible.push(raw);
        for (const f of verdict.flagged) flagged.push(f);
      }
    }
    if (malformedCount > 0) {
      hidden.push({ name: '', reason: 'poisoned', findings: [malformed(`${malformedCount} tools/list item(s) of server \`${serverName}\` without a name were dropped.`)] });
    }
    if (tools.length > MAX_TOOLS) {
      hidden.push({ name: '', reason: 'poisoned', findings: [malformed(`server \`${serverName}\` listed ${tools.length} tools; only the first ${MAX_TOOLS} were vetted, the rest dropped.`)] });
    }
    return { visible, hidden, flagged };
  }

  function judgeInstructions(instructions: string | undefined): InstructionsVerdict {
    if (pins && hashInstructions(instructions) !== pins.instructionsHash) {
      const finding = liveFinding(
        'pins.instructions-changed',
        `The instructions of server \`${serverName}\` changed since it was pinned: withheld until reviewed and re-pinned.`,
        'instructions',
      );
      return { keep: false, reason: 'changed', findings: [finding] };
    }
    if (instructions === undefined || instructions === '' || descriptions === 'off') return { keep: true, findings: [] };
    const findings = checkDefinitions({ instructions, items: [] }, ctx);
    if (descriptions === 'block' && findings.some(isBlocking)) return { keep: false, reason: 'poisoned', findings };
    return { keep: true, findings };
  }

  return {
    vetTools,
    vetInstructions(instructions) {
      if (lastInstructions && lastInstructions.text === instructions) return lastInstructions.verdict;
      const verdict = judgeInstructions(instructions);
      Object.freeze(verdict.findings);
      Object.freeze(verdict);
      lastInstructions = { text: instructions, verdict };
      return verdict;
    },
    approved: (tool) => approvals.get(tool),
  };
}
