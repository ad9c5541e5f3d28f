import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBulwarkError } from '../../core/errors.js';
import { ScanAbort, ScanContext } from '../context.js';
import { BufferSource } from '../source.js';
import { describeDtype, parsePythonLiteral } from './numpy-header.js';
import { numpyScanner } from './numpy.js';

const PAYLOAD = Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1');

/** An .npy file: magic, version, header length, the header dict padded to 64 bytes, then the data. */
function npy(header: string, data: Buffer, major = 1): Buffer {
  const pre = major === 1 ? 10 : 12;
  let text = header;
  const total = pre + text.length + 1;
  text += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const h = Buffer.alloc(pre);
  h.write('\x93NUMPY', 0, 'latin1');
  h[6] = major;
  if (major === 1) h.writeUInt16LE(text.length, 8);
  else h.writeUInt32LE(text.length, 8);
  return Buffer.concat([h, Buffer.from(text, major === 3 ? 'utf8' : 'latin1'), data]);
}

async function scan(buf: Buffer): Promise<ReturnType<typeof ScanContext.forTest>> {
  const ctx = ScanContext.forTest();
  await numpyScanner.scan(new BufferSource(buf), ctx);
  return ctx;
}
const rules = (ctx: ScanContext): string[] => ctx.findings.map((f) => f.rule);

describe('numpyScanner', () => {
  it('accepts plain arrays whose data length matches, without reading the data', async () => {
    const ctx = await scan(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", Buffer.alloc(16)));
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested).toEqual([]);
    for (const [descr, shape, bytes] of [
      ["'|b1'", '(3,)', 3],
      ["'<U5'", '(2,)', 40],
      ["'<M8[ns]'", '(1,)', 8],
      ["'|S0'", '()', 0],
      ["[('a', '<i4'), ('b', '<f8', (2,))]", '(2,)', 40],
      ["'float32'", '(4,)', 16],
    ] as const) {
      const c = await scan(npy(`{'descr': ${descr}, 'fortran_order': True, 'shape': ${shape}, }`, Buffer.alloc(bytes), 2));
      expect(c.findings).toEqual([]);
    }
  });

  it('reports truncated data and trailing data', async () => {
    const short = await scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (10,), }", Buffer.alloc(79)));
    expect(rules(short)).toEqual(['scan.truncated']);
    const long = await scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", Buffer.concat([Buffer.alloc(8), PAYLOAD])));
    expect(rules(long)).toEqual(['numpy.trailing-data']);
    expect(long.nested.map((n) => n.name)).toEqual(['<trailing data>']);
  });

  it('hands object-array data to the pickle scanner (info, not a verdict)', async () => {
    for (const descr of ["'|O'", "'O'", "'object'", "[('a', '<i4'), ('b', '|O')]", "[('n', [('x', '|O8')])]"]) {
      const ctx = await scan(npy(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`, PAYLOAD, 3));
      expect(rules(ctx)).toEqual(['numpy.object-dtype']);
      expect(ctx.findings[0]!.verdict).toBe('info');
      expect(ctx.nested).toEqual([{ name: 'array data', size: PAYLOAD.length, head: PAYLOAD, hint: 'pickle' }]);
    }
  });

  it('flags dtypes it does not understand, scanning pickle-looking data', async () => {
    const ctx = await scan(npy("{'descr': 'weird', 'fortran_order': False, 'shape': (1,), }", PAYLOAD));
    expect(rules(ctx)).toEqual(['numpy.unknown-dtype']);
    expect(ctx.nested).toHaveLength(1);
  });

  it('rejects headers numpy.load rejects', async () => {
    for (const header of [
      "{'descr': '<i4', 'shape': (1,), }",
      "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
      "{'descr': '<i4', 'fortran_order': 0, 'shape': (1,), }",
      "{'descr': '<i4', 'fortran_order': False, 'shape': (-1,), }",
      "{'descr': '<i4', 'fortran_order': False, 'shape': 3, }",
      "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), ",
      "__import__('os').system('x')",
      '[1, 2]',
    ]) {
      const ctx = await scan(npy(header, Buffer.alloc(4)));
      expect(rules(ctx)).toEqual(['scan.malformed']);
    }
    const version = Buffer.from(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(4)));
    version[6] = 9;
    expect(rules(await scan(version))).toEqual(['scan.malformed']);
    expect(rules(await scan(version.subarray(0, 8)))).toEqual(['scan.truncated']);
    expect(rules(await scan(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(4)).subarray(0, 30)))).toEqual(['scan.truncated']);
  });

  it('never throws anything but scan errors on mutated input (fuzz)', async () => {
    const seeds = [npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", PAYLOAD), npy("{'descr': [('a', '<i4', (2, 3))], 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(48))];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (seed, muts) => {
        const buf = Buffer.from(seed);
        for (const [i, v] of muts) buf[i % buf.length] = v;
        try {
          await scan(buf);
        } catch (e) {
          if (!(e instanceof ScanAbort) && !(isBulwarkError(e) && e.code.startsWith('ERR_SCAN'))) throw e;
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('parsePythonLiteral', () => {
  it('parses the literals numpy headers use', () => {
    expect(parsePythonLiteral("{'a': (1, 2L), 'b': [True, None], \"c\": -3.5e2, 'd': (7,), 'e': (8)}")).toEqual({
      t: 'dict',
      v: [
        [{ t: 'str', v: 'a' }, { t: 'tuple', v: [{ t: 'int', v: 1n }, { t: 'int', v: 2n }] }],
        [{ t: 'str', v: 'b' }, { t: 'list', v: [{ t: 'bool', v: true }, { t: 'none' }] }],
        [{ t: 'str', v: 'c' }, { t: 'float', v: -350 }],
        [{ t: 'str', v: 'd' }, { t: 'tuple', v: [{ t: 'int', v: 7n }] }],
        [{ t: 'str', v: 'e' }, { t: 'int', v: 8n }],
      ],
    });
    expect(parsePythonLiteral("u'\\x41\\u00e9'")).toEqual({ t: 'str', v: 'Aé' });
  });

  it('rejects anything that is not a literal, and deep nesting', () => {
    for (const text of ['os.system', "{'a' 1}", '(1 2)', "'unterminated", '{}x', '[' .repeat(100) + ']'.repeat(100)]) {
      expect(() => parsePythonLiteral(text)).toThrow();
    }
  });

  it('never throws anything but LiteralError (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          parsePythonLiteral(s);
        } catch (e) {
          expect((e as Error).constructor.name).toBe('LiteralError');
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('describeDtype', () => {
  it('computes item sizes and spots objects', () => {
    const d = (s: string): ReturnType<typeof describeDtype> => describeDtype(parsePythonLiteral(s));
    expect(d("'<c16'")).toEqual({ itemsize: 16n, hasObject: false });
    expect(d("'>U3'")).toEqual({ itemsize: 12n, hasObject: false });
    expect(d("[('', '|V4'), ('x', '<i8')]")).toEqual({ itemsize: 12n, hasObject: false });
    expect(d("[(('title', 'name'), '|O')]")).toEqual({ itemsize: 8n, hasObject: true });
    expect(d("'<m8[D]'").itemsize).toBe(8n);
  });
});
