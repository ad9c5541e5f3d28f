import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBulwarkError } from '../../core/errors.js';
import { ScanAbort, ScanContext } from '../context.js';
import { BufferSource } from '../source.js';
import { pickleEnd } from './tar-legacy.js';
import { tarScanner } from './tar.js';

const PAYLOAD = Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1');
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

interface TEntry {
  name: string;
  data?: Buffer;
  type?: string;
  link?: string;
  magic?: 'ustar' | 'gnu' | 'v7';
}

function header(e: TEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(e.name.slice(0, 100), 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(e.type ?? '0', 156, 'latin1');
  if (e.link) h.write(e.link, 157, 'latin1');
  if ((e.magic ?? 'ustar') === 'ustar') h.write('ustar\x0000', 257, 'latin1');
  if (e.magic === 'gnu') h.write('ustar  \0', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of h) sum += c;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function buildTar(entries: TEntry[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    parts.push(header(e, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

async function scan(buf: Buffer, limits = {}): Promise<ReturnType<typeof ScanContext.forTest>> {
  const ctx = ScanContext.forTest({ limits });
  await tarScanner.scan(new BufferSource(buf), ctx);
  return ctx;
}
const rules = (ctx: ScanContext): string[] => ctx.findings.map((f) => f.rule);

describe('tarScanner', () => {
  it('dispatches regular members in place, skipping folders and links', async () => {
    const ctx = await scan(
      buildTar([
        { name: 'model/', type: '5' },
        { name: 'model/data.pkl', data: PAYLOAD },
        { name: 'model/link', type: '2', link: 'data.pkl' },
        { name: 'model/readme.txt', data: b('hello'), magic: 'v7' },
      ]),
    );
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested.map((n) => [n.name, n.size])).toEqual([
      ['model/data.pkl', PAYLOAD.length],
      ['model/readme.txt', 5],
    ]);
    expect(ctx.nested[0]!.head.equals(PAYLOAD)).toBe(true);
  });

  it('reads GNU long names and pax paths', async () => {
    const long = `${'d'.repeat(120)}/data.pkl`;
    const pax = (k: string, v: string): Buffer => {
      const body = ` ${k}=${v}\n`;
      let d = 1;
      while (String(body.length + d).length !== d) d++;
      return b(`${body.length + d}${body}`);
    };
    const ctx = await scan(
      buildTar([
        { name: '././@LongLink', type: 'L', data: b(`${long}\0`), magic: 'gnu' },
        { name: 'truncated-name', data: PAYLOAD, magic: 'gnu' },
        { name: 'PaxHeader', type: 'x', data: pax('path', 'pax/named.pkl') },
        { name: 'ignored', data: PAYLOAD },
      ]),
    );
    expect(ctx.nested.map((n) => n.name)).toEqual([long, 'pax/named.pkl']);
  });

  it('flags names and links that escape the extraction folder', async () => {
    const ctx = await scan(
      buildTar([
        { name: '../../home/user/.bashrc', data: b('echo hi') },
        { name: '/etc/passwd', data: b('x') },
        { name: 'a/b/link', type: '2', link: '../../../etc' },
        { name: 'a/ok-link', type: '2', link: '../a/x' },
      ]),
    );
    expect(rules(ctx)).toEqual(['tar.path-traversal', 'tar.path-traversal', 'tar.path-traversal']);
  });

  it('bounds the entry count and reports truncation and bad checksums', async () => {
    const many = buildTar(Array.from({ length: 10 }, (_, i) => ({ name: `f${i}`, data: b('x') })));
    const limited = await scan(many, { maxArchiveEntries: 4 });
    expect(rules(limited)).toEqual(['scan.limit']);
    expect(limited.nested).toHaveLength(4);
    const tar = buildTar([{ name: 'a.pkl', data: Buffer.alloc(2000, 0x4e) }]);
    const cut = await scan(tar.subarray(0, 1000));
    expect(rules(cut)).toEqual(['scan.truncated']);
    expect(cut.nested[0]!.size).toBe(488);
    const bad = Buffer.from(buildTar([{ name: 'a', data: b('x') }, { name: 'b', data: b('y') }]));
    bad[1024] = bad[1024]! ^ 1;
    const checksum = await scan(bad);
    expect(rules(checksum)).toEqual(['scan.malformed']);
    expect(checksum.nested).toHaveLength(1);
    const noEnd = await scan(buildTar([{ name: 'a', data: b('x') }], false));
    expect(noEnd.findings).toEqual([]);
  });

  it('reads the legacy PyTorch tar layout, cutting the pickles out of storages and tensors', async () => {
    // storages: count, then per storage (key, location, type) + int64 numel + raw data, then the views pickle
    const storageHeader = b("(X\x01\x00\x00\x000X\x03\x00\x00\x00cpuctorch\nFloatStorage\ntq\x00.");
    const numel = Buffer.alloc(8);
    numel.writeBigInt64LE(3n);
    const raw = Buffer.alloc(12, 0x2e); // STOP bytes: raw data must not be read as pickles
    const storages = Buffer.concat([b('K\x01.'), storageHeader, numel, raw, b(']q\x00.')]);
    // tensors: count, then per tensor a pickle and ndim(i32) + pad(4) + sizes/strides (8*ndim each) + offset(8)
    const rec = Buffer.alloc(8 + 16 + 8);
    rec.writeInt32LE(1, 0);
    const tensors = Buffer.concat([b('K\x01.'), b("(X\x01\x00\x00\x000K\x00ctorch\nFloatTensor\ntq\x00."), rec]);
    const ctx = await scan(
      buildTar([
        { name: 'sys_info', data: b('}q\x00.') },
        { name: 'pickle', data: PAYLOAD },
        { name: 'storages', data: storages },
        { name: 'tensors', data: tensors },
      ]),
    );
    expect(ctx.formats).toEqual(['pytorch-legacy']);
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested.map((n) => [n.name, n.hint ?? ''])).toEqual([
      ['sys_info', ''],
      ['pickle', ''],
      ['storages!storages#0 count', 'pickle'],
      ['storages!storages#1 storage header', 'pickle'],
      ['storages!storages#2 views', 'pickle'],
      ['tensors!tensors#0 count', 'pickle'],
      ['tensors!tensors#1 tensor header', 'pickle'],
    ]);
    // a broken layout is reported and the rest is still scanned
    const broken = await scan(buildTar([{ name: 'pickle', data: PAYLOAD }, { name: 'storages', data: b('K\x05.junk') }]));
    expect(rules(broken)).toEqual(['scan.malformed']);
    expect(broken.nested.map((n) => n.name)).toContain('storages!storages@3');
  });

  it('finds the end of a pickle by walking its opcodes', () => {
    const two = Buffer.concat([PAYLOAD, b('\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01\x94.'), b('rest')]);
    const src = new BufferSource(two);
    expect(pickleEnd(src, 0)).toBe(PAYLOAD.length);
    expect(pickleEnd(src, PAYLOAD.length)).toBe(two.length - 4);
    expect(pickleEnd(new BufferSource(b('X\xff\xff\xff\x7f')), 0)).toBeUndefined();
    expect(pickleEnd(new BufferSource(b('\xff')), 0)).toBeUndefined();
  });

  it('never throws anything but scan errors on mutated input (fuzz)', async () => {
    const seeds = [
      buildTar([{ name: 'pickle', data: PAYLOAD }, { name: 'storages', data: b('K\x00.') }]),
      buildTar([{ name: 'a', type: 'L', data: b('long/name\0') }, { name: 'b', data: PAYLOAD }]),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 10 }), async (seed, muts) => {
        const buf = Buffer.from(seed);
        for (const [i, v] of muts) buf[i % buf.length] = v;
        try {
          await scan(buf, { maxArchiveEntries: 20 });
        } catch (e) {
          if (!(e instanceof ScanAbort) && !(isBulwarkError(e) && e.code.startsWith('ERR_SCAN'))) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
