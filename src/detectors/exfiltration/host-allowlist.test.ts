// Tests for the host allowlist: exact hosts, CSP-style wildcards, case, trailing dots and internationalised names.
import { describe, expect, it } from 'vitest';
import { canonicalHost, compileAllowlist, isValidHostPattern } from './host-allowlist.js';

describe('host allowlist', () => {
  const allowed = compileAllowlist(['Docs.Python.org', '*.example.com', 'bücher.example', '[::1]']);

  it('matches exact hosts case-insensitively and ignores a trailing dot', () => {
    expect(allowed('docs.python.org')).toBe(true);
    expect(allowed('docs.python.org.')).toBe(true);
    expect(allowed('python.org')).toBe(false);
    expect(allowed('evil-docs.python.org')).toBe(false);
  });

  it('matches subdomains for "*." patterns but not the apex or look-alike suffixes', () => {
    expect(allowed('cdn.example.com')).toBe(true);
    expect(allowed('a.b.example.com')).toBe(true);
    expect(allowed('example.com')).toBe(false);
    expect(allowed('badexample.com')).toBe(false);
    expect(allowed('example.com.evil.net')).toBe(false);
  });

  it('compares internationalised names in punycode, as URL.hostname gives them', () => {
    expect(allowed(new URL('https://bücher.example/x').hostname)).toBe(true);
    expect(canonicalHost('bücher.example')).toBe('xn--bcher-kva.example');
    expect(allowed('[::1]')).toBe(true);
  });

  it('validates patterns', () => {
    for (const ok of ['example.com', '*.example.com', 'localhost', '127.0.0.1', '[::1]', 'bücher.example']) {
      expect(isValidHostPattern(ok)).toBe(true);
    }
    for (const bad of ['', 'https://example.com', 'example.com/path', 'a.*.com', '*', 'exa mple.com', 'user@host']) {
      expect(isValidHostPattern(bad)).toBe(false);
    }
  });

  it('allows nothing when empty', () => {
    expect(compileAllowlist([])('example.com')).toBe(false);
  });
});
