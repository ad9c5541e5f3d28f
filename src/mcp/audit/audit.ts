// The MCP audit: configured servers (discovered or given with --config) through the static checks, the served
// definitions (a --tools dump, the pins file, or --live) through the description checks and the pins, into one
// AuditReport. Offline unless a `live` hook is given; every file problem is an entry of `errors`.
import { resolve } from 'node:path';
import { severityRank, type Severity } from '../../core/severity.js';
import type { AuditReport, ConfiguredServer, McpFinding, ServedDefinitions, ServerReport } from '../types.js';
import { checkDefinitions, type DefinitionContext } from './descriptions.js';
import { discoverConfigs, readConfigFile, type ConfigError, type DiscoverOptions } from './discovery.js';
import { readServedDump } from './served.js';
import { checkServer } from './static-checks.js';

export interface LiveHookResult {
  findings: McpFinding[];
  live: NonNullable<ServerReport['live']>;
  served?: ServedDefinitions;
}

/**
 * Connects to one server (M2's liveAudit). `otherServers` are the names of the rest and `otherTools` the tools they
 * are known to serve (from a dump or the pins), for the shadowing and collision checks of the descriptions.
 */
export type LiveHook = (server: ConfiguredServer, ctx: { otherServers: string[]; otherTools: Record<string, string[]> }) => Promise<LiveHookResult>;

/** The subset of src/mcp/pins.ts the audit uses (loaded lazily: pins are optional). */
interface PinsApi {
  readPins(path: string): Promise<unknown>;
  pinnedDefinitions(pins: unknown, server: Pick<ConfiguredServer, 'name' | 'source'>): ServedDefinitions | undefined;
  comparePins(pins: unknown, server: Pick<ConfiguredServer, 'name' | 'source'>, served: ServedDefinitions): McpFinding[];
}

export interface AuditOptions {
  /** Configuration files given with --config; when present nothing is discovered. */
  configs?: string[];
  /** Where to discover client configurations (when no `configs`). */
  discover?: DiscoverOptions;
  /** A tools/list dump (`--tools FILE`). */
  tools?: string;
  /** Pins file: served definitions checked offline, and drift of live or dumped definitions. `optional`: a missing file is fine. */
  pins?: { path: string; optional?: boolean };
  live?: LiveHook;
  /** Called with the servers before the live hook contacts any (the CLI says what it will start and contact). */
  beforeLive?: (servers: readonly ConfiguredServer[]) => void;
  /** Servers contacted at once in live mode (default 4). */
  liveConcurrency?: number;
  /** Passed to the description checks (tests, tuning). */
  definitions?: Pick<DefinitionContext, 'injection' | 'injectionThreshold' | 'maxDescriptionLength' | 'maxInstructionsLength'>;
  /** Loads the pins module; default a lazy import of ../pins.js (tests inject one). */
  loadPins?: () => Promise<PinsApi>;
}

/** `client:path`, and the project of an entry of Claude Code's per-project servers. */
export function sourceLabel(s: ConfiguredServer): string {
  const project = /^(\/projects\/[^/]+)\/mcpServers\//.exec(s.pointer)?.[1];
  return `${s.source.client}:${s.source.path}${project ? `#${project}` : ''}`;
}

function sortFindings(findings: McpFinding[]): McpFinding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.check}\u0000${f.location}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

async function loadPinsModule(): Promise<PinsApi> {
  return (await import('../pins.js')) as unknown as PinsApi;
}

async function readPinsFile(opts: AuditOptions, errors: ConfigError[]): Promise<{ api: PinsApi; pins: unknown } | undefined> {
  if (!opts.pins) return undefined;
  const { path, optional } = opts.pins;
  let api: PinsApi;
  try {
    api = await (opts.loadPins ?? loadPinsModule)();
  } catch {
    if (!optional) errors.push({ path, message: 'MCP pins are not available in this build' });
    return undefined;
  }
  try {
    return { api, pins: await api.readPins(path) };
  } catch (e) {
    const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
    if (optional && cause?.code === 'ENOENT') return undefined;
    errors.push({ path, message: e instanceof Error ? e.message : String(e) });
    return undefined;
  }
}

/** Runs `fn` over `items`, at most `limit` at once, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** A report plus, for each server report, the configuration entry it came from (for SARIF locations and lines). */
export interface AuditRun {
  report: AuditReport;
  entries: Map<ServerReport, ConfiguredServer>;
}

/** Audits the configured servers; never throws for a file or server problem. */
export async function auditConfigs(opts: AuditOptions = {}): Promise<AuditReport> {
  return (await runAudit(opts)).report;
}

