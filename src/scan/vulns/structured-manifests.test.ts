// pyproject.toml, Python lock files, package-lock.json and SBOMs: what each yields, with lines, and hostile input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePackageLock } from './package-lock.js';
import { parsePurl, purlPackage } from './purl.js';
import { parsePyproject } from './pyproject.js';
import { parsePipfileLock, parseTomlLock } from './python-locks.js';
import { parseSbom, sbomKind } from './sbom.js';

const pins = (m: { pinned: { package: string; version: string; line?: number }[] }) => m.pinned.map((p) => `${p.package}@${p.version}:${p.line ?? '?'}`);

describe('pyproject.toml', () => {
  const text = `[project]
name = "demo"
dependencies = [
  "torch==2.4.1",
  "transformers>=4.40",
  "Pillow (==10.2.0)",
]

[project.optional-dependencies]
serve = ["vllm==0.5.4 ; sys_platform == 'linux'"]

[dependency-groups]
dev = ["pytest==8.0.0", { include-group = "serve" }, "not a requirement!"]

[tool.poetry.dependencies]
python = "^3.10"
langchain = "0.2.5"
mlflow = { version = "==2.9.2", extras = ["extras"] }
ray = "^2.9"
mytool = { git = "https://github.com/org/mytool.git" }
numpy = [{ version = "1.26.4", python = "<3.12" }, { version = ">=2.0", python = ">=3.12" }]

[tool.poetry.group.dev.dependencies]
keras = "=3.1.0"
`;

  it('reads PEP 621, PEP 735 and Poetry dependencies with lines', () => {
    const m = parsePyproject(text, 'pyproject.toml');
    expect(pins(m)).toEqual(['torch@2.4.1:4', 'Pillow@10.2.0:6', 'vllm@0.5.4:10', 'pytest@8.0.0:13', 'langchain@0.2.5:17', 'mlflow@2.9.2:18', 'numpy@1.26.4:21', 'keras@3.1.0:24']);
    expect(m.unpinned.map((u) => `${u.package} ${u.spec}`)).toEqual([
      'transformers >=4.40',
      'ray ^2.9',
      'mytool git https://github.com/org/mytool.git',
      'numpy >=2.0',
    ]);
    expect(m.errors).toEqual([{ path: 'pyproject.toml', line: 13, message: 'not a PEP 508 requirement: not a requirement!' }]);
  });

  it('reports invalid TOML with its line', () => {
    expect(parsePyproject('[project]\ndependencies = [\n', 'p.toml').errors[0]).toMatchObject({ path: 'p.toml', line: 3, message: expect.stringContaining('not valid TOML') });
  });
});

describe('Python lock files', () => {
  it('poetry.lock: every package, local directories unpinned', () => {
    const m = parseTomlLock(
      `[[package]]\nname = "torch"\nversion = "2.3.0"\n\n[[package]]\nname = "mylib"\nversion = "0.1.0"\n[package.source]\ntype = "directory"\nurl = "../mylib"\n\n[[package]]\nname = "Pillow"\nversion = "10.1.0"\n\n[metadata]\nlock-version = "2.0"\n`,
      'poetry.lock',
      'poetry-lock',
    );
    expect(pins(m)).toEqual(['torch@2.3.0:2', 'Pillow@10.1.0:13']);
    expect(m.unpinned).toEqual([{ ecosystem: 'PyPI', package: 'mylib', spec: 'directory ../mylib', manifest: 'poetry.lock', line: 6 }]);
  });

  it('uv.lock: the project itself is skipped, registry packages pinned', () => {
    const m = parseTomlLock(
      `version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "demo"\nversion = "0.1.0"\nsource = { editable = "." }\n\n[[package]]\nname = "transformers"\nversion = "4.46.0"\nsource = { registry = "https://pypi.org/simple" }\n`,
      'uv.lock',
      'uv-lock',
    );
    expect(pins(m)).toEqual(['transformers@4.46.0:10']);
    expect(m.unpinned).toEqual([]);
  });

  it('pylock.toml (PEP 751)', () => {
    const m = parseTomlLock(`lock-version = "1.0"\n[[packages]]\nname = "onnx"\nversion = "1.15.0"\n[[packages]]\nname = "local"\ndirectory = { path = "./local" }\n`, 'pylock.toml', 'pylock');
    expect(pins(m)).toEqual(['onnx@1.15.0:3']);
    expect(m.unpinned.map((u) => u.spec)).toEqual(['directory']);
  });

  it('Pipfile.lock: default and develop, VCS entries unpinned', () => {
    const value = {
      _meta: { hash: { sha256: 'x' } },
      default: { torch: { version: '==2.2.0', hashes: [] }, mytool: { git: 'https://github.com/org/t.git', ref: 'abc' } },
      develop: { pytest: { version: '==8.0.0' }, black: { version: '*' } },
    };
    const text = JSON.stringify(value, null, 4);
    const m = parsePipfileLock(value, text, 'Pipfile.lock');
    expect(pins(m)).toEqual(['torch@2.2.0:8', 'pytest@8.0.0:18']);
    expect(m.unpinned.map((u) => `${u.package} ${u.spec}`)).toEqual(['mytool git https://github.com/org/t.git', 'black *']);
  });
});

