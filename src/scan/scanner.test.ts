// Tests of the scanner core with fake format scanners: verdict precedence, --strict, failures that are never clean,
// unknown files, nested payloads, folder walks (order, .git, symbolic links and loops), hashing.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScanner, hasModelExtension } from './scanner.js';
import { fakeFormats, fakeSniff } from './testdata/fake-formats.js';
import type { FileScanResult } from './types.js';
import { verdictOf } from './verdict.js';

const scanner = createScanner({ formats: fakeFormats, sniff: fakeSniff });
const scan = (content: string, name = 'model.pkl', opts = {}) => scanner.scanBuffer(Buffer.from(content, 'latin1'), name, opts);
const rules = (r: FileScanResult) => r.findings.map((f) => f.rule);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-scan-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('verdicts', () => {
  it('takes the worst finding: malicious > error > suspicious > clean; info never counts', async () => {
    expect((await scan('P:')).verdict).toBe('clean');
    expect((await scan('P:INFO')).verdict).toBe('clean');
    expect((await scan('P:SUS INFO')).verdict).toBe('suspicious');
    expect((await scan('P:SUS ERR')).verdict).toBe('error');
    expect((await scan('P:MAL SUS ERR')).verdict).toBe('malicious');
    expect(verdictOf([{ verdict: 'error' }, { verdict: 'malicious' }, { verdict: 'suspicious' }])).toBe('malicious');
  });

  it('--strict makes suspicious files malicious, and leaves errors errors', async () => {
    expect((await scan('P:SUS', 'a.pkl', { strict: true })).verdict).toBe('malicious');
    expect((await scan('P:INFO', 'a.pkl', { strict: true })).verdict).toBe('clean');
    expect(verdictOf([{ verdict: 'error' }, { verdict: 'suspicious' }], true)).toBe('malicious');
  });

  it('reports what came before a format error, with the offset, as an error', async () => {
    const r = await scan('P:MAL ERR');
    expect(r.format).toBe('pickle');
    expect(rules(r)).toEqual(['fake.bad', 'scan.malformed']);
    expect(r.findings[1]).toMatchObject({ verdict: 'error', offset: 7, message: 'bad opcode' });
    expect(r.verdict).toBe('malicious');
  });

  it('turns EndOfSource into scan.truncated', async () => {
    const r = await scan('P:SUS EOS');
    expect(rules(r)).toEqual(['fake.odd', 'scan.truncated']);
    expect(r.verdict).toBe('error');
  });

  it('never calls a file clean after a limit, a time-out, an I/O error or a bug', async () => {
    const limit = await scan('P:LIMIT', 'a.pkl', { limits: { maxDecompressedBytes: 10 } });
    expect(limit.verdict).toBe('error');
    expect(rules(limit)).toEqual(['scan.limit']);
    const slow = await scan('P:SLOW', 'a.pkl', { limits: { timeBudgetMs: 20 } });
    expect(slow.verdict).toBe('error');
    expect(rules(slow)).toEqual(['scan.timeout']);
    const bug = await scan('P:SUS BUG');
    expect(bug.verdict).toBe('error');
    expect(rules(bug)).toEqual(['fake.odd', 'scan.internal']);
    expect(bug.findings[1]?.message).toContain('TypeError: oops');
    const io = await scan('P:IOERR');
    expect(rules(io)).toEqual(['scan.unreadable']);
    expect(io.verdict).toBe('error');
  });

  it('reports a format scanner that cannot be loaded as an internal error', async () => {
    const broken = createScanner({ formats: { pickle: () => Promise.reject(new Error('Cannot find module formats/pickle.js')) }, sniff: fakeSniff });
    const r = await broken.scanBuffer(Buffer.from('P:'), 'a.pkl');
    expect(r.verdict).toBe('error');
    expect(rules(r)).toEqual(['scan.internal']);
  });

  it('a sniffer failure is an internal error too', async () => {
    const broken = createScanner({
      formats: fakeFormats,
      sniff: () => {
        throw new RangeError('sniffer bug');
      },
    });
    expect((await broken.scanBuffer(Buffer.from('P:'), 'a.pkl')).verdict).toBe('error');
  });
});

describe('unknown content', () => {
  it('leaves files that are no model files alone: clean, format unknown, no findings', async () => {
    const r = await scan('just some notes', 'README.md');
    expect(r).toMatchObject({ format: 'unknown', verdict: 'clean', findings: [] });
  });

  it('hands a model file that opens with a pickle PROTO opcode to the pickle scanner even when the sniffer is unsure', async () => {
    expect((await scan('\x80\x02 broken', 'data.pkl')).format).toBe('pickle');
    expect((await scan('\x80\x02 broken', 'data/0')).format).toBe('unknown');
  });

  it('calls a file with a model-file name but unknown content an error', async () => {
    for (const name of ['weights.bin', 'model.PT', 'x.safetensors', 'a.tar', 'clf.joblib']) {
      const r = await scan('\x00\x01garbage', name);
      expect(r.verdict, name).toBe('error');
      expect(rules(r), name).toEqual(['scan.unrecognised']);
    }
    expect(hasModelExtension('notes.txt')).toBe(false);
  });
});

