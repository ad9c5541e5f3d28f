// Small, bounded file helpers for the state files Bulwark writes and reads back (lockfiles, pins): a read that
// refuses what is not a regular file or is too large, and an atomic write (temporary file, then rename).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BulwarkError } from './errors.js';

const reason = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

/** The UTF-8 text of `file`; ERR_IO `cannot read <what> <file>: <code>` when it is missing, not a file or over `maxBytes`. */
export async function readBoundedText(file: string, maxBytes: number, what: string): Promise<string> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    if (st.size > maxBytes) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new BulwarkError('ERR_IO', `cannot read ${what} ${file}: ${reason(e)}`, { context: { path: file }, cause: e });
  }
}

/**
 * Writes `text` to `target` atomically (creating its folder when `createFolder`); ERR_IO `cannot write <what>
 * <target>: <code>`.
 */
export async function writeFileAtomic(target: string, text: string, what: string, opts: { createFolder?: boolean } = {}): Promise<void> {
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    if (opts.createFolder) await mkdir(dirname(target), { recursive: true });
    await writeFile(tmp, text, { mode: 0o644, flag: 'wx' });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new BulwarkError('ERR_IO', `cannot write ${what} ${target}: ${reason(e)}`, { context: { path: target }, cause: e });
  }
}
