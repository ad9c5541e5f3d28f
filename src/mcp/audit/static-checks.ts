// Offline checks of one configured server, never executing anything: plaintext secrets in env, args and headers
// (Bulwark's secrets detector plus secret-named keys with literal high-entropy values), credentials in URLs, plain
// HTTP, missing credentials, unpinned and known-vulnerable package launches, shell syntax in the launch line.
import semver from 'semver';
import type { Finding } from '../../core/finding.js';
import { maskSecret, secretsDetector } from '../../detectors/secrets.js';
import { shannonEntropy } from '../../detectors/secrets/entropy.js';
import { isPlaceholder, looksFake } from '../../detectors/secrets/examples.js';
import { classifyName, splitWords } from '../../detectors/secrets/names.js';
import type { DetectFn } from '../../detectors/contract.js';
import type { Severity } from '../../core/severity.js';
import { analyzeText } from '../../text/analysis.js';
import type { ConfiguredServer, McpFinding } from '../types.js';
import { finding } from './checks.js';
import { pointerSegment } from './jsonc.js';
import knownVulnerable from './known-vulnerable.json' with { type: 'json' };
import { effectiveLaunch, launchedPackages, programName, shellExecFlagIndex, SHELLS, type PackageRef } from './launchers.js';

interface Advisory {
  ecosystem: string;
  package: string;
  bins?: string[];
  vulnerable: string;
  fixed: string;
  ids: string[];
  severity: Severity;
  summary: string;
}

export const KNOWN_VULNERABLE: readonly Advisory[] = (knownVulnerable as { advisories: Advisory[] }).advisories;

/** Programs that forward a remote MCP server to stdio: their URL arguments are checked like a remote server's. */
const REMOTE_PROXIES: ReadonlySet<string> = new Set(['mcp-remote', 'supergateway', 'mcp-proxy']);

let detectSecrets: DetectFn | undefined;

function secretFindings(text: string): Finding[] {
  detectSecrets ??= secretsDetector.create(secretsDetector.options.parse({}));
  return detectSecrets({ text, stage: 'input' }, { analysis: analyzeText(text) }) as Finding[];
}

/** `${env:VAR}`, `${input:id}`, `${VAR}`, `$VAR`, `%VAR%`, `{{ x }}`, `${{ secrets.X }}`: references, the safe way. */
const REFERENCE = /\$\{\{[^}]*\}\}|\$\{[^}]*\}|\{\{[^}]*\}\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%/g;

/** The literal part of a value, references removed. */
export function literalPart(value: string): string {
  return value.replace(REFERENCE, '');
}

const describe = (f: Finding): string => `${(f.category ?? 'secret').replace(/_/g, ' ')} ${f.evidence ?? ''}`.trim();

/** A literal value under a name that announces a secret (`*_TOKEN`, `*_KEY`, `*_SECRET`, `PASSWORD`, `x-api-key`). */
function namedSecret(name: string, value: string): string | undefined {
  const kind = classifyName(splitWords(name), true);
  if (!kind) return undefined;
  const literal = literalPart(value).replace(/^(?:bearer|basic|token)\s+/i, '').trim();
  if (literal !== value.replace(/^(?:bearer|basic|token)\s+/i, '').trim()) return undefined;
  if (isPlaceholder(literal) || looksFake(literal)) return undefined;
  const minLength = kind === 'password' ? 8 : 12;
  const minEntropy = kind === 'password' ? 2.5 : 3;
  if (literal.length < minLength || shannonEntropy(literal) < minEntropy) return undefined;
  return `${kind.replace('_', ' ')} ${maskSecret(literal)}`;
}

/** Secrets in `NAME=value` (env) or `Name: value` (headers) form: the detector first, then the name rule. */
function keyedSecret(name: string, value: string, separator: '=' | ': '): string | undefined {
  const literal = literalPart(value);
  if (literal.trim() === '') return undefined;
  const hits = secretFindings(`${name}${separator}${literal}`);
  if (hits.length > 0) return describe(hits[0]!);
  return namedSecret(name, value);
}

