// Version orderings: PEP 440 for PyPI (epochs, pre/post/dev and local versions), SemVer 2.0 for npm and SEMVER ranges.
import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import type { Ecosystem } from './types.js';

export interface VersionScheme {
  name: 'pep440' | 'semver';
  /** Whether the scheme can order this version at all. */
  valid(version: string): boolean;
  /** Negative, zero or positive; both versions must be valid. */
  compare(a: string, b: string): number;
}

export const PEP440: VersionScheme = Object.freeze({
  name: 'pep440',
  valid: (v: string) => v.length <= 256 && pep440.valid(v) !== null,
  compare: (a: string, b: string) => pep440.compare(a, b),
});

export const SEMVER: VersionScheme = Object.freeze({
  name: 'semver',
  valid: (v: string) => v.length <= 256 && semver.valid(v) !== null,
  // Build metadata does not take part in SemVer precedence (§10), and semver.compare ignores it.
  compare: (a: string, b: string) => semver.compare(a, b),
});

/** OSV range types that order versions linearly; GIT ranges need the repository and are not evaluated. */
export type LinearRangeType = 'ECOSYSTEM' | 'SEMVER';

/**
 * The scheme that orders `version` in a range of this type: an ECOSYSTEM range uses the ecosystem's own rules; a
 * SEMVER range uses SemVer, falling back to the ecosystem's rules for versions SemVer cannot read (a PyPI `1.0rc1`).
 */
export function schemeFor(ecosystem: Ecosystem, rangeType: LinearRangeType, version: string): VersionScheme | undefined {
  const native = ecosystem === 'PyPI' ? PEP440 : SEMVER;
  const candidates = rangeType === 'SEMVER' && native !== SEMVER ? [SEMVER, native] : [native];
  return candidates.find((s) => s.valid(version));
}

/** Whether two versions name the same release in this ecosystem (`1.0` and `1.0.0` do in PEP 440). */
export function sameVersion(ecosystem: Ecosystem, a: string, b: string): boolean {
  if (a === b) return true;
  const scheme = ecosystem === 'PyPI' ? PEP440 : SEMVER;
  return scheme.valid(a) && scheme.valid(b) && scheme.compare(a, b) === 0;
}

/** Sorts versions ascending in the ecosystem's order; unreadable ones go last, in text order. */
export function sortVersions(ecosystem: Ecosystem, versions: Iterable<string>): string[] {
  const scheme = ecosystem === 'PyPI' ? PEP440 : SEMVER;
  return [...versions].sort((a, b) => {
    const va = scheme.valid(a);
    const vb = scheme.valid(b);
    if (va && vb) return scheme.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
    if (va !== vb) return va ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
