// What a stdio server started by the live audit receives: a minimal environment, never the auditor's own.
//
// The child gets PATH and HOME (from the auditor's environment, or the injected one), plus exactly the variables
// its configuration entry names in `env`, with `${env:VAR}` / `${VAR}` / `${VAR:-default}` references resolved
// from the auditor's environment (so a secret passed by reference reaches the server that asks for it, and no
// other). The SDK's StdioClientTransport adds its own short list of harmless variables on top (POSIX: HOME,
// LOGNAME, PATH, SHELL, TERM, USER; Windows: APPDATA, HOMEDRIVE, HOMEPATH, LOCALAPPDATA, PATH,
// PROCESSOR_ARCHITECTURE, SYSTEMDRIVE, SYSTEMROOT, TEMP, USERNAME, USERPROFILE, PROGRAMFILES), and spawns without
// a shell. Nothing else of the auditor's environment (API keys, cloud credentials, BULWARK_* settings) is passed.
// The working directory is the auditor's; grandchildren a launcher spawns (npx → node) are the launcher's to stop.
import { basename, dirname } from 'node:path';
import type { ConfiguredServer } from '../types.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Variables taken from the auditor's environment whatever the configuration says. */
export const BASE_ENV_VARS = ['PATH', 'HOME'] as const;

/** `${workspaceFolder}` of a project configuration: the folder holding `.vscode/`, `.cursor/`…, else the file's folder. */
function workspaceFolder(server: ConfiguredServer): string {
  const dir = dirname(server.source.path);
  return basename(dir).startsWith('.') ? dirname(dir) : dir;
}

/**
 * Expands the references clients expand in command, args, env, url and headers: `${env:VAR}` (VS Code),
 * `${VAR}`, `${VAR:-default}` and a whole `$VAR` (Claude Code, Gemini CLI), `${userHome}`, `${workspaceFolder}`. Returns undefined when a
 * reference cannot be resolved (`${input:id}` prompts the user in the client; an unset variable without default).
 */
export function expandReferences(value: string, server: ConfiguredServer, env: Env): string | undefined {
  // A whole value `$VAR` (Gemini CLI, Claude Code); a `$` inside a value is left alone (passwords contain them).
  const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
  if (bare) return env[bare[1] as string] || undefined;
  let unresolved = false;
  const out = value.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    const ref = inner.trim();
    if (ref === 'userHome') return env.HOME ?? env.USERPROFILE ?? (unresolved = true, whole);
    if (ref === 'workspaceFolder') return workspaceFolder(server);
    const named = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(ref);
    if (named) {
      const v = env[named[1] as string];
      if (v !== undefined && v !== '') return v;
      if (named[2] !== undefined) return named[2];
    }
    unresolved = true;
    return whole;
  });
  return unresolved ? undefined : out;
}

export interface StdioLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Names of configured variables left out because a reference in them could not be resolved. */
  dropped: string[];
}

/** The command, arguments and minimal environment to start a stdio server with (see the module comment). */
export function stdioLaunch(server: ConfiguredServer, auditorEnv: Env): StdioLaunch {
  const env: Record<string, string> = {};
  for (const name of BASE_ENV_VARS) {
    const v = auditorEnv[name];
    if (v !== undefined) env[name] = v;
  }
  const dropped: string[] = [];
  for (const [name, raw] of Object.entries(server.env ?? {})) {
    const v = expandReferences(raw, server, auditorEnv);
    if (v === undefined) dropped.push(name);
    else env[name] = v;
  }
  const expand = (s: string) => expandReferences(s, server, auditorEnv) ?? s;
  return { command: expand(server.command ?? ''), args: (server.args ?? []).map(expand), env, dropped };
}

/** Configured headers with references expanded; a header whose reference cannot be resolved is left out. */
export function resolvedHeaders(server: ConfiguredServer, auditorEnv: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(server.headers ?? {})) {
    const v = expandReferences(raw, server, auditorEnv);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
