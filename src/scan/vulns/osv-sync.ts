// `bulwark osv sync`: downloads the OSV archives `<base>/<ecosystem>/all.zip` into the advisory folder. The only
// network access of the dependency scan, made only when the user runs the command. Each archive is streamed to a
// temporary file under a size bound, checked to be a readable zip of JSON records, then renamed into place; a note
// beside it keeps the ETag so that the next sync asks only for changes, and an index (archive-index.ts) lets scans
// read only the records of their own dependencies.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher, request as undiciRequest } from 'undici';
import { BulwarkError, isBulwarkError } from '../../core/errors.js';
import { buildArchiveIndex, readArchiveIndex, writeArchiveIndex } from './archive-index.js';
import type { Ecosystem } from './types.js';

export const DEFAULT_OSV_BASE_URL = 'https://osv-vulnerabilities.storage.googleapis.com';
export const ARCHIVE_NAME = 'all.zip';
/** Hidden, so that the advisory loader skips it. */
export const SYNC_NOTE_NAME = '.all.zip.sync.json';
export const DEFAULT_MAX_ARCHIVE_BYTES = 4 * 1024 ** 3;

export interface SyncOptions {
  ecosystems: readonly Ecosystem[];
  dir: string;
  /** Base URL of the OSV bucket or a mirror (http or https). */
  baseUrl?: string;
  maxBytes?: number;
  /** Download even when the server says the archive has not changed. */
  force?: boolean;
  signal?: AbortSignal;
  onStart?(ecosystem: Ecosystem, url: string): void;
  onProgress?(ecosystem: Ecosystem, received: number, total: number | undefined): void;
  /** For tests; default: an agent that honours HTTP(S)_PROXY / NO_PROXY and follows up to 3 redirects. */
  dispatcher?: Dispatcher;
}

export interface SyncResult {
  ecosystem: Ecosystem;
  url: string;
  path: string;
  status: 'updated' | 'unchanged' | 'failed';
  bytes?: number;
  /** JSON records in the archive. */
  records?: number;
  sha256?: string;
  /** Why it failed; `stage` tells a download or server problem from a local write problem. */
  error?: { message: string; stage: 'download' | 'verify' | 'write' };
}

interface SyncNote {
  url: string;
  etag?: string;
  lastModified?: string;
  bytes: number;
  sha256: string;
  records: number;
  fetchedAt: string;
}

/** Syncs each ecosystem in turn; one failing does not stop the others. */
export async function syncAdvisories(opts: SyncOptions): Promise<SyncResult[]> {
  const base = archiveBase(opts.baseUrl ?? DEFAULT_OSV_BASE_URL);
  const undici = await import('undici');
  const dispatcher = opts.dispatcher ?? new undici.EnvHttpProxyAgent().compose(undici.interceptors.redirect({ maxRedirections: 3 }));
  try {
    const results: SyncResult[] = [];
    for (const ecosystem of opts.ecosystems) {
      const url = new URL(`${encodeURIComponent(ecosystem)}/${ARCHIVE_NAME}`, base).toString();
      const folder = join(opts.dir, ecosystem);
      const path = join(folder, ARCHIVE_NAME);
      opts.onStart?.(ecosystem, url);
      try {
        results.push(await syncOne(ecosystem, url, folder, path, opts, dispatcher, undici.request));
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        const stage = isBulwarkError(e) && typeof e.context.stage === 'string' ? (e.context.stage as 'download' | 'verify' | 'write') : 'download';
        results.push({ ecosystem, url, path, status: 'failed', error: { message: e instanceof Error ? e.message : String(e), stage } });
      }
    }
    return results;
  } finally {
    if (!opts.dispatcher) await dispatcher.close();
  }
}

