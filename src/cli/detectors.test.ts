// Tests of `bulwark detectors list` and `bulwark detectors serve`, in-process with fake detectors.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fakeRegistry } from '../../test/fixtures/fake-detectors.js';
import { memoryIo, type MemoryIo } from '../../test/fixtures/memory-io.js';
import { main } from './main.js';
import { createRegistry } from '../gateway/detector-api/registry.js';

describe('bulwark detectors list', () => {
  it('prints JSON with --json or when piped', async () => {
    for (const args of [['--json'], []]) {
      const io = memoryIo();
      expect(await main(['node', 'bulwark', 'detectors', 'list', ...args], { registry: fakeRegistry(), io })).toBe(0);
      const list = JSON.parse(io.out()) as { id: string; stages: string[]; tags: object; requiresOptions: boolean }[];
      expect(list.map((d) => d.id)).toContain('fake-pii');
      expect(list.find((d) => d.id === 'fake-injection')).toEqual({
        id: 'fake-injection',
        stages: ['input'],
        description: 'Finds "ignore previous" (test double).',
        tags: { owaspLlm: ['LLM01:2025'], atlas: ['AML.T0051.000'] },
        requiresOptions: false,
      });
    }
  });

  it('prints a table on a terminal, marking detectors that need options', async () => {
    const io = memoryIo({ stdoutIsTTY: true });
    await main(['node', 'bulwark', 'detectors', 'list'], { registry: fakeRegistry(), io });
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +STAGES +TAGS +DESCRIPTION$/);
    expect(lines.find((l) => l.startsWith('fake-injection '))).toMatch(/input +LLM01:2025 AML\.T0051\.000 +Finds/);
    expect(lines.some((l) => l.startsWith('fake-keywords *'))).toBe(true);
    expect(lines.at(-1)).toContain('needs options');
  });

  it('says so when no detector is registered', async () => {
    const io = memoryIo({ stdoutIsTTY: true });
    await main(['node', 'bulwark', 'detectors', 'list'], { registry: createRegistry([]), io });
    expect(io.out()).toBe('no detectors are registered\n');
  });
});

async function waitFor(io: MemoryIo, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 200; i++) {
    const m = io.err().match(pattern);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${pattern}; stderr: ${io.err()}`);
}

describe('bulwark detectors serve', () => {
  it('serves the API until the shutdown signal, logging requests as JSON lines on stdout', async () => {
    const io = memoryIo();
    const stop = new AbortController();
    const running = main(['node', 'bulwark', 'detectors', 'serve', '--port', '0'], { registry: fakeRegistry(), io, shutdown: stop.signal });
    const [, address] = await waitFor(io, /listening on (http:\/\/\S+)/);
    const res = await fetch(`${address}/api/v1/text/contents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'detector-id': 'fake-pii' },
      body: JSON.stringify({ contents: ['secret-ish a@b.co'] }),
    });
    expect(await res.json()).toEqual([[expect.objectContaining({ text: 'a@b.co', detection_type: 'fake-pii' })]]);
    stop.abort();
    expect(await running).toBe(0);
    expect(io.err()).toContain('stopped');
    const logs = io.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toContainEqual(expect.objectContaining({ route: '/api/v1/text/contents', status: 200 }));
    expect(io.out()).not.toContain('a@b.co');
  });

  it('warns when bound beyond loopback', async () => {
    const io = memoryIo();
    const stop = new AbortController();
    stop.abort();
    expect(await main(['node', 'bulwark', 'detectors', 'serve', '--port', '0', '--host', '0.0.0.0'], { registry: fakeRegistry(), io, shutdown: stop.signal })).toBe(0);
    expect(io.err()).toContain('no authentication');
  });

  it('exits 69 when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      const io = memoryIo();
      const code = await main(['node', 'bulwark', 'detectors', 'serve', '--port', String(port)], {
        registry: fakeRegistry(),
        io,
        shutdown: new AbortController().signal,
      });
      expect(code).toBe(69);
      expect(io.err()).toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it.each([
    [['--port', '70000'], 'port'],
    [['--port', 'http'], 'port'],
    [['--body-limit', '-1'], 'positive integer'],
    [['--log-level', 'loud'], 'loud'],
  ])('exits 64 on %j', async (args, message) => {
    const io = memoryIo();
    const code = await main(['node', 'bulwark', 'detectors', 'serve', ...args], { registry: fakeRegistry(), io, shutdown: new AbortController().signal });
    expect(code).toBe(64);
    expect(io.err()).toContain(message);
  });
});