const isLoopback = (host: string): boolean => {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '0.0.0.0';
};

const QUERY_SECRET = /^(?:access[_-]?token|token|api[_-]?key|apikey|key|secret|client[_-]?secret|password|passwd|pwd|auth|authorization|sig|signature|jwt|session|code)$/i;

function parseUrl(text: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim())) return undefined;
  try {
    return new URL(text.trim());
  } catch {
    return undefined;
  }
}

/** Plain HTTP to a non-loopback host, user-info, tokens in the query string. */
function urlFindings(text: string, location: string, what: string): McpFinding[] {
  const url = parseUrl(literalPart(text) === text ? text : text.replace(REFERENCE, 'REF'));
  if (!url) return [];
  const out: McpFinding[] = [];
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    out.push(finding('remote.plain-http', `${what} ${shown} is plain HTTP to a non-loopback host: tokens and tool traffic travel unencrypted`, location));
  }
  if (url.password !== '' && url.password !== 'REF') {
    out.push(finding('secrets.url-credentials', `${what} carries a password in the URL (${maskSecret(decodeURIComponent(url.password))})`, location));
  } else if (url.username !== '' && url.username !== 'REF' && url.username.length >= 16 && shannonEntropy(url.username) >= 3) {
    out.push(finding('secrets.url-credentials', `${what} carries a token as the URL user name (${maskSecret(decodeURIComponent(url.username))})`, location));
  }
  for (const [name, value] of url.searchParams) {
    if (!(QUERY_SECRET.test(name) || classifyName(splitWords(name), false)) || value === 'REF' || value.length < 6 || isPlaceholder(value) || looksFake(value)) continue;
    out.push(finding('secrets.url-credentials', `${what} passes "${name}" in the query string (${maskSecret(value)}): tokens belong in the Authorization header`, location));
  }
  return out;
}

const METACHARACTERS: readonly [RegExp, string][] = [
  [/`/, 'a backtick'],
  [/\$\(/, '$('],
  [/&&/, '&&'],
  [/\|\|/, '||'],
  [/\|/, 'a pipe'],
  // `C:\a;D:\b` is a Windows path list, not a command separator.
  [/;(?!\s*[A-Za-z]:[\\/])/, 'a semicolon'],
  [/(?:^|\s)\d?>{1,2}\s*[^\s>]|&>/, 'a redirection'],
  [/(?:^|\s)<\s+\S|<\(/, 'a redirection'],
  [/[\r\n]/, 'a line break'],
];

function metacharacter(text: string): string | undefined {
  // URLs and JDBC strings use ; and | legitimately.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^jdbc:/i.test(text)) return undefined;
  for (const [re, name] of METACHARACTERS) if (re.test(text)) return name;
  return undefined;
}

function shortText(text: string, max = 80): string {
  let t = text;
  for (const f of secretFindings(text).filter((x) => x.span).sort((a, b) => b.span!.start - a.span!.start)) {
    t = `${t.slice(0, f.span!.start)}${f.evidence ?? '…'}${t.slice(f.span!.end)}`;
  }
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

function shellFindings(s: ConfiguredServer, at: (suffix: string) => string): McpFinding[] {
  if (s.command === undefined) return [];
  const out: McpFinding[] = [];
  const args = s.args ?? [];
  const program = programName(s.command);
  let payloadArg = -1;
  if (SHELLS.has(program)) {
    const tokens = [{ text: s.command }, ...args.map((text) => ({ text }))];
    const i = shellExecFlagIndex(program, tokens);
    const rest = i < 0 ? [] : args.slice(i);
    const composed = rest.length === 1 ? rest[0]! : '';
    // `cmd /c npx -y pkg` (separate arguments) is how Windows launches npx; one composed string is a shell script.
    if (rest.length === 1 && /\s|[;&|`$<>]/.test(composed)) {
      payloadArg = i;
      out.push(finding('shell.shell-command', `launched through ${program} with a composed command string: ${shortText(composed)}`, at(`/args/${i}`)));
    }
  }
  const inCommand = metacharacter(s.command);
  if (inCommand) out.push(finding('shell.metacharacters', `the command contains ${inCommand}: ${shortText(s.command)}`, at('/command')));
  args.forEach((a, i) => {
    if (i === payloadArg) return;
    const m = metacharacter(a);
    if (m) out.push(finding('shell.metacharacters', `argument ${i} contains ${m}: ${shortText(a)}`, at(`/args/${i}`)));
  });
  return out;
}

