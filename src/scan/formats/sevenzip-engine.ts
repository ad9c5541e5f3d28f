// 7-Zip compiled to WebAssembly (the `7z-wasm` package, loaded on first use): lists and extracts 7z archives and
// decompresses bzip2, xz and lzma streams. The archive is read straight from its ByteSource through a tiny read-only
// file system (never copied whole), and everything 7-Zip writes is counted so that output stops at a hard cap.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import type { ByteSource } from '../source.js';

/** The parts of the Emscripten runtime we use (7z-wasm's own typings cover less than it exposes). */
interface EmNode {
  id: number;
  mode: number;
  name: string;
  parent: EmNode;
  node_ops: object;
  stream_ops: object;
  contents?: Record<string, EmNode>;
  src?: ByteSource;
  timestamp?: number;
}
interface EmStream {
  node: EmNode;
  path?: string;
  position: number;
}
interface EmFS {
  createNode(parent: EmNode | null, name: string, mode: number, rdev: number): EmNode;
  mount(type: object, opts: object, mountpoint: string): EmNode;
  mkdir(path: string): void;
  readdir(path: string): string[];
  lstat(path: string): { mode: number; size: number };
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
  isFile(mode: number): boolean;
  isDir(mode: number): boolean;
  write(stream: EmStream, buffer: Uint8Array, offset: number, length: number, position?: number, canOwn?: boolean): number;
  ErrnoError: new (errno: number) => Error;
}
interface EmModule {
  FS: EmFS;
  callMain(args: string[]): number;
}
type Factory = (opts: Record<string, unknown>) => Promise<EmModule>;

const ENOENT = 44;
const EPERM = 63;
const ENOSPC = 51;
const DIR_MODE = 0o40555;
const FILE_MODE = 0o100444;
const OUT_DIR = '/out';
/** Exit code reported when 7-Zip did not return normally. */
export const ABORTED = -1;

/** The WebAssembly API (the project's lib settings do not declare it). */
interface Wasm {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

interface Loaded {
  create: Factory;
  /** Compiled once per process; each instance gets its own memory. */
  wasm: object;
}
let factory: Promise<Loaded> | undefined;

async function load(): Promise<Loaded> {
  const mod = (await import('7z-wasm')) as unknown as { default: Factory };
  const require = createRequire(import.meta.url);
  const wasm = await wasmApi.compile(await readFile(require.resolve('7z-wasm/7zz.wasm')));
  return { create: mod.default, wasm };
}

export interface RunResult {
  exitCode: number;
  stdout: string[];
  stderr: string[];
}

export interface ExtractResult extends RunResult {
  /** Files written under the output folder, in name order, each at most as long as the cap allowed. */
  files: { path: string; data: Buffer }[];
  /** 7-Zip wanted to write more than the cap. */
  overCap: boolean;
  /** Bytes written. */
  written: number;
}

/** One 7-Zip instance (fresh per archive: its memory is dropped with it, and a failed run cannot taint the next). */
export class SevenZip {
  private stdout: string[] = [];
  private stderr: string[] = [];
  private written = 0;
  private cap = Number.MAX_SAFE_INTEGER;
  private overCap = false;
  private stopError: unknown;
  private onWrite: (() => void) | undefined;
  private mounted = 0;
  private broken = false;
  private readonly outputs = new Map<string, OutputFile>();

  private constructor(private readonly em: EmModule) {}

  static async create(): Promise<SevenZip> {
    factory ??= load();
    let f: Loaded;
    try {
      f = await factory;
    } catch (e) {
      factory = undefined;
      throw e;
    }
    const box: { z?: SevenZip } = {};
    const em = await f.create({
      print: (s: string) => box.z?.stdout.push(s),
      printErr: (s: string) => box.z?.stderr.push(s),
      stdin: () => null, // never wait for a password on the terminal
      instantiateWasm(imports: object, receive: (instance: object, module: object) => void) {
        void wasmApi.instantiate(f.wasm, imports).then((instance) => receive(instance, f.wasm));
        return {};
      },
    });
    const z = new SevenZip(em);
    box.z = z;
    z.hookWrites();
    em.FS.mkdir(OUT_DIR);
    return z;
  }

