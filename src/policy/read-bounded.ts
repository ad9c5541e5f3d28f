// Reads a whole small file with an upper bound, so that a huge or endless file (/dev/zero, a FIFO) is refused early.
import { open } from 'node:fs/promises';

/** The file's bytes, or undefined when it is larger than `maxBytes`; fs errors (ENOENT, EACCES…) are thrown as they are. */
export async function readBounded(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return length > maxBytes ? undefined : buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
