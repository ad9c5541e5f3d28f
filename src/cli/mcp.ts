// `bulwark mcp audit` and `bulwark mcp pin`: the MCP client configurations on this machine (or --config files)
// audited offline — secrets, unpinned and vulnerable launches, plain HTTP, shell syntax, poisoned descriptions
// from a --tools dump or the pins — and, with --live, the servers themselves; `pin` records what they serve.
// Exit code of audit: 1 when a finding is at or above --fail-on, 2 when a configuration could not be read, 3 both.
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { SEVERITIES, type Severity } from '../core/severity.js';
import type { LiveHook } from '../mcp/audit/audit.js';
import type { DiscoverOptions, Platform } from '../mcp/audit/discovery.js';
import type * as pinsModule from '../mcp/pins.js';
import type { ConfiguredServer, McpFinding, ServedDefinitions, ServerReport } from '../mcp/types.js';
import { port, type CommandContext } from './command-context.js';
import type { McpGatewayOptions } from './mcp-gateway.js';
import { EXIT_CODES_HELP, EXIT_FAILED, EXIT_IO, EXIT_OK, EXIT_USAGE, outcomeExitCode } from './exit-codes.js';
import { safeForTerminal } from './output.js';

export interface McpAuditOptions {
  config?: string[];
  tools?: string;
  pins?: string;
  json?: boolean;
  sarif?: string;
  failOn: Severity;
  live?: boolean;
  token?: string;
  tokenEnv?: string;
  timeout?: number;
}

export interface McpPinOptions {
  config?: string[];
  tools?: string;
  output?: string;
  token?: string;
  tokenEnv?: string;
  timeout?: number;
}

/** The live auditor's entry point (src/mcp/audit/live.ts), loaded only for --live and `pin`. */
type LiveAuditFn = (
  server: ConfiguredServer,
  opts: { token?: string; timeoutMs: number; allowStdio: boolean; env?: NodeJS.ProcessEnv; otherServers?: string[]; otherTools?: Record<string, string[]> },
) => Promise<{ findings: McpFinding[]; live: NonNullable<ServerReport['live']>; served?: ServedDefinitions }>;

type PinsModule = typeof pinsModule;

/** What tests replace: the home, platform and environment of discovery, and the live and pins modules. */
export interface McpCommandDeps {
  home?: string;
  platform?: Platform;
  env?: NodeJS.ProcessEnv;
  loadLive?: () => Promise<{ liveAudit: LiveAuditFn; DEFAULT_LIVE_TIMEOUT_MS?: number }>;
  loadPins?: () => Promise<PinsModule>;
}

const DEFAULT_TIMEOUT_MS = 15_000;

