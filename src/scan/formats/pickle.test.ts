import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScanAbort, ScanContext } from '../context.js';
import { BufferSource, type ByteSource } from '../source.js';
import type { ScanFinding, ScanLimits } from '../types.js';
import { PICKLE_RULES, pickleScanner, scanPickleStreams } from './pickle.js';

// ---------------------------------------------------------------------------------------------------------------
// A tiny pickle assembler: strings are latin-1 bytes, numbers single bytes.

type Part = number | string | Buffer;
const bytes = (...parts: Part[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const f64 = (x: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b;
};

const PROTO = (n: number) => bytes(0x80, n);
const STOP = '.';
const MARK = '(';
const POP = '0';
const TUPLE = 't';
const TUPLE1 = 0x85;
const TUPLE2 = 0x86;
const TUPLE3 = 0x87;
const EMPTY_TUPLE = ')';
const EMPTY_LIST = ']';
const EMPTY_DICT = '}';
const REDUCE = 'R';
const BUILD = 'b';
const NEWOBJ = 0x81;
const NEWOBJ_EX = 0x92;
const STACK_GLOBAL = 0x93;
const MEMOIZE = 0x94;
const NONE = 'N';
const TRUE = 0x88;
const FALSE = 0x89;
const SETITEM = 's';
const SETITEMS = 'u';
const APPENDS = 'e';
const BINPERSID = 'Q';

const su = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return bytes(0x8c, b.length, b);
};
const bu = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return bytes('X', u32(b.length), b);
};
const sbb = (b: Buffer) => bytes('C', b.length, b);
const binbytes = (b: Buffer) => bytes('B', u32(b.length), b);
const int1 = (n: number) => bytes('K', n);
const int4 = (n: number) => bytes('J', i32(n));
const put = (n: number) => bytes('q', n);
const get = (n: number) => bytes('h', n);
const glob = (m: string, n: string) => `c${m}\n${n}\n`;
const sglob = (m: string, n: string) => bytes(su(m), su(n), STACK_GLOBAL);
const frame = (body: Buffer) => bytes(0x95, u64(body.length), body);
const p2 = (...body: Part[]) => bytes(PROTO(2), ...body, STOP);
const p4 = (...body: Part[]) => {
  const inner = bytes(...body, STOP);
  return bytes(PROTO(4), frame(inner));
};
/** `module.name(arg)` with a protocol 2 REDUCE. */
const callP2 = (m: string, n: string, arg: Part = bu('x')) => p2(glob(m, n), arg, TUPLE1, REDUCE);

// ---------------------------------------------------------------------------------------------------------------

function verdictOf(fs: readonly ScanFinding[]): 'malicious' | 'error' | 'suspicious' | 'clean' {
  if (fs.some((f) => f.verdict === 'malicious')) return 'malicious';
  if (fs.some((f) => f.verdict === 'error')) return 'error';
  if (fs.some((f) => f.verdict === 'suspicious')) return 'suspicious';
  return 'clean';
}

async function scan(buf: Buffer, opts: { limits?: Partial<ScanLimits>; nestedScan?: boolean } = {}) {
  const ctx = ScanContext.forTest({
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.nestedScan ? { dispatch: (src: ByteSource, c: ScanContext) => scanPickleStreams(src, c) } : {}),
  });
  await pickleScanner.scan(new BufferSource(buf), ctx);
  const findings = ctx.findings;
  return { ctx, findings, verdict: verdictOf(findings), rules: findings.map((f) => f.rule) };
}

const byRule = (fs: readonly ScanFinding[], rule: string) => fs.filter((f) => f.rule === rule);

