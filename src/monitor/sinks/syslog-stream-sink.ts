// syslog over TCP or TLS (RFC 6587 / RFC 5425 octet counting): one persistent connection, reconnected after any
// failure, writes that wait for 'drain' under a deadline, and a batch that resolves only once the kernel has it.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { isBulwarkError } from '../../core/errors.js';
import type { FormatContext, Sink, StoredEvent } from '../types.js';
import { abortedError, closedError, deadline, sinkError, type Deadline } from './delivery.js';
import type { SyslogSinkConfig } from './sink-config.js';
import { octetCountedFrame, syslogEventMessage } from './syslog-message.js';
import { loadTlsOptions, type LoadedTlsOptions } from './tls-options.js';

/** Frames are coalesced into writes of about this size: few syscalls, and at most one chunk beyond the socket's buffer. */
const CHUNK_BYTES = 64 * 1024;
const CLOSE_GRACE_MS = 1_000;

function errnoCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
}

class SyslogStreamSink implements Sink {
  readonly id: string;
  private socket: Socket | undefined;
  private closed = false;
  /** Sends run one after another even if a caller overlaps them: frames of two batches must never interleave. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: SyslogSinkConfig,
    private readonly ctx: FormatContext,
    private readonly tls: LoadedTlsOptions | undefined,
  ) {
    this.id = config.id;
  }

  send(batch: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    const run = this.queue.then(() => this.deliver(batch, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async deliver(batch: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    if (this.closed) throw closedError(this.id);
    if (signal.aborted) throw abortedError(this.id);
    // Encode first: an event that cannot be formatted fails the batch before a byte is written.
    const frames = batch.map(({ event }) => octetCountedFrame(syslogEventMessage(event, this.config, this.ctx)));
    const socket = this.socket ?? (await this.connect(signal));
    const limit = deadline(signal, this.config.writeTimeoutMs);
    try {
      await this.writeAll(socket, frames, limit);
    } catch (e) {
      // A half-written frame would corrupt the framing of the next batch: this connection is finished.
      this.drop(socket);
      throw this.failure(e, limit);
    } finally {
      limit.dispose();
    }
  }

  private failure(e: unknown, limit: Deadline): Error {
    if (limit.timedOut()) {
      return sinkError(this.id, `the receiver did not take the batch within ${this.config.writeTimeoutMs} ms`, { timeout: true, retryable: true });
    }
    if (limit.signal.aborted) return abortedError(this.id);
    if (isBulwarkError(e) && e.code === 'ERR_SINK') return e;
    const code = errnoCode(e);
    return sinkError(this.id, `writing to the receiver failed (${code})`, { code, retryable: true }, e);
  }

  private async writeAll(socket: Socket, frames: readonly Buffer[], limit: Deadline): Promise<void> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lastWrite: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const chunk = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      if (socket.destroyed || !socket.writable) throw sinkError(this.id, 'the receiver closed the connection', { code: 'closed', retryable: true });
      let ok = false;
      lastWrite = new Promise<void>((resolve, reject) => {
        ok = socket.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
      lastWrite.catch(() => undefined); // observed below or superseded by the socket's own failure
      if (!ok) await this.drained(socket, limit);
    };
    for (const frame of frames) {
      pending.push(frame);
      pendingBytes += frame.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    // Resolve only when the last byte is in the kernel: what is still in Node's buffer dies with the process.
    await this.race(lastWrite, socket, limit);
  }

  /** Waits for 'drain'; rejects if the socket closes or errors, or the deadline fires. */
  private drained(socket: Socket, limit: Deadline): Promise<void> {
    let listener: (() => void) | undefined;
    const drain = new Promise<void>((resolve) => {
      listener = resolve;
      socket.once('drain', resolve);
    });
    return this.race(drain, socket, limit, () => socket.off('drain', listener as () => void));
  }

  private race(promise: Promise<void>, socket: Socket, limit: Deadline, cleanup?: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (error?: unknown): void => {
        socket.off('close', onClose);
        socket.off('error', onError);
        limit.signal.removeEventListener('abort', onAbort);
        cleanup?.();
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error(String(error)));
      };
      const onClose = (): void => done(sinkError(this.id, 'the receiver closed the connection', { code: 'closed', retryable: true }));
      const onError = (error: Error): void => done(error);
      const onAbort = (): void => done(limit.signal.reason);
      if (socket.destroyed) return onClose();
      if (limit.signal.aborted) return onAbort();
      socket.once('close', onClose);
      socket.once('error', onError);
      limit.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        () => done(),
        (error: unknown) => done(error),
      );
    });
  }

  private connect(signal: AbortSignal): Promise<Socket> {
    const { host, port, connectTimeoutMs } = this.config;
    return new Promise<Socket>((resolve, reject) => {
      const socket = this.tls
        ? tlsConnect({
            host,
            port,
            ca: this.tls.ca,
            rejectUnauthorized: this.tls.rejectUnauthorized,
            // SNI takes host names only (RFC 6066); an IP address is verified against the certificate's IP SANs.
            servername: isIP(host) === 0 ? host : undefined,
          })
        : netConnect({ host, port });
      const ready = this.tls ? 'secureConnect' : 'connect';
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        socket.off(ready, onReady);
        if (error) {
          socket.destroy();
          reject(error);
        } else {
          resolve(this.adopt(socket));
        }
      };
      const onReady = (): void => settle();
      const onError = (e: Error): void => {
        const code = errnoCode(e);
        // TLS verification failures too: a certificate problem is not the batch's fault, so it is waited out.
        settle(sinkError(this.id, `could not connect to the receiver (${code})`, { code, retryable: true }, e));
      };
      const onAbort = (): void => settle(abortedError(this.id));
      const timer = setTimeout(
        () => settle(sinkError(this.id, `could not connect within ${connectTimeoutMs} ms`, { timeout: true, retryable: true })),
        connectTimeoutMs,
      );
      socket.once(ready, onReady);
      socket.once('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Makes a fresh connection the current one, and forgets it as soon as it fails or the receiver hangs up. */
  private adopt(socket: Socket): Socket {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('error', () => this.drop(socket));
    socket.on('close', () => this.drop(socket));
    socket.on('end', () => this.drop(socket));
    // Receivers send nothing; whatever arrives is discarded rather than buffered.
    socket.resume();
    this.socket = socket;
    return socket;
  }

  private drop(socket: Socket): void {
    if (this.socket === socket) this.socket = undefined;
    socket.destroy();
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }
}

/** syslog+tcp or syslog+tls; the TLS CA file is read here, so a bad one fails creation with ERR_SINK_CONFIG. */
export async function createSyslogStreamSink(config: SyslogSinkConfig, ctx: FormatContext): Promise<Sink> {
  if (config.transport === 'udp') throw new TypeError('createSyslogStreamSink needs a syslog+tcp or syslog+tls config');
  const tls = config.transport === 'tls' ? await loadTlsOptions(config) : undefined;
  return new SyslogStreamSink(config, ctx, tls);
}
