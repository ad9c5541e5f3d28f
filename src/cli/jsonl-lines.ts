// Splits a byte stream into lines ('\n' or '\r\n') with bounded memory: a line over the byte cap is discarded
// as it streams and reported by its index, so a 10 GB line costs no more memory than a short one.

export type RawLine =
  | { index: number; bytes: Uint8Array; tooLarge?: undefined }
  | { index: number; tooLarge: true; byteLength: number };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Yields every line of `source`, in order, numbered from 0. A final line without '\n' counts; a '\n' at the very
 * end does not start another line. `maxLineBytes` counts the line's bytes without its line ending.
 */
export async function* splitLines(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  maxLineBytes: number,
): AsyncGenerator<RawLine> {
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new TypeError('maxLineBytes must be a positive integer');
  let parts: Uint8Array[] = [];
  let size = 0;
  let discarding = false;
  let discarded = 0;
  let index = 0;
  let pending = false; // bytes seen since the last '\n'

  const finish = (): RawLine => {
    let line: RawLine;
    if (discarding) {
      line = { index, tooLarge: true, byteLength: discarded };
    } else {
      let bytes = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, size);
      if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.length - 1);
      line = bytes.length > maxLineBytes ? { index, tooLarge: true, byteLength: bytes.length } : { index, bytes };
    }
    index += 1;
    parts = [];
    size = 0;
    discarding = false;
    discarded = 0;
    pending = false;
    return line;
  };

  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, pos);
      const end = nl === -1 ? chunk.length : nl;
      const length = end - pos;
      pending = true;
      if (discarding) {
        discarded += length;
      } else if (size + length > maxLineBytes + 1) {
        // +1 leaves room for a '\r' that belongs to the line ending; finish() re-checks without it.
        discarding = true;
        discarded = size + length;
        parts = [];
        size = 0;
      } else if (length > 0) {
        // Copy: a caller may reuse its buffers, and a small slice must not pin a large chunk.
        parts.push(Uint8Array.prototype.slice.call(chunk, pos, end));
        size += length;
      }
      if (nl === -1) break;
      yield finish();
      pos = nl + 1;
    }
  }
  if (pending) yield finish();
}