describe('pickle scanner: benign streams', () => {
  it('passes plain data in every protocol', async () => {
    const p0 = bytes('(lp0\nI1\naF2.5\naS\'abc\'\np1\naV\\u20ac\np2\na(dp3\nS\'k\'\np4\nI01\nsa.');
    const p1 = bytes(']q\x00(K\x01G', f64(2.5), 'U\x03abcq\x01}q\x02U\x01kNse.');
    const p3 = bytes(PROTO(3), EMPTY_DICT, MARK, bu('a'), sbb(Buffer.from('xyz')), bu('b'), int4(-5), SETITEMS, STOP);
    const p4 = bytes(PROTO(4), frame(bytes(EMPTY_LIST, MEMOIZE, MARK, su('x'), MEMOIZE, get(1), 0x8f, MARK, int1(1), 0x90, APPENDS, STOP)));
    const p5 = bytes(PROTO(5), frame(bytes(bytes(0x96, u64(3), 'abc'), STOP)));
    for (const p of [p0, p1, p3, p4, p5]) expect((await scan(p)).findings).toEqual([]);
  });

  it('passes a PyTorch-style state dict (OrderedDict, tensor rebuild, storage persistent id)', async () => {
    const pid = bytes(MARK, bu('storage'), glob('torch', 'FloatStorage'), bu('0'), bu('cpu'), int1(6), TUPLE);
    const tensor = bytes(glob('torch._utils', '_rebuild_tensor_v2'), MARK, pid, BINPERSID, int1(0), int1(2), int1(3), TUPLE2, int1(3), int1(1), TUPLE2, FALSE,
      glob('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE, TUPLE, REDUCE);
    const sd = p2(glob('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE, put(0), MARK, bu('fc.weight'), tensor, SETITEMS);
    const r = await scan(sd);
    expect(r.findings).toEqual([]);
  });

  it('passes a numpy-style array pickle (_reconstruct, dtype BUILD, _codecs.encode bytes)', async () => {
    const dtype = bytes(glob('numpy', 'dtype'), bu('f8'), FALSE, TRUE, TUPLE3, REDUCE, MARK, int1(3), bu('<'), NONE, NONE, NONE, int4(-1), int4(-1), int1(0), TUPLE, BUILD);
    const arr = p2(glob('numpy.core.multiarray', '_reconstruct'), glob('numpy', 'ndarray'), int1(0), TUPLE1, glob('_codecs', 'encode'), bu('b'), bu('latin1'), TUPLE2, REDUCE, TUPLE3, REDUCE,
      MARK, int1(1), int1(3), TUPLE1, dtype, FALSE, glob('_codecs', 'encode'), bu('\x00'.repeat(24)), bu('latin1'), TUPLE2, REDUCE, TUPLE, BUILD);
    expect((await scan(arr)).findings).toEqual([]);
  });

  it('reports an unknown global as suspicious, naming it', async () => {
    const r = await scan(p2(glob('__main__', 'Net'), EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BUILD));
    expect(r.verdict).toBe('suspicious');
    const f = byRule(r.findings, 'pickle.unknown-global');
    expect(f).toHaveLength(1);
    expect(f[0]!.global).toBe('__main__.Net');
    expect(f[0]!.message).toMatch(/^calls __main__\.Net/);
  });
});

describe('pickle scanner: calls and imports of dangerous globals', () => {
  it('finds GLOBAL + REDUCE in protocol 0 with the offset of the call', async () => {
    const buf = bytes(glob('os', 'system'), MARK, "S'ls'\n", TUPLE, REDUCE, STOP);
    const r = await scan(buf);
    expect(r.verdict).toBe('malicious');
    const f = byRule(r.findings, 'pickle.dangerous-global')[0]!;
    expect(f.global).toBe('os.system');
    expect(f.offset).toBe(buf.indexOf('R'));
    expect(f.message).toMatch(/calls os\.system.*system commands/);
    expect(f.tags.owaspLlm).toContain('LLM03:2025');
  });

  it('finds INST, OBJ (even when popped), NEWOBJ and NEWOBJ_EX calls', async () => {
    const inst = bytes(MARK, "S'1+1'\n", 'ibuiltins\neval\n', STOP);
    const objPop = bytes(PROTO(1), MARK, glob('subprocess', 'Popen'), bu('id'), 'o', POP, NONE, STOP);
    const newobj = p2(glob('subprocess', 'Popen'), bu('id'), TUPLE1, NEWOBJ);
    const newobjEx = bytes(PROTO(4), sglob('subprocess', 'Popen'), bu('id'), TUPLE1, EMPTY_DICT, NEWOBJ_EX, STOP);
    for (const [buf, name] of [[inst, 'builtins.eval'], [objPop, 'subprocess.Popen'], [newobj, 'subprocess.Popen'], [newobjEx, 'subprocess.Popen']] as const) {
      const r = await scan(buf);
      expect(r.verdict, name).toBe('malicious');
      expect(byRule(r.findings, 'pickle.dangerous-global')[0]!.global).toBe(name);
      expect(byRule(r.findings, 'pickle.dangerous-global')[0]!.message).toMatch(/^calls /);
    }
  });

  it('reports a dangerous import that is never called', async () => {
    const r = await scan(p2(glob('os', 'system'), POP, NONE));
    expect(r.verdict).toBe('malicious');
    expect(byRule(r.findings, 'pickle.dangerous-global')[0]!.message).toMatch(/^imports os\.system/);
  });

  it('resolves STACK_GLOBAL names built from memo (MEMOIZE, BINPUT/BINGET) and protocol-0 strings', async () => {
    const memo = bytes(PROTO(4), su('os'), MEMOIZE, su('junk'), MEMOIZE, su('system'), MEMOIZE, POP, POP, POP, get(0), get(2), STACK_GLOBAL, su('id'), TUPLE1, REDUCE, STOP);
    const binput = p2(bu('posix'), put(7), POP, bu('system'), put(9), POP, get(7), get(9), STACK_GLOBAL, bu('id'), TUPLE1, REDUCE);
    const p0 = bytes("S'o\\x73'\n", "S'sys\\164em'\n", STACK_GLOBAL, "S'id'\n", TUPLE1, REDUCE, STOP);
    for (const buf of [memo, binput, p0]) {
      const r = await scan(buf);
      expect(r.verdict).toBe('malicious');
      expect(byRule(r.findings, 'pickle.dangerous-global')[0]!.message).toMatch(/calls (os|posix)\.system/);
    }
  });

  it('keys MEMOIZE by the number of memo entries, as CPython does, not by a counter', async () => {
    // PUT 5 then MEMOIZE: the memo has one entry, so MEMOIZE stores under key 1, not key 0
    const buf = bytes(PROTO(4), su('builtins'), bytes('r', u32(5)), su('eval'), MEMOIZE, POP, POP, bytes('j', u32(5)), get(1), STACK_GLOBAL, su('1'), TUPLE1, REDUCE, STOP);
    const r = await scan(buf);
    expect(byRule(r.findings, 'pickle.dangerous-global')[0]?.global).toBe('builtins.eval');
    expect(r.rules).not.toContain('scan.malformed');
  });

  it('matches dotted qualnames, submodules and module attributes reached through them', async () => {
    const cases: [string, string, RegExp][] = [
      ['builtins', 'getattr', /builtins\.getattr/],
      ['builtins', 'eval.__call__', /builtins\.eval\.__call__/],
      ['torch', 'serialization.load', /loads another serialized payload/],
      ['torch.serialization', 'load', /loads another serialized payload/],
      ['numpy.core', 'os.system', /resolves to os\.system \(through numpy\.core\.os\)/],
      ['collections', '_sys.modules', /resolves to sys/],
      ['os.path', 'join', /system commands/],
      ['collections', 'OrderedDict.__init__.__globals__', /special attribute/],
      ['builtins', '__dict__', /special attribute/],
    ];
    for (const [m, n, re] of cases) {
      const r = await scan(bytes(PROTO(4), sglob(m, n), su('x'), TUPLE1, REDUCE, STOP));
      expect(r.verdict, `${m} ${n}`).toBe('malicious');
      expect(byRule(r.findings, 'pickle.dangerous-global')[0]!.message, `${m} ${n}`).toMatch(re);
    }
  });

  it('follows module aliases (Python 2 names, C accelerators, platform modules)', async () => {
    for (const [m, n] of [['__builtin__', 'eval'], ['__builtins__', 'exec'], ['posix', 'system'], ['nt', 'system'], ['_operator', 'attrgetter'], ['_pickle', 'loads'], ['cPickle', 'loads'], ['_io', 'FileIO'], ['commands', 'getoutput']]) {
      const r = await scan(callP2(m!, n!));
      expect(r.verdict, `${m}.${n}`).toBe('malicious');
    }
  });

  it('matches whole dotted segments only: look-alike modules are unknown, not dangerous', async () => {
    for (const [m, n] of [['os_helpers', 'system'], ['osx', 'run'], ['torchvision.models', 'resnet18'], ['mypickle', 'loads'], ['builtins_extra', 'eval']]) {
      const r = await scan(callP2(m!, n!));
      expect(r.verdict, `${m}.${n}`).toBe('suspicious');
    }
  });

  it('treats harmless names inside denied modules per family (os.stat_result, pathlib.Path, joblib wrapper)', async () => {
    expect((await scan(callP2('os', 'stat_result'))).verdict).toBe('clean');
    expect((await scan(callP2('pathlib', 'PosixPath'))).verdict).toBe('clean');
    expect((await scan(callP2('pathlib', 'Path.write_text'))).verdict).toBe('malicious');
    expect((await scan(callP2('joblib.numpy_pickle', 'NDArrayWrapper'))).verdict).toBe('suspicious');
    expect((await scan(callP2('joblib', 'load'))).verdict).toBe('malicious');
  });

  it('reports calls of values that are not imported globals', async () => {
    const r = await scan(p2(glob('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE, EMPTY_TUPLE, REDUCE));
    expect(r.rules).toContain('pickle.indirect-call');
    expect(r.verdict).toBe('suspicious');
  });

  it('reports names computed at load time (STACK_GLOBAL over call results or patched globals)', async () => {
    const computed = bytes(PROTO(4), su('os'), glob('builtins', 'str'), su('system'), TUPLE1, REDUCE, STACK_GLOBAL, su('id'), TUPLE1, REDUCE, STOP);
    const r = await scan(computed);
    expect(r.rules).toContain('pickle.dynamic-global');
    expect(r.verdict).toBe('malicious');
    // sys_module_override: BUILD on a module replaces an allowlisted function by a string, then uses it as a name
    const patched = bytes(PROTO(4), sglob('torch', '_utils'), EMPTY_DICT, su('_rebuild_tensor'), su('builtins'), SETITEM, BUILD, POP,
      sglob('torch._utils', '_rebuild_tensor'), sglob('torch._utils', '_rebuild_tensor'), STACK_GLOBAL, su('1'), TUPLE1, REDUCE, STOP);
    const p = await scan(patched);
    expect(p.rules).toContain('pickle.global-mutation');
    expect(p.rules).toContain('pickle.dynamic-global');
  });

  it('reports mutation of imported globals (BUILD, SETITEM, APPENDS on a module or class)', async () => {
    for (const body of [
      [glob('torch', '_utils'), EMPTY_DICT, BUILD],
      [glob('copyreg', '_reconstructor'), bu('k'), bu('v'), SETITEM],
      [glob('collections', 'OrderedDict'), MARK, int1(1), APPENDS],
    ]) {
      const r = await scan(p2(...body));
      expect(r.rules).toContain('pickle.global-mutation');
      expect(r.verdict).toBe('malicious');
    }
  });

  it('reports EXT opcodes as unknown extensions, and calls through them', async () => {
    for (const ext of [bytes(0x82, 7), bytes(0x83, u16(300)), bytes(0x84, i32(70000))]) {
      const r = await scan(p2(ext, bu('x'), TUPLE1, REDUCE));
      expect(r.verdict).toBe('suspicious');
      expect(byRule(r.findings, 'pickle.unknown-extension')).toHaveLength(1);
      expect(byRule(r.findings, 'pickle.unknown-extension')[0]!.message).toMatch(/\(2 times in this stream\)/);
    }
  });

  it('deduplicates repeated findings per stream and counts them', async () => {
    const body: Part[] = [];
    for (let i = 0; i < 5; i++) body.push(glob('os', 'system'), bu('x'), TUPLE1, REDUCE, POP);
    const r = await scan(p2(...body, NONE));
    const f = byRule(r.findings, 'pickle.dangerous-global');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/5 calls in this stream/);
  });
});

describe('pickle scanner: broken streams, frames, multiple streams', () => {
  it('reports a payload followed by garbage (nullifAI) as malicious and broken', async () => {
    const buf = bytes(callP2('os', 'system').subarray(0, -1), '\xff broken');
    const r = await scan(buf);
    expect(r.verdict).toBe('malicious');
    expect(r.rules).toContain('scan.malformed');
    const m = byRule(r.findings, 'scan.malformed')[0]!;
    expect(m.offset).toBe(buf.length - 8);
  });

  it('reports truncation with its offset; a dangerous import the break makes unreachable is suspicious', async () => {
    const r = await scan(bytes(PROTO(2), glob('builtins', 'exec'), MARK, 'X', u32(1000), 'f = open'));
    expect(r.verdict).toBe('error');
    expect(r.rules).toEqual(['pickle.dangerous-import', 'scan.truncated']);
    expect(byRule(r.findings, 'scan.truncated')[0]!.offset).toBe(18);
  });

  it('reports empty input and non-pickles as malformed', async () => {
    expect((await scan(Buffer.alloc(0))).rules).toEqual(['scan.malformed']);
    expect((await scan(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'))).verdict).toBe('error');
    expect((await scan(Buffer.from('\x80\x09'))).rules).toEqual(['scan.malformed']);
  });

  it('keeps scanning after an error CPython would raise (missing memo key, stack underflow)', async () => {
    const r = await scan(bytes(PROTO(4), get(3), POP, REDUCE, glob('os', 'system'), bu('x'), TUPLE1, REDUCE, STOP));
    expect(r.verdict).toBe('malicious');
    expect(byRule(r.findings, 'scan.malformed')[0]!.message).toMatch(/3 times in this stream/);
  });

  it('flags an opcode that crosses its frame and a frame that starts inside another', async () => {
    const body = bytes(bu('abcdefgh'), STOP);
    const overrun = bytes(PROTO(4), 0x95, u64(4), body);
    expect((await scan(overrun)).rules).toContain('pickle.frame-mismatch');
    const nested = bytes(PROTO(4), 0x95, u64(30), 0x95, u64(2), NONE, POP, NONE, STOP, Buffer.alloc(20, 0x4e));
    expect((await scan(nested)).rules).toContain('pickle.frame-mismatch');
    const tooLong = bytes(PROTO(4), 0x95, u64(1000), NONE, STOP);
    expect((await scan(tooLong)).rules).toEqual(['scan.truncated']);
    expect((await scan(p4(NONE))).findings).toEqual([]);
  });

  it('scans every stream of a file and reports a malicious one after a benign one', async () => {
    const r = await scan(bytes(p2(NONE), p4(EMPTY_DICT), callP2('subprocess', 'call')));
    expect(r.verdict).toBe('malicious');
  });

  it('reports trailing non-pickle bytes as info only, but a broken trailing pickle as an error', async () => {
    const trailing = await scan(bytes(p2(NONE), Buffer.from([0, 1, 2, 3, 0xff])));
    expect(trailing.verdict).toBe('clean');
    expect(trailing.rules).toEqual(['pickle.trailing-data']);
    const broken = await scan(bytes(p2(NONE), PROTO(2), glob('collections', 'OrderedDict'), MARK));
    expect(broken.verdict).toBe('error');
  });

  it('scans bytes given to a nested loader as a nested payload', async () => {
    const inner = callP2('os', 'system');
    const outer = p2(glob('pickle', 'loads'), binbytes(inner), TUPLE1, REDUCE);
    const r = await scan(outer, { nestedScan: true });
    expect(r.verdict).toBe('malicious');
    const nested = r.findings.find((f) => f.global === 'os.system');
    expect(nested?.member).toBe(`<nested pickle at offset ${outer.indexOf(inner)}>`);
    expect(byRule(r.findings, 'pickle.dangerous-global').find((f) => f.global === 'pickle.loads')?.message).toMatch(/scanned as a nested payload/);
    // through io.BytesIO and _codecs.encode (numpy's bytes), and recorded for the dispatcher
    const viaIo = p2(glob('torch', 'load'), glob('_io', 'BytesIO'), sbb(inner), TUPLE1, REDUCE, TUPLE1, REDUCE);
    const viaCodecs = bytes(glob('_pickle', 'loads'), MARK, glob('_codecs', 'encode'), MARK, "V" + inner.toString('latin1').replace(/\\/g, '\\u005c').replace(/\n/g, '\\u000a') + '\n', "V" + 'latin1\n', TUPLE, REDUCE, TUPLE, REDUCE, STOP);
    for (const buf of [viaIo, viaCodecs]) {
      const ctx = ScanContext.forTest();
      await pickleScanner.scan(new BufferSource(buf), ctx);
      expect(ctx.nested).toHaveLength(1);
      expect(ctx.nested[0]!.head.subarray(0, inner.length)).toEqual(inner.subarray(0, Math.min(64, inner.length)));
    }
  });

  it('skips large byte payloads without reading them', async () => {
    const big = bytes(PROTO(4), 0x8e, u64(50 << 20));
    const size = big.length + (50 << 20) + 1;
    let read = 0;
    const src: ByteSource = {
      size,
      read(offset, length) {
        const n = Math.max(0, Math.min(length, size - offset));
        read += n;
        const out = Buffer.alloc(n);
        if (offset < big.length) big.copy(out, 0, offset, Math.min(big.length, offset + n));
        if (offset + n === size && n > 0) out[n - 1] = 0x2e; // STOP
        return out;
      },
    };
    const ctx = ScanContext.forTest();
    await pickleScanner.scan(src, ctx);
    expect(ctx.findings).toEqual([]);
    expect(read).toBeLessThan(1 << 20);
  });
});

describe('pickle scanner: joblib and legacy PyTorch layouts', () => {
  const dtype = (spec: string, flags = 0) =>
    bytes(sglob('numpy', 'dtype'), su(spec), FALSE, TRUE, TUPLE3, REDUCE, MARK, int1(3), su('<'), NONE, NONE, NONE, int4(-1), int4(-1), int1(flags), TUPLE, BUILD);
  const wrapper = (spec: string, shape: number[], align: boolean, flags = 0) =>
    bytes(sglob('joblib.numpy_pickle', 'NumpyArrayWrapper'), EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK,
      su('subclass'), sglob('numpy', 'ndarray'), su('shape'), MARK, ...shape.map(int1), TUPLE, su('order'), su('C'),
      su('dtype'), dtype(spec, flags), su('allow_mmap'), TRUE, ...(align ? [su('numpy_array_alignment_bytes'), int1(16)] : []), SETITEMS, BUILD);
  /** A joblib stream: list of one wrapper, the raw array right after the BUILD (frame closed there), then the rest. */
  const joblib = (w: Buffer, data: Buffer, padded: boolean) => {
    const head = bytes(PROTO(4), frame(bytes(EMPTY_LIST, MARK, w)));
    const pad = padded ? bytes(3, '\xff\xff\xff') : Buffer.alloc(0);
    return bytes(head, pad, data, frame(bytes(APPENDS, STOP)));
  };

  it('skips inline array data (with and without alignment padding) and refines the format', async () => {
    const data = Buffer.from('\x00c\x00\x00\x00\x00\xf0?'.repeat(3), 'latin1');
    for (const padded of [true, false]) {
      const r = await scan(joblib(wrapper('f8', [3], padded), data, padded));
      expect(r.findings, `padded=${padded}`).toEqual([]);
      expect(r.ctx.formats).toEqual(['joblib']);
    }
  });

  it('also reads array data as pickle.load would: opcodes hidden there are found', async () => {
    const hidden = Buffer.from(`cos\nsystem\n(S'id'\ntR.${'x'.repeat(8)}`, 'latin1').subarray(0, 24);
    const r = await scan(joblib(wrapper('f8', [3], false), hidden, false));
    expect(r.verdict).toBe('malicious');
    const f = byRule(r.findings, 'pickle.dangerous-global')[0]!;
    expect(f.global).toBe('os.system');
    expect(f.message).toMatch(/as plain pickle\.load does/);
    expect(r.rules).not.toContain('scan.malformed');
  });

  it('scans the pickle of an object array, and reports arrays whose size is unknown', async () => {
    const inner = callP2('os', 'system');
    const r = await scan(joblib(wrapper('O8', [1], true, 63), inner, false));
    expect(r.verdict).toBe('malicious');
    const odd = await scan(joblib(wrapper('x9', [3], true), Buffer.alloc(27), true));
    expect(odd.rules).toEqual(['pickle.unparsed-data']);
    expect(odd.verdict).toBe('suspicious');
  });

  it('walks the legacy (pre-zip) PyTorch stream sequence and its raw storages', async () => {
    const magic = p2(bytes(0x8a, 10, Buffer.from('6c fc 9c 46 f9 20 6a a8 50 19'.replace(/ /g, ''), 'hex')));
    const storage = (key: string, n: number) => bytes(MARK, bu('storage'), glob('torch', 'FloatStorage'), bu(key), bu('cpu'), int1(n), NONE, TUPLE, BINPERSID);
    const obj = p2(glob('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE, MARK, bu('w'), storage('0', 2), bu('b'), storage('1', 1), SETITEMS);
    const keys = p2(EMPTY_LIST, MARK, bu('0'), bu('1'), APPENDS);
    const raw = bytes(u64(2), Buffer.alloc(8, 0x63), u64(1), Buffer.alloc(4, 0x2e));
    const file = bytes(magic, p2(bytes('M', u16(1001))), p2(EMPTY_DICT), obj, keys, raw);
    const r = await scan(file);
    expect(r.findings).toEqual([]);
    expect(r.ctx.formats).toEqual(['pytorch-legacy']);
    // a pickle after the storages is scanned; a count that disagrees with the pickle is malformed
    expect((await scan(bytes(file, callP2('os', 'system')))).verdict).toBe('malicious');
    const bad = bytes(magic, p2(bytes('M', u16(1001))), p2(EMPTY_DICT), obj, keys, u64(3), Buffer.alloc(40));
    expect((await scan(bad)).rules).toEqual(['scan.malformed']);
    // the magic-number bypass: a call where the magic belongs, storage keys empty, payloads after
    const bypass = bytes(p2(glob('__builtin__', 'eval'), bu('0x1950A86A20F9469CFC6C'), TUPLE1, REDUCE), p2(bytes('M', u16(1001))), p2(EMPTY_DICT), p2(EMPTY_LIST), callP2('posix', 'system'), p2(NONE));
    expect(byRule((await scan(bypass)).findings, 'pickle.dangerous-global').map((f) => f.global)).toEqual(['__builtin__.eval', 'posix.system']);
  });

  it('walks the storages member of the 0.1.x tar layout', async () => {
    const rec = (key: string) => p2(bu(key), bu('cpu'), glob('torch', 'DoubleStorage'), TUPLE3);
    const member = bytes(p2(int1(2)), rec('a'), u64(1), Buffer.alloc(8, 0x63), rec('b'), u64(0), p2(EMPTY_LIST));
    expect((await scan(member)).findings).toEqual([]);
  });
});

describe('pickle scanner: limits and hostile input', () => {
  it('bounds the memo, the opcode count and the stack', async () => {
    const memo = bytes(PROTO(4), NONE, ...Array.from({ length: 200 }, () => MEMOIZE), STOP);
    expect((await scan(memo, { limits: { maxMemoEntries: 100 } })).rules).toEqual(['scan.limit']);
    const ops = bytes(PROTO(2), ...Array.from({ length: 500 }, () => bytes(NONE, POP)), NONE, STOP);
    expect((await scan(ops, { limits: { maxOpcodes: 100 } })).rules).toEqual(['scan.limit']);
    const deep = Buffer.alloc((1 << 20) + 10, 0x28); // MARK, MARK, ...
    const r = await scan(deep);
    expect(r.rules).toEqual(['scan.limit']);
  });

  it('keeps a dangerous import malicious when a scan limit, not the stream, stops the scan', async () => {
    const memo = bytes(PROTO(4), glob('os', 'system'), ...Array.from({ length: 200 }, () => MEMOIZE), bu('id'), TUPLE1, REDUCE, STOP);
    const r = await scan(memo, { limits: { maxMemoEntries: 100 } });
    expect(r.rules).toEqual(['pickle.dangerous-global', 'scan.limit']);
  });

  it('gives up at the deadline with ScanAbort after reporting what it saw', async () => {
    const body = Buffer.alloc(3_000_000, 0x4e); // NONE × 3M, no STOP
    const buf = bytes(PROTO(2), glob('os', 'system'), POP, body);
    const ctx = ScanContext.forTest({ limits: { timeBudgetMs: 0 } });
    await expect(pickleScanner.scan(new BufferSource(buf), ctx)).rejects.toBeInstanceOf(ScanAbort);
    expect(ctx.findings.map((f) => f.global)).toContain('os.system');
  });

  it('keeps long names and strings bounded: an over-long name cannot be checked and is reported', async () => {
    const long = 'a'.repeat(5000);
    const r = await scan(bytes(PROTO(4), su('os'), bu(long), STACK_GLOBAL, POP, NONE, STOP));
    expect(r.rules).toContain('pickle.dynamic-global');
  });

  it('keeps a file of many tiny streams from flooding the findings', async () => {
    const one = bytes(glob('foo', 'bar'), POP, glob('os', 'system'), POP, NONE, STOP);
    const distinct = Array.from({ length: 3000 }, (_, i) => bytes(glob(`m${i}`, 'x'), POP, NONE, STOP));
    const r = await scan(bytes(...Array.from({ length: 20_000 }, () => one), ...distinct));
    expect(r.findings.length).toBeLessThan(1200);
    expect(r.verdict).toBe('malicious');
    const summary = r.findings.filter((f) => /further findings of this kind/.test(f.message));
    expect(summary.map((f) => f.rule).sort()).toEqual(['pickle.dangerous-global', 'pickle.unknown-global']);
  });

  it('reads the remaining opcodes and rejects impossible lengths', async () => {
    const rest = bytes(PROTO(5), MARK, bytes('T', i32(2), 'ab'), bytes(0x8d, u64(2), 'cd'), bytes(0x8b, i32(9), Buffer.alloc(9, 0xff)), 0x97, 0x98,
      'P1\n', POP, NONE, 0x32, TUPLE2, 0x91, MARK, NONE, '1', 'F1.5\n', 'L12345678901234567890L\n', 'I00\n', TUPLE3, POP, STOP);
    expect((await scan(rest)).findings).toEqual([]);
    expect((await scan(bytes(PROTO(2), 'T', i32(-1), STOP))).rules).toEqual(['scan.malformed']);
    expect((await scan(bytes(PROTO(2), bytes(0x8b, i32(-5)), STOP))).rules).toEqual(['scan.malformed']);
    expect((await scan(bytes(PROTO(2), bytes(0x8e, u64(2 ** 40)), STOP))).rules).toEqual(['scan.truncated']);
    expect((await scan(bytes(PROTO(2), bytes(0x8e, u64(2 ** 60)), STOP))).rules).toEqual(['scan.malformed']);
  });

  it('reads text arguments that cross read windows, and bounds very long lines', async () => {
    const pad = 'N0'.repeat(32765); // GLOBAL starts 4 bytes before the first 64 KiB window ends
    const crossing = bytes(pad, glob('os', 'system'), POP, NONE, STOP);
    expect(crossing.indexOf('cos')).toBe(65530);
    expect(byRule((await scan(crossing)).findings, 'pickle.dangerous-global')[0]?.global).toBe('os.system');
    const longString = bytes(`S'${'a'.repeat(200_000)}'\n`, POP, glob('os', 'system'), POP, NONE, STOP);
    expect((await scan(longString)).verdict).toBe('malicious');
    const longModule = bytes(glob('m'.repeat(70_000), 'x'), POP, NONE, STOP);
    expect((await scan(longModule)).rules).toEqual(['pickle.dynamic-global']);
  });

  it('bounds the work of a dtype that references itself through the memo', async () => {
    // a structured dtype whose fields dict holds the same (memoised) field tuple many times, nested: 64^k visits unbounded
    let inner = bytes(sglob('numpy', 'dtype'), su('f8'), FALSE, TRUE, TUPLE3, REDUCE);
    for (let level = 0; level < 6; level++) {
      const field = bytes(inner, int1(0), TUPLE2, bytes('r', u32(1000 + level)));
      const fields = bytes(EMPTY_DICT, MARK, ...Array.from({ length: 64 }, (_, i) => bytes(su(`f${i}`), i === 0 ? field : bytes('j', u32(1000 + level)))), SETITEMS);
      inner = bytes(sglob('numpy', 'dtype'), su('V8'), FALSE, TRUE, TUPLE3, REDUCE, MARK, int1(3), su('|'), NONE, NONE, fields, int1(8), int1(1), TUPLE, BUILD);
    }
    const w = bytes(sglob('joblib.numpy_pickle', 'NumpyArrayWrapper'), EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, su('shape'), MARK, int1(1), TUPLE, su('dtype'), inner, SETITEMS, BUILD);
    const started = Date.now();
    const r = await scan(bytes(PROTO(4), w, Buffer.alloc(8), STOP));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.rules).toEqual(['pickle.unparsed-data']);
  });

  const valid = [
    callP2('os', 'system'),
    bytes(PROTO(4), frame(bytes(sglob('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE, MEMOIZE, MARK, su('a'), sbb(Buffer.from('xyz')), SETITEMS, STOP))),
    bytes(glob('os', 'system'), MARK, "S'ls'\n", TUPLE, REDUCE, STOP),
    bytes(PROTO(2), EMPTY_LIST, put(0), MARK, int1(1), bytes('G', f64(1.5)), bytes(0x8a, 2, 1, 1), APPENDS, STOP),
  ];

  const allowed = (e: unknown) => e instanceof ScanAbort;

  it('never throws on random bytes and reports only known rules', async () => {
    const known = new Set([...Object.values(PICKLE_RULES).map((r) => r.id), 'scan.truncated', 'scan.malformed', 'scan.limit']);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (arr) => {
        const ctx = ScanContext.forTest();
        try {
          await pickleScanner.scan(new BufferSource(Buffer.from(arr)), ctx);
        } catch (e) {
          if (!allowed(e)) throw e;
        }
        for (const f of ctx.findings) expect(known.has(f.rule)).toBe(true);
        if (arr.length === 0 || ctx.findings.length > 0) return;
        // a clean verdict needs a complete stream: only info findings or none, and the bytes end after a STOP
        expect(arr.includes(0x2e)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws on mutated valid pickles (flips, cuts, insertions)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert')), { minLength: 1, maxLength: 4 }),
        async (base, edits) => {
          let buf = Buffer.from(base);
          for (const [at, byte, kind] of edits) {
            const i = at % Math.max(1, buf.length);
            if (kind === 'flip') buf[i] = byte;
            else if (kind === 'cut') buf = buf.subarray(0, i);
            else buf = Buffer.concat([buf.subarray(0, i), Buffer.from([byte]), buf.subarray(i)]);
          }
          const ctx = ScanContext.forTest();
          try {
            await pickleScanner.scan(new BufferSource(buf), ctx);
          } catch (e) {
            if (!allowed(e)) throw e;
          }
          // nothing mutated from the os.system pickles may be judged clean while it still names os.system
          if (buf.includes('os\nsystem\n') && buf.includes('R')) expect(verdictOf(ctx.findings)).not.toBe('clean');
        },
      ),
      { numRuns: 1500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Reference pickles from CPython's own pickler (dumps only: nothing is ever unpickled).

const python = spawnSync('python3', ['-c', 'import pickle'], { encoding: 'utf8' }).status === 0;
if (!python) console.warn('pickle.test.ts: python3 not found, reference pickles from CPython are skipped');

function pyDumps(code: string): Buffer[] {
  const script = `import pickle, sys, collections, datetime, decimal, base64\n${code}\nfor p in range(6):\n  sys.stdout.write(base64.b64encode(pickle.dumps(obj, protocol=p)).decode() + '\\n')\n`;
  const out = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return out.stdout.trim().split('\n').map((l) => Buffer.from(l, 'base64'));
}

describe.skipIf(!python)('pickle scanner: CPython reference pickles', () => {
  it('passes standard-library data in protocols 0–5', async () => {
    const pickles = pyDumps(
      "obj = {'a': [1, 2.5, 'x' * 300, b'bytes', bytearray(b'ba'), (1, 2), {3, 4}, frozenset([5]), None, True, 10**30, -7, 1j],\n" +
        "       'od': collections.OrderedDict(k=1), 'dt': datetime.datetime(2024, 1, 2, 3, 4, 5), 'td': datetime.timedelta(1), 'dec': decimal.Decimal('1.5'),\n" +
        "       'big': list(range(3000)), 'shared': [[1]] * 3, 'u': '\\u20ac\\n\\\\'}",
    );
    for (const [i, p] of pickles.entries()) expect((await scan(p)).findings, `protocol ${i}`).toEqual([]);
  });

  it('finds a __reduce__ payload in every protocol', async () => {
    const pickles = pyDumps("import os\nclass E:\n  def __reduce__(self):\n    return (os.system, ('echo hi',))\nobj = [E(), 1]");
    for (const [i, p] of pickles.entries()) {
      const r = await scan(p);
      expect(r.verdict, `protocol ${i}`).toBe('malicious');
      expect(byRule(r.findings, 'pickle.dangerous-global')[0]!.global).toMatch(/^(posix|os)\.system$/);
    }
  });
});
