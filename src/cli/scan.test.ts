// Tests of `bulwark scan` in-process with fake format scanners: exit codes, JSON and SARIF output, the table,
// events in a temporary store, --lock drift and --deps against fixture advisories.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryIo, type MemoryIoOptions } from '../../test/fixtures/memory-io.js';
import { createRegistry } from '../gateway/detector-api/registry.js';
import { createLock, writeLock } from '../scan/lock.js';
import { createScanner } from '../scan/scanner.js';
import { fakeFormats, fakeSniff } from '../scan/testdata/fake-formats.js';
import type { FileScanResult, ScanSummary } from '../scan/types.js';
import { TORCH_LOAD } from '../scan/vulns/testdata/advisories.js';
import { openStore } from '../store/db.js';
import type { CommandContext } from './command-context.js';
import { byteSize, registerScanCommand } from './scan.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'bulwark-scan-cli-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

const scanner = createScanner({ formats: fakeFormats, sniff: fakeSniff });

/** Runs `bulwark scan ...` the way main does (commander errors exit 64), in `home`, with the store in `home`. */
async function run(args: string[], ioOptions: MemoryIoOptions = {}) {
  const io = memoryIo({ cwd: home, ...ioOptions });
  let code = -1;
  const ctx: CommandContext = { registry: createRegistry([]), io, setExitCode: (c) => (code = c) };
  const program = new Command('bulwark')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerScanCommand(program, ctx, { scanner, env: { BULWARK_HOME: join(home, '.bulwark') } });
  try {
    await program.parseAsync(['node', 'bulwark', 'scan', ...args], { from: 'node' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 64;
  }
  return { code, out: io.out(), err: io.err() };
}

function write(rel: string, content: string): string {
  const p = join(home, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content, 'latin1');
  return p;
}

type JsonOut = { files: FileScanResult[]; summary: ScanSummary; dependencies?: { vulnerabilities: unknown[] } };

describe('bulwark scan: exit codes and output', () => {
  it('exits 0 when every file is clean, 1 when one is flagged, 2 on errors, 3 on both', async () => {
    write('m/a.pkl', 'P:');
    write('m/notes.txt', 'hello');
    expect((await run(['m', '--no-store'])).code).toBe(0);
    write('m/b.pkl', 'P:SUS');
    expect((await run(['m', '--no-store'])).code).toBe(1);
    write('e/c.pkl', 'P:ERR');
    expect((await run(['e', '--no-store'])).code).toBe(2);
    expect((await run(['m', 'e', '--no-store'])).code).toBe(3);
    write('e/weights.bin', 'garbage');
    const r = await run(['e/weights.bin', '--no-store', '--json']);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.out) as JsonOut).files[0]!.findings[0]!.rule).toBe('scan.unrecognised');
  });

  it('exits 64 on usage errors: a missing path, a bad number, --lock with two paths', async () => {
    const missing = await run(['nope.pkl', '--no-store']);
    expect(missing.code).toBe(64);
    expect(missing.err).toMatch(/cannot scan nope\.pkl: ENOENT/);
    expect((await run(['x', '--timeout', 'soon'])).code).toBe(64);
    expect((await run(['x', '--max-decompressed', '-1'])).code).toBe(64);
    write('a.pkl', 'P:');
    expect((await run(['a.pkl', 'a.pkl', '--lock', 'bulwark.lock', '--no-store'])).code).toBe(64);
    expect((await run(['a.pkl', '--sink', 'gopher://x', '--no-store'])).code).toBe(64);
  });

  it('--strict fails suspicious files like malicious ones; --timeout bounds each file', async () => {
    write('s.pkl', 'P:SUS');
    const strict = JSON.parse((await run(['s.pkl', '--strict', '--json', '--no-store'])).out) as JsonOut;
    expect(strict.files[0]!.verdict).toBe('malicious');
    write('slow.pkl', 'P:SLOW');
    const slow = await run(['slow.pkl', '--timeout', '0.05', '--json', '--no-store']);
    expect(slow.code).toBe(2);
    expect((JSON.parse(slow.out) as JsonOut).files[0]!.findings.map((f) => f.rule)).toEqual(['scan.timeout']);
  });

  it('--json prints every file with paths as given, and the summary', async () => {
    write('models/evil.pkl', 'P:MAL');
    write('models/README.md', 'hi');
    const r = await run(['models', '--json', '--hash', '--no-store']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as JsonOut;
    expect(doc.files.map((f) => [f.path, f.format, f.verdict])).toEqual([
      ['models/README.md', 'unknown', 'clean'],
      ['models/evil.pkl', 'pickle', 'malicious'],
    ]);
    expect(doc.files[1]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.files[1]!.findings[0]).toMatchObject({ rule: 'fake.bad', global: 'os.system', tags: { owaspLlm: ['LLM03:2025'] } });
    expect(doc.summary).toMatchObject({ files: 2, malicious: 1, clean: 1 });
    expect(doc.dependencies).toBeUndefined();
  });

  it('prints a table without colours unless stdout is a terminal, hiding files that are no models', async () => {
    write('models/evil.pkl', 'P:MAL');
    write('models/README.md', 'hi');
    const plain = await run(['models', '--no-store']);
    expect(plain.out).toMatch(/^VERDICT/);
    expect(plain.out).toContain('malicious   pickle  models/evil.pkl\n    fake.bad: bad (global os.system, at byte 2)\n');
    expect(plain.out).not.toContain('README');
    expect(plain.out).not.toContain('\u001b');
    expect((await run(['models', '--no-store', '--all'])).out).toContain('models/README.md');
    expect((await run(['models', '--no-store'], { stdoutIsTTY: true })).out).toContain('\u001b[31;1m');
  });

  it('--sarif writes a SARIF 2.1.0 log with paths relative to the working directory', async () => {
    write('models/evil.pkl', 'P:MAL NEST');
    const r = await run(['models', '--sarif', 'out/scan.sarif', '--no-store']);
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(join(home, 'out/scan.sarif'), 'utf8')) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.tool.driver.rules.map((x) => x.id)).toEqual(['fake.bad']);
    expect(log.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['models/evil.pkl', 'models/evil.pkl']);
    // A log that cannot be written: 74, and the scan output is still printed.
    write('blocker', 'a file where a folder should be');
    const failed = await run(['models', '--sarif', 'blocker/scan.sarif', '--no-store']);
    expect(failed.code).toBe(74);
    expect(failed.err).toMatch(/cannot write the SARIF log/);
    expect(failed.out).toContain('models/evil.pkl');
  });
});