describe('package-lock.json', () => {
  it('v3: names from key paths, aliases from `name`, links and the root skipped', () => {
    const value = {
      name: 'app',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/@langchain/community': { version: '0.3.1' },
        'node_modules/a/node_modules/@scope/b': { version: '2.0.0-beta.1' },
        'node_modules/onnx-alias': { name: 'onnxruntime-web', version: '1.16.0' },
        'node_modules/linked': { resolved: 'packages/linked', link: true },
        'packages/linked': { version: '0.0.1' },
        'node_modules/gitdep': { version: 'git+ssh://git@github.com/org/x.git#abc' },
      },
    };
    const m = parsePackageLock(value, JSON.stringify(value, null, 2), 'package-lock.json');
    expect(pins(m)).toEqual(['@langchain/community@0.3.1:9', '@scope/b@2.0.0-beta.1:12', 'onnxruntime-web@1.16.0:15']);
    expect(m.unpinned.map((u) => `${u.package} ${u.spec}`)).toEqual(['gitdep git+ssh://git@github.com/org/x.git#abc']);
  });

  it('v1: the dependencies tree, with npm: aliases', () => {
    const value = {
      lockfileVersion: 1,
      dependencies: {
        express: { version: '4.17.1', dependencies: { qs: { version: '6.7.0' } } },
        'my-alias': { version: 'npm:llm-helper-utils@1.0.2' },
        local: { version: 'file:../local' },
      },
    };
    const m = parsePackageLock(value, JSON.stringify(value, null, 2), 'package-lock.json');
    expect(m.pinned.map((p) => `${p.package}@${p.version}`).sort()).toEqual(['express@4.17.1', 'llm-helper-utils@1.0.2', 'qs@6.7.0']);
    expect(m.unpinned.map((u) => u.spec)).toEqual(['file:../local']);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        parsePackageLock(v, '', 'p.json');
        parsePackageLock({ lockfileVersion: 3, packages: v }, '', 'p.json');
        parsePackageLock({ lockfileVersion: 1, dependencies: v }, '', 'p.json');
      }),
      { numRuns: 500 },
    );
  });
});

describe('purl', () => {
  it.each([
    ['pkg:pypi/torch@2.5.1', { type: 'pypi', name: 'torch', version: '2.5.1' }, 'PyPI', 'torch'],
    ['pkg:npm/%40langchain/core@0.3.1?foo=bar#sub/path', { type: 'npm', namespace: '@langchain', name: 'core', version: '0.3.1' }, 'npm', '@langchain/core'],
    ['pkg:npm/@langchain/core@0.3.1', { type: 'npm', namespace: '@langchain', name: 'core', version: '0.3.1' }, 'npm', '@langchain/core'],
    ['pkg:npm/@langchain/core', { type: 'npm', namespace: '@langchain', name: 'core' }, 'npm', '@langchain/core'],
    ['PKG:PyPI/Pillow@10.0.0', { type: 'pypi', name: 'Pillow', version: '10.0.0' }, 'PyPI', 'Pillow'],
    ['pkg:pypi/torch@2.5.1%2Bcu121', { type: 'pypi', name: 'torch', version: '2.5.1+cu121' }, 'PyPI', 'torch'],
  ])('%s', (text, purl, ecosystem, name) => {
    const p = parsePurl(text);
    expect(p).toEqual(purl);
    expect(p && purlPackage(p)).toEqual({ ecosystem, name });
  });

  it('rejects non-purls and ignores other types', () => {
    for (const t of ['', 'pkg:', 'pkg:pypi', 'https://x/y', 'pkg:pypi/%E0%A4%A@1']) expect(parsePurl(t), t).toBeUndefined();
    expect(purlPackage(parsePurl('pkg:maven/org.x/y@1')!)).toBeUndefined();
  });
});