function supplyChainFindings(s: ConfiguredServer, at: (suffix: string) => string): McpFinding[] {
  if (s.command === undefined) return [];
  const out: McpFinding[] = [];
  const refs = launchedPackages(s.command, s.args ?? []);
  const where = (r: PackageRef) => at(r.argIndex < 0 ? '/command' : `/args/${r.argIndex}`);
  for (const r of refs) {
    const advisory = KNOWN_VULNERABLE.find((a) => a.ecosystem === r.ecosystem && a.package === r.name);
    if (advisory) {
      const ids = advisory.ids.join(', ');
      if (r.pinned && r.version !== undefined && semver.valid(r.version)) {
        if (semver.satisfies(r.version, advisory.vulnerable)) {
          out.push(finding('supply-chain.known-vulnerable', `${r.name}@${r.version} is vulnerable (${ids}: ${advisory.summary}); upgrade to ${advisory.fixed} or later`, where(r), advisory.severity));
        }
        continue;
      }
      const range = r.version !== undefined && semver.validRange(r.version);
      if (range && !semver.intersects(range, advisory.vulnerable)) {
        out.push(finding(`supply-chain.unpinned-${unpinnedKind(r)}`, unpinnedMessage(r), where(r)));
        continue;
      }
      out.push(finding('supply-chain.known-vulnerable-unpinned', `${r.runner} ${r.spec}: ${r.why ?? 'not pinned'}, and versions below ${advisory.fixed} are vulnerable (${ids}); a cached or installed old copy may run: pin ${r.name}@${advisory.fixed} or later`, where(r)));
      continue;
    }
    if (!r.pinned) out.push(finding(`supply-chain.unpinned-${unpinnedKind(r)}`, unpinnedMessage(r), where(r)));
  }
  // An installed program of a vulnerable package (`mcp-remote https://…`): its version cannot be known offline.
  const program = programName(effectiveLaunch(s.command, s.args ?? [])[0]?.text ?? s.command);
  const installed = KNOWN_VULNERABLE.find((a) => (a.bins ?? [a.package]).includes(program));
  if (installed) {
    out.push(finding('supply-chain.known-vulnerable-unpinned', `runs the installed ${program} program, whose version cannot be checked offline; versions below ${installed.fixed} are vulnerable (${installed.ids.join(', ')})`, at('/command')));
  }
  return out;
}

const unpinnedKind = (r: PackageRef): string => ({ npm: 'npx', pypi: 'uvx', docker: 'docker', deno: 'deno' })[r.ecosystem];

function unpinnedMessage(r: PackageRef): string {
  return `${r.runner} ${r.spec}: ${r.why ?? 'not pinned'}; whatever is published at start-up runs with your privileges`;
}

const AUTH_HEADER = /^(?:authorization|proxy-authorization|cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|private-token)$/i;

