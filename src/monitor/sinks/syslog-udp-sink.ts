// syslog over UDP (RFC 5426): one datagram per event, cut to max_message_bytes; fire-and-forget by nature.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { FormatContext, Sink, StoredEvent } from '../types.js';
import { abortedError, closedError, deadline, sinkError, unlessAborted } from './delivery.js';
import type { SyslogSinkConfig } from './sink-config.js';
import { syslogEventMessage } from './syslog-message.js';

class SyslogUdpSink implements Sink {
  readonly id: string;
  private socket: Socket | undefined;
  private closed = false;

  constructor(
    private readonly config: SyslogSinkConfig,
    private readonly ctx: FormatContext,
  ) {
    this.id = config.id;
  }

  async send(batch: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    if (this.closed) throw closedError(this.id);
    // Encode first: an event that cannot be formatted fails the batch before anything is sent.
    const messages = batch.map(({ event }) => syslogEventMessage(event, this.config, this.ctx));
    const socket = this.open();
    const limit = deadline(signal, this.config.writeTimeoutMs);
    try {
      // One datagram at a time: the kernel send buffer never holds more than one of ours, and a failure is exact.
      for (const message of messages) {
        const failure = (): Error =>
          limit.timedOut() ? sinkError(this.id, `sending took longer than ${this.config.writeTimeoutMs} ms`, { timeout: true, retryable: true }) : abortedError(this.id);
        if (limit.signal.aborted) throw failure();
        await unlessAborted(this.datagram(socket, message), limit.signal, failure);
      }
    } finally {
      limit.dispose();
    }
  }

  private open(): Socket {
    if (this.socket) return this.socket;
    const socket = createSocket(isIPv6(this.config.host) ? 'udp6' : 'udp4');
    // Errors surface through the send callbacks; this listener only keeps a stray one from crashing the process.
    socket.on('error', () => {
      if (this.socket === socket) this.socket = undefined;
      socket.close();
    });
    socket.unref();
    this.socket = socket;
    return socket;
  }

  private datagram(socket: Socket, message: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      socket.send(message, this.config.port, this.config.host, (error) => {
        if (!error) return resolve();
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
        reject(sinkError(this.id, `could not send a datagram (${code})`, { code, retryable: true }, error));
      });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // already closed after an error
      }
    });
  }
}

export function createSyslogUdpSink(config: SyslogSinkConfig, ctx: FormatContext): Sink {
  if (config.transport !== 'udp') throw new TypeError('createSyslogUdpSink needs a syslog+udp config');
  return new SyslogUdpSink(config, ctx);
}
