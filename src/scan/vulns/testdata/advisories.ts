// Test fixtures: OSV records in the shapes GitHub (GHSA), the PyPA database (PYSEC) and OpenSSF malicious-packages
// (MAL) publish, for AI-stack packages. Ids, CVE numbers, versions and texts are invented for the tests; they are
// modelled on real advisories but do not describe them.

type Osv = Record<string, unknown>;

const ghsaBase = (id: string, cve: string, summary: string, severity: string): Osv => ({
  schema_version: '1.6.0',
  id,
  modified: '2025-02-01T10:00:00Z',
  published: '2025-01-20T10:00:00Z',
  aliases: [cve],
  summary,
  details: `${summary}.\n\nMore text in CommonMark.`,
  references: [
    { type: 'ADVISORY', url: `https://nvd.nist.gov/vuln/detail/${cve}` },
    { type: 'WEB', url: 'https://example.org/writeup' },
  ],
  database_specific: { cwe_ids: ['CWE-502'], severity, github_reviewed: true },
});

/** transformers: unsafe deserialisation of checkpoints, ECOSYSTEM range, fixed in 4.48.0. */
export const TRANSFORMERS_GHSA: Osv = {
  ...ghsaBase('GHSA-9x4c-fx01-tr4n', 'CVE-2099-10001', 'Deserialization of untrusted data in Hugging Face Transformers checkpoint loading', 'HIGH'),
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'transformers', purl: 'pkg:pypi/transformers' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.48.0' }] }],
      database_specific: { source: 'https://github.com/github/advisory-database/blob/main/advisories/x.json' },
    },
  ],
};

/** The PyPA record of the same vulnerability: aliases the CVE and the GHSA id, no severity of its own. */
export const TRANSFORMERS_PYSEC: Osv = {
  id: 'PYSEC-2099-101',
  modified: '2025-02-02T00:00:00Z',
  published: '2025-01-21T00:00:00Z',
  aliases: ['CVE-2099-10001', 'GHSA-9x4c-fx01-tr4n'],
  details: 'Transformers loads pickled checkpoints without restriction, which allows code execution.',
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'transformers', purl: 'pkg:pypi/transformers' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.48.0' }] }],
      versions: ['4.36.0', '4.36.1', '4.36.2', '4.47.1'],
    },
  ],
  references: [{ type: 'FIX', url: 'https://github.com/huggingface/transformers/commit/abc' }],
};

/** torch: `torch.load(weights_only=True)` can still run code; fixed in 2.6.0; critical. */
export const TORCH_LOAD: Osv = {
  ...ghsaBase('GHSA-53qx-fx02-t0rc', 'CVE-2099-10002', 'torch.load with weights_only=True leads to remote code execution', 'CRITICAL'),
  severity: [
    { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
  ],
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'torch' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.6.0' }] }],
    },
  ],
};

/** vllm: two affected windows, severity only as a CVSS v3 vector (8.8 → high). */
export const VLLM_RANGES: Osv = {
  id: 'GHSA-hj4w-fx03-v11m',
  modified: '2025-03-01T00:00:00Z',
  aliases: ['CVE-2099-10003'],
  summary: 'vLLM deserialises messages from the distributed KV cache with pickle',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'vllm' },
      ranges: [
        {
          type: 'ECOSYSTEM',
          events: [{ introduced: '0.5.0' }, { fixed: '0.5.5' }, { introduced: '0.6.0rc1' }, { fixed: '0.6.3.post1' }],
        },
      ],
    },
  ],
};

/** mlflow: closed by last_affected (inclusive), plus an explicit versions list; CVSS v4 only → database severity. */
export const MLFLOW_LAST_AFFECTED: Osv = {
  id: 'GHSA-2c8p-fx04-m1f1',
  modified: '2025-03-02T00:00:00Z',
  aliases: ['CVE-2099-10004'],
  summary: 'Path traversal in MLflow artifact handler',
  severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N' }],
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'mlflow' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { last_affected: '2.9.2' }] }],
      versions: ['1.30.1'],
    },
  ],
  database_specific: { severity: 'MODERATE' },
};

