// Package names as each ecosystem compares them: PEP 503 for PyPI, exact for npm.
import { ECOSYSTEMS, type Ecosystem } from './types.js';

const PYPI_SEPARATORS = /[-_.]+/g;

/** The form under which two names denote the same package: `Pillow`, `pillow` and `PiLLoW` agree; so do `a_b` and `a.b`. */
export function normalisePackageName(ecosystem: Ecosystem, name: string): string {
  const trimmed = name.trim();
  if (ecosystem === 'PyPI') return trimmed.replace(PYPI_SEPARATORS, '-').toLowerCase();
  // npm names are lowercase since 2017, but older packages kept capitals: registry lookups are case-sensitive.
  return trimmed;
}

/** Index key of a package in one ecosystem. */
export function packageKey(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}\u0000${normalisePackageName(ecosystem, name)}`;
}

/** OSV's spelling of an ecosystem we support (`pypi` → `PyPI`), or undefined; OSV suffixes such as `:1.2` are not ours. */
export function ecosystemOf(value: unknown): Ecosystem | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return ECOSYSTEMS.find((e) => e.toLowerCase() === lower);
}
