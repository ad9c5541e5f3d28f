// The lockfile of `bulwark pin` and the folder walk under it: what is pinned, the on-disk format, drift detection,
// validation of hostile lockfiles.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulwarkError } from '../core/errors.js';
import { compareLock, createLock, describeDrift, LOCK_RULES, readLock, serializeLock, writeLock } from './lock.js';
import { hashFile, walkFolder } from './model-files.js';

let tmp: string;
let model: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-lock-'));
  model = join(tmp, 'my-model');
  write('config.json', '{"model_type":"bert"}');
  write('model.safetensors', Buffer.alloc(3 * 1024 * 1024 + 5, 1));
  write('onnx/model.onnx', 'onnx');
  write('.git/HEAD', 'ref');
  write('.gitattributes', '*');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer): void {
  mkdirSync(join(model, rel, '..'), { recursive: true });
  writeFileSync(join(model, rel), content);
}

describe('walkFolder and hashFile', () => {
  it('lists files sorted, skips .git*, records symlinks without following them', async () => {
    symlinkSync('/etc/passwd', join(model, 'outside'));
    const entries = await walkFolder(model);
    expect(entries.map((e) => [e.path, e.kind])).toEqual([
      ['config.json', 'file'],
      ['model.safetensors', 'file'],
      ['onnx/model.onnx', 'file'],
      ['outside', 'symlink'],
    ]);
    expect(entries[3]?.linkTarget).toBe('/etc/passwd');
    await expect(hashFile(join(model, 'outside'))).rejects.toThrow(/symbolic link/);
  });

  it('streams large files in chunks and hashes byte ranges', async () => {
    const { digests, size } = await hashFile(join(model, 'model.safetensors'), ['sha256', 'sha512']);
    expect(size).toBe(3 * 1024 * 1024 + 5);
    expect(digests.sha256?.toString('hex')).toBe(execSha(join(model, 'model.safetensors')));
    expect(digests.sha512).toHaveLength(64);
    const part = await hashFile(join(model, 'config.json'), ['sha256'], { start: 1, end: 4 });
    expect(part.size).toBe(3);
  });

  it('refuses a FIFO instead of blocking on it, and lists it as special', async () => {
    try {
      execFileSync('mkfifo', [join(model, 'pipe')]);
    } catch {
      return; // no mkfifo on this platform
    }
    expect((await walkFolder(model)).find((e) => e.path === 'pipe')?.kind).toBe('special');
    await expect(hashFile(join(model, 'pipe'))).rejects.toThrow(/not a regular file/);
  });

  it('stops at the entry limit', async () => {
    await expect(walkFolder(model, { maxEntries: 2 })).rejects.toMatchObject({ code: 'ERR_SCAN_LIMIT' });
  });
});

function execSha(path: string): string {
  return execFileSync('sha256sum', [path]).toString().split(' ')[0] as string;
}

