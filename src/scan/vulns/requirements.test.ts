// pip requirements files and PEP 508 lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactVersion, parseRequirement, specText } from './pep508.js';
import { parseRequirementsText } from './requirements.js';

describe('parseRequirement (PEP 508)', () => {
  it.each([
    ['torch==2.5.1', 'torch', '2.5.1'],
    ['torch == 2.5.1+cu121', 'torch', '2.5.1+cu121'],
    ['transformers[torch,sentencepiece]==4.47.1', 'transformers', '4.47.1'],
    ['vllm===0.6.3.post1', 'vllm', '0.6.3.post1'],
    ['Pillow (==10.2.0)', 'Pillow', '10.2.0'],
    ['numpy>=1.26,==1.26.4', 'numpy', '1.26.4'],
    ['ray[default]==2.9.0 ; python_version >= "3.9"', 'ray', '2.9.0'],
    ['scikit_learn==1.5.0;sys_platform=="linux"', 'scikit_learn', '1.5.0'],
  ])('%s pins %s %s', (line, name, version) => {
    const req = parseRequirement(line);
    expect(req?.name).toBe(name);
    expect(req && exactVersion(req)).toBe(version);
  });

  it.each([
    ['langchain>=0.2', '>=0.2'],
    ['mlflow~=2.9', '~=2.9'],
    ['onnx==1.*', '==1.*'],
    ['keras', '(no version)'],
    ['keras!=3.0.0', '!=3.0.0'],
  ])('%s is not pinned (%s)', (line, spec) => {
    const req = parseRequirement(line);
    expect(req && exactVersion(req)).toBeUndefined();
    expect(req && specText(req)).toBe(spec);
  });

  it('reads direct references and their markers', () => {
    expect(parseRequirement('pkg @ https://example.org/pkg-1.0.tar.gz ; python_version < "3.12"')).toEqual({
      name: 'pkg',
      extras: [],
      specifiers: [],
      url: 'https://example.org/pkg-1.0.tar.gz',
      marker: 'python_version < "3.12"',
    });
    expect(parseRequirement('pkg @ https://example.org/a;b')?.url).toBe('https://example.org/a;b');
  });

  it('rejects what is not a requirement', () => {
    for (const s of ['', '==1.0', 'torch==', 'torch 2.0', 'torch==1.0 junk', '-e .', 'x'.repeat(5000)]) expect(parseRequirement(s), s).toBeUndefined();
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => void parseRequirement(s)), { numRuns: 2000 });
  });
});

describe('parseRequirementsText', () => {
  const text = [
    '# AI stack',
    '--index-url https://download.pytorch.org/whl/cu121',
    '-r base.txt',
    '--requirement=more/extra.txt',
    '-cconstraints.txt',
    'torch==2.5.1+cu121 \\',
    '    --hash=sha256:aaaa \\',
    '    --hash=sha256:bbbb',
    'transformers[torch]==4.47.1  # pinned for the tokenizer fix',
    'langchain>=0.2',
    '-e git+https://github.com/org/repo.git@main#egg=mytool',
    'git+https://github.com/org/other.git@v1.0',
    'https://files.example.org/packages/vllm-0.6.3.post1-cp38-abi3-manylinux1_x86_64.whl#sha256=cc',
    'onnx @ https://files.example.org/onnx-1.16.0-cp311-cp311-linux_x86_64.whl',
    './local/pkg',
    'mlflow==${MLFLOW_VERSION}',
    'this is not valid',
    '',
  ].join('\n');

  it('reads pins, ranges, references and includes with their lines', () => {
    const r = parseRequirementsText(text, '/p/requirements.txt');
    expect(r.pinned).toEqual([
      { ecosystem: 'PyPI', package: 'torch', version: '2.5.1+cu121', manifest: '/p/requirements.txt', line: 6 },
      { ecosystem: 'PyPI', package: 'transformers', version: '4.47.1', manifest: '/p/requirements.txt', line: 9 },
      { ecosystem: 'PyPI', package: 'vllm', version: '0.6.3.post1', manifest: '/p/requirements.txt', line: 13 },
      { ecosystem: 'PyPI', package: 'onnx', version: '1.16.0', manifest: '/p/requirements.txt', line: 14 },
    ]);
    expect(r.unpinned.map((u) => [u.package, u.spec, u.line])).toEqual([
      ['langchain', '>=0.2', 10],
      ['mytool', 'editable git+https://github.com/org/repo.git@main#egg=mytool', 11],
      ['other.git@v1.0', 'git+https://github.com/org/other.git@v1.0', 12],
      ['pkg', './local/pkg', 15],
      ['mlflow', '==${MLFLOW_VERSION}', 16],
    ]);
    expect(r.includes).toEqual([
      { mode: 'requirements', path: '/p/base.txt', line: 3 },
      { mode: 'requirements', path: '/p/more/extra.txt', line: 4 },
      { mode: 'constraints', path: '/p/constraints.txt', line: 5 },
    ]);
    expect(r.errors).toEqual([{ path: '/p/requirements.txt', line: 17, message: 'not a requirement: this is not valid' }]);
  });

  it('in constraints mode keeps only pins', () => {
    const r = parseRequirementsText('torch==2.4.0\nnumpy<2\n', 'c.txt', 'constraints');
    expect(r.kind).toBe('constraints');
    expect(r.pinned.map((p) => p.package)).toEqual(['torch']);
    expect(r.unpinned).toEqual([]);
  });

  it('does not fetch remote includes, and says so', () => {
    const r = parseRequirementsText('-r https://example.org/reqs.txt\n', 'r.txt');
    expect(r.includes).toEqual([]);
    expect(r.errors[0]?.message).toContain('is not fetched');
  });

  it('handles CRLF, a BOM-less empty file, and overlong lines', () => {
    expect(parseRequirementsText('a==1\r\nb==2\r\n', 'r.txt').pinned.map((p) => [p.package, p.line])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(parseRequirementsText('', 'r.txt')).toMatchObject({ pinned: [], unpinned: [], errors: [] });
    expect(parseRequirementsText(`${'a'.repeat(20_000)}==1\nb==2`, 'r.txt')).toMatchObject({ pinned: [{ package: 'b' }], errors: [{ line: 1 }] });
    expect(parseRequirementsText(`${'x \\\n'.repeat(10_000)}b==2`, 'r.txt').errors.length).toBeGreaterThan(0);
  });

  it('never throws', () => {
    const line = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('-r x', '-e .', 'a==1 \\', '# c', 'a @ b', '--hash=x', 'a[b]==1;c'));
    fc.assert(fc.property(fc.array(line, { maxLength: 20 }), (lines) => void parseRequirementsText(lines.join('\n'), '/r.txt')), { numRuns: 1000 });
  });
});

describe('hostile requirements files', () => {
  it('stay fast on long runs that regular expressions could backtrack over', () => {
    const started = Date.now();
    for (const line of [' '.repeat(16_000), `a${' -'.repeat(8000)}`, `https://x/${'a-'.repeat(8000)}1.tar.gz`, `${'a'.repeat(16_000)}.`, `x @ ${'-'.repeat(16_000)}`]) {
      parseRequirementsText(`${line}\n`, 'r.txt');
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
