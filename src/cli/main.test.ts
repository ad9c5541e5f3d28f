// Tests of the program shell: version, help, usage errors and the mapping of errors to exit codes.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineDetector } from '../detectors/contract.js';
import { createRegistry } from '../gateway/detector-api/registry.js';
import { memoryIo } from '../../test/fixtures/memory-io.js';
import { main } from './main.js';

const run = async (...args: string[]) => {
  const io = memoryIo();
  const code = await main(['node', 'bulwark', ...args], { io, registry: createRegistry([]) });
  return { code, out: io.out(), err: io.err() };
};

describe('main', () => {
  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await run('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('prints help with the exit-code table', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: bulwark');
    expect(r.out).toContain('detect');
    expect(r.out).toContain('64  usage or configuration error');
    expect((await run('help', 'detect')).out).toContain('--text-field');
    expect((await run('detectors', 'serve', '--help')).out).toContain('--body-limit');
  });

  it.each([[[]], [['frobnicate']], [['detect', '--nope']], [['detectors']]])('exits 64 on usage error %j', async (args) => {
    const r = await run(...args);
    expect(r.code).toBe(64);
    expect(r.err).not.toBe('');
  });

  it('exits 64 when no registered detector runs at the stage', async () => {
    const r = await run('detect', 'text');
    expect(r.code).toBe(64);
    expect(r.err).toContain('no registered detector runs at stage "input"');
  });

  it('exits 70 on an internal error, naming it', async () => {
    const broken = defineDetector({
      id: 'broken',
      description: 'create() throws',
      stages: ['input'],
      tags: {},
      options: z.object({}),
      create: () => {
        throw new RangeError('bug');
      },
    });
    const io = memoryIo();
    const code = await main(['node', 'bulwark', 'detect', 'x'], { io, registry: createRegistry([broken]) });
    expect(code).toBe(70);
    expect(io.err()).toBe('bulwark: internal error: RangeError: bug\n');
  });
});