function remoteFindings(s: ConfiguredServer, at: (suffix: string) => string): McpFinding[] {
  const out: McpFinding[] = [];
  if (s.url !== undefined) out.push(...urlFindings(s.url, at('/url'), 'the server URL'));
  if ((s.transport === 'http' || s.transport === 'sse') && s.url !== undefined) {
    const headers = Object.keys(s.headers ?? {});
    const hasAuth = headers.some((h) => AUTH_HEADER.test(h) || classifyName(splitWords(h), false) !== null);
    const urlCreds = out.some((f) => f.check === 'secrets.url-credentials');
    if (!hasAuth && !urlCreds) {
      out.push(finding('remote.no-credentials', 'no Authorization or API-key header is configured; the client may still use OAuth when it connects (check with --live)', at('/url')));
    }
  }
  // A proxy such as mcp-remote carries the remote URL in its arguments.
  const proxied = s.command !== undefined && [programName(s.command), ...launchedPackages(s.command, s.args ?? []).map((r) => r.name)].some((n) => REMOTE_PROXIES.has(n));
  if (proxied) (s.args ?? []).forEach((a, i) => out.push(...urlFindings(a, at(`/args/${i}`), `argument ${i}`).filter((f) => f.check === 'remote.plain-http')));
  return out;
}

function secretsInArgs(s: ConfiguredServer, at: (suffix: string) => string): McpFinding[] {
  const out: McpFinding[] = [];
  const args = s.args ?? [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const location = at(`/args/${i}`);
    const fromUrl = urlFindings(a, location, `argument ${i}`).filter((f) => f.check === 'secrets.url-credentials');
    if (fromUrl.length > 0) {
      out.push(...fromUrl);
      continue;
    }
    const literal = literalPart(a);
    const hit = literal.trim() === '' ? undefined : secretFindings(literal)[0];
    if (hit) {
      out.push(finding('secrets.plaintext-args', `argument ${i} holds a secret in plain text: ${describe(hit)}`, location));
      continue;
    }
    // `--api-key=VALUE`, `API_KEY=VALUE`.
    const eq = literal.indexOf('=');
    const inline = eq > 0 ? namedSecret(literal.slice(0, eq).replace(/^-+/, ''), literal.slice(eq + 1)) : undefined;
    if (inline) {
      out.push(finding('secrets.plaintext-args', `argument ${i} holds a secret in plain text: ${inline}`, location));
      continue;
    }
    // `--api-key VALUE`: the flag names the secret held by the next argument.
    const next = args[i + 1];
    if (/^--?[A-Za-z]/.test(a) && eq < 0 && next !== undefined && !next.startsWith('-')) {
      const named = keyedSecret(a.replace(/^-+/, ''), next, '=');
      if (named) {
        out.push(finding('secrets.plaintext-args', `argument ${i + 1} (the value of ${a}) holds a secret in plain text: ${named}`, at(`/args/${i + 1}`)));
        i++;
      }
    }
  }
  return out;
}

/** Every static finding for one configured server. */
export function checkServer(s: ConfiguredServer): McpFinding[] {
  const at = (suffix: string) => `${s.source.path}#${s.pointer}${suffix}`;
  const out: McpFinding[] = [];
  for (const [name, value] of Object.entries(s.env ?? {})) {
    const hit = keyedSecret(name, value, '=');
    if (hit) out.push(finding('secrets.plaintext-env', `env ${name} holds a secret in plain text: ${hit}`, at(`/env/${pointerSegment(name)}`)));
  }
  for (const [name, value] of Object.entries(s.headers ?? {})) {
    const hit = keyedSecret(name, value, ': ') ?? (AUTH_HEADER.test(name) ? authorizationLiteral(value) : undefined);
    if (hit) out.push(finding('secrets.plaintext-headers', `header ${name} holds a secret in plain text: ${hit}`, at(`/headers/${pointerSegment(name)}`)));
  }
  out.push(...secretsInArgs(s, at));
  out.push(...remoteFindings(s, at));
  out.push(...supplyChainFindings(s, at));
  out.push(...shellFindings(s, at));
  return out;
}

/** `Authorization: Bearer <literal>` that the detector did not recognise (short or low-entropy tokens). */
function authorizationLiteral(value: string): string | undefined {
  const literal = literalPart(value);
  if (literal !== value) return undefined;
  const token = literal.replace(/^(?:bearer|basic|token|apikey)\s+/i, '').trim();
  if (token.length < 8 || isPlaceholder(token) || looksFake(token)) return undefined;
  return `credential ${maskSecret(token)}`;
}
