import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScanContext } from '../context.js';
import { BufferSource } from '../source.js';
import { parseTechnicalListing } from './sevenzip-engine.js';
import { sevenZipScanner } from './sevenzip.js';

const PAYLOAD = Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", 'latin1');
const fixture = (name: string): Buffer => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

async function scan(buf: Buffer, limits = {}): Promise<ReturnType<typeof ScanContext.forTest>> {
  const ctx = ScanContext.forTest({ limits });
  await sevenZipScanner.scan(new BufferSource(buf), ctx);
  return ctx;
}
const rules = (ctx: ScanContext): string[] => ctx.findings.map((f) => f.rule);

describe('sevenZipScanner', () => {
  it('extracts every member and dispatches it', async () => {
    const ctx = await scan(fixture('payload.7z'));
    expect(ctx.findings).toEqual([]);
    expect(ctx.nested.map((n) => n.name).sort()).toEqual(['model/data.pkl', 'model/sub/notes.txt']);
    expect(ctx.nested.find((n) => n.name === 'model/data.pkl')!.head.equals(PAYLOAD)).toBe(true);
  });

  it('reports encrypted members and encrypted headers without prompting for a password', async () => {
    const members = await scan(fixture('encrypted.7z'));
    expect(rules(members)).toEqual(['scan.encrypted', '7z.encrypted-member']); // data.pkl, notes.txt
    expect(members.nested).toEqual([]);
    const headers = await scan(fixture('encrypted-headers.7z'));
    expect(rules(headers)).toEqual(['scan.encrypted']);
  });

  it('enforces the entry limit before extracting', async () => {
    const ctx = await scan(fixture('payload.7z'), { maxArchiveEntries: 1 });
    expect(rules(ctx)).toEqual(['scan.limit']);
    expect(ctx.nested).toEqual([]);
  });

  it('caps extraction at the decompression budget', async () => {
    const ctx = await scan(fixture('payload.7z'), { maxDecompressedBytes: 20 });
    expect(rules(ctx)).toContain('scan.limit');
    const total = ctx.nested.reduce((n, x) => n + x.size, 0);
    expect(total).toBeLessThanOrEqual(20);
  });

  it('reports truncated and corrupt archives', async () => {
    const a = fixture('payload.7z');
    const cut = await scan(a.subarray(0, a.length - 40));
    expect(rules(cut).some((r) => r === 'scan.truncated' || r === 'scan.malformed')).toBe(true);
    const junk = await scan(Buffer.concat([a.subarray(0, 6), Buffer.alloc(100, 0x41)]));
    expect(rules(junk).some((r) => r === 'scan.truncated' || r === 'scan.malformed')).toBe(true);
  });
});

describe('parseTechnicalListing', () => {
  it('separates archive properties from entries', () => {
    const out = parseTechnicalListing([
      '7-Zip (z) 24.09',
      '',
      'Listing archive: /in0/a.7z',
      '',
      '--',
      'Path = /in0/a.7z',
      'Type = 7z',
      '',
      '----------',
      'Path = a.pkl',
      'Size = 51',
      'Encrypted = -',
      '',
      'Path = dir',
      'Folder = +',
      '',
    ]);
    expect(out.archive).toEqual({ Path: '/in0/a.7z', Type: '7z' });
    expect(out.entries).toEqual([{ Path: 'a.pkl', Size: '51', Encrypted: '-' }, { Path: 'dir', Folder: '+' }]);
  });
});

describe('SevenZip engine', () => {
  it('leaves process.exitCode alone (Emscripten sets it on exit)', async () => {
    const before = process.exitCode;
    await scan(fixture('encrypted-headers.7z'));
    expect(process.exitCode).toBe(before);
  });
});
