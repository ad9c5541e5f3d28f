// One upstream MCP server as the gateway serves it: its path and protected-resource description, the verifier
// with the exact audience of that path, scopes, per-principal tool access, the pins (re-read when the file
// changes, so that `bulwark mcp pin` re-approves), the policy of its tool traffic and the upstream connector.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createJwtVerifier, type JwtVerifier } from '../../gateway/auth/jwt.js';
import type { CompiledConfig, CompiledPolicy } from '../../policy/types.js';
import { BulwarkError } from '../../core/errors.js';
import { findPinned, readPins } from '../pins.js';
import type { McpFinding } from '../types.js';
import type { McpGatewayConfig, McpServerConfig } from './config.js';
import { protectedResource, type ProtectedResource } from './resource-server.js';
import { compileAccess, compileToolScopes, createToolVetter, type HiddenTool, type ToolAccess, type ToolVetter } from './tool-access.js';
import { createUpstreamConnector, type UpstreamConnector } from './upstream.js';

export interface McpRoute {
  name: string;
  path: string;
  resource: ProtectedResource;
  verifier: JwtVerifier;
  policy: CompiledPolicy;
  policyName: string;
  connector: UpstreamConnector;
  access(principalName: string): ToolAccess;
  toolScopes(tool: string): readonly string[];
  timeoutMs: number;
  /** Pins or description checks are on: a tool is called only after its definition was vetted in the session. */
  vetsDefinitions: boolean;
  newVetter(): ToolVetter;
  /** Re-reads the pin file when it changed (called before a session opens). */
  refreshPins(): Promise<void>;
  /** Emits a hidden-tool event once per tool, reason and changed fields (not on every tools/list). */
  reportHidden(h: HiddenTool, emit: () => void): void;
  reportFlag(f: McpFinding, emit: () => void): void;
}

const MAX_REPORTED = 10_000;

function once(seen: Set<string>, key: string, emit: () => void): void {
  if (seen.has(key)) return;
  if (seen.size >= MAX_REPORTED) seen.clear();
  seen.add(key);
  emit();
}

export interface RouteDeps {
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export async function buildRoute(server: McpServerConfig, mcp: McpGatewayConfig, base: string, compiled: CompiledConfig, otherServers: readonly string[], deps: RouteDeps = {}): Promise<McpRoute> {
  const path = server.path ?? `/${server.name}/mcp`;
  const auth = server.auth ?? mcp.auth;
  if (!auth) throw new BulwarkError('ERR_CONFIG_INVALID', `mcp server ${server.name}: no authorization server configured`);
  const toolScopeValues = Object.values(server.toolScopes).flat();
  const resource = protectedResource(base, path, { name: server.name, authorizationServers: auth.authorizationServers ?? [auth.issuer], requiredScopes: server.scopes, toolScopes: toolScopeValues });
  const audience = server.audience ?? resource.resource;
  const verifier = createJwtVerifier({
    issuer: auth.issuer,
    audience,
    ...(auth.jwksUrl ? { jwksUrl: auth.jwksUrl } : {}),
    ...(auth.publicKey ? { publicKey: auth.publicKey } : {}),
    algorithms: auth.algorithms,
    clockSkewSeconds: auth.clockSkewSeconds,
    principalClaim: auth.principalClaim,
  });
  const policyName = server.policy ?? compiled.defaultPolicy.name;
  const policy = compiled.policies.get(policyName);
  if (!policy) throw new BulwarkError('ERR_CONFIG_INVALID', `mcp server ${server.name}: no policy named ${policyName}`);
  const connector = await createUpstreamConnector(server, deps);

  const pinsPath = server.pins === undefined ? undefined : resolve(deps.cwd ?? process.cwd(), server.pins);
  const pinName = server.pinName ?? server.name;
  let pinsMtime = -1;
  let pinned: ReturnType<typeof findPinned>;
  const refreshPins = async (): Promise<void> => {
    if (pinsPath === undefined) return;
    let mtime: number;
    try {
      mtime = (await stat(pinsPath)).mtimeMs;
    } catch (e) {
      // A pin file that disappeared must not turn every tool into an approved one: keep the last pins.
      if (pinsMtime >= 0) return;
      throw new BulwarkError('ERR_CONFIG_INVALID', `mcp server ${server.name}: cannot read the pin file ${server.pins}`, { cause: e });
    }
    if (mtime === pinsMtime) return;
    const pins = await readPins(pinsPath);
    const entry = findPinned(pins, pinName);
    if (!entry) {
      if (pinsMtime < 0) throw new BulwarkError('ERR_CONFIG_INVALID', `mcp server ${server.name}: the pin file ${server.pins} has no server named ${pinName}`);
      deps.log?.('warn', 'pin file has no entry for the server; keeping the previous pins', { server: server.name });
      return;
    }
    pinned = entry;
    pinsMtime = mtime;
  };
  await refreshPins();

  const reported = new Set<string>();
  return {
    name: server.name,
    path,
    resource,
    verifier,
    policy,
    policyName,
    connector,
    access: compileAccess(server.access),
    toolScopes: compileToolScopes(server.toolScopes),
    timeoutMs: server.timeoutMs,
    vetsDefinitions: pinsPath !== undefined || server.descriptions !== 'off',
    newVetter: () => createToolVetter({ serverName: server.name, ...(pinned ? { pins: pinned } : {}), descriptions: server.descriptions, otherServers }),
    refreshPins,
    reportHidden: (h, emit) => once(reported, `hidden\0${h.name}\0${h.reason}\0${(h.fields ?? []).join(',')}`, emit),
    reportFlag: (f, emit) => once(reported, `flag\0${f.check}\0${f.location}`, emit),
  };
}
