// The catalogue of the auditor's static checks, as data: id, title, help, default severity and taxonomy tags (OWASP
// MCP Top 10, OWASP LLM 2025, MITRE ATLAS). Findings are built from it, and SARIF rules are described by it.
import type { Severity } from '../../core/severity.js';
import type { TaxonomyTags } from '../../core/taxonomy/index.js';
import type { McpFinding } from '../types.js';

export interface CheckInfo {
  id: string;
  title: string;
  help: string;
  severity: Severity;
  tags: TaxonomyTags;
}

const SECRET: TaxonomyTags = { owaspMcp: ['MCP01'], owaspLlm: ['LLM02:2025'] };
const SUPPLY: TaxonomyTags = { owaspMcp: ['MCP04'], owaspLlm: ['LLM03:2025'], atlas: ['AML.T0010.005'] };
const SHELL: TaxonomyTags = { owaspMcp: ['MCP05'], owaspLlm: ['LLM06:2025'] };
const POISON: TaxonomyTags = { owaspMcp: ['MCP03', 'MCP06'], owaspLlm: ['LLM01:2025'], atlas: ['AML.T0110', 'AML.T0051.001'] };
const LEAK: TaxonomyTags = { owaspMcp: ['MCP03', 'MCP10'], owaspLlm: ['LLM01:2025', 'LLM02:2025'], atlas: ['AML.T0110', 'AML.T0086'] };

const REF_HELP = 'Pass it by reference instead: `${env:VAR}` or `${input:id}` (VS Code), `${VAR}`/`$VAR` (Claude Code, Gemini CLI), `${{ secrets.NAME }}` (Continue), or a secret store.';