describe('nested payloads', () => {
  it('scans a payload handed back by a container, with its member name', async () => {
    const r = await scan('P:NEST');
    expect(r.findings).toEqual([expect.objectContaining({ rule: 'fake.bad', member: 'inner.pkl', global: 'os.system' })]);
    expect(r.verdict).toBe('malicious');
  });

  it('records a broken member as an error of that member and goes on with the container', async () => {
    const r = await scan('P:NESTERR MAL');
    expect(r.findings.map((f) => [f.rule, f.member])).toEqual([
      ['fake.odd', 'broken.pkl'],
      ['scan.malformed', 'broken.pkl'],
      ['fake.bad', undefined],
    ]);
  });

  it('stops endless nesting at the depth limit', async () => {
    const r = await scan('P:DEEP', 'a.pkl', { limits: { maxNestingDepth: 3 } });
    expect(rules(r)).toEqual(['scan.limit']);
    expect(r.findings[0]?.member).toBe('again.pkl!again.pkl!again.pkl!again.pkl');
  });
});

describe('files and folders', () => {
  const write = (rel: string, content: string) => {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content, 'latin1');
    return p;
  };

  it('walks folders depth-first in name order, skips .git, and keeps the order with parallel scans', async () => {
    write('b/z.pkl', 'P:SUS');
    write('b/a.pkl', 'P:');
    write('a.pkl', 'P:MAL');
    write('c.txt', 'hello');
    write('.git/objects/evil.pkl', 'P:MAL');
    write('B.pkl', 'P:');
    const seen: string[] = [];
    const r = await scanner.scanPaths([dir], { concurrency: 3, onFile: (f) => seen.push(f.path) });
    const names = r.files.map((f) => f.path.slice(dir.length + 1));
    expect(names).toEqual(['B.pkl', 'a.pkl', 'b/a.pkl', 'b/z.pkl', 'c.txt']);
    expect(seen).toEqual(r.files.map((f) => f.path));
    expect(r.summary).toMatchObject({ files: 5, clean: 3, suspicious: 1, malicious: 1, error: 0 });
    expect(r.summary.bytes).toBe(2 + 5 + 2 + 5 + 5);
  });

  it('does not loop on symbolic links, does not walk out of the tree, and follows links to files', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'bulwark-outside-'));
    try {
      writeFileSync(join(outside, 'blob'), 'P:MAL');
      mkdirSync(join(outside, 'far'));
      writeFileSync(join(outside, 'far', 'x.pkl'), 'P:MAL');
      write('m/model.pkl', 'P:');
      symlinkSync('..', join(dir, 'm', 'up')); // a loop back to the root
      symlinkSync(join(dir, 'm'), join(dir, 'm', 'self'));
      symlinkSync(join(outside, 'blob'), join(dir, 'm', 'linked.bin')); // HF cache style
      symlinkSync(join(outside, 'far'), join(dir, 'far')); // a folder outside the tree
      symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.pkl'));
      symlinkSync(join(dir, 'loop1'), join(dir, 'loop2'));
      symlinkSync(join(dir, 'loop2'), join(dir, 'loop1'));
      const warnings: string[] = [];
      const r = await scanner.scanPaths([dir], { onWarning: (w) => warnings.push(w) });
      expect(r.files.map((f) => [f.path.slice(dir.length + 1), f.verdict])).toEqual([
        ['m/linked.bin', 'malicious'],
        ['m/model.pkl', 'clean'],
      ]);
      expect(warnings.join('\n')).toMatch(/far: links to a folder outside/);
      expect(warnings.join('\n')).toMatch(/dangling\.pkl: dangling symbolic link/);
      expect(warnings.join('\n')).toMatch(/loop1: symbolic link loop/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('scans a file given twice once, and rejects a path that does not exist', async () => {
    const p = write('a.pkl', 'P:');
    expect((await scanner.scanPaths([p, p])).files).toHaveLength(1);
    await expect(scanner.scanPaths([join(dir, 'missing.pkl')])).rejects.toMatchObject({ code: 'ERR_IO' });
  });

  it('hashes files when asked (streamed) and buffers alike', async () => {
    const p = write('a.pkl', 'P:SUS');
    const want = createHash('sha256').update('P:SUS').digest('hex');
    expect((await scanner.scanFile(p, { hash: true })).sha256).toBe(want);
    expect((await scanner.scanFile(p)).sha256).toBeUndefined();
    expect((await scanner.scanBuffer(Buffer.from('P:SUS'), 'a.pkl', { hash: true })).sha256).toBe(want);
  });

  it('reports a file that cannot be opened as unreadable', async () => {
    const r = await scanner.scanFile(join(dir, 'gone.pkl'));
    expect(r).toMatchObject({ verdict: 'error', format: 'unknown' });
    expect(rules(r)).toEqual(['scan.unreadable']);
    const d = await scanner.scanFile(dir);
    expect(rules(d)).toEqual(['scan.unreadable']);
  });
});

describe('the real dispatch table under random input', () => {
  const real = createScanner();
  const names = fc.constantFrom('model.pkl', 'x.bin', 'w.safetensors', 'a.gguf', 'm.onnx', 'k.keras', 'z.npz', 'data', 'config.json', 'a.tar', 'b.7z');
  const prefixes = ['\x80\x04\x95', 'PK\x03\x04', '\x1f\x8b\x08', 'GGUF', '\x93NUMPY', '\x89HDF\r\n\x1a\n', "7z\xbc\xaf'\x1c", '{"', ''].map((p) => Buffer.from(p, 'latin1'));

  it('never throws, never hangs, and the verdict always follows the findings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 }), names, async (prefix, body, name) => {
        const r = await real.scanBuffer(Buffer.concat([prefix, Buffer.from(body)]), name, { limits: { timeBudgetMs: 2_000 } });
        expect(r.verdict).toBe(verdictOf(r.findings));
        expect(r.findings.some((f) => f.rule === 'scan.internal'), JSON.stringify(r.findings)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