/** Pillow (capitalised, as PyPI lists it): the key under which `pillow==…` must still be found. */
export const PILLOW: Osv = {
  ...ghsaBase('GHSA-44wm-fx05-p1l0', 'CVE-2099-10005', 'Pillow buffer overflow when decoding crafted images', 'HIGH'),
  affected: [{ package: { ecosystem: 'PyPI', name: 'Pillow' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '10.0.0' }, { fixed: '10.3.0' }] }] }],
};

/** keras: only a CVSS v4 vector and no database rating → medium. */
export const KERAS_V4_ONLY: Osv = {
  id: 'PYSEC-2099-106',
  modified: '2025-03-03T00:00:00Z',
  summary: 'Keras safe_mode bypass through a Lambda layer',
  severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }],
  affected: [{ package: { ecosystem: 'PyPI', name: 'keras' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.0.0' }, { fixed: '3.9.0' }] }] }],
};

/** ray: withdrawn, so never reported. */
export const RAY_WITHDRAWN: Osv = {
  id: 'GHSA-6wgj-fx07-r4y0',
  modified: '2025-03-04T00:00:00Z',
  withdrawn: '2025-03-05T00:00:00Z',
  summary: 'Disputed: Ray job submission API runs commands without authentication',
  affected: [{ package: { ecosystem: 'PyPI', name: 'ray' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }],
};

/** @langchain/community on npm: SEMVER range with a prerelease lower bound. */
export const LANGCHAIN_NPM: Osv = {
  ...ghsaBase('GHSA-r9mq-fx08-1cnp', 'CVE-2099-10008', 'Server-side request forgery in @langchain/community web loaders', 'MODERATE'),
  affected: [
    {
      package: { ecosystem: 'npm', name: '@langchain/community', purl: 'pkg:npm/%40langchain/community' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0.3.0-rc.1' }, { fixed: '0.3.3' }] }],
    },
  ],
};

/** onnxruntime-web on npm: affected before 1.17.0, and again from 1.19.0 with no fix yet. */
export const ONNXRUNTIME_NPM: Osv = {
  ...ghsaBase('GHSA-x7vh-fx09-0nnx', 'CVE-2099-10009', 'Out-of-bounds read in onnxruntime-web model parser', 'LOW'),
  affected: [
    {
      package: { ecosystem: 'npm', name: 'onnxruntime-web' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.17.0' }, { introduced: '1.19.0' }] }],
    },
  ],
};

/** A malicious npm package (OpenSSF malicious-packages shape). */
export const MALICIOUS_NPM: Osv = {
  id: 'MAL-2099-1010',
  modified: '2025-03-06T00:00:00Z',
  summary: 'Malicious code in llm-helper-utils (npm)',
  details: 'The package runs a credential stealer in its postinstall script.',
  affected: [{ package: { ecosystem: 'npm', name: 'llm-helper-utils' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
  database_specific: { 'malicious-packages-origins': [{ source: 'ghsa-malware', id: 'GHSA-fx10-fx10-fx10' }] },
};

/** A record of another ecosystem, which the scan ignores. */
export const GO_RECORD: Osv = {
  id: 'GO-2099-0011',
  modified: '2025-03-07T00:00:00Z',
  summary: 'Not ours',
  affected: [{ package: { ecosystem: 'Go', name: 'example.com/x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
};

export const PYPI_RECORDS: readonly Osv[] = [TRANSFORMERS_GHSA, TRANSFORMERS_PYSEC, TORCH_LOAD, VLLM_RANGES, MLFLOW_LAST_AFFECTED, PILLOW, KERAS_V4_ONLY, RAY_WITHDRAWN];
export const NPM_RECORDS: readonly Osv[] = [LANGCHAIN_NPM, ONNXRUNTIME_NPM, MALICIOUS_NPM];

/** `{ name, data }` zip members as OSV lays them out in all.zip: one `<id>.json` per record. */
export function asMembers(records: readonly Osv[]): { name: string; data: string }[] {
  return records.map((r) => ({ name: `${String(r.id)}.json`, data: JSON.stringify(r) }));
}
