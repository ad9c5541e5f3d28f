import { describe, expect, it } from 'vitest';
import { judgeGlobal } from './pickle-classify.js';
import { DANGEROUS_FAMILIES, ESCAPE_ATTRIBUTES, MODULE_ALIASES, NAME_ALIASES, NESTED_BYTES_LOADERS, SAFE_FAMILIES } from './pickle-globals.js';

const split = (full: string): [string, string] => {
  const i = full.lastIndexOf('.');
  return [full.slice(0, i), full.slice(i + 1)];
};
const verdict = (full: string) => judgeGlobal(...split(full)).verdict;

describe('pickle globals data', () => {
  it('gives every family an id, a justification and members', () => {
    const ids = new Set<string>();
    for (const f of [...SAFE_FAMILIES, ...DANGEROUS_FAMILIES]) {
      expect(ids.has(f.id), f.id).toBe(false);
      ids.add(f.id);
      expect(f.why.length, f.id).toBeGreaterThan(20);
    }
    for (const f of SAFE_FAMILIES) expect(f.names.length, f.id).toBeGreaterThan(0);
    for (const f of DANGEROUS_FAMILIES) {
      expect(f.modules.length + f.names.length, f.id).toBeGreaterThan(0);
      expect(f.does.length, f.id).toBeGreaterThan(5);
    }
  });

  it('writes names as dotted identifiers, with no duplicates inside a list', () => {
    const ident = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
    const lists: string[][] = [
      ...SAFE_FAMILIES.map((f) => [...f.names]),
      ...DANGEROUS_FAMILIES.flatMap((f) => [[...f.modules], [...f.names], [...(f.exceptions ?? [])]]),
      [...NESTED_BYTES_LOADERS],
    ];
    for (const list of lists) {
      expect(new Set(list).size).toBe(list.length);
      for (const n of list) expect(n).toMatch(ident);
    }
    for (const [from, to] of [...Object.entries(MODULE_ALIASES), ...Object.entries(NAME_ALIASES)]) {
      expect(from).toMatch(ident);
      expect(to).toMatch(ident);
    }
  });

  it('never allowlists an exactly denied name, and excepts every allowlisted name inside a denied module', () => {
    const deniedNames = new Set(DANGEROUS_FAMILIES.flatMap((f) => f.names));
    for (const f of SAFE_FAMILIES) {
      for (const n of f.names) {
        expect(deniedNames.has(n), n).toBe(false);
        const fam = DANGEROUS_FAMILIES.find((d) => d.modules.some((m) => n === m || n.startsWith(`${m}.`)));
        if (fam) expect(fam.exceptions ?? [], `${n} is in denied module family ${fam.id}`).toContain(n);
        expect(verdict(n), n).toBe('safe');
      }
    }
  });

  it('judges every denied name and module member dangerous, and every exception not dangerous', () => {
    for (const f of DANGEROUS_FAMILIES) {
      for (const n of f.names) expect(judgeGlobal(...split(n)).family?.id, n).toBe(f.id);
      for (const m of f.modules) expect(judgeGlobal(m, 'anything').verdict, m).toBe('dangerous');
      for (const e of f.exceptions ?? []) expect(verdict(e), e).not.toBe('dangerous');
    }
    for (const n of NESTED_BYTES_LOADERS) expect(verdict(n), n).toBe('dangerous');
  });
});

describe('judgeGlobal', () => {
  it('allowlists exact names only', () => {
    expect(verdict('collections.OrderedDict')).toBe('safe');
    expect(verdict('torch._utils._rebuild_tensor_v2')).toBe('safe');
    expect(verdict('numpy._core.multiarray._reconstruct')).toBe('safe');
    expect(verdict('__builtin__.set')).toBe('safe');
    expect(verdict('copy_reg._reconstructor')).toBe('safe');
    expect(verdict('__builtin__.long')).toBe('safe');
    expect(judgeGlobal('collections', 'OrderedDict.fromkeys').verdict).toBe('unknown');
    expect(judgeGlobal('torch._utils', '_import_dotted_name').verdict).toBe('dangerous');
    expect(verdict('torch._utils._rebuild_tensor_v2x')).toBe('unknown');
  });

  it('denies module families with their submodules, but not look-alike module names', () => {
    expect(verdict('subprocess.check_output')).toBe('dangerous');
    expect(verdict('asyncio.unix_events._UnixSubprocessTransport')).toBe('dangerous');
    expect(judgeGlobal('os', 'path.join').verdict).toBe('dangerous');
    expect(verdict('os_helpers.system')).toBe('unknown');
    expect(verdict('subprocess2.run')).toBe('unknown');
    expect(verdict('mysite.settings')).toBe('unknown');
    expect(verdict('torchvision.models.resnet.ResNet')).toBe('unknown');
  });

  it('follows module aliases and Python 2 renames', () => {
    expect(judgeGlobal('posix', 'system').family?.id).toBe('processes');
    expect(judgeGlobal('_operator', 'attrgetter').reached).toBe('operator.attrgetter');
    expect(judgeGlobal('__builtin__', 'raw_input').family?.id).toBe('process-control');
    expect(judgeGlobal('__builtin__', 'intern').verdict).toBe('dangerous'); // sys.intern
    expect(judgeGlobal('cPickle', 'loads').family?.id).toBe('nested-loaders');
    expect(judgeGlobal('urllib2', 'urlopen').family?.id).toBe('network');
  });

  it('walks dotted qualnames: attributes of dangerous names, special attributes, modules reached through attributes', () => {
    expect(judgeGlobal('builtins', 'eval.__call__').family?.id).toBe('code-execution');
    expect(judgeGlobal('torch', 'serialization.load').family?.id).toBe('nested-loaders');
    expect(judgeGlobal('numpy', 'core.os.system').reached).toMatch(/^os\.system \(through numpy\.core\.os\)/);
    expect(judgeGlobal('collections', '_sys.modules').reached).toMatch(/^sys\.modules/);
    expect(judgeGlobal('torch.nn.modules.module', 'torch.load').family?.id).toBe('nested-loaders');
    for (const attr of ESCAPE_ATTRIBUTES) expect(judgeGlobal('collections', `OrderedDict.${attr}`).verdict, attr).toBe('dangerous');
    expect(judgeGlobal('mymodel', 'Outer.Inner').verdict).toBe('unknown');
    expect(judgeGlobal('mymodel', 'os').verdict).toBe('unknown'); // a module object as a value is harmless
  });

  it('is stable across repeated calls (cache)', () => {
    for (let i = 0; i < 5000; i++) judgeGlobal(`m${i}`, 'x');
    expect(judgeGlobal('os', 'system').verdict).toBe('dangerous');
    expect(judgeGlobal('collections', 'OrderedDict').verdict).toBe('safe');
  });
});
