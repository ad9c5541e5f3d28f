// scanDependencies: reads manifests, loads the advisories that concern their packages, and matches exact versions.
import { severityRank } from '../../core/severity.js';
import { loadAdvisories, type AdvisoryLoadOptions } from './advisory-store.js';
import { MANIFEST_LIMITS, readManifests, type ManifestLimits } from './manifests.js';
import { normalisePackageName, packageKey } from './names.js';
import { fixedVersions, isAffected } from './osv-match.js';
import type { AdvisoryRecord } from './osv-record.js';
import { ECOSYSTEMS, type AdvisoryRef, type DependencyError, type DependencyReport, type Ecosystem, type PinnedDependency, type UnpinnedDependency, type Vulnerability } from './types.js';
import { PEP440, SEMVER, sortVersions } from './versions.js';

export interface DependencyScanOptions {
  /** Folder of OSV records and archives (see defaultOsvDir). */
  advisoriesDir: string;
  limits?: Partial<ManifestLimits>;
  advisoryLimits?: Omit<AdvisoryLoadOptions, 'wanted'>;
}

/** Reads the manifests under `paths` and reports the pinned dependencies that published advisories affect. */
export async function scanDependencies(paths: readonly string[], opts: DependencyScanOptions): Promise<DependencyReport> {
  const { manifests, errors: walkErrors } = await readManifests(paths, { ...MANIFEST_LIMITS, ...opts.limits });
  const errors: DependencyError[] = walkErrors.map((e) => ({ ...e, source: 'manifest' }));
  const pinned: PinnedDependency[] = [];
  const unpinned: UnpinnedDependency[] = [];
  const report: DependencyReport['manifests'] = [];
  for (const m of manifests) {
    errors.push(...m.errors.map((e): DependencyError => ({ ...e, source: 'manifest' })));
    const counts = new Map<Ecosystem, Set<string>>();
    const count = (ecosystem: Ecosystem, name: string) => {
      const set = counts.get(ecosystem) ?? new Set<string>();
      set.add(normalisePackageName(ecosystem, name));
      counts.set(ecosystem, set);
    };
    for (const d of m.pinned) {
      count(d.ecosystem, d.package);
      const scheme = d.ecosystem === 'PyPI' ? PEP440 : SEMVER;
      if (scheme.valid(d.version)) pinned.push(d);
      else unpinned.push(withLine({ ecosystem: d.ecosystem, package: d.package, spec: `${d.version} (not a ${d.ecosystem === 'PyPI' ? 'PEP 440' : 'SemVer'} version)`, manifest: d.manifest }, d.line));
    }
    for (const d of m.unpinned) {
      count(d.ecosystem, d.package);
      unpinned.push(d);
    }
    // Manifests that name nothing still appear, under the ecosystem their kind belongs to.
    if (counts.size === 0) report.push({ path: m.path, ecosystem: m.kind === 'package-lock' ? 'npm' : 'PyPI', packages: 0, kind: m.kind });
    for (const [ecosystem, names] of counts) report.push({ path: m.path, ecosystem, packages: names.size, kind: m.kind });
  }
  const wanted = new Set(pinned.map((d) => packageKey(d.ecosystem, d.package)));
  const index = await loadAdvisories(opts.advisoriesDir, { ...opts.advisoryLimits, wanted });
  errors.push(...index.errors.map((e): DependencyError => ({ ...e, source: 'advisories' })));
  const vulnerabilities: Vulnerability[] = [];
  const seen = new Set<string>();
  for (const dep of pinned) {
    const depKey = `${dep.manifest}\u0000${packageKey(dep.ecosystem, dep.package)}\u0000${dep.version}`;
    if (seen.has(depKey)) continue;
    seen.add(depKey);
    for (const advisory of mergeAliases(dep, matches(dep, index.lookup(dep.ecosystem, dep.package)))) {
      vulnerabilities.push(withLine({ ecosystem: dep.ecosystem, package: dep.package, version: dep.version, manifest: dep.manifest, advisory }, dep.line));
    }
  }
  vulnerabilities.sort(
    (a, b) =>
      cmp(a.manifest, b.manifest) || cmp(a.package, b.package) || severityRank(b.advisory.severity) - severityRank(a.advisory.severity) || cmp(a.advisory.id, b.advisory.id),
  );
  errors.sort((a, b) => Number(a.source === 'advisories') - Number(b.source === 'advisories') || cmp(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0));
  const inUse = new Set(pinned.map((d) => d.ecosystem));
  const { summary } = index;
  return {
    manifests: report,
    vulnerabilities,
    unpinned,
    errors,
    advisories: { ...summary, missing: ECOSYSTEMS.filter((e) => inUse.has(e) && !summary.ecosystems.includes(e)) },
  };
}

interface Hit {
  record: AdvisoryRecord;
  fixed: string[];
}

function matches(dep: PinnedDependency, records: readonly AdvisoryRecord[]): Hit[] {
  const key = packageKey(dep.ecosystem, dep.package);
  const hits: Hit[] = [];
  for (const record of records) {
    const entries = record.affected.filter((a) => packageKey(a.ecosystem, a.name) === key);
    if (entries.some((a) => isAffected(dep.version, a))) hits.push({ record, fixed: fixedVersions(dep.ecosystem, entries) });
  }
  return hits;
}

/**
 * OSV publishes one vulnerability under several records (a PYSEC and a GHSA record aliasing one CVE): records linked
 * by ids or aliases are reported once, under the GitHub record when there is one (it carries a reviewed severity).
 */
function mergeAliases(dep: PinnedDependency, hits: readonly Hit[]): AdvisoryRef[] {
  const groups: Hit[][] = [];
  const names = (h: Hit) => new Set([h.record.id, ...h.record.aliases]);
  for (const hit of hits) {
    const mine = names(hit);
    const linked = groups.filter((g) => g.some((other) => [...names(other)].some((n) => mine.has(n))));
    const merged = [hit, ...linked.flat()];
    for (const g of linked) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups.map((group) => {
    const lead = [...group].sort(
      (a, b) =>
        Number(b.record.id.startsWith('GHSA-')) - Number(a.record.id.startsWith('GHSA-')) ||
        severityRank(b.record.severity) - severityRank(a.record.severity) ||
        cmp(a.record.id, b.record.id),
    )[0]!.record;
    const aliases = new Set(group.flatMap((h) => [h.record.id, ...h.record.aliases]));
    aliases.delete(lead.id);
    const ref: AdvisoryRef = {
      id: lead.id,
      aliases: [...aliases].sort(),
      summary: lead.summary || (group.find((h) => h.record.summary !== '')?.record.summary ?? ''),
      severity: group.reduce((s, h) => (severityRank(h.record.severity) > severityRank(s) ? h.record.severity : s), lead.severity),
      fixed: sortVersions(dep.ecosystem, new Set(group.flatMap((h) => h.fixed))),
    };
    if (lead.url !== undefined) ref.url = lead.url;
    if (group.some((h) => h.record.malicious)) ref.malicious = true;
    return ref;
  });
}

function withLine<T extends object>(value: T, line: number | undefined): T & { line?: number } {
  return line === undefined ? value : { ...value, line };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
