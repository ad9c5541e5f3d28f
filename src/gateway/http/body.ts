// Reads a request body into one buffer, bounded: a body over the limit is refused as soon as it crosses it.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 413 | 400; message: string };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.resolve({ ok: false, status: 413, message: `request body of ${declared} bytes exceeds the limit of ${limit} bytes` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (r: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the caller answers 413 and closes the connection.
        req.pause();
        finish({ ok: false, status: 413, message: `request body exceeds the limit of ${limit} bytes` });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onError = (): void => finish({ ok: false, status: 400, message: 'the request body could not be read' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type JsonResult = { ok: true; value: unknown; text: string } | { ok: false; message: string };

/** Decodes strict UTF-8 and parses JSON once; invalid UTF-8, invalid JSON and too-deep nesting are errors. */
export function parseJson(body: Buffer): JsonResult {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, message: 'the request body is not valid UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (e) {
    const message = e instanceof RangeError ? 'the request body is nested too deeply' : 'the request body is not valid JSON';
    return { ok: false, message };
  }
}