  /** Makes `src` readable by 7-Zip at the returned path, without copying it. */
  mount(src: ByteSource, name: string): string {
    const dir = `/in${this.mounted++}`;
    this.em.FS.mkdir(dir);
    this.em.FS.mount(sourceFs(this.em.FS, src, name), {}, dir);
    return `${dir}/${name}`;
  }

  /**
   * Runs 7-Zip with `args` (a password is always given so that it never prompts). A run that 7-Zip aborts (it
   * throws when a write is refused) comes back with exit code -1; the instance must not be used for another run.
   */
  run(args: string[]): RunResult {
    if (this.broken) throw new Error('7-Zip instance was aborted; create a new one');
    this.stdout = [];
    this.stderr = [];
    this.stopError = undefined;
    const [cmd, ...rest] = args;
    let exitCode: number;
    // Emscripten's exit sets process.exitCode to 7-Zip's status: keep ours.
    const processExitCode = process.exitCode;
    try {
      exitCode = this.em.callMain([cmd!, '-p-', '-y', '-bd', ...rest]);
    } catch (e) {
      this.broken = true;
      if (this.stopError !== undefined) throw this.stopError;
      exitCode = ABORTED;
      this.stderr.push(this.overCap ? 'output cap reached' : `7-Zip aborted (${e instanceof Error ? e.message : 'native exception'})`);
    } finally {
      process.exitCode = processExitCode;
    }
    if (this.stopError !== undefined) throw this.stopError;
    return { exitCode, stdout: this.stdout, stderr: this.stderr };
  }

  /**
   * Extracts `archive` (optionally only `members`) into memory, at most `cap` bytes in total. `onWrite` is called
   * on every write (deadline checks); whatever it throws stops 7-Zip and is rethrown here.
   */
  extract(archive: string, type: string | undefined, cap: number, onWrite?: () => void): ExtractResult {
    this.written = 0;
    this.cap = cap;
    this.overCap = false;
    this.onWrite = onWrite;
    let r: RunResult;
    try {
      r = this.run(['x', ...(type ? [`-t${type}`] : []), `-o${OUT_DIR}`, archive]);
    } finally {
      this.onWrite = undefined;
      this.cap = Number.MAX_SAFE_INTEGER;
    }
    const files: { path: string; data: Buffer }[] = [];
    this.collect(OUT_DIR, files);
    return { ...r, files, overCap: this.overCap, written: this.written };
  }

  private collect(dir: string, out: { path: string; data: Buffer }[]): void {
    const FS = this.em.FS;
    for (const name of FS.readdir(dir).sort()) {
      if (name === '.' || name === '..') continue;
      const p = `${dir}/${name}`;
      const st = FS.lstat(p);
      if (FS.isDir(st.mode)) this.collect(p, out);
      else if (FS.isFile(st.mode)) {
        const f = this.outputs.get(p);
        out.push({ path: p.slice(OUT_DIR.length + 1), data: f ? assemble(f) : Buffer.alloc(0) });
        this.outputs.delete(p);
        FS.unlink(p);
      }
    }
  }

