// Option handling of `bulwark gateway` and `bulwark serve`, in-process on a program that registers only them (the
// gateway itself is tested end to end in test/gateway*.test.ts).
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../test/fixtures/memory-io.js';
import { defaultRegistry } from '../gateway/detector-api/registry.js';
import type { CommandContext } from './command-context.js';
import { registerGatewayCommands } from './gateway.js';

function run(args: string[], shutdown: AbortSignal): Promise<{ code: number; err: string }> {
  const io = memoryIo();
  let code = 0;
  const ctx: CommandContext = { registry: defaultRegistry(), io, setExitCode: (c) => (code = c), shutdown };
  const program = new Command('bulwark').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerGatewayCommands(program, ctx);
  return program.parseAsync(['node', 'bulwark', ...args]).then(
    () => ({ code, err: io.err() }),
    (e: unknown) => (e instanceof CommanderError ? { code: 64, err: io.err() } : Promise.reject(e)),
  );
}

describe('bulwark gateway / serve options', () => {
  it.each([
    [['gateway', '--port', 'abc']],
    [['gateway', '--port', '70000']],
    [['serve', '--port', '-1']],
  ])('refuses a bad port as a usage error naming the option, before anything starts: %j', async (args) => {
    // It used to escape as an internal error (exit 70) from inside the command.
    const { code, err } = await run(args, AbortSignal.abort());
    expect(code).toBe(64);
    expect(err).toMatch(/--port/);
  });

  it('takes port 0 and serves the demo until told to stop', async () => {
    const stop = new AbortController();
    const running = run(['serve', '--demo', '--port', '0', '--store', ':memory:'], stop.signal);
    await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    const { code, err } = await running;
    expect(code).toBe(0);
    expect(err).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
  });
});
