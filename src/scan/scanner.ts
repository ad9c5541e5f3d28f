// The scanner core: opens each file, sniffs its format, hands it to the format scanner through the dispatch table
// (loaded lazily: scanning a pickle never loads the 7-Zip WebAssembly), and turns whatever happens — findings,
// limits, time-outs, malformed data, our own bugs — into one FileScanResult whose verdict is never wrongly `clean`.
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stat } from 'node:fs/promises';
import { isBulwarkError } from '../core/errors.js';
import { ScanAbort, ScanContext, type Dispatch } from './context.js';
import { COMMON_RULES } from './rules.js';
import { BufferSource, EndOfSource, FileSource, type ByteSource } from './source.js';
import type { FileScanResult, FormatScanner, ScanFinding, ScanFormat, ScanLimits, ScanSummary } from './types.js';
import { summarise, verdictOf } from './verdict.js';
import { listFiles } from './walk.js';

export interface ScanOptions {
  limits?: Partial<ScanLimits>;
  /** Suspicious findings make the file malicious. */
  strict?: boolean;
  /** Computes the SHA-256 of each file (a second streamed read). */
  hash?: boolean;
  /** Told about each file as soon as it and every file before it are done (in the order of `files`). */
  onFile?(r: FileScanResult): void;
  /** Told about what a folder walk left out (dangling links, loops, special files). */
  onWarning?(message: string): void;
  /** Files scanned at the same time; default 2 (the work is mostly synchronous CPU, this overlaps the I/O). */
  concurrency?: number;
}

export type FormatLoader = () => Promise<FormatScanner>;
export type FormatTable = Partial<Record<ScanFormat, FormatLoader>>;
export type Sniffer = (head: Buffer, size: number, name?: string) => ScanFormat;

export interface ScannerDeps {
  /** Replaces entries of the default dispatch table (tests register fake format scanners here). */
  formats?: FormatTable;
  /** Replaces the content sniffer. */
  sniff?: Sniffer;
}

export interface Scanner {
  scanPaths(paths: string[], opts?: ScanOptions): Promise<{ files: FileScanResult[]; summary: ScanSummary }>;
  scanFile(path: string, opts?: ScanOptions): Promise<FileScanResult>;
  scanBuffer(buf: Buffer, name: string, opts?: ScanOptions): Promise<FileScanResult>;
}

/** Bytes given to the sniffer. */
export const HEAD_BYTES = 4096;
const HASH_CHUNK = 1 << 20;

/**
 * Names that promise a model: such a file whose content matches no known format is an error (it cannot be vetted),
 * any other unrecognised file is no model and is left alone.
 */
export const MODEL_EXTENSIONS: ReadonlySet<string> = new Set([
  '.bin', '.pt', '.pth', '.pkl', '.pickle', '.ckpt', '.joblib', '.dill', '.npy', '.npz', '.h5', '.hdf5', '.keras',
  '.gguf', '.safetensors', '.onnx', '.pb', '.model', '.mar', '.sav', '.tar',
]);

export function hasModelExtension(name: string): boolean {
  return MODEL_EXTENSIONS.has(extname(name).toLowerCase());
}

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const HDF5_MAGIC = Buffer.from('\x89HDF\r\n\x1a\n', 'latin1');

const pickle: FormatLoader = async () => (await import('./formats/pickle.js')).pickleScanner;
const zip: FormatLoader = async () => (await import('./formats/zip.js')).zipScanner;
const hdf5: FormatLoader = async () => (await import('./formats/hdf5.js')).hdf5Scanner;
const kerasConfig: FormatLoader = async () => (await import('./formats/keras.js')).kerasConfigScanner;

/** Which scanner reads which format; every entry is a lazy import. */
export const DEFAULT_FORMATS: Readonly<FormatTable> = Object.freeze({
  pickle,
  // The pickle scanner also reads joblib's inline arrays and the legacy (pre-zip) PyTorch stream sequence.
  joblib: pickle,
  'pytorch-legacy': pickle,
  zip,
  'pytorch-zip': zip,
  npz: zip,
  // keras: a .keras zip, a legacy Keras HDF5 file, or (hint from the zip scanner) the config.json of a .keras archive;
  // the dispatcher picks by magic bytes.
  keras: zip,
  '7z': async () => (await import('./formats/sevenzip.js')).sevenZipScanner,
  tar: async () => (await import('./formats/tar.js')).tarScanner,
  gzip: async () => (await import('./formats/compressed.js')).gzipScanner,
  bz2: async () => (await import('./formats/compressed.js')).bz2Scanner,
  xz: async () => (await import('./formats/compressed.js')).xzScanner,
  lzma: async () => (await import('./formats/compressed.js')).lzmaScanner,
  zlib: async () => (await import('./formats/compressed.js')).zlibScanner,
  numpy: async () => (await import('./formats/numpy.js')).numpyScanner,
  hdf5,
  gguf: async () => (await import('./formats/gguf.js')).ggufScanner,
  safetensors: async () => (await import('./formats/safetensors.js')).safetensorsScanner,
  onnx: async () => (await import('./formats/onnx.js')).onnxScanner,
  json: async () => (await import('./formats/json.js')).jsonScanner,
});

