// Builds a running gateway from a validated configuration: compiled policies, upstream clients with their own
// credentials, the store (API keys, events), authentication, limits; refuses unsafe bindings.
import { BulwarkError } from '../core/errors.js';
import { warmUpDetectors } from '../guard/warm-up.js';
import { compileConfig } from '../policy/compile.js';
import type { BulwarkConfig } from '../policy/schema.js';
import { resolveUpstreamKeys } from '../policy/secrets.js';
import { openStore, type Store } from '../store/db.js';
import { createJwtVerifier } from './auth/jwt.js';
import { anonymousPrincipal } from './auth/principal.js';
import { createAuthenticator } from './authenticate.js';
import type { GatewayDeps } from './deps.js';
import { createLimiter } from './limiter.js';
import { TokenCounter } from './limits/token-count.js';
import { startMonitoring, type Monitoring } from './monitoring.js';
import { createGateway, type Gateway } from './server.js';
import { UpstreamClient } from './upstream.js';

export interface StartOptions {
  config: BulwarkConfig;
  /** Store URL (default: $BULWARK_HOME/bulwark.db); ":memory:" for tests. */
  storeUrl?: string;
  /** Allow a non-loopback bind without authentication. */
  insecure?: boolean;
  /** Overrides config.server.port / host (0 = any free port). */
  port?: number;
  host?: string;
  log?: GatewayDeps['log'];
  /** Largest non-streaming upstream answer read into memory (default 32 MiB); a larger one is answered 502. */
  maxResponseBytes?: number;
  /** Sink URLs added to the configuration's `sinks` (the CLI's repeatable --sink). */
  sinks?: readonly string[];
}

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  store: Store;
  monitoring: Monitoring;
  stop(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { config } = options;
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  const anonymous = config.auth.anonymous.enabled;
  if (anonymous && !LOOPBACK.test(host) && !options.insecure) {
    throw new BulwarkError(
      'ERR_CONFIG_INVALID',
      `refusing to serve ${host} without authentication (anonymous access is on); bind 127.0.0.1, turn anonymous off, or pass --insecure`,
    );
  }
  if (anonymous && !LOOPBACK.test(host)) options.log?.('warn', 'serving without authentication on a non-loopback address (--insecure)', { host });
  const compiled = compileConfig(config);
  await warmUpDetectors(compiled.policies.values());
  const keys = await resolveUpstreamKeys(compiled.upstreams, {});
  const upstreams = new Map(compiled.upstreams.map((u) => [u.name, new UpstreamClient(u, keys.get(u.name))]));
  const store = await openStore(options.storeUrl === undefined ? { busyTimeoutMs: 250 } : { url: options.storeUrl, busyTimeoutMs: 250 });
  let monitoring: Monitoring;
  try {
    monitoring = await startMonitoring({ config, compiled, store, sinkUrls: options.sinks ?? [], log: options.log });
  } catch (e) {
    await store.close();
    await Promise.all([...upstreams.values()].map((u) => u.close()));
    throw e;
  }
  const jwt = config.auth.jwt
    ? createJwtVerifier({
        issuer: config.auth.jwt.issuer,
        audience: config.auth.jwt.audience,
        ...(config.auth.jwt.jwksUrl ? { jwksUrl: config.auth.jwt.jwksUrl } : {}),
        ...(config.auth.jwt.publicKey ? { publicKey: config.auth.jwt.publicKey } : {}),
        algorithms: config.auth.jwt.algorithms,
        clockSkewSeconds: config.auth.jwt.clockSkewSeconds,
        principalClaim: config.auth.jwt.principalClaim,
        ...(config.auth.jwt.policyClaim ? { policyClaim: config.auth.jwt.policyClaim } : {}),
        ...(config.auth.jwt.modelsClaim ? { modelsClaim: config.auth.jwt.modelsClaim } : {}),
      })
    : undefined;
  const auth = createAuthenticator({
    ...(config.auth.apiKeys.enabled ? { keys: store.keys } : {}),
    ...(jwt ? { jwt } : {}),
    blocks: monitoring.blocks,
    ...(anonymous ? { anonymous: anonymousPrincipal(config.auth.anonymous.policy ? { policy: config.auth.anonymous.policy } : {}) } : {}),
  });
  const counter = new TokenCounter({ mode: 'estimate' });
  const deps: GatewayDeps = {
    config: compiled,
    upstreams,
    auth,
    limits: createLimiter(config.limits),
    events: monitoring.events,
    estimateTokens: (text) => counter.count(text),
    log: options.log,
    metrics: monitoring.metrics,
    observe: monitoring.observe,
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
  };
  const gateway = createGateway(deps);
  let url: string;
  try {
    url = await gateway.listen(port, host);
  } catch (e) {
    await monitoring.stop(0);
    await store.close();
    await Promise.all([...upstreams.values()].map((u) => u.close()));
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    gateway,
    url,
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