describe('lock', () => {
  it('pins files with sorted keys and POSIX paths, leaving out .git* and the lockfile', async () => {
    writeFileSync(join(model, 'bulwark.lock'), 'old');
    const lock = await createLock(model);
    expect(Object.keys(lock.files)).toEqual(['config.json', 'model.safetensors', 'onnx/model.onnx']);
    expect(lock.root).toBe('my-model');
    const text = serializeLock(lock);
    expect(text.startsWith('{\n  "algorithm": "sha256",\n  "files": {\n    "config.json": {\n      "sha256": "')).toBe(true);
    expect(text.endsWith('  "root": "my-model",\n  "version": 1\n}\n')).toBe(true);
    await writeLock(join(model, 'bulwark.lock'), lock);
    expect(await readLock(join(model, 'bulwark.lock'))).toEqual(lock);
    expect(await compareLock(lock, model)).toEqual([]);
  });

  it('reports modified, added and removed files, and symlink changes', async () => {
    symlinkSync('config.json', join(model, 'alias'));
    const lockPath = join(tmp, 'elsewhere.lock');
    await writeLock(lockPath, await createLock(model));
    const lock = await readLock(lockPath);
    write('model.safetensors', Buffer.alloc(3 * 1024 * 1024 + 5, 2));
    write('extra.pkl', 'cos\nsystem\n');
    rmSync(join(model, 'onnx/model.onnx'));
    rmSync(join(model, 'alias'));
    symlinkSync('/etc/passwd', join(model, 'alias'));
    const drifts = await compareLock(lock, model);
    expect(drifts.map((d) => [d.path, d.change])).toEqual([
      ['alias', 'modified'],
      ['extra.pkl', 'added'],
      ['model.safetensors', 'modified'],
      ['onnx/model.onnx', 'removed'],
    ]);
    expect(drifts[0]).toMatchObject({ expected: { link: 'config.json' }, actual: { link: '/etc/passwd' } });
    expect(describeDrift(drifts[2] as (typeof drifts)[number])).toMatch(/^model\.safetensors: modified \(sha256 [0-9a-f]{12}… \(3145733 bytes\) → sha256 [0-9a-f]{12}…/);
    expect(describeDrift(drifts[1] as (typeof drifts)[number])).toMatch(/extra\.pkl: added/);
  });

  it('ignores a lockfile written inside the folder under another name', async () => {
    const lockPath = join(model, 'pins.json');
    const lock = await createLock(model, { lockPath });
    await writeLock(lockPath, lock);
    expect(await compareLock(lock, model, { lockPath })).toEqual([]);
    expect(await compareLock(lock, model)).toEqual([expect.objectContaining({ path: 'pins.json', change: 'added' })]);
  });

  it('rejects bad lockfiles with ERR_CONFIG_INVALID naming the file', async () => {
    const path = join(tmp, 'bad.lock');
    const good = { version: 1, algorithm: 'sha256', root: 'm', files: { 'a.bin': { sha256: 'a'.repeat(64), size: 1 } } };
    for (const [content, message] of [
      ['{', /is not valid JSON/],
      [JSON.stringify({ ...good, version: 2 }), /at version/],
      [JSON.stringify({ ...good, extra: true }), /invalid/],
      [JSON.stringify({ ...good, files: { '../etc/passwd': { sha256: 'a'.repeat(64), size: 1 } } }), /not a relative POSIX path/],
      [JSON.stringify({ ...good, files: { '/abs': { link: 'x' } } }), /not a relative POSIX path/],
      [JSON.stringify({ ...good, files: { 'a.bin': { sha256: 'XYZ', size: 1 } } }), /invalid at files\.a\.bin/],
    ] as const) {
      writeFileSync(path, content);
      const e = await readLock(path).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(BulwarkError);
      expect((e as BulwarkError).code).toBe('ERR_CONFIG_INVALID');
      expect((e as BulwarkError).message).toContain(path);
      expect((e as BulwarkError).message).toMatch(message);
    }
    await expect(readLock(join(tmp, 'missing.lock'))).rejects.toMatchObject({ code: 'ERR_IO' });
  });

  it('reads random JSON as a lock or refuses it with ERR_CONFIG_INVALID', async () => {
    const path = join(tmp, 'fuzz.lock');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.jsonValue().map((files) => JSON.stringify({ version: 1, algorithm: 'sha256', root: 'r', files }))), async (text) => {
        writeFileSync(path, text);
        const outcome = await readLock(path).then(
          () => 'ok',
          (e: unknown) => (e instanceof BulwarkError ? e.code : e),
        );
        expect(['ok', 'ERR_CONFIG_INVALID']).toContain(outcome);
      }),
      { numRuns: 300 },
    );
  });

  it('defines its rules as suspicious, high severity supply-chain findings', () => {
    expect(Object.values(LOCK_RULES).map((r) => [r.id, r.verdict, r.severity])).toEqual([
      ['lock.modified', 'suspicious', 'high'],
      ['lock.added', 'suspicious', 'high'],
      ['lock.removed', 'suspicious', 'high'],
    ]);
    expect(LOCK_RULES.added.tags.owaspLlm).toEqual(['LLM03:2025']);
  });

  it('keeps the lockfile byte-identical across runs', async () => {
    const a = serializeLock(await createLock(model));
    const b = serializeLock(await createLock(model));
    expect(a).toBe(b);
    expect(readFileSync(join(model, 'config.json'), 'utf8')).toBe('{"model_type":"bert"}');
  });
});