function severity(value: string): Severity {
  const v = value.trim().toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(', ')}`);
  return v as Severity;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value.trim()) || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

class UsageError extends Error {}

function platformOf(p: string): Platform {
  return p === 'darwin' || p === 'win32' ? p : 'linux';
}

function tokenOf(options: { token?: string; tokenEnv?: string }, env: NodeJS.ProcessEnv): string | undefined {
  if (options.token !== undefined && options.tokenEnv !== undefined) throw new UsageError('give --token or --token-env, not both');
  if (options.tokenEnv !== undefined) {
    const value = env[options.tokenEnv];
    if (value === undefined || value === '') throw new UsageError(`--token-env ${options.tokenEnv}: the variable is not set`);
    return value;
  }
  return options.token;
}

async function loadLiveModule(deps: McpCommandDeps): Promise<{ liveAudit: LiveAuditFn; DEFAULT_LIVE_TIMEOUT_MS?: number }> {
  try {
    return await (deps.loadLive ?? (async () => (await import('../mcp/audit/live.js')) as unknown as { liveAudit: LiveAuditFn }))();
  } catch (e) {
    throw new UsageError(`the live MCP auditor is not available in this build (${e instanceof Error ? e.message : String(e)})`);
  }
}

async function loadPinsModule(deps: McpCommandDeps): Promise<PinsModule | undefined> {
  try {
    return await (deps.loadPins ?? (() => import('../mcp/pins.js')))();
  } catch {
    return undefined;
  }
}

function discoverOptions(ctx: CommandContext, deps: McpCommandDeps, env: NodeJS.ProcessEnv): DiscoverOptions {
  return { home: deps.home ?? homedir(), cwd: ctx.io.cwd, platform: deps.platform ?? platformOf(process.platform), env };
}

/** What a live run will start and contact, said before it does (Bulwark makes no call the user did not ask for). */
function announceLive(ctx: CommandContext, servers: readonly ConfiguredServer[]): void {
  const lines = servers
    .filter((s) => s.enabled)
    .map((s) => (s.transport === 'stdio' ? `  start ${safeForTerminal(s.name)}: ${safeForTerminal(s.command ?? '(no command)')}` : `  contact ${safeForTerminal(s.name)}: ${safeForTerminal(originOf(s.url))}`));
  if (lines.length > 0) ctx.io.stderr.write(`bulwark: live audit (stdio servers start with a minimal environment):\n${lines.join('\n')}\n`);
}

function originOf(url: string | undefined): string {
  try {
    return url === undefined ? '(no url)' : new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}

export function registerMcpCommand(program: Command, ctx: CommandContext, deps: McpCommandDeps = {}): Command {
  const mcp = program.command('mcp').description('MCP security: audit client configurations and servers, pin served tool definitions');
  mcp
    .command('audit')
    .description('audit the MCP servers configured on this machine (Claude Desktop and Code, Cursor, VS Code, Windsurf, Gemini CLI, Zed, Continue) or in --config files')
    .option('--config <file>', 'audit this configuration file instead of discovering them (repeatable; any client format)', collect)
    .option('--tools <file>', 'served definitions to check: JSON {"<server>": {"instructions", "tools", "prompts", "resources"}} as tools/list etc. return them')
    .option('--pins <file>', 'MCP pins file from `bulwark mcp pin` (default $BULWARK_HOME/mcp-pins.json when present): pinned descriptions are checked, drift is reported')
    .option('--json', 'print {"servers": [...], "errors": [...]} as JSON instead of the table')
    .option('--sarif <file>', 'also write a SARIF 2.1.0 log to this file')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above this severity (${SEVERITIES.join(', ')})`, severity, 'high')
    .option('--live', 'also connect to the servers: start stdio servers with a minimal environment, list what they serve, probe remote auth')
    .option('--token <token>', 'with --live: bearer token for remote servers (visible in the process list; prefer --token-env)')
    .option('--token-env <var>', 'with --live: read the bearer token from this environment variable')
    .option('--timeout <seconds>', 'with --live: time budget per server (default 15)', seconds)
    .addHelpText('after', `\nOffline by default: nothing is executed or contacted without --live.\n${EXIT_CODES_HELP}`)
    .action(async (options: McpAuditOptions) => {
      ctx.setExitCode(await guard(ctx, () => runAudit(options, ctx, deps)));
    });
  mcp
    .command('pin')
    .description('record a canonical hash of every tool, prompt and resource definition the configured servers serve; `mcp audit` reports drift')
    .option('--config <file>', 'pin the servers of this configuration file instead of discovering them (repeatable)', collect)
    .option('--tools <file>', 'pin the definitions of this tools/list dump instead of connecting to the servers')
    .option('-o, --output <file>', 'pins file (default $BULWARK_HOME/mcp-pins.json); other servers already in it are kept')
    .option('--token <token>', 'bearer token for remote servers (prefer --token-env)')
    .option('--token-env <var>', 'read the bearer token from this environment variable')
    .option('--timeout <seconds>', 'time budget per server (default 15)', seconds)
    .addHelpText('after', '\nWithout --tools this connects to every enabled server: stdio servers are started with a minimal environment.')
    .action(async (options: McpPinOptions) => {
      ctx.setExitCode(await guard(ctx, () => runPin(options, ctx, deps)));
    });
  mcp
    .command('gateway')
    .description('run the MCP gateway: an OAuth resource server per upstream MCP server (from the mcp: section of --config) with tool access, pins and guardrails')
    .requiredOption('--config <file>', 'bulwark.yaml with an mcp: section (see `bulwark policy schema`)')
    .option('--port <port>', 'TCP port (default 8788; 0 = any free port)', port)
    .option('--host <host>', 'address to bind (default: server.host of the configuration, 127.0.0.1)')
    .option('--store <url>', 'store for events (default $BULWARK_HOME/bulwark.db)')
    .option('--sink <url>', 'send security events to a SIEM sink (repeatable), as for `bulwark gateway`', collect)
    .addHelpText('after', `\nStops on SIGINT or SIGTERM and closes every session.\n${EXIT_CODES_HELP}`)
    .action(async (options: McpGatewayOptions) => {
      const { runMcpGateway } = await import('./mcp-gateway.js');
      ctx.setExitCode(await runMcpGateway(options, ctx));
    });
  return mcp;
}

