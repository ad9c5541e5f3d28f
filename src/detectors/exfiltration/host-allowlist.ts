// Host allowlist for the exfiltration detector: exact hosts and "*.example.com" wildcards, compared in their ASCII (punycode) form.

/** A pattern is a host name, optionally prefixed with "*." to mean "any subdomain of". */
export const HOST_PATTERN = /^(\*\.)?[^\s/\\:?#@*[\]]+$|^\[[0-9a-fA-F:.]+\]$/u;

/** The host in the form `URL.hostname` gives (lower-case, punycode, no trailing dot), or undefined when invalid. */
export function canonicalHost(host: string): string | undefined {
  try {
    const h = new URL(`http://${host}/`).hostname;
    return h.endsWith('.') ? h.slice(0, -1) : h;
  } catch {
    return undefined;
  }
}

export function isValidHostPattern(pattern: string): boolean {
  if (!HOST_PATTERN.test(pattern)) return false;
  return canonicalHost(pattern.startsWith('*.') ? pattern.slice(2) : pattern) !== undefined;
}

/**
 * Compiles patterns into a predicate. As in Content-Security-Policy, "*.example.com" matches
 * "cdn.example.com" and "a.b.example.com" but not "example.com" itself; list both when both are meant.
 */
export function compileAllowlist(patterns: readonly string[]): (host: string) => boolean {
  const exact = new Set<string>();
  const suffixes = new Set<string>();
  for (const p of patterns) {
    const wildcard = p.startsWith('*.');
    const host = canonicalHost(wildcard ? p.slice(2) : p);
    if (host === undefined) continue;
    if (wildcard) suffixes.add(host);
    else exact.add(host);
  }
  if (exact.size === 0 && suffixes.size === 0) return () => false;
  return (rawHost: string) => {
    const host = rawHost.endsWith('.') ? rawHost.slice(0, -1) : rawHost;
    if (exact.has(host)) return true;
    for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1)) {
      if (suffixes.has(host.slice(i + 1))) return true;
    }
    return false;
  };
}
