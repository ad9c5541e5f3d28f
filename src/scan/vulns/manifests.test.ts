// Finding and reading manifests: folder walks, skipped folders, includes and their loops, sniffing named files.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindOfName, MANIFEST_LIMITS, readManifests } from './manifests.js';

let root: string;
let outside: string;
const put = (rel: string, text: string, base = root) => {
  const path = join(base, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-manifests-'));
  outside = mkdtempSync(join(tmpdir(), 'bulwark-outside-'));
  put('requirements.txt', '-r requirements/base.txt\n-c constraints.txt\ntorch==2.5.1\n-r missing.txt\n');
  put('requirements/base.txt', 'transformers==4.47.1\n-r ../requirements.txt\n');
  put('constraints.txt', 'numpy==1.26.4\nscipy>=1\n');
  put('pyproject.toml', '[project]\nname = "x"\ndependencies = ["mlflow==2.9.2"]\n');
  put('web/package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/onnxruntime-web': { version: '1.16.0' } } }));
  put('web/node_modules/dep/package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/hidden': { version: '1.0.0' } } }));
  put('.venv/lib/requirements.txt', 'hidden==1.0\n');
  put('envs/py311/pyvenv.cfg', 'home = /usr/bin\n');
  put('envs/py311/requirements.txt', 'hidden==1.0\n');
  put('.git/requirements.txt', 'hidden==1.0\n');
  put('sbom/bom.json', JSON.stringify({ bomFormat: 'CycloneDX', components: [{ name: 'keras', purl: 'pkg:pypi/keras@3.3.3' }] }));
  put('sbom/sbom-notes.json', 'not json, and not claimed as a manifest');
  put('README.md', 'torch==1.0\n');
  put('requirements.txt', 'hidden==1.0\n', outside);
  symlinkSync(outside, join(root, 'linked'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('kindOfName', () => {
  it.each([
    ['requirements.txt', 'requirements'],
    ['requirements-dev.txt', 'requirements'],
    ['dev-requirements.in', 'requirements'],
    ['requirements/gpu.txt', 'requirements'],
    ['constraints.txt', 'constraints'],
    ['pyproject.toml', 'pyproject'],
    ['poetry.lock', 'poetry-lock'],
    ['uv.lock', 'uv-lock'],
    ['pylock.toml', 'pylock'],
    ['pylock.gpu.toml', 'pylock'],
    ['Pipfile.lock', 'pipfile-lock'],
    ['package-lock.json', 'package-lock'],
    ['npm-shrinkwrap.json', 'package-lock'],
    ['bom.json', 'sbom'],
    ['app.cdx.json', 'sbom'],
    ['app.spdx.json', 'sbom'],
    ['sbom.json', 'sbom'],
    ['package.json', undefined],
    ['tsconfig.json', undefined],
    ['notes.txt', undefined],
  ])('%s → %s', (name, kind) => {
    expect(kindOfName(join('/x', name))).toBe(kind);
  });
});

describe('readManifests', () => {
  it('walks a folder: follows includes once, skips dependency and VCS folders, virtualenvs and symlinks', async () => {
    const { manifests, errors } = await readManifests([root]);
    const rel = (p: string) => p.slice(root.length + 1);
    expect(manifests.map((m) => `${rel(m.path)} ${m.kind}`)).toEqual([
      'constraints.txt constraints',
      'pyproject.toml pyproject',
      'requirements.txt requirements',
      'requirements/base.txt requirements',
      'sbom/bom.json cyclonedx',
      'web/package-lock.json package-lock',
    ]);
    const all = manifests.flatMap((m) => m.pinned.map((p) => `${p.package}@${p.version}`));
    expect(all.sort()).toEqual(['keras@3.3.3', 'mlflow@2.9.2', 'numpy@1.26.4', 'onnxruntime-web@1.16.0', 'torch@2.5.1', 'transformers@4.47.1']);
    expect(errors).toEqual([{ path: join(root, 'requirements.txt'), line: 4, message: expect.stringContaining('missing.txt: cannot read') }]);
  });

  it('reads a named file whatever its name, and sniffs JSON and TOML', async () => {
    const deps = put('named/deps.txt', 'torch==2.0.0\n');
    const lock = put('named/lock.json', JSON.stringify({ lockfileVersion: 2, packages: { 'node_modules/a': { version: '1.0.0' } } }));
    const toml = put('named/locked.toml', '[[package]]\nname = "ray"\nversion = "2.0.0"\n');
    const other = put('named/data.bin', 'x');
    const json = put('named/config.json', '{"a": 1}');
    const { manifests, errors } = await readManifests([deps, lock, toml, other, json, join(root, 'nope.txt')]);
    expect(manifests.map((m) => m.kind)).toEqual(['requirements', 'package-lock', 'poetry-lock']);
    expect(errors.map((e) => e.message)).toEqual([
      'not a recognised dependency manifest',
      expect.stringContaining('not a recognised manifest'),
      expect.stringContaining('cannot read'),
    ]);
  });

  it('cuts include chains at the depth bound and refuses oversized manifests', async () => {
    for (let i = 0; i < 12; i++) put(`chain/r${i}.txt`, `-r r${i + 1}.txt\npkg${i}==1.0\n`);
    const { manifests, errors } = await readManifests([join(root, 'chain/r0.txt')]);
    expect(manifests).toHaveLength(MANIFEST_LIMITS.maxIncludeDepth + 1);
    expect(manifests.flatMap((m) => m.errors).map((e) => e.message)).toEqual([expect.stringContaining('includes nested deeper than 8')]);
    expect(errors).toEqual([]);
    const big = put('big/requirements.txt', 'a==1\n'.repeat(100));
    const limited = await readManifests([big], { ...MANIFEST_LIMITS, maxManifestBytes: 100 });
    expect(limited.errors[0]?.message).toContain('over the 100-byte limit');
  });

  it('stops after the entry bound', async () => {
    const { errors } = await readManifests([root], { ...MANIFEST_LIMITS, maxEntries: 3 });
    expect(errors.some((e) => e.message.includes('more than 3 entries'))).toBe(true);
  });
});
