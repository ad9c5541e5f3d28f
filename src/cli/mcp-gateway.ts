// `bulwark mcp gateway`: the authenticating MCP gateway in front of the servers of the configuration's `mcp:`
// section; runs until SIGINT or SIGTERM, then closes every session (and the stdio servers it started).
import { once } from 'node:events';
import { loadConfig } from '../policy/load.js';
import { startMcpGateway, DEFAULT_MCP_PORT } from '../mcp/gateway/start.js';
import { shutdownOnSignals, type CommandContext } from './command-context.js';
import { EXIT_OK } from './exit-codes.js';
import { safeForTerminal } from './output.js';

export interface McpGatewayOptions {
  config: string;
  port?: string;
  host?: string;
  store?: string;
  sink?: string[];
}

function port(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TypeError(`--port must be 0..65535, got ${v}`);
  return n;
}

export async function runMcpGateway(options: McpGatewayOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const config = await loadConfig(options.config);
  const p = port(options.port);
  const running = await startMcpGateway({
    config,
    cwd: io.cwd,
    port: p ?? DEFAULT_MCP_PORT,
    ...(options.host ? { host: options.host } : {}),
    ...(options.store ? { storeUrl: options.store } : {}),
    ...(options.sink?.length ? { sinks: options.sink } : {}),
    log: (level, msg) => io.stderr.write(`bulwark: ${level}: ${safeForTerminal(msg)}\n`),
  });
  io.stderr.write(`bulwark mcp gateway listening on ${running.url}\n`);
  for (const r of running.routes) io.stderr.write(`  ${r.name}: ${r.resource.resource} (metadata ${r.resource.metadataUrl})\n`);
  const signals = ctx.shutdown ? undefined : shutdownOnSignals();
  const shutdown = ctx.shutdown ?? signals!.signal;
  try {
    if (!shutdown.aborted) await once(shutdown, 'abort');
  } finally {
    signals?.dispose();
  }
  io.stderr.write('bulwark: stopping (closing MCP sessions)\n');
  await running.stop();
  return EXIT_OK;
}
