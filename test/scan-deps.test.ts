// End to end: an AI project's manifests matched through scanDependencies against fixture advisories, the findings
// helper F folds into `bulwark scan --deps`, and `bulwark osv sync` against a local stand-in for the OSV bucket.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerOsvCommand } from '../src/cli/osv.js';
import { dependencyFindings, scanDependencies, type DependencyReport } from '../src/scan/vulns/index.js';
import { asMembers, NPM_RECORDS, PYPI_RECORDS } from '../src/scan/vulns/testdata/advisories.js';
import { makeZip } from '../src/scan/vulns/testdata/make-zip.js';
import { startFakeOsv, type FakeOsv } from '../src/scan/vulns/testdata/osv-server.js';
import { runCommand, type CommandRun } from './fixtures/run-command.js';
import { memoryIo } from './fixtures/memory-io.js';

let work: string;
const put = (rel: string, text: string) => {
  const path = join(work, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
};

const REQUIREMENTS = `# inference service
torch==2.5.1+cu121
transformers[torch]==4.47.1
vllm==0.6.1
pillow==10.2.0
mlflow==2.9.2
keras==3.9.0
ray==2.9.0
langchain>=0.2
`;

const PACKAGE_LOCK = {
  name: 'chat-ui',
  lockfileVersion: 3,
  packages: {
    '': { name: 'chat-ui', version: '1.0.0' },
    'node_modules/@langchain/community': { version: '0.3.1' },
    'node_modules/onnxruntime-web': { version: '1.19.2' },
    'node_modules/other/node_modules/onnxruntime-web': { version: '1.17.0' },
    'node_modules/llm-helper-utils': { version: '1.0.2' },
  },
};

const SBOM = {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  components: [
    { type: 'library', name: 'torch', version: '2.6.0', purl: 'pkg:pypi/torch@2.6.0' },
    { type: 'library', name: 'keras', version: '3.3.3', purl: 'pkg:pypi/keras@3.3.3' },
  ],
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-deps-'));
  put('app/requirements.txt', REQUIREMENTS);
  put('app/web/package-lock.json', JSON.stringify(PACKAGE_LOCK, null, 2));
  put('app/sbom.cdx.json', JSON.stringify(SBOM, null, 2));
  put('osv/PyPI/all.zip', '');
  writeFileSync(join(work, 'osv/PyPI/all.zip'), makeZip(asMembers(PYPI_RECORDS)));
  for (const [i, m] of asMembers(NPM_RECORDS).entries()) put(`osv/npm/${i}-${m.name}`, m.data);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const brief = (r: DependencyReport) =>
  r.vulnerabilities.map((v) => `${v.manifest.slice(work.length + 1)}:${v.line ?? '?'} ${v.package}@${v.version} ${v.advisory.id} ${v.advisory.severity} fixed=${v.advisory.fixed.join('|')}`);

describe('scanDependencies', () => {
  it('matches the AI stack against the advisories, one finding per vulnerability', async () => {
    const report = await scanDependencies([join(work, 'app')], { advisoriesDir: join(work, 'osv') });
    expect(brief(report)).toEqual([
      'app/requirements.txt:6 mlflow@2.9.2 GHSA-2c8p-fx04-m1f1 medium fixed=',
      'app/requirements.txt:5 pillow@10.2.0 GHSA-44wm-fx05-p1l0 high fixed=10.3.0',
      'app/requirements.txt:2 torch@2.5.1+cu121 GHSA-53qx-fx02-t0rc critical fixed=2.6.0',
      'app/requirements.txt:3 transformers@4.47.1 GHSA-9x4c-fx01-tr4n high fixed=4.48.0',
      'app/requirements.txt:4 vllm@0.6.1 GHSA-hj4w-fx03-v11m high fixed=0.5.5|0.6.3.post1',
      'app/sbom.cdx.json:15 keras@3.3.3 PYSEC-2099-106 medium fixed=3.9.0',
      'app/web/package-lock.json:9 @langchain/community@0.3.1 GHSA-r9mq-fx08-1cnp medium fixed=0.3.3',
      'app/web/package-lock.json:18 llm-helper-utils@1.0.2 MAL-2099-1010 critical fixed=',
      'app/web/package-lock.json:12 onnxruntime-web@1.19.2 GHSA-x7vh-fx09-0nnx low fixed=1.17.0',
    ]);
    const transformers = report.vulnerabilities.find((v) => v.package === 'transformers');
    expect(transformers?.advisory).toEqual({
      id: 'GHSA-9x4c-fx01-tr4n',
      aliases: ['CVE-2099-10001', 'PYSEC-2099-101'],
      summary: 'Deserialization of untrusted data in Hugging Face Transformers checkpoint loading',
      severity: 'high',
      fixed: ['4.48.0'],
      url: 'https://nvd.nist.gov/vuln/detail/CVE-2099-10001',
    });
    expect(report.vulnerabilities.find((v) => v.package === 'llm-helper-utils')?.advisory.malicious).toBe(true);
    expect(report.unpinned).toEqual([{ ecosystem: 'PyPI', package: 'langchain', spec: '>=0.2', manifest: join(work, 'app/requirements.txt'), line: 9 }]);
    expect(report.errors).toEqual([]);
    expect(report.manifests.map((m) => [m.path.slice(work.length + 1), m.ecosystem, m.kind, m.packages])).toEqual([
      ['app/requirements.txt', 'PyPI', 'requirements', 8],
      ['app/sbom.cdx.json', 'PyPI', 'cyclonedx', 2],
      ['app/web/package-lock.json', 'npm', 'package-lock', 3],
    ]);
    expect(report.advisories).toEqual({ dir: join(work, 'osv'), files: 4, records: 11, ecosystems: ['PyPI', 'npm'], missing: [] });
  });

  it('folds into scan findings per file: suspicious vulnerabilities, a malicious package, info for unpinned', async () => {
    const report = await scanDependencies([join(work, 'app')], { advisoriesDir: join(work, 'osv') });
    const files = dependencyFindings(report);
    expect(files.map((f) => [f.path.slice(work.length + 1), f.findings.map((x) => `${x.rule}/${x.verdict}/${x.severity}`)])).toEqual([
      ['app/requirements.txt', ['deps.vulnerable/suspicious/medium', 'deps.vulnerable/suspicious/high', 'deps.vulnerable/suspicious/critical', 'deps.vulnerable/suspicious/high', 'deps.vulnerable/suspicious/high', 'deps.unpinned/info/info']],
      ['app/sbom.cdx.json', ['deps.vulnerable/suspicious/medium']],
      ['app/web/package-lock.json', ['deps.vulnerable/suspicious/medium', 'deps.malicious-package/malicious/critical', 'deps.vulnerable/suspicious/low']],
    ]);
    const torch = files[0]?.findings[2];
    expect(torch).toMatchObject({
      message: 'torch 2.5.1+cu121 (PyPI) is affected by GHSA-53qx-fx02-t0rc, CVE-2099-10002: torch.load with weights_only=True leads to remote code execution; fixed in 2.6.0',
      fragment: 'torch@2.5.1+cu121',
      line: 2,
      tags: { owaspLlm: ['LLM03:2025'], atlas: ['AML.T0010.001'] },
    });
  });

  it('is never clean without advisories: a missing folder, or none for an ecosystem in use', async () => {
    const none = await scanDependencies([join(work, 'app/requirements.txt')], { advisoriesDir: join(work, 'nowhere') });
    expect(none.vulnerabilities).toEqual([]);
    expect(dependencyFindings(none)[0]).toEqual({
      path: join(work, 'nowhere'),
      findings: [expect.objectContaining({ rule: 'deps.no-advisories', verdict: 'error', message: expect.stringContaining('run `bulwark osv sync`') })],
    });
    const pypiOnly = await scanDependencies([join(work, 'app')], { advisoriesDir: join(work, 'osv/PyPI') });
    expect(pypiOnly.advisories.missing).toEqual(['npm']);
    const first = dependencyFindings(pypiOnly)[0];
    expect(first?.findings.map((f) => f.message)).toEqual([expect.stringContaining('no npm advisories')]);
  });

  it('reports manifest and advisory damage as errors next to what it could still match', async () => {
    put('broken/pyproject.toml', '[project\n');
    put('broken/requirements.txt', 'torch==2.5.1\n-r gone.txt\n');
    put('broken-osv/PyPI/all.zip', 'not a zip');
    put('broken-osv/torch.json', JSON.stringify(PYPI_RECORDS.find((r) => r.id === 'GHSA-53qx-fx02-t0rc')));
    const report = await scanDependencies([join(work, 'broken')], { advisoriesDir: join(work, 'broken-osv') });
    expect(report.vulnerabilities.map((v) => v.advisory.id)).toEqual(['GHSA-53qx-fx02-t0rc']);
    expect(report.errors.map((e) => [e.source, e.path.slice(work.length + 1), e.line])).toEqual([
      ['manifest', 'broken/pyproject.toml', 1],
      ['manifest', 'broken/requirements.txt', 2],
      ['advisories', 'broken-osv/PyPI/all.zip', undefined],
    ]);
    const rules = dependencyFindings(report).flatMap((f) => f.findings.map((x) => x.rule));
    expect(rules.sort()).toEqual(['deps.advisories-error', 'deps.manifest-error', 'deps.manifest-error', 'deps.vulnerable']);
  });

  it('versions no scheme can order are reported unpinned, not matched', async () => {
    const path = put('odd/requirements.txt', 'torch==2.5.1-custom-build\n');
    const report = await scanDependencies([path], { advisoriesDir: join(work, 'osv') });
    expect(report.vulnerabilities).toEqual([]);
    expect(report.unpinned[0]?.spec).toBe('2.5.1-custom-build (not a PEP 440 version)');
  });
});

describe('bulwark osv sync', () => {
  let osv: FakeOsv;
  let dir: string;

  beforeEach(async () => {
    for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy', 'BULWARK_OSV_BASE_URL']) vi.stubEnv(v, '');
    osv = await startFakeOsv();
    osv.files.set('/PyPI/all.zip', makeZip(asMembers(PYPI_RECORDS)));
    osv.files.set('/npm/all.zip', makeZip(asMembers(NPM_RECORDS)));
    dir = mkdtempSync(join(tmpdir(), 'bulwark-sync-'));
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await osv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function run(args: string[]): Promise<CommandRun> {
    return runCommand([registerOsvCommand], ['osv', ...args], memoryIo({ cwd: work }));
  }

  it('downloads each archive, and the scan then finds the vulnerabilities', async () => {
    const r = await run(['sync', '--osv-dir', dir, '--source', osv.url]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`PyPI: fetching ${osv.url}/PyPI/all.zip`);
    expect(r.out).toMatch(/^PyPI {2}updated +8 records/m);
    expect(r.out).toMatch(/^npm {3}updated +3 records/m);
    expect(readdirSync(join(dir, 'PyPI')).sort()).toEqual(['.all.zip.index', '.all.zip.sync.json', 'all.zip']);
    const report = await scanDependencies([join(work, 'app')], { advisoriesDir: dir });
    expect(report.vulnerabilities).toHaveLength(9);
    expect(report.advisories).toMatchObject({ files: 2, records: 11, missing: [] });
  });

  it('asks with the ETag next time and keeps the archive when unchanged; --force downloads again', async () => {
    await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'pypi']);
    const again = await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).results).toEqual([expect.objectContaining({ ecosystem: 'PyPI', status: 'unchanged', records: 8 })]);
    expect(osv.requests.at(-1)?.headers['if-none-match']).toMatch(/^"[0-9a-f]{16}"$/);
    // An unchanged archive whose index went missing gets it back.
    rmSync(join(dir, 'PyPI', '.all.zip.index'));
    expect((await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI'])).out).toMatch(/^PyPI {2}unchanged/m);
    expect(readdirSync(join(dir, 'PyPI'))).toContain('.all.zip.index');
    const forced = await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI', '--force', '--json']);
    expect(JSON.parse(forced.out).results[0].status).toBe('updated');
    expect(osv.requests.at(-1)?.headers['if-none-match']).toBeUndefined();
  });

  it('takes the source from BULWARK_OSV_BASE_URL', async () => {
    vi.stubEnv('BULWARK_OSV_BASE_URL', `${osv.url}/`);
    const r = await run(['sync', '--osv-dir', dir, '--ecosystem', 'npm']);
    expect(r.code).toBe(0);
    expect(osv.requests.map((q) => q.path)).toEqual(['/npm/all.zip']);
  });

  it('keeps the previous archive when a download is not a zip, is cut short, is too big or missing', async () => {
    await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI']);
    const before = readFileSync(join(dir, 'PyPI/all.zip'));
    osv.files.set('/PyPI/all.zip', Buffer.from('<html>captive portal</html>'));
    const notZip = await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI', '--force']);
    expect(notZip.code).toBe(69);
    expect(notZip.err).toContain('is not a usable advisory archive');
    osv.files.set('/PyPI/all.zip', makeZip(asMembers(PYPI_RECORDS.slice(0, 2))));
    osv.misbehave = 'short-body';
    const short = await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI', '--force']);
    expect(short.code).toBe(69);
    osv.misbehave = 'no-length';
    const big = await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI', '--force', '--max-size', '100']);
    expect(big.code).toBe(69);
    expect(big.err).toContain('more than the 100-byte limit');
    osv.misbehave = undefined;
    const bigDeclared = await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI', '--force', '--max-size', '100']);
    expect(bigDeclared.err).toContain('over the 100-byte limit');
    const missing = await run(['sync', '--osv-dir', dir, '--source', `${osv.url}/mirror`, '--ecosystem', 'PyPI']);
    expect(missing.code).toBe(69);
    expect(missing.err).toContain('answered HTTP 404');
    expect(readFileSync(join(dir, 'PyPI/all.zip')).equals(before)).toBe(true);
    expect(readdirSync(join(dir, 'PyPI')).sort()).toEqual(['.all.zip.index', '.all.zip.sync.json', 'all.zip']);
  });

  it('refuses bad sources and unknown ecosystems before any request', async () => {
    expect((await run(['sync', '--osv-dir', dir, '--source', 'ftp://example.org'])).code).toBe(64);
    expect((await run(['sync', '--osv-dir', dir, '--source', 'http://user:pw@127.0.0.1/'])).code).toBe(64);
    const eco = await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'Maven']);
    expect(eco.code).toBe(64);
    expect(eco.err).toContain('unsupported ecosystem "Maven"');
    expect(osv.requests).toEqual([]);
  });

  it('status shows what the folder holds', async () => {
    await run(['sync', '--osv-dir', dir, '--source', osv.url, '--ecosystem', 'PyPI']);
    const r = await run(['status', '--osv-dir', dir]);
    const body = JSON.parse(r.out);
    expect(body).toMatchObject({ dir, files: 1, records: 8, errors: [] });
    expect(body.archives).toEqual([
      expect.objectContaining({ ecosystem: 'PyPI', records: 8, url: `${osv.url}/PyPI/all.zip`, fetchedAt: expect.any(String) }),
      { ecosystem: 'npm', path: join(dir, 'npm', 'all.zip') },
    ]);
  });
});
