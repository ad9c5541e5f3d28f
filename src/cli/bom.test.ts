// `bulwark bom PATH` in-process: JSON on stdout or in a file, schema-valid, warnings on stderr, exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCommand, type CommandRun } from '../../test/fixtures/run-command.js';
import { memoryIo } from '../../test/fixtures/memory-io.js';
import { createRegistry } from '../gateway/detector-api/registry.js';
import { validateBom } from '../scan/bom-schema.js';
import { writeModelCollection } from '../scan/testdata/bom-fixtures.js';
import { registerBomCommand } from './bom.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-bom-cli-'));
  writeModelCollection(join(tmp, 'models'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
  vi.doUnmock('../scan/bom-schema.js');
});

function run(...args: string[]): Promise<CommandRun> {
  return runCommand([registerBomCommand], ['bom', ...args], memoryIo({ cwd: tmp }));
}

describe('bulwark bom', () => {
  it('prints a valid CycloneDX 1.6 BOM on stdout', async () => {
    const r = await run('models');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const bom = JSON.parse(r.out) as { specVersion: string; components: { type: string }[] };
    expect(bom.specVersion).toBe('1.6');
    expect(bom.components.filter((c) => c.type === 'machine-learning-model')).toHaveLength(5);
    expect(await validateBom(bom)).toEqual([]);
  });

  it('writes to a file with --output, reproducibly', async () => {
    const a = await run('models', '--reproducible', '--sha512', '-o', 'a.json');
    expect(a).toMatchObject({ code: 0, out: '' });
    expect(a.err).toBe(`bom: 6 models, 12 files → ${join(tmp, 'a.json')}\n`);
    await run('models', '--reproducible', '--sha512', '-o', 'b.json');
    expect(readFileSync(join(tmp, 'a.json'), 'utf8')).toBe(readFileSync(join(tmp, 'b.json'), 'utf8'));
    expect(readFileSync(join(tmp, 'a.json'), 'utf8')).toContain('"SHA-512"');
  });

  it('exits 64 on a missing path and prints warnings on stderr', async () => {
    expect((await run('nowhere')).code).toBe(64);
    writeFileSync(join(tmp, 'models', 'tiny-llama', 'config.json'), '{');
    const r = await run('models');
    expect(r.code).toBe(0);
    expect(r.err).toBe('warning: tiny-llama: config.json is not valid JSON\n');
  });

  it('refuses to write a BOM that does not validate (exit 70)', async () => {
    vi.resetModules();
    vi.doMock('../scan/bom-schema.js', () => ({ validateBom: () => Promise.resolve(['/components/0: must have required property "type"']) }));
    const { registerBomCommand: register } = await import('./bom.js');
    const io = memoryIo({ cwd: tmp });
    let code = 0;
    const program = new Command('bulwark').exitOverride();
    register(program, { registry: createRegistry([]), io, setExitCode: (c) => (code = c) });
    await program.parseAsync(['node', 'bulwark', 'bom', 'models', '-o', 'never.json'], { from: 'node' });
    expect(code).toBe(70);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/does not validate against CycloneDX 1\.6 \(a bug; nothing written\)/);
  });
});