async function guard(ctx: CommandContext, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.io.stderr.write(`bulwark: ${safeForTerminal(e.message)}\n`);
    return EXIT_USAGE;
  }
}

async function runAudit(options: McpAuditOptions, ctx: CommandContext, deps: McpCommandDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const { cwd } = ctx.io;
  if (!options.live && (options.token !== undefined || options.tokenEnv !== undefined || options.timeout !== undefined)) {
    throw new UsageError('--token, --token-env and --timeout apply to --live only');
  }
  const token = tokenOf(options, env);
  const [{ runAudit: audit, isFlagged }, pinsModule] = await Promise.all([import('../mcp/audit/audit.js'), loadPinsModule(deps)]);
  const configs = options.config?.map((c) => resolve(cwd, c));
  let pins: { path: string; optional?: boolean } | undefined;
  if (options.pins !== undefined) {
    if (!pinsModule) throw new UsageError('--pins: MCP pins are not available in this build');
    pins = { path: resolve(cwd, options.pins) };
  } else if (pinsModule) pins = { path: pinsModule.defaultPinsPath({ cwd, env }), optional: true };

  let live: LiveHook | undefined;
  if (options.live) {
    const mod = await loadLiveModule(deps);
    const timeoutMs = options.timeout !== undefined ? Math.round(options.timeout * 1000) : (mod.DEFAULT_LIVE_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS);
    live = (server, { otherServers, otherTools }) => mod.liveAudit(server, { ...(token !== undefined ? { token } : {}), timeoutMs, allowStdio: true, env, otherServers, otherTools });
  }

  const run = await audit({
    ...(configs && configs.length > 0 ? { configs } : { discover: discoverOptions(ctx, deps, env) }),
    ...(options.tools !== undefined ? { tools: resolve(cwd, options.tools) } : {}),
    ...(pins ? { pins } : {}),
    ...(pinsModule ? { loadPins: async () => pinsModule as never } : {}),
    ...(live ? { live, beforeLive: (servers: readonly ConfiguredServer[]) => announceLive(ctx, servers) } : {}),
  });
  const { report } = run;
  const { renderJson, renderSarif, renderTable } = await import('../mcp/audit/report.js');
  if (options.json) ctx.io.stdout.write(renderJson(report));
  else {
    const color = ctx.io.stdoutIsTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
    if (report.servers.length === 0 && report.errors.length === 0) ctx.io.stdout.write('no MCP server configurations found\n');
    else ctx.io.stdout.write(renderTable(report, { color, home: deps.home ?? homedir() }));
  }
  if (options.sarif !== undefined) {
    const target = resolve(cwd, options.sarif);
    try {
      const { CHECKS } = await import('../mcp/audit/checks.js');
      const extra = await import('../mcp/audit/live-checks.js').then((m) => [...m.LIVE_CHECKS, ...m.PIN_CHECKS]).catch(() => []);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, renderSarif(report, { root: cwd, entryOf: (s) => run.entries.get(s), catalog: [...CHECKS, ...extra] }));
    } catch (e) {
      ctx.io.stderr.write(`bulwark: cannot write the SARIF log ${safeForTerminal(target)}: ${safeForTerminal((e as Error).message)}\n`);
      return EXIT_IO;
    }
  }
  return outcomeExitCode(isFlagged(report, options.failOn), report.errors.length > 0);
}

