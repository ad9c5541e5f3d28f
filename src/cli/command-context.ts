// What every command receives from main: the registry, the streams, and where to put its exit code.
import { once } from 'node:events';
import { InvalidArgumentError } from 'commander';
import type { DetectorRegistry } from '../gateway/detector-api/registry.js';
import type { CliIo } from './io.js';

export interface CommandContext {
  registry: DetectorRegistry;
  io: CliIo;
  /** Commander ignores what an action returns; the action reports its exit code here. */
  setExitCode(code: number): void;
  /** Aborted to stop a long-running command (serve); when absent, the command listens for SIGINT/SIGTERM. */
  shutdown?: AbortSignal;
}

/**
 * An AbortSignal fired by SIGINT or SIGTERM, for commands that run until stopped. Only those install it:
 * anywhere else the handler would keep Ctrl-C from ending a long batch.
 */
export function shutdownOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** Commander argument parser for counts and sizes: a positive safe integer. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return n;
}

/** Commander argument parser for a TCP port (0 = any free port). */
export function port(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

/** Waits until the command is told to stop: `ctx.shutdown` when given (tests), else SIGINT or SIGTERM. */
export async function untilShutdown(ctx: Pick<CommandContext, 'shutdown'>): Promise<void> {
  const signals = ctx.shutdown ? undefined : shutdownOnSignals();
  const shutdown = ctx.shutdown ?? signals!.signal;
  try {
    if (!shutdown.aborted) await once(shutdown, 'abort');
  } finally {
    signals?.dispose();
  }
}
