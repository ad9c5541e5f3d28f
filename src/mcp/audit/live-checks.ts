// The catalogue of the live audit's checks (auth probes of remote servers, definitions that change within one
// session) and of the pin checks, as data in the same shape as the static catalogue (checks.ts), for SARIF rules.
import type { Severity } from '../../core/severity.js';
import type { TaxonomyTags } from '../../core/taxonomy/index.js';
import type { McpFinding } from '../types.js';

export interface LiveCheckInfo {
  id: string;
  title: string;
  help: string;
  severity: Severity;
  tags: TaxonomyTags;
}

const AUTH: TaxonomyTags = { owaspMcp: ['MCP07'], owaspLlm: ['LLM06:2025'] };
const TOKEN: TaxonomyTags = { owaspMcp: ['MCP01', 'MCP07'], owaspLlm: ['LLM02:2025', 'LLM06:2025'] };
const RUG_PULL: TaxonomyTags = { owaspMcp: ['MCP03'], owaspLlm: ['LLM01:2025'] };

export const LIVE_CHECKS: readonly LiveCheckInfo[] = [
  { id: 'auth.unauthenticated-tools', title: 'Tools listed without a token', severity: 'high', tags: AUTH, help: 'The server answered initialize and tools/list with no credentials: anyone who can reach it can drive its tools. Require OAuth 2.1 bearer tokens (MCP authorization spec).' },
  { id: 'auth.resource-metadata-missing', title: 'No protected-resource metadata', severity: 'medium', tags: AUTH, help: 'The server requires a token but serves no RFC 9728 metadata (neither `resource_metadata` in its 401 nor /.well-known/oauth-protected-resource): clients cannot discover its authorization server.' },
  { id: 'auth.resource-metadata-invalid', title: 'Invalid protected-resource metadata', severity: 'medium', tags: AUTH, help: 'The RFC 9728 document is not JSON, lacks `resource`, or names no `authorization_servers`.' },
  { id: 'auth.resource-metadata-mismatch', title: 'Protected-resource metadata names another resource', severity: 'medium', tags: AUTH, help: 'The `resource` of the metadata does not identify this server URL: clients must refuse it (RFC 9728 §3.3), or request tokens for the wrong audience.' },
  { id: 'auth.challenge-missing', title: '401 without a Bearer challenge', severity: 'low', tags: AUTH, help: 'A refused request should be a 401 with `WWW-Authenticate: Bearer …` (RFC 6750 §3).' },
  { id: 'auth.challenge-without-resource-metadata', title: 'Bearer challenge without resource_metadata', severity: 'low', tags: AUTH, help: 'The 401 challenge should carry `resource_metadata="…"` (MCP authorization spec, RFC 9728 §5.1); clients fall back to the well-known URI.' },
  { id: 'auth.token-in-query', title: 'Token accepted in the query string', severity: 'high', tags: TOKEN, help: 'The server accepted the token as `?access_token=`: URLs end up in logs, proxies and browser history. The MCP authorization spec forbids tokens in the query string.' },
  { id: 'auth.forged-token-accepted', title: 'Forged token accepted', severity: 'critical', tags: TOKEN, help: 'The server accepted an unsigned (alg none) or randomly signed JWT issued for another audience: tokens are not validated at all.' },
  { id: 'auth.foreign-audience-accepted', title: 'Token for another audience accepted', severity: 'critical', tags: TOKEN, help: 'The server accepted a token whose `aud` does not name it (RFC 8707): a token issued for another service can be replayed here (token passthrough, confused deputy).' },
  { id: 'transport.origin-not-validated', title: 'Foreign Origin accepted', severity: 'medium', tags: { owaspMcp: ['MCP07'] }, help: 'A request with `Origin: http://evil.example` was served: a web page can reach the server through the browser (DNS rebinding). Validate Origin and answer 403 (MCP transport spec).' },
  { id: 'live.tools-changed-during-session', title: 'Tool definitions changed within one session', severity: 'high', tags: RUG_PULL, help: 'Listing the tools twice in the same session returned different definitions: the server changes what the model reads after approval (rug pull).' },
];

export const PIN_CHECKS: readonly LiveCheckInfo[] = [
  { id: 'pins.changed', title: 'Definition changed since pinned', severity: 'high', tags: RUG_PULL, help: 'A tool, prompt or resource definition differs from its pin: a rug pull until reviewed and re-pinned with `bulwark mcp pin`.' },
  { id: 'pins.added', title: 'Definition added since pinned', severity: 'medium', tags: { owaspMcp: ['MCP02', 'MCP03'], owaspLlm: ['LLM06:2025'] }, help: 'The server serves a definition that was not pinned; review it, then re-pin.' },
  { id: 'pins.removed', title: 'Pinned definition no longer served', severity: 'low', tags: { owaspMcp: ['MCP03'] }, help: 'A pinned definition is gone; re-pin once reviewed.' },
  { id: 'pins.instructions-changed', title: 'Server instructions changed since pinned', severity: 'high', tags: { owaspMcp: ['MCP03', 'MCP06'], owaspLlm: ['LLM01:2025'] }, help: 'The server instructions differ from their pin; they go straight into the model context.' },
];

const BY_ID: ReadonlyMap<string, LiveCheckInfo> = new Map([...LIVE_CHECKS, ...PIN_CHECKS].map((c) => [c.id, c]));

/** A finding of a live or pin check (its catalogue severity unless given). */
export function liveFinding(id: string, message: string, location: string, severity?: Severity): McpFinding {
  const check = BY_ID.get(id);
  if (!check) throw new TypeError(`unknown live MCP check id ${id}`);
  return { check: id, severity: severity ?? check.severity, message, location, tags: check.tags };
}
