// Reading a stdio server's launch line: which package runner it uses (npx and friends, uvx/pipx, docker/podman,
// deno), which package or image it fetches, and whether that is pinned to an exact version. Shell and `env`
// wrappers are looked through. Pure string work; nothing is executed or resolved.
import semver from 'semver';

export type Ecosystem = 'npm' | 'pypi' | 'docker' | 'deno';

export interface PackageRef {
  ecosystem: Ecosystem;
  /** What the configuration wrote (`@scope/pkg@1.2.3`, `mcp-server-git==0.6.2`, `ghcr.io/x/y:latest`). */
  spec: string;
  /** Package or image name without the version. */
  name: string;
  /** The version, tag or range as written, when any. */
  version?: string;
  /** Exact version (npm/PyPI), digest or non-latest tag (images), versioned URL (Deno). */
  pinned: boolean;
  /** Why it is not pinned, for the message. */
  why?: string;
  /** Runner as written (`npx`, `uvx`, `docker run`, ...). */
  runner: string;
  /** Index in `args` of the argument the spec came from; -1 when it is the command itself. */
  argIndex: number;
}

interface Token {
  text: string;
  /** Index of the original argument (several tokens share it when a composed shell string was split). */
  arg: number;
}

/** `/usr/local/bin/npx.cmd` → `npx`. */
export function programName(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.toLowerCase().replace(/\.(exe|cmd|bat|ps1|sh)$/, '');
}

export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'cmd', 'powershell', 'pwsh']);
/** The flag after which a shell reads a command string: `-c` (and `-lc`, `-ec`...), `/c` `/k`, `-Command`, `-EncodedCommand`. */
export const SHELL_EXEC_FLAG = /^(?:-[a-z]*c|\/c|\/k|-command|-encodedcommand|-ec)$/i;

/** Index in `tokens` of the shell's exec flag, or -1: options before it are skipped (`bash -l -c`, `cmd /d /s /c`). */
export function shellExecFlagIndex(program: string, tokens: readonly { text: string }[]): number {
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if (SHELL_EXEC_FLAG.test(t)) return i;
    if (!(t.startsWith('-') || (program === 'cmd' && t.startsWith('/')))) return -1;
  }
  return -1;
}

/** Splits a composed shell string into words (quotes removed; good enough to recognise a runner). */
function splitWords(s: string): string[] {
  return (s.match(/"[^"]*"|'[^']*'|[^\s"']+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ''));
}

/**
 * The programs a launch line runs, with shells (`sh -c "…"`, `cmd /c …`) and `env VAR=x` prefixes looked through;
 * a composed shell string gives one segment per command it chains (`cd x && npx pkg | tee log`).
 */
export function launchSegments(command: string, args: readonly string[]): Token[][] {
  const done: Token[][] = [];
  let pending: Token[][] = [[{ text: command, arg: -1 }, ...args.map((text, arg) => ({ text, arg }))]];
  for (let guard = 0; guard < 4 && pending.length > 0; guard++) {
    const next: Token[][] = [];
    for (let tokens of pending) {
      const program = tokens[0] ? programName(tokens[0].text) : '';
      if (program === 'env') {
        let i = 1;
        while (i < tokens.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[i]!.text) || tokens[i]!.text.startsWith('-'))) i++;
        tokens = tokens.slice(i);
        if (tokens.length > 0) next.push(tokens);
        continue;
      }
      const i = SHELLS.has(program) ? shellExecFlagIndex(program, tokens) : -1;
      if (i < 0) {
        if (tokens.length > 0) done.push(tokens);
        continue;
      }
      const rest = tokens.slice(i + 1);
      // Separate arguments (`cmd /c npx -y pkg`) are taken as they are; one composed string is split into commands.
      if (rest.length !== 1) {
        if (rest.length > 0) next.push(rest);
        continue;
      }
      for (const part of rest[0]!.text.split(/&&|\|\||[;|&\n]/)) {
        const words = splitWords(part).map((text) => ({ text, arg: rest[0]!.arg }));
        if (words.length > 0) next.push(words);
      }
    }
    pending = next;
  }
  return [...done, ...pending];
}

