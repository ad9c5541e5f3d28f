// The contract of Bulwark's MCP auditor: configured servers as found on disk, the tool definitions a server serves,
// and the findings of the static and live checks.
import type { Severity } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';

/** MCP clients whose configuration files the auditor knows; `file` for a file given with --config. */
export const MCP_CLIENTS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'gemini-cli', 'zed', 'continue', 'file'] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];

export interface ConfigSource {
  client: McpClient;
  /** Absolute path of the configuration file. */
  path: string;
  scope: 'user' | 'project' | 'workspace' | 'given';
}

/** One server entry of one client configuration, normalised across the clients' formats. */
export interface ConfiguredServer {
  name: string;
  source: ConfigSource;
  /** JSON-pointer-like location of the entry in its file, e.g. `/mcpServers/github` (for findings and SARIF). */
  pointer: string;
  /** 1-based line of the entry in its file when known. */
  line?: number;
  transport: 'stdio' | 'http' | 'sse';
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Remote servers. */
  url?: string;
  headers?: Record<string, string>;
  /** False when the entry is switched off (`disabled: true`). */
  enabled: boolean;
}

/** What a model reads of a tool, prompt or resource (from a live server, a pin file or a tools/list dump). */
export interface ToolDefinition {
  kind: 'tool' | 'prompt' | 'resource' | 'resource-template';
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
  /** Prompt arguments; resource URI / URI template. */
  arguments?: unknown;
  uri?: string;
  mimeType?: string;
}

/** Everything a server serves that a model reads. */
export interface ServedDefinitions {
  instructions?: string;
  items: ToolDefinition[];
}

export interface McpFinding {
  /** Stable check id, e.g. `secrets.plaintext-env`, `supply-chain.unpinned-npx`, `descriptions.hidden-directive`. */
  check: string;
  severity: Severity;
  /** One sentence for a human; secrets are masked. */
  message: string;
  /** Where: `path#/pointer` of the config entry, or `tool:<name>` / `prompt:<name>` / `instructions` / `url`. */
  location: string;
  tags: TaxonomyTags;
}

export interface ServerReport {
  name: string;
  /** `client:path` of the configuration the server came from. */
  source: string;
  findings: McpFinding[];
  /** Set by --live: whether the server could be reached and listed. */
  live?: { reached: boolean; error?: string; tools?: number; prompts?: number; resources?: number };
}

export interface AuditReport {
  servers: ServerReport[];
  /** Configuration files that could not be read or parsed (never silently skipped). */
  errors: { path: string; message: string }[];
}