export const CHECKS: readonly CheckInfo[] = [
  { id: 'secrets.plaintext-env', title: 'Plaintext secret in env', severity: 'high', tags: SECRET, help: `A credential is written in the configuration file's env block, readable by every process and backup that reads the file. ${REF_HELP}` },
  { id: 'secrets.plaintext-args', title: 'Plaintext secret in args', severity: 'high', tags: SECRET, help: `A credential is passed on the command line: it lands in the configuration file, in process listings and in shell history. ${REF_HELP}` },
  { id: 'secrets.plaintext-headers', title: 'Plaintext secret in headers', severity: 'high', tags: SECRET, help: `An Authorization or API-key header holds a literal credential. ${REF_HELP} Prefer OAuth where the server supports it.` },
  { id: 'secrets.url-credentials', title: 'Credentials in a URL', severity: 'high', tags: { ...SECRET, owaspMcp: ['MCP01', 'MCP07'] }, help: 'A token in the query string or a user:password in the URL is logged by proxies and servers; the MCP authorization spec forbids tokens in the query string. Send it in the Authorization header.' },
  { id: 'supply-chain.unpinned-npx', title: 'Unpinned npm package launch', severity: 'medium', tags: SUPPLY, help: 'npx / bunx / pnpm dlx / yarn dlx without an exact version runs whatever the registry (or a stale cache) serves at start-up. Pin `pkg@1.2.3`.' },
  { id: 'supply-chain.unpinned-uvx', title: 'Unpinned Python package launch', severity: 'medium', tags: SUPPLY, help: 'uvx / uv tool run / pipx run without an exact version runs whatever the index serves at start-up. Pin `pkg==1.2.3` (or `pkg@1.2.3` with uvx).' },
  { id: 'supply-chain.unpinned-docker', title: 'Unpinned container image', severity: 'medium', tags: SUPPLY, help: 'An image without a tag, or with `:latest`, changes under you. Pin a digest (`image@sha256:…`), or at least a release tag.' },
  { id: 'supply-chain.unpinned-deno', title: 'Unpinned remote Deno module', severity: 'medium', tags: SUPPLY, help: 'A remote module, `npm:` or `jsr:` specifier without a version runs whatever is served at start-up. Pin a version in the specifier.' },
  { id: 'supply-chain.known-vulnerable', title: 'Known-vulnerable MCP component', severity: 'critical', tags: { ...SUPPLY, owaspMcp: ['MCP04', 'MCP05'] }, help: 'The configuration launches a version of an MCP component with a published vulnerability. Upgrade to the fixed version.' },
  { id: 'supply-chain.known-vulnerable-unpinned', title: 'Known-vulnerable MCP component, version not pinned', severity: 'medium', tags: { ...SUPPLY, owaspMcp: ['MCP04', 'MCP05'] }, help: 'The configuration launches an MCP component that had a published vulnerability without pinning a version: a cached or locally installed old copy may run. Pin a fixed version.' },
  { id: 'remote.plain-http', title: 'Remote server over plain HTTP', severity: 'high', tags: { owaspMcp: ['MCP07', 'MCP01'], owaspLlm: ['LLM02:2025'] }, help: 'Tokens and tool traffic cross the network unencrypted. Use https:// (plain http is acceptable only to loopback).' },
  { id: 'remote.no-credentials', title: 'Remote server without configured credentials', severity: 'info', tags: { owaspMcp: ['MCP07'], owaspLlm: ['LLM06:2025'] }, help: 'No Authorization or API-key header is configured. The client may still authenticate with OAuth at connect time; `bulwark mcp audit --live` checks whether the server answers without a token.' },
  { id: 'shell.metacharacters', title: 'Shell metacharacters in the launch command', severity: 'high', tags: SHELL, help: 'The command or its arguments contain shell syntax (; | && backticks $( ) redirections). Where a client launches through a shell (Windows .cmd shims, wrappers) this runs extra commands. Launch the program directly with plain arguments.' },
  { id: 'shell.shell-command', title: 'Server launched through a shell with a composed command', severity: 'high', tags: SHELL, help: 'The server is started as `sh -c "…"` / `cmd /c "…"` / `powershell -Command "…"`: one string interpreted by a shell, which hides what runs and invites injection. Launch the program directly with an args list.' },
  { id: 'descriptions.prompt-injection', title: 'Prompt injection in a served description', severity: 'high', tags: POISON, help: "Bulwark's prompt-injection detector scores this description or the server instructions as an injection: the model reads them as instructions when the tools are listed." },
  { id: 'descriptions.hidden-directive', title: 'Hidden directive in a served description', severity: 'high', tags: POISON, help: 'The text carries instructions aimed at the model and hidden from the user (<IMPORTANT> blocks, "do not tell the user", "before using this tool, …"): classic tool poisoning.' },
  { id: 'descriptions.file-access', title: 'Description asks to read sensitive files', severity: 'high', tags: LEAK, help: 'The text asks the model to read credentials or client configuration (~/.ssh, id_rsa, .env, mcp.json, cloud credentials): tool poisoning aimed at exfiltration.' },
  { id: 'descriptions.exfiltration', title: 'Description asks to send data elsewhere', severity: 'high', tags: LEAK, help: 'The text tells the model to send data to an address or URL, or to smuggle content into a tool parameter.' },
  { id: 'descriptions.shadowing', title: "Description refers to another server's tools", severity: 'medium', tags: POISON, help: "A description that names another server's tools can change how the model uses them (tool shadowing): a malicious server redirects a trusted one." },
  { id: 'descriptions.invisible-unicode', title: 'Invisible Unicode in a served description', severity: 'high', tags: { ...POISON, atlas: ['AML.T0110', 'AML.T0068'] }, help: 'Tag characters, zero-width or bidi controls hide text from the user that the model still reads (ASCII smuggling).' },
  { id: 'descriptions.too-long', title: 'Very long description', severity: 'low', tags: { owaspMcp: ['MCP10', 'MCP03'], owaspLlm: ['LLM01:2025', 'LLM10:2025'] }, help: 'An unusually long description costs context on every request and is where poisoned instructions hide; review it.' },
  { id: 'descriptions.tool-name-collision', title: "Tool name collides with another server's tool", severity: 'medium', tags: { owaspMcp: ['MCP03', 'MCP09'], owaspLlm: ['LLM01:2025'] }, help: 'Two servers serve a tool of the same name: depending on the client, one of them captures the calls meant for the other.' },
];

export const CHECK_BY_ID: ReadonlyMap<string, CheckInfo> = new Map(CHECKS.map((c) => [c.id, c]));

/** A finding of check `id` (its default severity unless given). */
export function finding(id: string, message: string, location: string, severity?: Severity): McpFinding {
  const check = CHECK_BY_ID.get(id);
  if (!check) throw new TypeError(`unknown MCP check id ${id}`);
  return { check: id, severity: severity ?? check.severity, message, location, tags: check.tags };
}