/** The base as a URL ending in `/`; throws ERR_INPUT_INVALID for anything but http(s). */
export function archiveBase(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new BulwarkError('ERR_INPUT_INVALID', `not a URL: ${baseUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BulwarkError('ERR_INPUT_INVALID', `the advisory source must be an http(s) URL, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new BulwarkError('ERR_INPUT_INVALID', 'the advisory source URL must not carry credentials');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

async function syncOne(
  ecosystem: Ecosystem,
  url: string,
  folder: string,
  path: string,
  opts: SyncOptions,
  dispatcher: Dispatcher,
  request: typeof undiciRequest,
): Promise<SyncResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_ARCHIVE_BYTES;
  const fail = (stage: 'download' | 'verify' | 'write', message: string, cause?: unknown) =>
    new BulwarkError('ERR_ADVISORIES', message, { context: { ecosystem, url, stage }, ...(cause === undefined ? {} : { cause }) });
  await mkdir(folder, { recursive: true }).catch((e: unknown) => {
    throw fail('write', `cannot create ${folder}: ${(e as Error).message}`, e);
  });
  const notePath = join(folder, SYNC_NOTE_NAME);
  const note = opts.force ? undefined : await readNote(notePath, path);
  const headers: Record<string, string> = { 'user-agent': 'bulwark-osv-sync', accept: 'application/zip, application/octet-stream;q=0.9, */*;q=0.1' };
  if (note?.etag) headers['if-none-match'] = note.etag;
  else if (note?.lastModified) headers['if-modified-since'] = note.lastModified;
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, { method: 'GET', headers, dispatcher, signal: opts.signal, headersTimeout: 60_000, bodyTimeout: 120_000 });
  } catch (e) {
    throw fail('download', `cannot fetch ${url}: ${(e as Error).message}`, e);
  }
  const { statusCode, body } = response;
  if (statusCode === 304 && note) {
    await body.dump();
    if (!(await readArchiveIndex(path, []))) {
      const index = await buildArchiveIndex(path).catch((e: unknown) => {
        throw fail('verify', `the archive in place is damaged, run again with --force: ${(e as Error).message}`, e);
      });
      await writeArchiveIndex(path, index).catch((e: unknown) => {
        throw fail('write', `cannot write the index of ${path}: ${(e as Error).message}`, e);
      });
    }
    return { ecosystem, url, path, status: 'unchanged', bytes: note.bytes, records: note.records, sha256: note.sha256 };
  }
  if (statusCode !== 200) {
    await body.dump().catch(() => undefined);
    throw fail('download', `${url} answered HTTP ${statusCode}`);
  }
  const length = Number(header(response.headers, 'content-length') ?? Number.NaN);
  if (Number.isFinite(length) && length > maxBytes) {
    // dump() reads a little and then closes the connection, without the unhandled abort that destroy() raises.
    await body.dump().catch(() => undefined);
    throw fail('download', `${url} is ${length} bytes, over the ${maxBytes}-byte limit (--max-size)`);
  }
  const tmp = join(folder, `.${ARCHIVE_NAME}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const hash = createHash('sha256');
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (received > maxBytes) {
          done(fail('download', `${url} sent more than the ${maxBytes}-byte limit (--max-size)`));
          return;
        }
        hash.update(chunk);
        opts.onProgress?.(ecosystem, received, Number.isFinite(length) ? length : undefined);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx' }));
    } catch (e) {
      if (isBulwarkError(e)) throw e;
      const local = (e as NodeJS.ErrnoException).syscall !== undefined;
      throw fail(local ? 'write' : 'download', `${local ? `cannot write ${tmp}` : `download of ${url} failed`}: ${(e as Error).message}`, e);
    }
    if (Number.isFinite(length) && received !== length) throw fail('download', `${url} sent ${received} of ${length} bytes`);
    // Reading every member checks the whole download (CRCs, JSON) and yields the index.
    const index = await buildArchiveIndex(tmp).catch((e: unknown) => {
      throw fail('verify', `${url} is not a usable advisory archive: ${(e as Error).message}`, e);
    });
    if (index.records > 0 && index.ecosystems.length === 0) throw fail('verify', `${url} holds no OSV records of a supported ecosystem`);
    const records = index.records;
    const sha256 = hash.digest('hex');
    try {
      await syncToDisk(tmp);
      await rename(tmp, path);
      await writeArchiveIndex(path, index);
      const fresh: SyncNote = { url, bytes: received, sha256, records, fetchedAt: new Date().toISOString() };
      const etag = header(response.headers, 'etag');
      const lastModified = header(response.headers, 'last-modified');
      if (etag) fresh.etag = etag;
      if (lastModified) fresh.lastModified = lastModified;
      const noteTmp = `${notePath}.${process.pid}.tmp`;
      await writeFile(noteTmp, `${JSON.stringify(fresh, null, 2)}\n`);
      await rename(noteTmp, notePath);
    } catch (e) {
      throw fail('write', `cannot store ${path}: ${(e as Error).message}`, e);
    }
    return { ecosystem, url, path, status: 'updated', bytes: received, records, sha256 };
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** The note of the last sync, when the archive it describes is still there. */
export async function readNote(notePath: string, archivePath: string): Promise<SyncNote | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(notePath, 'utf8'), stat(archivePath)]);
    const note = JSON.parse(text) as SyncNote;
    return typeof note === 'object' && note !== null && note.bytes === info.size ? note : undefined;
  } catch {
    return undefined;
  }
}

async function syncToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
