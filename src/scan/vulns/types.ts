// Shapes of the dependency scan: what manifests yield, what advisories say, and the report scanDependencies returns.
import type { Severity } from '../../core/severity.js';

/** Package ecosystems whose manifests we read and whose advisories we match, spelled as OSV spells them. */
export const ECOSYSTEMS = ['PyPI', 'npm'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export type ManifestKind =
  | 'requirements'
  | 'constraints'
  | 'pyproject'
  | 'poetry-lock'
  | 'uv-lock'
  | 'pylock'
  | 'pipfile-lock'
  | 'package-lock'
  | 'cyclonedx'
  | 'spdx';

/** One dependency with an exact version, as a manifest states it. */
export interface PinnedDependency {
  ecosystem: Ecosystem;
  /** The name as written in the manifest. */
  package: string;
  version: string;
  manifest: string;
  /** 1-based line in the manifest, when known. */
  line?: number;
}

/** A dependency without an exact version (a range, a URL, a VCS reference, an editable install): never matched. */
export interface UnpinnedDependency {
  ecosystem: Ecosystem;
  package: string;
  /** What the manifest says instead of a version: `>=2.0`, `^1.2`, `git+https://…`, `(no version)`. */
  spec: string;
  manifest: string;
  line?: number;
}

export interface ManifestError {
  path: string;
  message: string;
  line?: number;
}

/** An error in the report says whether a manifest or the advisory database could not be read. */
export interface DependencyError extends ManifestError {
  source: 'manifest' | 'advisories';
}

/** What one parser makes of one manifest file. */
export interface ParsedManifest {
  kind: ManifestKind;
  pinned: PinnedDependency[];
  unpinned: UnpinnedDependency[];
  errors: ManifestError[];
}

export interface AdvisoryRef {
  /** OSV id: `GHSA-…`, `PYSEC-…`, `MAL-…`. */
  id: string;
  /** Other ids of the same vulnerability (CVE, GHSA, PYSEC), including the ids of merged duplicate records. */
  aliases: string[];
  summary: string;
  severity: Severity;
  /** Versions that fix it, in ascending order (may be empty: no fix released). */
  fixed: string[];
  url?: string;
  /** The record reports a malicious package (OSV `MAL-` records), not a vulnerability. */
  malicious?: boolean;
}

export interface Vulnerability {
  ecosystem: Ecosystem;
  package: string;
  version: string;
  manifest: string;
  line?: number;
  advisory: AdvisoryRef;
}

export interface DependencyReport {
  /** One entry per manifest and ecosystem (an SBOM listing PyPI and npm components gives two). */
  manifests: { path: string; ecosystem: Ecosystem; packages: number; kind: ManifestKind }[];
  vulnerabilities: Vulnerability[];
  unpinned: UnpinnedDependency[];
  /** Manifests or advisory files that could not be read in full; a dependency scan with errors is never clean. */
  errors: DependencyError[];
  /**
   * What the advisory folder held. With no records at all, or none for an ecosystem whose packages were to be matched
   * (`missing`), nothing can be called clean.
   */
  advisories: { dir: string; files: number; records: number; ecosystems: Ecosystem[]; missing: Ecosystem[] };
}