/** `auditConfigs` with the entry of each server report. */
export async function runAudit(opts: AuditOptions = {}): Promise<AuditRun> {
  const errors: ConfigError[] = [];
  const servers: ConfiguredServer[] = [];
  if (opts.configs && opts.configs.length > 0) {
    for (const path of opts.configs) {
      const r = await readConfigFile(path);
      servers.push(...r.servers);
      errors.push(...r.errors);
    }
  } else if (opts.discover) {
    const d = await discoverConfigs(opts.discover);
    servers.push(...d.servers);
    errors.push(...d.errors);
  }

  const dump = opts.tools !== undefined ? await readServedDump(opts.tools) : undefined;
  if (dump) errors.push(...dump.errors);
  const pinned = await readPinsFile(opts, errors);

  // What each server serves, as far as it is known offline: the dump first, else its pin.
  const served = new Map<ConfiguredServer, { defs: ServedDefinitions; from: 'dump' | 'pins' }>();
  for (const s of servers) {
    const fromDump = dump?.servers.get(s.name);
    const fromPins = fromDump ? undefined : pinned?.api.pinnedDefinitions(pinned.pins, s);
    if (fromDump) served.set(s, { defs: fromDump, from: 'dump' });
    else if (fromPins) served.set(s, { defs: fromPins, from: 'pins' });
  }
  // Dumped servers that no configuration names are still audited (a dump of a server configured elsewhere).
  const configured = new Set(servers.map((s) => s.name));
  const orphans = [...(dump?.servers ?? [])].filter(([name]) => !configured.has(name));

  const names = [...new Set([...servers.map((s) => s.name), ...orphans.map(([n]) => n)])];
  const otherTools: Record<string, string[]> = {};
  const addTools = (name: string, defs: ServedDefinitions) => {
    const list = (otherTools[name] ??= []);
    for (const i of defs.items) if (i.kind === 'tool' && !list.includes(i.name)) list.push(i.name);
  };
  for (const [s, v] of served) addTools(s.name, v.defs);
  for (const [name, defs] of orphans) addTools(name, defs);

  const definitionFindings = (serverName: string, defs: ServedDefinitions): McpFinding[] =>
    checkDefinitions(defs, { ...opts.definitions, serverName, otherServers: names.filter((n) => n !== serverName), otherTools });

  const live = opts.live;
  if (live) opts.beforeLive?.(servers);
  const liveResults = live
    ? await mapLimit(servers, opts.liveConcurrency ?? 4, (s) => live(s, { otherServers: names.filter((n) => n !== s.name), otherTools }))
    : undefined;
  // What the servers really serve is known only now: collisions and shadowing across them are checked again.
  const liveTools: Record<string, string[]> = {};
  liveResults?.forEach((r, i) => {
    if (!r.served) return;
    const list = (liveTools[servers[i]!.name] ??= []);
    for (const item of r.served.items) if (item.kind === 'tool' && !list.includes(item.name)) list.push(item.name);
  });
  const crossServer = (s: ConfiguredServer, defs: ServedDefinitions, already: readonly McpFinding[]): McpFinding[] =>
    checkDefinitions(defs, { serverName: s.name, otherServers: names.filter((n) => n !== s.name), otherTools: liveTools, injection: () => undefined }).filter(
      (f) => (f.check === 'descriptions.tool-name-collision' || f.check === 'descriptions.shadowing') && !already.some((a) => a.check === f.check && a.location === f.location),
    );

  const entries = new Map<ServerReport, ConfiguredServer>();
  const reports: ServerReport[] = servers.map((s, i) => {
    const findings = checkServer(s);
    const liveResult = liveResults?.[i];
    const known = served.get(s);
    if (liveResult) findings.push(...liveResult.findings);
    if (liveResult?.served) findings.push(...crossServer(s, liveResult.served, liveResult.findings));
    // Live definitions are checked by the live hook itself; offline ones here.
    if (known && !liveResult?.served) findings.push(...definitionFindings(s.name, known.defs));
    const current = liveResult?.served ?? (known?.from === 'dump' ? known.defs : undefined);
    if (current && pinned) findings.push(...pinned.api.comparePins(pinned.pins, s, current));
    const report: ServerReport = { name: s.name, source: sourceLabel(s), findings: sortFindings(findings) };
    if (liveResult) report.live = liveResult.live;
    entries.set(report, s);
    return report;
  });
  for (const [name, defs] of orphans) {
    reports.push({ name, source: `tools:${resolve(opts.tools ?? '')}`, findings: sortFindings(definitionFindings(name, defs)) });
  }
  return { report: { servers: reports, errors }, entries };
}

/** Whether any finding is at or above `failOn`. */
export function isFlagged(report: AuditReport, failOn: Severity): boolean {
  const min = severityRank(failOn);
  return report.servers.some((s) => s.findings.some((f) => severityRank(f.severity) >= min));
}