const defaultSniff: () => Promise<Sniffer> = async () => (await import('./sniff.js')).sniffFormat;

/** Builds a scanner; `deps` replaces parts of the dispatch table or the sniffer (for tests and embedders). */
export function createScanner(deps: ScannerDeps = {}): Scanner {
  const table: FormatTable = { ...DEFAULT_FORMATS, ...deps.formats };
  const loaded = new Map<FormatLoader, Promise<FormatScanner>>();
  let sniffer: Promise<Sniffer> | undefined = deps.sniff ? Promise.resolve(deps.sniff) : undefined;

  const scannerFor = (format: ScanFormat, src: ByteSource): FormatLoader | undefined => {
    let loader = table[format];
    if (format === 'keras' && !deps.formats?.keras) {
      const head = src.read(0, 8);
      if (head.subarray(0, 4).equals(ZIP_MAGIC)) loader = table.zip;
      else if (head.equals(HDF5_MAGIC)) loader = table.hdf5;
      else loader = kerasConfig;
    }
    return loader;
  };

  const load = (loader: FormatLoader): Promise<FormatScanner> => {
    let p = loaded.get(loader);
    if (!p) {
      p = loader();
      loaded.set(loader, p);
      // A failed import is not cached: the next file tries again (and reports the failure again).
      p.catch(() => loaded.delete(loader));
    }
    return p;
  };

  /** The file name of the top-level context, for the sniffer and the model-extension rule. */
  const currentName = new WeakMap<ScanContext, string>();

  /** Scans one source (a file, or a member handed back by a container scanner) with `ctx`. */
  const dispatch: Dispatch = async (src, ctx, hint) => {
    try {
      const name = ctx.member === undefined ? undefined : lastMember(ctx.member);
      const shownName = name ?? currentName.get(ctx) ?? '';
      let format = hint;
      if (format === undefined) {
        const head = src.read(0, HEAD_BYTES);
        format = (await (sniffer ??= defaultSniff()))(head, src.size, shownName);
        // A model file opening with a pickle PROTO opcode that the sniffer would not vouch for (the stream breaks
        // early: nullifAI): the pickle scanner reports what comes before the break. Only for model-file names, so
        // that tensor blobs which happen to start with 0x80 0x0N stay unexamined data.
        if (format === 'unknown' && head.length >= 2 && head[0] === 0x80 && head[1]! <= 5 && hasModelExtension(shownName)) format = 'pickle';
        // A zip with data in front of it (a polyglot, a self-extractor) has no zip magic at its start, but Python's
        // zipfile — and so Keras and joblib — finds it from the end: so must we.
        if (format === 'unknown' && !deps.sniff && src.size >= 22) {
          const tailLength = Math.min(src.size, 0xffff + 22);
          if ((await import('./sniff.js')).sniffTail(src.read(src.size - tailLength, tailLength), src.size) === 'zip') format = 'zip';
        }
      }
      ctx.noteFormat(format);
      if (format === 'unknown') {
        if (hasModelExtension(shownName)) ctx.report(COMMON_RULES.unrecognised, { message: `${COMMON_RULES.unrecognised.title}: content matches no known format` });
        return;
      }
      const loader = scannerFor(format, src);
      if (!loader) {
        ctx.report(COMMON_RULES.internal, { message: `no scanner is registered for format ${format}` });
        return;
      }
      const scanner = await load(loader);
      await scanner.scan(src, ctx);
    } catch (e) {
      // Limits and time-outs end the whole file: the top level records them once.
      if (e instanceof ScanAbort) throw e;
      reportFailure(ctx, e);
    }
  };

  const scanSource = async (src: ByteSource, path: string, bytes: number, opts: ScanOptions, hashOf?: () => string | undefined): Promise<FileScanResult> => {
    const started = performance.now();
    const ctx = ScanContext.forFile(dispatch, opts.limits ?? {}, started);
    currentName.set(ctx, basename(path));
    try {
      await dispatch(src, ctx);
    } catch (e) {
      if (e instanceof ScanAbort) {
        ctx.report(e.reason === 'timeout' ? COMMON_RULES.timeout : COMMON_RULES.limit, { message: e.message, ...(e.member === undefined ? {} : { member: e.member }) });
      } else {
        reportFailure(ctx, e);
      }
    }
    const findings: ScanFinding[] = [...ctx.findings];
    const result: FileScanResult = {
      path,
      format: ctx.formats[0] ?? 'unknown',
      verdict: verdictOf(findings, opts.strict === true),
      findings,
      bytes,
      durationMs: 0,
    };
    if (opts.hash && hashOf) {
      const sha256 = hashOf();
      if (sha256 !== undefined) result.sha256 = sha256;
    }
    result.durationMs = Math.round((performance.now() - started) * 10) / 10;
    return result;
  };

  const scanFile = async (path: string, opts: ScanOptions = {}): Promise<FileScanResult> => {
    const started = performance.now();
    let src: FileSource;
    try {
      const st = await stat(path);
      if (!st.isFile()) return failedFile(path, st.size, 'not a regular file', started);
      src = new FileSource(path);
    } catch (e) {
      return failedFile(path, 0, isBulwarkError(e) ? e.message : `cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, started);
    }
    try {
      return await scanSource(src, path, src.size, opts, () => hashSource(src));
    } finally {
      src.close();
    }
  };

  const scanBuffer = async (buf: Buffer, name: string, opts: ScanOptions = {}): Promise<FileScanResult> => {
    const src = new BufferSource(buf);
    return scanSource(src, name, buf.length, opts, () => createHash('sha256').update(buf).digest('hex'));
  };

  const scanPaths = async (paths: string[], opts: ScanOptions = {}): Promise<{ files: FileScanResult[]; summary: ScanSummary }> => {
    const started = performance.now();
    const list = await listFiles(paths, opts.onWarning ? { onWarning: opts.onWarning } : {});
    const files = await mapOrdered(list, Math.max(1, opts.concurrency ?? 2), (p) => scanFile(p, opts), opts.onFile);
    return { files, summary: summarise(files, performance.now() - started) };
  };

  return { scanPaths, scanFile, scanBuffer };
}

/** Records an exception that escaped a format scanner as a finding: never a silent `clean`. */
function reportFailure(ctx: ScanContext, e: unknown): void {
  if (isBulwarkError(e)) {
    const offset = typeof e.context.offset === 'number' ? e.context.offset : undefined;
    const at = offset === undefined ? {} : { offset };
    switch (e.code) {
      case 'ERR_SCAN_FORMAT':
        ctx.report(e instanceof EndOfSource ? COMMON_RULES.truncated : COMMON_RULES.malformed, { message: e.message, ...at });
        return;
      case 'ERR_SCAN_LIMIT':
        ctx.report(COMMON_RULES.limit, { message: e.message, ...at });
        return;
      case 'ERR_SCAN_TIMEOUT':
        ctx.report(COMMON_RULES.timeout, { message: e.message, ...at });
        return;
      case 'ERR_IO':
        ctx.report(COMMON_RULES.unreadable, { message: e.message });
        return;
      default:
        ctx.report(COMMON_RULES.internal, { message: `${e.code}: ${e.message}` });
        return;
    }
  }
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && (e as NodeJS.ErrnoException).syscall !== undefined) {
    ctx.report(COMMON_RULES.unreadable, { message: `read failed: ${code}` });
    return;
  }
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  ctx.report(COMMON_RULES.internal, { message: `scanner failure: ${what}` });
}

function failedFile(path: string, bytes: number, message: string, started: number): FileScanResult {
  const r = COMMON_RULES.unreadable;
  return {
    path,
    format: 'unknown',
    verdict: 'error',
    findings: [{ rule: r.id, verdict: r.verdict, severity: r.severity, message, tags: r.tags }],
    bytes,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** SHA-256 of a source read in 1 MiB pieces; undefined when a read fails. */
function hashSource(src: ByteSource): string | undefined {
  const h = createHash('sha256');
  try {
    for (let off = 0; off < src.size; ) {
      const chunk = src.read(off, HASH_CHUNK);
      if (chunk.length === 0) break;
      h.update(chunk);
      off += chunk.length;
    }
  } catch {
    return undefined;
  }
  return h.digest('hex');
}

function lastMember(member: string): string {
  const i = member.lastIndexOf('!');
  return i < 0 ? member : member.slice(i + 1);
}

/** Runs `fn` over `items` with at most `limit` at a time; results (and `onEach`) keep the order of `items`. */
async function mapOrdered<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>, onEach?: (r: R) => void): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const done: boolean[] = new Array<boolean>(items.length).fill(false);
  let next = 0;
  let emitted = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
      done[i] = true;
      while (emitted < items.length && done[emitted]) {
        const r = results[emitted++]!;
        onEach?.(r);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

let defaultScanner: Scanner | undefined;
const scanner = () => (defaultScanner ??= createScanner());

/** Scans files and folders (recursively); results in a deterministic order. */
export function scanPaths(paths: string[], opts?: ScanOptions): Promise<{ files: FileScanResult[]; summary: ScanSummary }> {
  return scanner().scanPaths(paths, opts);
}

export function scanFile(path: string, opts?: ScanOptions): Promise<FileScanResult> {
  return scanner().scanFile(path, opts);
}

/** Scans bytes held in memory as if they were a file called `name`. */
export function scanBuffer(buf: Buffer, name: string, opts?: ScanOptions): Promise<FileScanResult> {
  return scanner().scanBuffer(buf, name, opts);
}
