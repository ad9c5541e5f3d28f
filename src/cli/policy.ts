// `bulwark policy schema` (JSON Schema of bulwark.yaml for editors) and `bulwark policy check <file>`.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { STAGES } from '../core/finding.js';
import { isBulwarkError } from '../core/errors.js';
import { compileConfig } from '../policy/compile.js';
import { formatIssue, issuesOf } from '../policy/issues.js';
import { configJsonSchema } from '../policy/json-schema.js';
import { loadConfig } from '../policy/load.js';
import type { BulwarkConfig } from '../policy/schema.js';
import type { CompiledConfig } from '../policy/types.js';
import type { CommandContext } from './command-context.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { safeForTerminal } from './output.js';

export function registerPolicyCommand(program: Command, ctx: CommandContext): Command {
  const policy = program.command('policy').description('the gateway configuration (bulwark.yaml): JSON Schema and validation');
  policy
    .command('schema')
    .description('print the JSON Schema of bulwark.yaml (for yaml-language-server: # yaml-language-server: $schema=<file>)')
    .action(() => {
      ctx.io.stdout.write(`${JSON.stringify(configJsonSchema(ctx.registry), null, 2)}\n`);
      ctx.setExitCode(EXIT_OK);
    });
  policy
    .command('check')
    .description('validate a configuration file: exit 0 with a summary, or 64 with one "file:line:column: key: message" line per problem')
    .argument('<file>', 'bulwark.yaml')
    .option('--json', 'print the summary or the problems as JSON on stdout')
    .action(async (file: string, options: { json?: boolean }) => {
      ctx.setExitCode(await checkPolicy(file, options, ctx));
    });
  return policy;
}

