// Bounded inflation (raw deflate, zlib, gzip) with node:zlib streams: stops at an output cap and keeps what came
// before, reports where the compressed data ended and whether the stream was complete or broke.
import { createGunzip, createInflate, createInflateRaw, type Inflate, type Gunzip, type InflateRaw } from 'node:zlib';
import type { ByteSource } from '../source.js';

export type InflateKind = 'raw' | 'zlib' | 'gzip';

export interface InflateResult {
  /** Output, at most the cap. */
  data: Buffer;
  /** The stream reached its end marker (for gzip: the last member ended cleanly). */
  ended: boolean;
  /** More output was on its way past the cap. */
  overflow: boolean;
  /** zlib's complaint when the stream broke (corrupt data, or the input ran out before the end). */
  error?: string;
  /** Compressed bytes consumed (exact once the stream ended or broke). */
  consumed: number;
}

/**
 * Input is fed in small pieces: when zlib meets corrupt data, the output of the call that failed is lost, so the
 * pieces bound what a broken stream can hide from the scan.
 */
const INPUT_CHUNK = 64 * 1024;
const OUTPUT_CHUNK = 256 * 1024;

/**
 * Inflates `src` (compressed bytes) into at most `cap` bytes. Never throws for bad data: a broken stream comes back
 * with `error` and the output produced before the break. `onProgress` is called between input chunks (deadline checks).
 */
export async function inflateBounded(src: ByteSource, kind: InflateKind, cap: number, onProgress?: () => void): Promise<InflateResult> {
  const z: Inflate | InflateRaw | Gunzip =
    kind === 'raw' ? createInflateRaw({ chunkSize: OUTPUT_CHUNK }) : kind === 'zlib' ? createInflate({ chunkSize: OUTPUT_CHUNK }) : createGunzip({ chunkSize: OUTPUT_CHUNK });
  const chunks: Buffer[] = [];
  let total = 0;
  let overflow = false;
  let ended = false;
  let error: string | undefined;
  let settled = false;
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const finish = (): void => {
    if (settled) return;
    settled = true;
    settle();
  };

  z.on('data', (c: Buffer) => {
    if (settled) return;
    if (total + c.length > cap) {
      if (cap > total) chunks.push(c.subarray(0, cap - total));
      total = cap;
      overflow = true;
      finish();
      z.destroy();
      return;
    }
    chunks.push(c);
    total += c.length;
  });
  z.on('error', (e: Error) => {
    if (!settled) error = e.message;
    finish();
  });
  z.on('end', () => {
    ended = true;
    finish();
  });

  let offset = 0;
  try {
    while (!settled && offset < src.size) {
      const piece = src.read(offset, INPUT_CHUNK);
      if (piece.length === 0) break;
      offset += piece.length;
      const more = z.write(piece);
      if (!more && !settled) await Promise.race([new Promise<void>((r) => z.once('drain', () => r())), done]);
      onProgress?.();
    }
    if (!settled) z.end();
    await done;
  } finally {
    if (!z.destroyed) z.destroy();
  }
  const consumed = z.bytesWritten;
  // Running out of input before the end marker is reported by zlib as "unexpected end of file".
  return { data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), ended: ended && error === undefined, overflow, ...(error === undefined ? {} : { error }), consumed };
}