/** The first program a launch line runs (shells and `env` looked through). */
export function effectiveLaunch(command: string, args: readonly string[]): Token[] {
  return launchSegments(command, args)[0] ?? [];
}

interface OptionSyntax {
  /** Options that take the next argument as their value. */
  withValue: ReadonlySet<string>;
  /** Options whose value is a package to fetch. */
  packageOptions: ReadonlySet<string>;
}

/** Positional arguments and package-option values of a runner's own arguments, up to the program it runs. */
function readRunnerArgs(tokens: readonly Token[], syntax: OptionSyntax): { first?: Token; packages: Token[] } {
  const packages: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === '--') return { ...(tokens[i + 1] ? { first: tokens[i + 1]! } : {}), packages };
    if (t.text.startsWith('-') && t.text.length > 1) {
      const eq = t.text.indexOf('=');
      const name = eq > 0 ? t.text.slice(0, eq) : t.text;
      if (eq > 0) {
        if (syntax.packageOptions.has(name)) packages.push({ text: t.text.slice(eq + 1), arg: t.arg });
      } else if (syntax.withValue.has(name)) {
        const value = tokens[i + 1];
        if (value && syntax.packageOptions.has(name)) packages.push(value);
        i++;
      }
      continue;
    }
    return { first: t, packages };
  }
  return { packages };
}

const NPX: OptionSyntax = {
  withValue: new Set(['-p', '--package', '-c', '--call', '--registry', '--cache', '--userconfig', '--prefix', '-w', '--workspace']),
  packageOptions: new Set(['-p', '--package']),
};
const UVX: OptionSyntax = {
  withValue: new Set([
    '--from', '--with', '--with-editable', '--with-requirements', '--python', '-p', '--index', '--index-url', '--extra-index-url',
    '--default-index', '--find-links', '-f', '--constraints', '--overrides', '--cache-dir', '--directory', '--project',
    '--config-file', '--env-file', '--python-preference', '--index-strategy', '--keyring-provider', '--resolution', '--prerelease',
    '--exclude-newer', '--link-mode', '--reinstall-package', '--upgrade-package', '--refresh-package', '--color', '--allow-insecure-host',
  ]),
  packageOptions: new Set(['--from']),
};
const PIPX: OptionSyntax = {
  withValue: new Set(['--spec', '--python', '--pip-args', '--index-url', '-i', '--backend']),
  packageOptions: new Set(['--spec']),
};
const DOCKER_VALUE_OPTIONS = new Set([
  '-a', '-c', '-e', '-h', '-l', '-m', '-p', '-u', '-v', '-w', '--add-host', '--annotation', '--attach', '--blkio-weight',
  '--cap-add', '--cap-drop', '--cgroup-parent', '--cgroupns', '--cidfile', '--cpu-period', '--cpu-quota', '--cpu-shares',
  '--cpus', '--cpuset-cpus', '--cpuset-mems', '--device', '--dns', '--dns-option', '--dns-search', '--domainname',
  '--entrypoint', '--env', '--env-file', '--expose', '--gpus', '--group-add', '--health-cmd', '--health-interval',
  '--health-retries', '--health-timeout', '--hostname', '--ip', '--ip6', '--ipc', '--isolation', '--label', '--label-file',
  '--link', '--log-driver', '--log-opt', '--mac-address', '--memory', '--memory-reservation', '--memory-swap', '--mount',
  '--name', '--network', '--net', '--network-alias', '--pid', '--platform', '--publish', '--pull', '--restart', '--runtime',
  '--security-opt', '--shm-size', '--stop-signal', '--stop-timeout', '--storage-opt', '--sysctl', '--tmpfs', '--ulimit',
  '--user', '--userns', '--uts', '--volume', '--volumes-from', '--workdir',
]);
const DOCKER: OptionSyntax = { withValue: DOCKER_VALUE_OPTIONS, packageOptions: new Set() };
const DENO: OptionSyntax = {
  withValue: new Set(['-c', '--config', '--import-map', '--lock', '--cert', '--location', '--seed', '--inspect-brk', '--ext']),
  packageOptions: new Set(),
};

const isLocalPath = (s: string): boolean => /^(?:\.{1,2}[\\/]|[\\/]|~[\\/]|[A-Za-z]:[\\/]|file:)/.test(s);
const FULL_SHA = /^[0-9a-f]{40}$/i;

