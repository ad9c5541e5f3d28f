// SBOMs in JSON: CycloneDX (components with a purl, nested components) and SPDX 2.x (packages whose external
// references carry a purl). Only pypi and npm components are matched; others are counted out.
import { firstLines } from './lines.js';
import { parsePurl, purlPackage } from './purl.js';
import type { ParsedManifest } from './types.js';

const PURL_LINE = /"(?:purl|referenceLocator)"[ \t]*:[ \t]*"([^"\n]{1,4096})"/g;
const MAX_COMPONENTS = 1_000_000;
const MAX_DEPTH = 64;

type Json = Record<string, unknown>;

export function sbomKind(value: unknown): 'cyclonedx' | 'spdx' | undefined {
  const root = object(value);
  if (root?.bomFormat === 'CycloneDX') return 'cyclonedx';
  if (typeof root?.spdxVersion === 'string' && root.spdxVersion.startsWith('SPDX-2')) return 'spdx';
  return undefined;
}

export function parseSbom(value: unknown, text: string, path: string): ParsedManifest {
  const kind = sbomKind(value) ?? 'cyclonedx';
  const out: ParsedManifest = { kind, pinned: [], unpinned: [], errors: [] };
  const root = object(value) ?? {};
  const lines = firstLines(text, PURL_LINE);
  const add = (purlText: unknown, fallbackVersion: unknown) => {
    if (typeof purlText !== 'string') return;
    const purl = parsePurl(purlText);
    const pkg = purl && purlPackage(purl);
    if (!purl || !pkg) return;
    const line = lines.get(purlText);
    const where = { manifest: path, ...(line === undefined ? {} : { line }) };
    const version = purl.version ?? (typeof fallbackVersion === 'string' && fallbackVersion !== '' ? fallbackVersion : undefined);
    if (version !== undefined) out.pinned.push({ ecosystem: pkg.ecosystem, package: pkg.name, version, ...where });
    else out.unpinned.push({ ecosystem: pkg.ecosystem, package: pkg.name, spec: '(no version)', ...where });
  };
  let count = 0;
  const tooMany = () => {
    if (++count <= MAX_COMPONENTS) return false;
    out.errors.push({ path, message: `more than ${MAX_COMPONENTS} components: the rest were not read` });
    return true;
  };
  if (kind === 'cyclonedx') {
    const stack: { list: unknown[]; depth: number }[] = [{ list: array(root.components), depth: 0 }];
    while (stack.length > 0) {
      const { list, depth } = stack.pop()!;
      for (const item of list) {
        const c = object(item);
        if (!c) continue;
        if (tooMany()) return out;
        add(c.purl, c.version);
        const nested = array(c.components);
        if (nested.length === 0) continue;
        if (depth + 1 > MAX_DEPTH) out.errors.push({ path, message: `components nested deeper than ${MAX_DEPTH} levels: not read` });
        else stack.push({ list: nested, depth: depth + 1 });
      }
    }
    return out;
  }
  for (const item of array(root.packages)) {
    const p = object(item);
    if (!p) continue;
    if (tooMany()) return out;
    for (const ref of array(p.externalRefs)) {
      const r = object(ref);
      // SPDX 2.3 spells the category PACKAGE-MANAGER, 2.2 PACKAGE_MANAGER.
      if (r && r.referenceType === 'purl' && /^PACKAGE[-_]MANAGER$/.test(String(r.referenceCategory))) add(r.referenceLocator, p.versionInfo);
    }
  }
  return out;
}

function object(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function array(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
