// Bounded reads and atomic writes of Bulwark's state files.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBoundedText, writeFileAtomic } from './files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readBoundedText', () => {
  it('reads a file within the bound and refuses a larger one, a folder or a missing file with ERR_IO', async () => {
    writeFileSync(join(dir, 'a.json'), '{"ok":true}');
    expect(await readBoundedText(join(dir, 'a.json'), 100, 'thing')).toBe('{"ok":true}');
    await expect(readBoundedText(join(dir, 'a.json'), 5, 'thing')).rejects.toMatchObject({ code: 'ERR_IO', message: expect.stringContaining('EFBIG') });
    await expect(readBoundedText(dir, 100, 'thing')).rejects.toMatchObject({ code: 'ERR_IO', message: expect.stringContaining('EISDIR') });
    await expect(readBoundedText(join(dir, 'none'), 100, 'thing')).rejects.toMatchObject({ code: 'ERR_IO', message: expect.stringMatching(/^cannot read thing .*ENOENT/) });
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file behind', async () => {
    const target = join(dir, 'state.json');
    await writeFileAtomic(target, 'one', 'state');
    await writeFileAtomic(target, 'two', 'state');
    expect(await readBoundedText(target, 10, 'state')).toBe('two');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('creates the folder only when asked, and cleans up after a failed write', async () => {
    const target = join(dir, 'sub', 'state.json');
    await expect(writeFileAtomic(target, 'x', 'state')).rejects.toMatchObject({ code: 'ERR_IO' });
    expect(readdirSync(dir)).toEqual([]);
    await writeFileAtomic(target, 'x', 'state', { createFolder: true });
    expect(await readBoundedText(target, 10, 'state')).toBe('x');
  });
});
