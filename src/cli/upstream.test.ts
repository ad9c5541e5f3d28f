// Tests of `bulwark upstream simulate`, run in-process on a program that registers only this command (main.ts
// registers it among the others).
import { createServer } from 'node:net';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { memoryIo, type MemoryIo } from '../../test/fixtures/memory-io.js';
import { createRegistry } from '../gateway/detector-api/registry.js';
import type { CommandContext } from './command-context.js';
import { registerUpstreamCommand } from './upstream.js';

function run(args: string[], io: MemoryIo, shutdown: AbortSignal): Promise<number> {
  let code = 0;
  const ctx: CommandContext = { registry: createRegistry([]), io, setExitCode: (c) => (code = c), shutdown };
  const program = new Command('bulwark').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerUpstreamCommand(program, ctx);
  return program.parseAsync(['node', 'bulwark', ...args]).then(
    () => code,
    (e: unknown) => (e instanceof CommanderError ? 64 : Promise.reject(e)),
  );
}

async function waitFor(io: MemoryIo, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 300; i++) {
    const m = io.err().match(pattern);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${pattern}; stderr: ${io.err()}`);
}

const chat = (model: string, content = 'ping') => JSON.stringify({ model, messages: [{ role: 'user', content }] });

describe('bulwark upstream simulate', () => {
  it('serves the simulator with the chosen profile and key until the shutdown signal', async () => {
    const io = memoryIo();
    const stop = new AbortController();
    const running = run(['upstream', 'simulate', '--port', '0', '--profile', 'echo', '--require-key', 'sk-upstream'], io, stop.signal);
    const [, url] = await waitFor(io, /listening on (http:\/\/\S+) /);
    const ok = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-upstream' }, body: chat('gpt-x') });
    expect(((await ok.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('ping');
    const denied = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer client' }, body: chat('gpt-x') });
    expect(denied.status).toBe(401);
    await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-upstream' }, body: chat('sim-fault-500') });
    expect(io.err()).toContain('bulwark simulator: 401 invalid_api_key');
    expect(io.err()).toContain('bulwark simulator: fault http-500');
    stop.abort();
    expect(await running).toBe(0);
    expect(io.err()).toMatch(/stopped\n$/);
    await expect(fetch(`${url}/v1/models`)).rejects.toThrow();
  });

  it('logs nothing per request with --quiet and applies --latency', async () => {
    const io = memoryIo();
    const stop = new AbortController();
    const running = run(['upstream', 'simulate', '--port', '0', '--quiet', '--latency', '120'], io, stop.signal);
    const [, url] = await waitFor(io, /listening on (http:\/\/\S+) /);
    const t0 = performance.now();
    expect((await fetch(`${url}/v1/nope`, { method: 'POST' })).status).toBe(404);
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: chat('sim-naive') });
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    stop.abort();
    expect(await running).toBe(0);
    expect(io.err()).not.toContain('bulwark simulator:');
  });

  it('exits 69 when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const io = memoryIo();
      expect(await run(['upstream', 'simulate', '--port', String(port)], io, new AbortController().signal)).toBe(69);
      expect(io.err()).toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it.each([
    [['--profile', 'evil']],
    [['--latency', '-5']],
    [['--chunk-delay', '1.5']],
    [['--port', '70000']],
  ])('rejects bad options %j', async (args) => {
    const io = memoryIo();
    expect(await run(['upstream', 'simulate', ...args], io, new AbortController().signal)).toBe(64);
    expect(io.err()).not.toBe('');
  });

  it('warns when it listens beyond loopback without a key', async () => {
    const io = memoryIo();
    const stop = new AbortController();
    const running = run(['upstream', 'simulate', '--port', '0', '--host', '0.0.0.0'], io, stop.signal);
    await waitFor(io, /listening on/);
    expect(io.err()).toContain('warning: the simulator has no authentication');
    stop.abort();
    expect(await running).toBe(0);
  });

  it('documents the models in its help', async () => {
    const io = memoryIo();
    await run(['upstream', 'simulate', '--help'], io, new AbortController().signal);
    expect(io.out()).toContain('sim-fault-timeout');
    expect(io.out()).toContain('--chunk-delay');
  });
});