/** `@scope/pkg@1.2.3`, `pkg@latest`, `pkg`, `github:user/repo#sha`. */
export function parseNpmSpec(spec: string): Pick<PackageRef, 'name' | 'version' | 'pinned' | 'why'> | undefined {
  if (spec === '' || isLocalPath(spec)) return undefined;
  if (/^[a-z+]+:/i.test(spec) && !spec.startsWith('npm:')) {
    const hash = spec.split('#')[1];
    if (hash && FULL_SHA.test(hash)) return { name: spec.split('#')[0]!, version: hash, pinned: true };
    if (/^https?:\/\/.*\.tgz$/i.test(spec)) return { name: spec, pinned: true };
    return { name: spec.split('#')[0]!, ...(hash ? { version: hash } : {}), pinned: false, why: hash ? `git ref "${hash}" is not a commit hash` : 'no version or commit' };
  }
  const bare = spec.startsWith('npm:') ? spec.slice(4) : spec;
  const m = /^(@[^/@\s]+\/[^@\s]+|[^@\s][^@\s]*)(?:@(.*))?$/.exec(bare);
  if (!m) return undefined;
  const name = m[1]!;
  const version = m[2];
  if (version === undefined || version === '') return { name, pinned: false, why: 'no version' };
  if (semver.valid(version)) return { name, version, pinned: true };
  return { name, version, pinned: false, why: semver.validRange(version) ? `range "${version}" is not an exact version` : `tag "${version}" moves` };
}

/** `pkg==1.2.3`, `pkg[extra]==1.2.3`, `pkg@1.2.3` (uvx), `pkg>=1`, `git+https://…@ref`. */
export function parsePythonSpec(spec: string): Pick<PackageRef, 'name' | 'version' | 'pinned' | 'why'> | undefined {
  if (spec === '' || isLocalPath(spec) || /\.(whl|tar\.gz|zip)$/i.test(spec)) return undefined;
  if (/^(git\+|https?:)/i.test(spec)) {
    const ref = /@([^@/]+)$/.exec(spec)?.[1];
    return { name: spec.replace(/@[^@/]+$/, ''), ...(ref ? { version: ref } : {}), pinned: ref !== undefined && (FULL_SHA.test(ref) || /^v?\d+(\.\d+)+$/.test(ref)), why: ref ? `git ref "${ref}" may move` : 'no version or commit' };
  }
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/.exec(spec);
  if (!m) return undefined;
  const name = m[1]!;
  const rest = m[3]!.trim();
  if (rest === '') return { name, pinned: false, why: 'no version' };
  const exact = /^(?:===?|@)\s*v?([0-9][0-9A-Za-z.+!-]*)$/.exec(rest);
  if (exact && !exact[1]!.includes('*')) return { name, version: exact[1]!, pinned: true };
  return { name, version: rest.replace(/^@/, ''), pinned: false, why: rest === '@latest' ? 'tag "latest" moves' : `"${rest}" is not an exact version` };
}

/** `ghcr.io/org/img:1.2@sha256:…`, `img:latest`, `localhost:5000/img`. */
export function parseImage(spec: string): Pick<PackageRef, 'name' | 'version' | 'pinned' | 'why'> {
  const at = spec.indexOf('@');
  if (at > 0 && /^sha256:[0-9a-f]{64}$/i.test(spec.slice(at + 1))) return { name: spec.slice(0, at), version: spec.slice(at + 1), pinned: true };
  const slash = spec.lastIndexOf('/');
  const colon = spec.lastIndexOf(':');
  if (colon > slash) {
    const tag = spec.slice(colon + 1);
    const name = spec.slice(0, colon);
    return tag === 'latest' ? { name, version: tag, pinned: false, why: 'tag "latest" moves' } : { name, version: tag, pinned: true };
  }
  return { name: spec, pinned: false, why: 'no tag (pulls "latest")' };
}

