// `bulwark osv`: option parsers, progress on a terminal, local write failures, and status of an empty folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCommand, type CommandRun } from '../../test/fixtures/run-command.js';
import { memoryIo } from '../../test/fixtures/memory-io.js';
import { asMembers, PYPI_RECORDS } from '../scan/vulns/testdata/advisories.js';
import { makeZip } from '../scan/vulns/testdata/make-zip.js';
import { startFakeOsv, type FakeOsv } from '../scan/vulns/testdata/osv-server.js';
import { byteSize, ecosystems, registerOsvCommand } from './osv.js';

let dir: string;
let osv: FakeOsv;

beforeEach(async () => {
  for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'BULWARK_OSV_BASE_URL', 'BULWARK_OSV_DIR']) vi.stubEnv(v, '');
  dir = mkdtempSync(join(tmpdir(), 'bulwark-osv-cli-'));
  osv = await startFakeOsv();
  osv.files.set('/PyPI/all.zip', makeZip(asMembers(PYPI_RECORDS)));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await osv.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], tty = false): Promise<CommandRun> {
  const io = memoryIo({ cwd: dir, stdoutIsTTY: tty });
  if (tty) Object.assign(io.stderr, { isTTY: true });
  return runCommand([registerOsvCommand], ['osv', ...args], io);
}

describe('option parsers', () => {
  it('byteSize takes bytes and K/M/G suffixes', () => {
    expect(byteSize('100')).toBe(100);
    expect(byteSize('2K')).toBe(2048);
    expect(byteSize('1.5M')).toBe(1.5 * 1024 ** 2);
    expect(byteSize('4GiB')).toBe(4 * 1024 ** 3);
    for (const bad of ['', '0', '-1', 'lots', '1T']) expect(() => byteSize(bad), bad).toThrow(InvalidArgumentError);
  });

  it('ecosystems accepts any case, repeated and comma separated, without duplicates', () => {
    expect(ecosystems('pypi,NPM', undefined)).toEqual(['PyPI', 'npm']);
    expect(ecosystems('PyPI', ['PyPI'])).toEqual(['PyPI']);
    expect(() => ecosystems('Go', undefined)).toThrow('unsupported ecosystem "Go"');
  });
});

describe('osv sync', () => {
  it('shows progress on a terminal and clears the line at the end', async () => {
    const r = await run(['sync', '--osv-dir', 'advisories', '--source', osv.url, '--ecosystem', 'PyPI'], true);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\r\x1b\[KPyPI: 0\.0 MB of 0\.0 MB \(100%\)/);
    expect(r.err.endsWith('\r\x1b[K')).toBe(true);
    expect(r.out).toContain(join(dir, 'advisories', 'PyPI', 'all.zip'));
  });

  it('exits 74 when the folder cannot be written', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const r = await run(['sync', '--osv-dir', join(dir, 'a-file'), '--source', osv.url, '--ecosystem', 'PyPI']);
    expect(r.code).toBe(74);
    expect(r.err).toContain('cannot create');
  });

  it('continues with the other ecosystems after one fails', async () => {
    const r = await run(['sync', '--osv-dir', dir, '--source', osv.url, '--json']);
    expect(r.code).toBe(69);
    const body = JSON.parse(r.out);
    expect(body.results.map((x: { ecosystem: string; status: string }) => `${x.ecosystem} ${x.status}`)).toEqual(['PyPI updated', 'npm failed']);
  });
});

describe('osv index', () => {
  it('indexes archives copied by hand, and reports damaged ones', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'osv', 'PyPI'), { recursive: true });
    writeFileSync(join(dir, 'osv', 'PyPI', 'all.zip'), makeZip(asMembers(PYPI_RECORDS)));
    writeFileSync(join(dir, 'osv', 'extra.zip'), 'not a zip');
    const r = await run(['index', '--osv-dir', 'osv']);
    expect(r.code).toBe(74);
    expect(r.out).toBe(`${join(dir, 'osv', 'PyPI', 'all.zip')}: 8 records, 7 packages\n`);
    expect(r.err).toContain('extra.zip');
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'osv', 'PyPI', '.all.zip.index'))).toBe(true);
  });
});

describe('osv status', () => {
  it('says how to get advisories when the folder is empty', async () => {
    const r = await run(['status', '--osv-dir', join(dir, 'none')], true);
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 records in 0 files');
    expect(r.out).toContain('PyPI  not synced');
    expect(r.out).toContain('run `bulwark osv sync`');
  });

  it('defaults to $BULWARK_OSV_DIR', async () => {
    vi.stubEnv('BULWARK_OSV_DIR', join(dir, 'from-env'));
    const r = await run(['status', '--json']);
    expect(JSON.parse(r.out).dir).toBe(join(dir, 'from-env'));
  });
});
