// Reads a local dataset file as UTF-8 text within a byte budget: hostile or mistaken paths get typed errors.
import { open } from 'node:fs/promises';
import { BulwarkError } from '../../core/errors.js';

export const DEFAULT_MAX_DATASET_BYTES = 200 * 1024 * 1024;

/** The file's text; ERR_INPUT_TOO_LARGE above `maxBytes`, ERR_INPUT_INVALID_UTF8 for bad bytes, ERR_IO otherwise. */
export async function readBoundedText(path: string, maxBytes: number = DEFAULT_MAX_DATASET_BYTES): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new BulwarkError('ERR_IO', `dataset ${path} could not be opened`, { context: { path }, cause });
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw tooLarge(path, maxBytes);
    // Read up to one byte past the limit: a file that grows after stat() is still caught.
    const buffer = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buffer.length) break;
    }
    if (filled > maxBytes) throw tooLarge(path, maxBytes);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, filled));
    } catch (cause) {
      throw new BulwarkError('ERR_INPUT_INVALID_UTF8', `dataset ${path} is not valid UTF-8`, { context: { path }, cause });
    }
  } catch (e) {
    if (e instanceof BulwarkError) throw e;
    throw new BulwarkError('ERR_IO', `dataset ${path} could not be read`, { context: { path }, cause: e });
  } finally {
    await handle.close();
  }
}

function tooLarge(path: string, maxBytes: number): BulwarkError {
  return new BulwarkError('ERR_INPUT_TOO_LARGE', `dataset ${path} is larger than ${maxBytes} bytes`, { context: { path, maxBytes } });
}