/** `https://deno.land/x/mod@1.2.3/mod.ts`, `npm:pkg@1`, `jsr:@scope/pkg@1.2.3`. */
export function parseDenoSpec(spec: string): Pick<PackageRef, 'name' | 'version' | 'pinned' | 'why'> | undefined {
  if (spec.startsWith('npm:')) return parseNpmSpec(spec);
  if (spec.startsWith('jsr:')) {
    const m = /^(@[^/@]+\/[^@/]+)(?:@([^/]+))?/.exec(spec.slice(4));
    if (!m) return undefined;
    const name = `jsr:${m[1]}`;
    const version = m[2];
    if (version === undefined) return { name, pinned: false, why: 'no version' };
    return semver.valid(version) ? { name, version, pinned: true } : { name, version, pinned: false, why: `"${version}" is not an exact version` };
  }
  if (/^https?:\/\//i.test(spec)) {
    const versioned = /@v?\d+(?:\.\d+)*(?:[-+][\w.]+)?(?:\/|$)/.test(spec) || /\/v?\d+\.\d+\.\d+\//.test(spec);
    return versioned ? { name: spec, pinned: true } : { name: spec, pinned: false, why: 'remote module URL carries no version' };
  }
  return undefined;
}

type SpecParser = (spec: string) => Pick<PackageRef, 'name' | 'version' | 'pinned' | 'why'> | undefined;

function refs(runner: string, ecosystem: Ecosystem, specs: readonly Token[], parse: SpecParser): PackageRef[] {
  const out: PackageRef[] = [];
  for (const t of specs) {
    const p = parse(t.text);
    if (p) out.push({ ecosystem, spec: t.text, runner, argIndex: t.arg, ...p });
  }
  return out;
}

/** The packages and images a launch line fetches at start-up (empty for a plain local program). */
export function launchedPackages(command: string | undefined, args: readonly string[] = []): PackageRef[] {
  if (command === undefined || command.trim() === '') return [];
  return launchSegments(command, args).flatMap(segmentPackages);
}

function segmentPackages(tokens: readonly Token[]): PackageRef[] {
  if (tokens.length === 0) return [];
  const program = programName(tokens[0]!.text);
  const second = tokens[1]?.text;
  const npmLike = (runner: string, rest: readonly Token[]): PackageRef[] => {
    const { first, packages } = readRunnerArgs(rest, NPX);
    return refs(runner, 'npm', packages.length > 0 ? packages : first ? [first] : [], parseNpmSpec);
  };
  switch (program) {
    case 'npx':
    case 'bunx':
    case 'pnpx':
      return npmLike(program, tokens.slice(1));
    case 'bun':
      return second === 'x' ? npmLike('bun x', tokens.slice(2)) : [];
    case 'pnpm':
    case 'yarn':
      return second === 'dlx' ? npmLike(`${program} dlx`, tokens.slice(2)) : [];
    case 'npm':
      return second === 'exec' || second === 'x' ? npmLike(`npm ${second}`, tokens.slice(2)) : [];
    case 'uvx':
    case 'uv': {
      const rest = program === 'uv' ? (second === 'tool' && tokens[2]?.text === 'run' ? tokens.slice(3) : second === 'tool' && tokens[2]?.text === 'uvx' ? tokens.slice(3) : undefined) : tokens.slice(1);
      if (!rest) return [];
      const { first, packages } = readRunnerArgs(rest, UVX);
      return refs(program === 'uv' ? 'uv tool run' : 'uvx', 'pypi', packages.length > 0 ? packages : first ? [first] : [], parsePythonSpec);
    }
    case 'pipx': {
      if (second !== 'run') return [];
      const { first, packages } = readRunnerArgs(tokens.slice(2), PIPX);
      return refs('pipx run', 'pypi', packages.length > 0 ? packages : first ? [first] : [], parsePythonSpec);
    }
    case 'docker':
    case 'podman': {
      const start = second === 'run' ? 2 : second === 'container' && tokens[2]?.text === 'run' ? 3 : -1;
      if (start < 0) return [];
      const { first } = readRunnerArgs(tokens.slice(start), DOCKER);
      return first ? refs(`${program} run`, 'docker', [first], parseImage) : [];
    }
    case 'deno': {
      if (second !== 'run') return [];
      const { first } = readRunnerArgs(tokens.slice(2), DENO);
      return first ? refs('deno run', 'deno', [first], parseDenoSpec) : [];
    }
    default:
      return [];
  }
}