async function runPin(options: McpPinOptions, ctx: CommandContext, deps: McpCommandDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const { cwd } = ctx.io;
  const token = tokenOf(options, env);
  const pinsModule = await loadPinsModule(deps);
  if (!pinsModule) throw new UsageError('MCP pins are not available in this build');
  const { discoverConfigs, readConfigFile } = await import('../mcp/audit/discovery.js');
  const say = (m: string) => ctx.io.stderr.write(`${safeForTerminal(m)}\n`);

  const servers: ConfiguredServer[] = [];
  let failed = false;
  const configs = options.config?.map((c) => resolve(cwd, c));
  const found = configs && configs.length > 0 ? await Promise.all(configs.map((p) => readConfigFile(p))) : [await discoverConfigs(discoverOptions(ctx, deps, env))];
  for (const r of found) {
    servers.push(...r.servers);
    for (const e of r.errors) {
      say(`bulwark: ${e.path}: ${e.message}`);
      failed = true;
    }
  }

  const entries: { server: string; source: ConfiguredServer['source']; served: ServedDefinitions }[] = [];
  if (options.tools !== undefined) {
    const { readServedDump } = await import('../mcp/audit/served.js');
    const dump = await readServedDump(resolve(cwd, options.tools));
    for (const e of dump.errors) {
      say(`bulwark: ${e.path}: ${e.message}`);
      failed = true;
    }
    for (const s of servers) {
      const served = dump.servers.get(s.name);
      if (served) entries.push({ server: s.name, source: s.source, served });
      else say(`bulwark: ${s.name}: not in ${options.tools}; not pinned`);
    }
  } else {
    const mod = await loadLiveModule(deps);
    const timeoutMs = options.timeout !== undefined ? Math.round(options.timeout * 1000) : (mod.DEFAULT_LIVE_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS);
    announceLive(ctx, servers);
    for (const s of servers) {
      if (!s.enabled) {
        say(`bulwark: ${s.name}: disabled in ${s.source.path}; not pinned`);
        continue;
      }
      const names = servers.map((x) => x.name).filter((n) => n !== s.name);
      const r = await mod.liveAudit(s, { ...(token !== undefined ? { token } : {}), timeoutMs, allowStdio: true, env, otherServers: names });
      if (r.served) entries.push({ server: s.name, source: s.source, served: r.served });
      else {
        say(`bulwark: ${s.name}: not pinned: ${r.live.error ?? 'the server could not be listed'}`);
        failed = true;
      }
    }
  }
  if (entries.length === 0) {
    say('bulwark: no server definitions to pin');
    return failed ? EXIT_FAILED : EXIT_OK;
  }
  const output = options.output !== undefined ? resolve(cwd, options.output) : pinsModule.defaultPinsPath({ cwd, env });
  const fresh = pinsModule.createPins(entries);
  let pins = fresh;
  try {
    pins = pinsModule.mergePins(await pinsModule.readPins(output), fresh);
  } catch (e) {
    const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
    if (cause?.code !== 'ENOENT') throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  try {
    await pinsModule.writePins(output, pins);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const definitions = entries.reduce((n, e) => n + e.served.items.length, 0);
  say(`pinned ${entries.length} server${entries.length === 1 ? '' : 's'} (${definitions} definition${definitions === 1 ? '' : 's'}) → ${output}`);
  return failed ? EXIT_FAILED : EXIT_OK;
}
