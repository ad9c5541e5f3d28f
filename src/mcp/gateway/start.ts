// Builds a running MCP gateway from a validated configuration with an `mcp:` section: compiled policies (their
// tool_call and tool_result rules guard the traffic), the store and sinks for events, one route per server.
import { BulwarkError } from '../../core/errors.js';
import { startMonitoring, type Monitoring } from '../../gateway/monitoring.js';
import { warmUpDetectors } from '../../guard/warm-up.js';
import { compileConfig } from '../../policy/compile.js';
import type { BulwarkConfig } from '../../policy/schema.js';
import { openStore, type Store } from '../../store/db.js';
import { buildRoute, type McpRoute } from './route.js';
import { createMcpGateway, type McpGateway } from './server.js';

export interface StartMcpOptions {
  config: BulwarkConfig;
  /** Store URL (default: $BULWARK_HOME/bulwark.db); ":memory:" for tests. */
  storeUrl?: string;
  port?: number;
  host?: string;
  sinks?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export interface RunningMcpGateway {
  gateway: McpGateway;
  url: string;
  routes: readonly McpRoute[];
  store: Store;
  monitoring: Monitoring;
  stop(): Promise<void>;
}

export const DEFAULT_MCP_PORT = 8788;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function startMcpGateway(options: StartMcpOptions): Promise<RunningMcpGateway> {
  const { config } = options;
  const mcp = config.mcp;
  if (!mcp) throw new BulwarkError('ERR_CONFIG_INVALID', 'the configuration has no mcp: section (servers to front)');
  const host = options.host ?? config.server.host;
  const port = options.port ?? DEFAULT_MCP_PORT;
  if (!LOOPBACK.test(host) && (mcp.publicUrl === undefined || !mcp.publicUrl.startsWith('https:'))) {
    options.log?.('warn', 'serving MCP on a non-loopback address without an https publicUrl: bearer tokens must only travel over TLS (terminate it in front)', { host });
  }
  const compiled = compileConfig(config);
  await warmUpDetectors(compiled.policies.values());
  const store = await openStore(options.storeUrl === undefined ? { busyTimeoutMs: 250 } : { url: options.storeUrl, busyTimeoutMs: 250 });
  let monitoring: Monitoring;
  try {
    monitoring = await startMonitoring({ config, compiled, store, sinkUrls: options.sinks ?? [], log: options.log });
  } catch (e) {
    await store.close();
    throw e;
  }
  let routes: readonly McpRoute[] = [];
  const names = mcp.servers.map((s) => s.name);
  const gateway = createMcpGateway({
    config: mcp,
    events: monitoring.events,
    requestsPerMinute: config.limits.requestsPerMinute,
    ...(options.log ? { log: options.log } : {}),
    buildRoutes: async (base) => {
      routes = await Promise.all(
        mcp.servers.map((s) =>
          buildRoute(
            s,
            mcp,
            base,
            compiled,
            names.filter((n) => n !== s.name),
            { ...(options.env ? { env: options.env } : {}), ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.log ? { log: options.log } : {}) },
          ),
        ),
      );
      return routes;
    },
  });
  let url: string;
  try {
    url = await gateway.listen(port, host);
  } catch (e) {
    await monitoring.stop(0);
    await store.close();
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    gateway,
    url,
    get routes() {
      return routes;
    },
    store,
    monitoring,
    stop() {
      stopping ??= (async () => {
        await gateway.close();
        await monitoring.stop();
        await store.close();
      })();
      return stopping;
    },
  };
}