export async function checkPolicy(file: string, options: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  let config: BulwarkConfig;
  let compiled: CompiledConfig;
  try {
    config = await loadConfig(resolve(io.cwd, file), { sourceName: file, registry: ctx.registry });
    // Compiling builds every detector as the gateway will, so a file that passes here also starts.
    compiled = compileConfig(config, { registry: ctx.registry });
  } catch (e) {
    const issues = issuesOf(e);
    if (issues.length === 0) {
      if (!isBulwarkError(e)) throw e;
      issues.push({ source: file, path: '', message: e.message });
    }
    if (options.json === true) io.stdout.write(`${JSON.stringify({ valid: false, issues }, null, 2)}\n`);
    else io.stderr.write(`${issues.map((i) => safeForTerminal(formatIssue(i))).join('\n')}\n`);
    return EXIT_USAGE;
  }
  // An MCP server naming a policy that does not exist would only fail when the MCP gateway starts.
  const unknownPolicies = (config.mcp?.servers ?? []).filter((srv) => srv.policy !== undefined && !compiled.policies.has(srv.policy));
  if (unknownPolicies.length > 0) {
    const issues = unknownPolicies.map((srv) => ({ source: file, path: `mcp.servers.${srv.name}.policy`, message: `no policy named "${srv.policy}"` }));
    if (options.json === true) io.stdout.write(`${JSON.stringify({ valid: false, issues }, null, 2)}\n`);
    else io.stderr.write(`${issues.map((i) => safeForTerminal(formatIssue(i))).join('\n')}\n`);
    return EXIT_USAGE;
  }
  const warnings = missingEnv(config).map((name) => `upstream ${name.upstream}: environment variable ${name.env} is not set here`);
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify({ valid: true, summary: summarise(config, compiled), warnings }, null, 2)}\n`);
  } else {
    io.stdout.write(`${formatSummary(file, config, compiled).map(safeForTerminal).join('\n')}\n`);
    for (const w of warnings) io.stderr.write(`bulwark: warning: ${safeForTerminal(w)}\n`);
  }
  return EXIT_OK;
}

/** Credentials are resolved at start-up; `check` may run elsewhere (CI), so an unset variable is only a warning. */
function missingEnv(config: BulwarkConfig): { upstream: string; env: string }[] {
  return config.upstreams.flatMap((u) => (u.apiKey?.env !== undefined && !process.env[u.apiKey.env] ? [{ upstream: u.name, env: u.apiKey.env }] : []));
}

function summarise(config: BulwarkConfig, compiled: CompiledConfig) {
  return {
    upstreams: compiled.upstreams.map((u) => ({ name: u.name, url: u.url, models: u.models })),
    policies: [...compiled.policies.values()].map((p) => ({
      name: p.name,
      stages: Object.fromEntries(STAGES.map((s) => [s, p.stages[s].map((r) => ({ detector: r.detector, action: r.action, failMode: r.failMode, budgetMs: r.budgetMs }))])),
      streaming: p.streaming,
    })),
    defaultPolicy: compiled.defaultPolicy.name,
    routes: config.routes,
    auth: { apiKeys: config.auth.apiKeys.enabled, jwt: config.auth.jwt !== undefined, anonymous: config.auth.anonymous.enabled },
    ...(config.mcp ? { mcp: config.mcp.servers.map((srv) => mcpServerSummary(srv, config)) } : {}),
  };
}

function mcpServerSummary(srv: NonNullable<BulwarkConfig['mcp']>['servers'][number], config: BulwarkConfig) {
  return {
    name: srv.name,
    path: srv.path ?? `/${srv.name}/mcp`,
    upstream: srv.stdio ? `stdio ${srv.stdio.command}` : `http ${srv.http!.url}`,
    issuer: (srv.auth ?? config.mcp!.auth)!.issuer,
    policy: srv.policy ?? config.defaultPolicy,
    pins: srv.pins ?? null,
    descriptions: srv.descriptions,
  };
}

function formatSummary(file: string, config: BulwarkConfig, compiled: CompiledConfig): string[] {
  const lines = [`${file}: valid`];
  lines.push(`upstreams (${compiled.upstreams.length}):`);
  for (const u of compiled.upstreams) lines.push(`  ${u.name}  ${u.url}  models ${u.models.join(', ')}${u.apiKey ? `  key from ${u.apiKey.env !== undefined ? `env ${u.apiKey.env}` : 'file'}` : ''}`);
  lines.push(`policies (${compiled.policies.size}), default: ${compiled.defaultPolicy.name}`);
  for (const p of compiled.policies.values()) {
    lines.push(`  ${p.name}  streaming ${p.streaming.mode}${p.streaming.mode === 'holdback' ? ` ${p.streaming.windowChars}` : ''}`);
    for (const stage of STAGES) {
      const rules = p.stages[stage];
      if (rules.length > 0) lines.push(`    ${stage}: ${rules.map((r) => `${r.detector} (${r.action}, ${r.budgetMs} ms, fail ${r.failMode})`).join(', ')}`);
    }
  }
  lines.push(`routes (${config.routes.length})${config.routes.length === 0 ? ': every request uses the principal\'s or the default policy' : ':'}`);
  for (const r of config.routes) lines.push(`  ${r.path}${r.principal === undefined ? '' : ` principal ${r.principal}`} → ${r.policy}`);
  const auth = [config.auth.apiKeys.enabled ? 'api keys' : undefined, config.auth.jwt ? `jwt (${config.auth.jwt.issuer})` : undefined, config.auth.anonymous.enabled ? `anonymous (${compiled.anonymousPolicy.name})` : undefined].filter(Boolean);
  lines.push(`auth: ${auth.length > 0 ? auth.join(', ') : 'none'}`);
  if (config.mcp) {
    lines.push(`mcp servers (${config.mcp.servers.length}):`);
    for (const srv of config.mcp.servers) {
      const m = mcpServerSummary(srv, config);
      lines.push(`  ${m.name}  ${m.path}  ${m.upstream}  issuer ${m.issuer}  policy ${m.policy}${m.pins ? `  pins ${m.pins}` : ''}  descriptions ${m.descriptions}`);
    }
  }
  return lines;
}