describe('bulwark scan: events', () => {
  it('records one event per model file in the store (default $BULWARK_HOME/bulwark.db)', async () => {
    write('m/evil.pkl', 'P:MAL');
    write('m/ok.pkl', 'P:');
    write('m/notes.txt', 'x');
    expect((await run(['m'])).code).toBe(1);
    const store = await openStore({ url: join(home, '.bulwark', 'bulwark.db'), keys: { refreshIntervalMs: 0 } });
    try {
      const events = await store.events.query({ kind: 'scan' });
      expect(events.map((e) => [e.attributes.path, e.decision]).sort()).toEqual([
        [join(home, 'm/evil.pkl'), 'block'],
        [join(home, 'm/ok.pkl'), 'allow'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('--no-store writes none; a store that cannot be written sets the failure bit but keeps the output', async () => {
    write('ok.pkl', 'P:');
    await run(['ok.pkl', '--no-store']);
    expect(() => readFileSync(join(home, '.bulwark', 'bulwark.db'))).toThrow();
    write('blocker', 'a file where a folder should be');
    const r = await run(['ok.pkl', '--store', join(home, 'blocker', 'x.db'), '--json']);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.out) as JsonOut).files[0]!.verdict).toBe('clean');
    expect(r.err).toMatch(/store could not be opened/);
  });

  it('--sink delivers the events to a sink too', async () => {
    write('evil.pkl', 'P:MAL');
    const sink = join(home, 'events.jsonl');
    expect((await run(['evil.pkl', '--no-store', '--sink', `file://${sink}?format=ocsf`])).code).toBe(1);
    const lines = readFileSync(sink, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ class_uid: 2004 });
  });

  it('--config sends the events to the sinks of a bulwark.yaml; a bad configuration is a usage error', async () => {
    write('evil.pkl', 'P:MAL');
    const sink = join(home, 'from-config.jsonl');
    write('bulwark.yaml', `version: 1\nupstreams: [ { name: a, url: "http://127.0.0.1:9/v1" } ]\nsinks: [ "file://${sink}" ]\n`);
    expect((await run(['evil.pkl', '--no-store', '--config', 'bulwark.yaml'])).code).toBe(1);
    expect(readFileSync(sink, 'utf8').trim().split('\n')).toHaveLength(1);
    write('bad.yaml', 'version: 1\n');
    const bad = await run(['evil.pkl', '--no-store', '--config', 'bad.yaml']);
    expect(bad.code).toBe(64);
    expect(bad.err).toMatch(/upstreams/);
  });
});

describe('bulwark scan --lock and --deps', () => {
  it('flags files modified, added and removed since `bulwark pin`', async () => {
    write('model/a.pkl', 'P:');
    write('model/b.pkl', 'P:');
    write('model/c.pkl', 'P:');
    const lockPath = join(home, 'model.lock');
    await writeLock(lockPath, await createLock(join(home, 'model')));
    expect((await run(['model', '--lock', 'model.lock', '--no-store'])).code).toBe(0);
    write('model/a.pkl', 'P: ');
    write('model/new.pkl', 'P:');
    unlinkSync(join(home, 'model/c.pkl'));
    const r = await run(['model', '--lock', 'model.lock', '--no-store', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as JsonOut;
    expect(doc.files.map((f) => [f.path, f.verdict, f.findings.map((x) => x.rule).join()])).toEqual([
      ['model/a.pkl', 'suspicious', 'lock.modified'],
      ['model/b.pkl', 'clean', ''],
      ['model/new.pkl', 'suspicious', 'lock.added'],
      ['model/c.pkl', 'suspicious', 'lock.removed'],
    ]);
    expect(doc.summary.files).toBe(4);
    const missing = await run(['model', '--lock', 'nope.lock', '--no-store']);
    expect(missing.code).toBe(64);
    expect(missing.err).toMatch(/cannot read lockfile/);
  });

  it('--deps matches manifests against the advisories of --osv-dir', async () => {
    write('app/requirements.txt', 'torch==2.5.1\n');
    write('app/model.pkl', 'P:');
    write('osv/PyPI/torch.json', JSON.stringify(TORCH_LOAD));
    const r = await run(['app', '--osv-dir', 'osv', '--no-store', '--json']);
    const doc = JSON.parse(r.out) as JsonOut;
    expect(r.code).toBe(1);
    expect(doc.dependencies?.vulnerabilities).toHaveLength(1);
    const req = doc.files.find((f) => f.path === 'app/requirements.txt');
    expect(req?.verdict).not.toBe('clean');
    expect(req?.findings[0]?.message).toMatch(/torch 2\.5\.1/);
    const table = await run(['app', '--osv-dir', 'osv', '--no-store']);
    expect(table.out).toContain('app/requirements.txt');
  });
});

describe('byteSize', () => {
  it('reads byte counts with binary suffixes', () => {
    expect(byteSize('1000')).toBe(1000);
    expect(byteSize('512K')).toBe(512 * 1024);
    expect(byteSize('4G')).toBe(4 * 1024 ** 3);
    expect(byteSize('2MiB')).toBe(2 * 1024 ** 2);
    expect(() => byteSize('0')).toThrow();
    expect(() => byteSize('1.5G')).toThrow();
  });
});
