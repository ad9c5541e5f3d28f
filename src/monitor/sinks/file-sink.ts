// JSON Lines file sink: one line per event, mode 0600, size-based rotation (events.jsonl → .1 … .N), fsync per batch.
import { chmod, mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FormatContext, Sink, StoredEvent } from '../types.js';
import { abortedError, closedError, formatLine, sinkError } from './delivery.js';
import type { FileSinkConfig } from './sink-config.js';

const NEWLINE = 0x0a;

interface OpenFile {
  handle: FileHandle;
  size: number;
  ino: number;
}

function errnoCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
}

class FileSink implements Sink {
  readonly id: string;
  private file: OpenFile | undefined;
  private closed = false;
  /** Batches are appended one after another even if a caller overlaps them: lines must never interleave. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: FileSinkConfig,
    private readonly ctx: FormatContext,
  ) {
    this.id = config.id;
  }

  send(batch: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    const run = this.queue.then(() => this.append(batch, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async append(batch: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    if (this.closed) throw closedError(this.id);
    if (signal.aborted) throw abortedError(this.id);
    if (batch.length === 0) return;
    const lines = batch.map(({ event }) => Buffer.from(`${formatLine(this.id, event, this.config.format, this.ctx)}\n`, 'utf8'));
    try {
      let file = await this.current();
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for (const line of lines) {
        // A line never straddles two files; a single line longer than max_bytes gets a file of its own.
        if (file.size + pendingBytes + line.length > this.config.maxBytes && file.size + pendingBytes > 0) {
          await this.write(file, pending, pendingBytes, signal);
          file = await this.rotate(file);
          pending = [];
          pendingBytes = 0;
        }
        pending.push(line);
        pendingBytes += line.length;
      }
      await this.write(file, pending, pendingBytes, signal);
      // One fsync per batch, not per line: the outbox moves its cursor after send resolves, so the batch must be
      // on disk by then, and a batch costs one disk flush however many events it holds.
      if (this.config.fsync) await file.handle.datasync();
    } catch (e) {
      // Reopen next time: the tail is checked and a torn last line is terminated before anything is appended.
      await this.release();
      if (signal.aborted) throw abortedError(this.id);
      const code = errnoCode(e);
      // retryable: a full disk or a permission problem is not the batch's fault; the outbox waits it out.
      throw sinkError(this.id, `appending to the file failed (${code})`, { code, retryable: true }, e);
    }
  }

  private async write(file: OpenFile, chunks: Buffer[], bytes: number, signal: AbortSignal): Promise<void> {
    if (bytes === 0) return;
    if (signal.aborted) throw abortedError(this.id);
    const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes);
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await file.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
    file.size += data.length;
  }

  /** The open file, reopened when someone else (logrotate, an operator) moved or deleted it since the last batch. */
  private async current(): Promise<OpenFile> {
    if (this.file) {
      const now = await stat(this.config.path).catch(() => undefined);
      if (now && now.ino === this.file.ino) return this.file;
      await this.release();
    }
    this.file = await this.openFile();
    return this.file;
  }

  private async openFile(): Promise<OpenFile> {
    const { path } = this.config;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(path, 'a+', 0o600);
    try {
      const info = await handle.stat();
      // The mode given to open() applies only to a new file: tighten one that was created by someone else.
      if ((info.mode & 0o077) !== 0) await chmod(path, 0o600);
      const file: OpenFile = { handle, size: info.size, ino: info.ino };
      if (info.size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, info.size - 1);
        if (last[0] !== NEWLINE) await this.write(file, [Buffer.from('\n')], 1, new AbortController().signal);
      }
      return file;
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e;
    }
  }

  /** events.jsonl.(N-1) → .N (the old .N is replaced, i.e. dropped), …, events.jsonl → .1, then a fresh file. */
  private async rotate(file: OpenFile): Promise<OpenFile> {
    const { path, maxFiles } = this.config;
    if (this.config.fsync) await file.handle.datasync();
    await this.release();
    for (let i = maxFiles - 1; i >= 1; i--) {
      await rename(`${path}.${i}`, `${path}.${i + 1}`).catch((e: unknown) => {
        if (errnoCode(e) !== 'ENOENT') throw e;
      });
    }
    await rename(path, `${path}.1`).catch((e: unknown) => {
      // Someone removed the file since the last batch: there is nothing to keep, a fresh file follows.
      if (errnoCode(e) !== 'ENOENT') throw e;
    });
    this.file = await this.openFile();
    return this.file;
  }

  private async release(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.handle.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.release();
  }
}

export function createFileSink(config: FileSinkConfig, ctx: FormatContext): Sink {
  return new FileSink(config, ctx);
}