describe('SBOMs', () => {
  it('CycloneDX: components with purls, nested, other types ignored', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      metadata: { component: { type: 'application', name: 'app', purl: 'pkg:pypi/app@1.0.0' } },
      components: [
        { type: 'library', name: 'torch', version: '2.4.0', purl: 'pkg:pypi/torch@2.4.0' },
        { type: 'library', name: 'onnxruntime-web', purl: 'pkg:npm/onnxruntime-web', version: '1.16.3' },
        { type: 'library', name: 'guava', purl: 'pkg:maven/com.google/guava@1' },
        { type: 'framework', name: 'outer', purl: 'pkg:pypi/outer', components: [{ type: 'library', name: 'keras', purl: 'pkg:pypi/keras@3.3.3' }] },
        { type: 'machine-learning-model', name: 'model' },
      ],
    };
    expect(sbomKind(bom)).toBe('cyclonedx');
    const m = parseSbom(bom, JSON.stringify(bom, null, 2), 'bom.cdx.json');
    expect(m.pinned.map((p) => `${p.ecosystem}:${p.package}@${p.version}`)).toEqual(['PyPI:torch@2.4.0', 'npm:onnxruntime-web@1.16.3', 'PyPI:keras@3.3.3']);
    expect(m.unpinned.map((u) => u.package)).toEqual(['outer']);
    expect(m.pinned[0]?.line).toBe(16);
  });

  it('SPDX 2.x: PACKAGE-MANAGER purls (both spellings), versionInfo as fallback', () => {
    const doc = {
      spdxVersion: 'SPDX-2.3',
      packages: [
        { name: 'mlflow', versionInfo: '2.9.2', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:pypi/mlflow@2.9.2' }] },
        { name: 'ray', versionInfo: '2.9.0', externalRefs: [{ referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: 'pkg:pypi/ray' }] },
        { name: 'x', externalRefs: [{ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:x' }] },
      ],
    };
    expect(sbomKind(doc)).toBe('spdx');
    expect(pins(parseSbom(doc, '', 'sbom.spdx.json'))).toEqual(['mlflow@2.9.2:?', 'ray@2.9.0:?']);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        parseSbom({ bomFormat: 'CycloneDX', components: v }, '', 'b.json');
        parseSbom({ spdxVersion: 'SPDX-2.3', packages: v }, '', 'b.json');
      }),
      { numRuns: 500 },
    );
  });
});

describe('hostile TOML', () => {
  it('never throws on arbitrary or mutated text', () => {
    const seed = '[project]\ndependencies = ["torch==2.0"]\n[[package]]\nname = "a"\nversion = "1"\n[tool.poetry.dependencies]\nx = "1.0"\n';
    const mutated = fc.tuple(fc.nat(seed.length), fc.string({ maxLength: 6 })).map(([at, s]) => seed.slice(0, at) + s + seed.slice(at + 1));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), mutated), (text) => {
        parsePyproject(text, 'p.toml');
        parseTomlLock(text, 'p.lock', 'poetry-lock');
        parseTomlLock(text, 'p.lock', 'pylock');
      }),
      { numRuns: 1000 },
    );
    expect(parsePyproject('a = '.concat('['.repeat(100_000)), 'deep.toml').errors).toHaveLength(1);
  });
});
