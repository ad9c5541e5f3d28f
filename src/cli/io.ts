// The streams and terminal facts a command needs, injected so that tests run commands in-process.
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** Directory that relative paths (--input, --options @file) resolve against. */
  cwd: string;
}

let pipeGuard = false;

export function processIo(): CliIo {
  // A reader that goes away (`bulwark detect --help | head -1`) ends our output, not the process: without a listener
  // the EPIPE of the next write is an unhandled 'error' event. Writers that must report it (output.ts) listen too.
  if (!pipeGuard) {
    pipeGuard = true;
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EPIPE') throw e;
      });
    }
  }
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    cwd: process.cwd(),
  };
}
