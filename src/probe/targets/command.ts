// A local command as a target: spawned without a shell per request, the prompt (or the request as JSON) on stdin,
// stdout as the answer. Time and output are bounded; a non-zero exit is an error.
import { spawn } from 'node:child_process';
import type { Target, TargetRequest, TargetResponse } from '../types.js';
import { latestPrompt } from './request-text.js';
import type { CommandTargetSpec } from './spec.js';
import { DEFAULT_TIMEOUT_MS } from './transport.js';

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** stderr kept for the error message of a failed run (its tail, where the reason usually is). */
const STDERR_TAIL = 300;

export function createCommandTarget(spec: CommandTargetSpec, env: NodeJS.ProcessEnv = process.env): Target {
  const [program, ...args] = spec.command as [string, ...string[]];
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutput = spec.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const json = spec.input === 'json';
  return {
    id: `command:${spec.command.join(' ').slice(0, 200)}`,
    endpoints: [],
    send(request: TargetRequest, signal: AbortSignal): Promise<TargetResponse> {
      const input = json ? `${JSON.stringify(request)}\n` : latestPrompt(request.messages);
      return run(program, args, input, { timeoutMs, maxOutput, env, signal });
    },
    close: () => Promise.resolve(),
  };
}

interface RunOptions {
  timeoutMs: number;
  maxOutput: number;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

function run(program: string, args: string[], input: string, o: RunOptions): Promise<TargetResponse> {
  const started = performance.now();
  const latency = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    if (o.signal.aborted) {
      resolve({ text: '', error: { code: 'aborted', message: 'the run was cancelled' }, latencyMs: 0 });
      return;
    }
    let settled = false;
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: o.env, shell: false, windowsHide: true });
    const finish = (r: Omit<TargetResponse, 'latencyMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve({ ...r, latencyMs: latency() });
    };
    const onAbort = (): void => finish({ text: '', error: { code: 'aborted', message: 'the run was cancelled' } });
    const timer = setTimeout(() => finish({ text: '', error: { code: 'timeout', message: `the command did not finish within ${o.timeoutMs} ms` } }), o.timeoutMs);
    o.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({ text: '', error: { code: 'command_failed', message: `the command could not be started (${e.code ?? 'error'})` } });
    });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > o.maxOutput) {
        finish({ text: '', error: { code: 'output_too_large', message: `the command wrote more than ${o.maxOutput} bytes` } });
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.on('close', (code, sig) => {
      if (code === 0) {
        finish({ text: Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '') });
        return;
      }
      const why = sig ? `was killed by ${sig}` : `exited with status ${code}`;
      const tail = stderr.trim();
      finish({ text: '', error: { code: 'command_failed', message: `the command ${why}${tail ? `: ${tail}` : ''}` } });
    });
    // A command that exits without reading its input makes the write fail with EPIPE: its exit status decides.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
