// The configuration used when `bulwark gateway` runs without --config: one upstream, the default policy, API keys.
import { DEFAULT_POLICY, DEFAULT_POLICY_NAME } from './default-policy.js';
import type { DetectorLookup } from './detector-lookup.js';
import { validateConfig } from './load.js';
import type { BulwarkConfig, BulwarkConfigInput, SecretRef } from './schema.js';

export interface DefaultConfigOptions {
  /** Base URL of the OpenAI-compatible upstream, e.g. http://127.0.0.1:8000/v1 (routes every model). */
  upstream: string;
  /** Credential for the upstream; default none (a local model server). */
  upstreamApiKey?: SecretRef;
  port?: number;
  host?: string;
  /**
   * Serve requests without credentials under the default policy. Off by default: the gateway refuses to start
   * on a non-loopback address without authentication, and should not silently become an open proxy on loopback.
   */
  anonymous?: boolean;
  registry?: DetectorLookup;
}

/** Builds and validates the default configuration; a bad `upstream` gives ERR_CONFIG_INVALID ("<defaults>: upstreams.0.url: ..."). */
export function defaultConfig(options: DefaultConfigOptions): BulwarkConfig {
  const input: BulwarkConfigInput = {
    version: 1,
    server: { ...(options.port === undefined ? {} : { port: options.port }), ...(options.host === undefined ? {} : { host: options.host }) },
    upstreams: [{ name: 'default', url: options.upstream, models: ['*'], ...(options.upstreamApiKey ? { apiKey: options.upstreamApiKey } : {}) }],
    auth: { apiKeys: { enabled: true }, anonymous: { enabled: options.anonymous === true } },
    policies: { [DEFAULT_POLICY_NAME]: DEFAULT_POLICY },
    routes: [],
    defaultPolicy: DEFAULT_POLICY_NAME,
  };
  return validateConfig(input, '<defaults>', options.registry ? { registry: options.registry } : {});
}
