// `bulwark mcp gateway`: the authenticating MCP gateway in front of the servers of the configuration's `mcp:`
// section; runs until SIGINT or SIGTERM, then closes every session (and the stdio servers it started).
import { loadConfig } from '../policy/load.js';
import { startMcpGateway, DEFAULT_MCP_PORT } from '../mcp/gateway/start.js';
import { untilShutdown, type CommandContext } from './command-context.js';
import { EXIT_OK } from './exit-codes.js';
import { safeForTerminal } from './output.js';
import { tuneForServing } from './v8-tuning.js';

export interface McpGatewayOptions {
  config: string;
  /** Parsed by the option (command-context.ts `port`). */
  port?: number;
  host?: string;
  store?: string;
  sink?: string[];
}

export async function runMcpGateway(options: McpGatewayOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  tuneForServing();
  const config = await loadConfig(options.config);
  const running = await startMcpGateway({
    config,
    cwd: io.cwd,
    port: options.port ?? DEFAULT_MCP_PORT,
    ...(options.host ? { host: options.host } : {}),
    ...(options.store ? { storeUrl: options.store } : {}),
    ...(options.sink?.length ? { sinks: options.sink } : {}),
    log: (level, msg) => io.stderr.write(`bulwark: ${level}: ${safeForTerminal(msg)}\n`),
  });
  io.stderr.write(`bulwark mcp gateway listening on ${running.url}\n`);
  for (const r of running.routes) io.stderr.write(`  ${r.name}: ${r.resource.resource} (metadata ${r.resource.metadataUrl})\n`);
  await untilShutdown(ctx);
  io.stderr.write('bulwark: stopping (closing MCP sessions)\n');
  await running.stop();
  return EXIT_OK;
}
