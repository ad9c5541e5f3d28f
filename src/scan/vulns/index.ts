// Vulnerable AI components: dependency manifests matched against OSV advisories from a local folder.
export { scanDependencies, type DependencyScanOptions } from './scan-dependencies.js';
export { dependencyFindings, type DependencyFinding } from './findings.js';
export { DEPS_RULES } from './rules.js';
export { defaultOsvDir, OSV_DIR_HELP } from './osv-dir.js';
export type {
  AdvisoryRef,
  DependencyError,
  DependencyReport,
  Ecosystem,
  ManifestKind,
  PinnedDependency,
  UnpinnedDependency,
  Vulnerability,
} from './types.js';