  /**
   * Takes over every write into the output folder: the bytes are kept here (MEMFS grows files by 1/8 at a time,
   * which makes large outputs slow), counted, and refused past the cap (7-Zip then stops).
   */
  private hookWrites(): void {
    const FS = this.em.FS;
    const original = FS.write.bind(FS);
    FS.write = (stream, buffer, offset, length, position, canOwn) => {
      const path = stream.path;
      if (path === undefined || !path.startsWith(`${OUT_DIR}/`)) return original(stream, buffer, offset, length, position, canOwn);
      if (this.onWrite) {
        try {
          this.onWrite();
        } catch (e) {
          this.stopError ??= e;
          throw new FS.ErrnoError(ENOSPC);
        }
      }
      const room = this.cap - this.written;
      if (room <= 0 && length > 0) {
        this.overCap = true;
        throw new FS.ErrnoError(ENOSPC);
      }
      if (length > room) {
        this.overCap = true;
        length = room;
      }
      const at = position ?? stream.position;
      let f = this.outputs.get(path);
      if (!f) this.outputs.set(path, (f = { chunks: [], length: 0 }));
      f.chunks.push({ at, data: Buffer.from(buffer.subarray(offset, offset + length)) });
      f.length = Math.max(f.length, at + length);
      this.written += length;
      if (position === undefined) stream.position += length;
      return length;
    };
  }
}

interface OutputFile {
  chunks: { at: number; data: Buffer }[];
  length: number;
}

/** The bytes of an output file from its writes (sequential in practice; later writes win where they overlap). */
function assemble(f: OutputFile): Buffer {
  let sequential = true;
  let pos = 0;
  for (const c of f.chunks) {
    if (c.at !== pos) sequential = false;
    pos = c.at + c.data.length;
  }
  if (sequential) return Buffer.concat(f.chunks.map((c) => c.data), f.length);
  const out = Buffer.alloc(f.length);
  for (const c of f.chunks) c.data.copy(out, c.at);
  return out;
}

/** A read-only Emscripten file system holding one file whose bytes come from `src`. */
function sourceFs(FS: EmFS, src: ByteSource, name: string): object {
  const type = {
    mount(): EmNode {
      const root = make(null, '/', DIR_MODE);
      root.contents = {};
      const file = make(root, name, FILE_MODE);
      file.src = src;
      root.contents[name] = file;
      return root;
    },
  };
  const nodeOps = {
    getattr(node: EmNode) {
      const size = node.src ? node.src.size : 4096;
      const t = new Date(0);
      return { dev: 1, ino: node.id, mode: node.mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size, atime: t, mtime: t, ctime: t, blksize: 4096, blocks: Math.ceil(size / 4096) };
    },
    setattr() {},
    lookup() {
      throw new FS.ErrnoError(ENOENT);
    },
    mknod() {
      throw new FS.ErrnoError(EPERM);
    },
    rename() {
      throw new FS.ErrnoError(EPERM);
    },
    unlink() {
      throw new FS.ErrnoError(EPERM);
    },
    rmdir() {
      throw new FS.ErrnoError(EPERM);
    },
    readdir(node: EmNode) {
      return ['.', '..', ...Object.keys(node.contents ?? {})];
    },
    symlink() {
      throw new FS.ErrnoError(EPERM);
    },
  };
  const streamOps = {
    read(stream: EmStream, buffer: Uint8Array, offset: number, length: number, position: number): number {
      const s = stream.node.src;
      if (!s || position >= s.size) return 0;
      const chunk = s.read(position, length);
      buffer.set(chunk, offset);
      return chunk.length;
    },
    write(): number {
      throw new FS.ErrnoError(EPERM);
    },
    llseek(stream: EmStream, offset: number, whence: number): number {
      let position = offset;
      if (whence === 1) position += stream.position;
      else if (whence === 2) position += stream.node.src?.size ?? 0;
      if (position < 0) throw new FS.ErrnoError(28);
      return position;
    },
  };
  function make(parent: EmNode | null, n: string, mode: number): EmNode {
    const node = FS.createNode(parent, n, mode, 0);
    node.mode = mode;
    node.node_ops = nodeOps;
    node.stream_ops = streamOps;
    return node;
  }
  return type;
}

/** Parses `7z l -slt` output: the archive's properties and one record per entry. */
export function parseTechnicalListing(lines: string[]): { archive: Record<string, string>; entries: Record<string, string>[] } {
  const archive: Record<string, string> = {};
  const entries: Record<string, string>[] = [];
  let section: 'head' | 'archive' | 'entries' = 'head';
  let current: Record<string, string> | undefined;
  for (const line of lines.flatMap((l) => l.split('\n'))) {
    if (line === '--') {
      section = 'archive';
      continue;
    }
    if (line === '----------') {
      section = 'entries';
      current = undefined;
      continue;
    }
    if (section === 'head') continue;
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    const eq = line.indexOf(' = ');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 3);
    if (section === 'archive') archive[key] = value;
    else {
      if (!current || key === 'Path') {
        current = {};
        entries.push(current);
      }
      current[key] = value;
    }
  }
  return { archive, entries };
}
