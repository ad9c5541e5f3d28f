// End-to-end tests of the model-file scanner on files made by the real libraries (torch, numpy, h5py, onnx, joblib,
// 7-Zip) and by hand (test/fixtures/model-files, from scripts/fixtures/make-model-files.py): every fixture gets the
// verdict its manifest names, and `bulwark scan` prints the JSON shape, writes valid SARIF 2.1.0 and exits 0/1/2.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { scanBuffer, scanFile, scanPaths } from '../src/scan/scanner.js';
import { SCAN_FORMATS, VERDICTS, type FileScanResult, type ScanLimits, type Verdict } from '../src/scan/types.js';
import { memoryIo } from './fixtures/memory-io.js';
import { sarifValidator } from './fixtures/sarif-validator.js';

const DIR = fileURLToPath(new URL('./fixtures/model-files/', import.meta.url));

interface ManifestEntry {
  file: string;
  verdict: Verdict;
  reason: string;
  /** The format sniffing must report, where only one answer is fair. */
  format?: string;
  /** Limits the verdict holds under (a bomb stand-in small enough to commit needs a smaller limit to trip). */
  limits?: Partial<ScanLimits>;
}

const manifest = JSON.parse(await readFile(join(DIR, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] };
const entries = manifest.files;
const pathOf = (e: ManifestEntry) => join(DIR, e.file);
const byFile = (name: string) => {
  const e = entries.find((x) => x.file === name);
  if (!e) throw new Error(`no fixture ${name} in manifest.json`);
  return e;
};
const relPath = (p: string) => relative(DIR, p).split(sep).join('/');
const optsOf = (e: ManifestEntry) => (e.limits ? { limits: e.limits } : {});

/** What a failed expectation shows: the rules and what they point at. */
function explain(r: FileScanResult): string {
  const lines = r.findings.map((f) => `  ${f.verdict} ${f.rule}${f.global ? ` ${f.global}` : ''}${f.member ? ` in ${f.member}` : ''}: ${f.message}`);
  return `${r.path} (${r.format}) → ${r.verdict}\n${lines.join('\n') || '  no findings'}`;
}

const validateSarif = sarifValidator();

describe('manifest.json', () => {
  it('lists every fixture once, with a known verdict and a reason, and every listed file exists', async () => {
    const { files } = await scanPaths([DIR]);
    const onDisk = files.map((f) => relPath(f.path)).filter((p) => p !== 'manifest.json');
    expect(new Set(entries.map((e) => e.file)).size).toBe(entries.length);
    expect([...onDisk].sort()).toEqual(entries.map((e) => e.file).sort());
    for (const e of entries) {
      expect(VERDICTS).toContain(e.verdict);
      expect(e.reason.length).toBeGreaterThan(10);
      if (e.format !== undefined) expect(SCAN_FORMATS).toContain(e.format);
    }
    // Each verdict is exercised.
    expect(new Set(entries.map((e) => e.verdict))).toEqual(new Set(VERDICTS));
  });
});

describe('scanFile on every fixture', () => {
  it.each(entries)('$file is $verdict', async (e) => {
    const r = await scanFile(pathOf(e), optsOf(e));
    expect(r.verdict, explain(r)).toBe(e.verdict);
    if (e.format !== undefined) expect(r.format, explain(r)).toBe(e.format);
    expect(r.path).toBe(pathOf(e));
    expect(r.bytes).toBeGreaterThan(0);
    for (const f of r.findings) {
      expect(f.rule).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+$/);
      expect(f.message.length).toBeGreaterThan(0);
      if (f.fragment !== undefined) expect(f.fragment.length).toBeLessThanOrEqual(200);
      if (f.offset !== undefined) expect(Number.isInteger(f.offset) && f.offset >= 0).toBe(true);
    }
    if (e.verdict === 'clean') {
      expect(r.findings.filter((f) => f.verdict !== 'info'), explain(r)).toEqual([]);
    } else {
      // The verdict comes from a finding of that verdict, and a malicious one carries the supply-chain tags.
      const decisive = r.findings.filter((f) => f.verdict === e.verdict);
      expect(decisive.length, explain(r)).toBeGreaterThan(0);
      if (e.verdict === 'malicious') expect(decisive.some((f) => f.tags.owaspLlm?.includes('LLM03:2025'))).toBe(true);
    }
  });
});

describe('findings name what they found', () => {
  it('a pickle call names the global and its byte offset', async () => {
    const r = await scanFile(pathOf(byFile('pickle-os-system-p2.pkl')));
    const f = r.findings.find((x) => x.verdict === 'malicious');
    expect(f?.global, explain(r)).toBe('os.system');
    // GLOBAL 'os system' sits at byte 2, after PROTO 2.
    expect(f?.offset).toBeGreaterThanOrEqual(2);
    expect(f?.offset).toBeLessThan(38);
  });

  it('a payload inside a torch zip names the member', async () => {
    const r = await scanFile(pathOf(byFile('torch-malicious.pt')));
    const f = r.findings.find((x) => x.verdict === 'malicious');
    expect(f?.global, explain(r)).toBe('os.system');
    expect(f?.member, explain(r)).toMatch(/archive\/data\.pkl$/);
  });

  it('a payload inside a gzip wrapper is found and named', async () => {
    const r = await scanFile(pathOf(byFile('wrapped-malicious.pkl.gz')));
    expect(r.findings.some((x) => x.verdict === 'malicious' && x.global === 'os.system'), explain(r)).toBe(true);
  });

  it('the call whose result is popped (OBJ + POP) is still resolved', async () => {
    const r = await scanFile(pathOf(byFile('pickle-obj-pop.pkl')));
    expect(r.findings.some((x) => x.verdict === 'malicious' && x.global === 'os.system'), explain(r)).toBe(true);
  });

  it('a payload before the break of a truncated stream is reported along with the truncation', async () => {
    const r = await scanFile(pathOf(byFile('pickle-truncated-after-payload.pkl')));
    expect(r.findings.some((x) => x.verdict === 'malicious' && x.global === 'os.system'), explain(r)).toBe(true);
    expect(r.findings.some((x) => x.verdict === 'error'), explain(r)).toBe(true);
  });

  it('a chat-template escape quotes the template fragment', async () => {
    for (const name of ['gguf-ssti.gguf', 'gguf-ssti-obfuscated.gguf']) {
      const r = await scanFile(pathOf(byFile(name)));
      const f = r.findings.find((x) => x.verdict === 'malicious');
      expect(f?.fragment, explain(r)).toBeTruthy();
    }
  });

  it('the zip bomb stand-in is clean under the default limits and an error under a small one', async () => {
    const e = byFile('zip-bomb-like.pt');
    const loose = await scanFile(pathOf(e));
    expect(loose.verdict, explain(loose)).toBe('clean');
    const tight = await scanFile(pathOf(e), optsOf(e));
    expect(tight.findings.some((f) => f.rule === 'scan.limit'), explain(tight)).toBe(true);
  });
});

describe('scan options', () => {
  it('--strict (strict: true) makes suspicious files malicious and leaves the others alone', async () => {
    for (const e of entries.filter((x) => x.verdict === 'suspicious' || x.verdict === 'clean')) {
      const r = await scanFile(pathOf(e), { ...optsOf(e), strict: true });
      expect(r.verdict, explain(r)).toBe(e.verdict === 'suspicious' ? 'malicious' : 'clean');
    }
  });

  it('hash: true gives the SHA-256 of the file', async () => {
    const e = byFile('torch-state-dict.pt');
    const r = await scanFile(pathOf(e), { hash: true });
    expect(r.sha256).toBe(createHash('sha256').update(await readFile(pathOf(e))).digest('hex'));
  });

  it('scanBuffer agrees with scanFile', async () => {
    for (const name of ['torch-malicious.pt', 'numpy-object.npy', 'gguf-ssti.gguf', 'safetensors-overlap.safetensors']) {
      const e = byFile(name);
      const r = await scanBuffer(await readFile(pathOf(e)), name);
      expect(r.verdict, explain(r)).toBe(e.verdict);
    }
  });

  it('finds a zip behind prepended data from its end, as Python zipfile does', async () => {
    const zip = await readFile(pathOf(byFile('torch-malicious.pt')));
    const polyglot = Buffer.concat([Buffer.from('#!/bin/sh\necho this is not a model\n'.repeat(20)), zip]);
    for (const name of ['model.pt', 'notes.dat']) {
      const r = await scanBuffer(polyglot, name);
      expect(r.verdict, explain(r)).toBe('malicious');
    }
  });

  it('scanPaths walks the folder in a stable order and sums the verdicts', async () => {
    const a = await scanPaths([DIR]);
    const b = await scanPaths([DIR], { concurrency: 4 });
    expect(b.files.map((f) => f.path)).toEqual(a.files.map((f) => f.path));
    const s = a.summary;
    expect(s.files).toBe(a.files.length);
    expect(s.clean + s.suspicious + s.malicious + s.error).toBe(s.files);
    expect(s.bytes).toBe(a.files.reduce((n, f) => n + f.bytes, 0));
    // manifest.json is itself a benign JSON file.
    expect(a.files.find((f) => f.path.endsWith('manifest.json'))?.verdict).toBe('clean');
  });
});

describe('bulwark scan', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'bulwark-scan-e2e-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = memoryIo({ cwd: tmp });
    // --no-store: these runs record no security events (the events path has its own tests).
    const code = await main(['node', 'bulwark', 'scan', '--no-store', ...args], { io });
    return { code, out: io.out(), err: io.err() };
  }

  interface JsonOut {
    files: { path: string; format: string; verdict: Verdict; findings: { rule: string; verdict: string; tags: Record<string, string[]> }[] }[];
    summary: { files: number; clean: number; suspicious: number; malicious: number; error: number };
  }

  it('exits 0 on clean files and prints {files, summary} with --json', async () => {
    const clean = entries.filter((e) => e.verdict === 'clean' && !e.limits).map(pathOf);
    const r = await cli(['--json', ...clean]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as JsonOut;
    expect(Object.keys(doc).sort()).toEqual(['files', 'summary']);
    expect(doc.files.map((f) => f.path)).toEqual(clean);
    for (const f of doc.files) {
      expect(Object.keys(f).slice(0, 4)).toEqual(['path', 'format', 'verdict', 'findings']);
      expect(f.verdict).toBe('clean');
    }
    expect(doc.summary).toMatchObject({ files: clean.length, clean: clean.length, suspicious: 0, malicious: 0, error: 0 });
  });

  it('exits 1 on a malicious file', async () => {
    const r = await cli(['--json', pathOf(byFile('torch-malicious.pt'))]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as JsonOut;
    expect(doc.files[0]?.verdict).toBe('malicious');
    expect(doc.files[0]?.findings.some((f) => f.tags.owaspLlm?.includes('LLM03:2025'))).toBe(true);
  });

  it('exits 1 on a suspicious file, and --strict reports it malicious', async () => {
    const path = pathOf(byFile('pickle-unknown-global.pkl'));
    const plain = await cli(['--json', path]);
    expect(plain.code).toBe(1);
    expect((JSON.parse(plain.out) as JsonOut).files[0]?.verdict).toBe('suspicious');
    const strict = await cli(['--json', '--strict', path]);
    expect(strict.code).toBe(1);
    expect((JSON.parse(strict.out) as JsonOut).files[0]?.verdict).toBe('malicious');
  });

  it('exits 2 on files that could not be read to the end', async () => {
    const r = await cli(['--json', pathOf(byFile('pickle-truncated-benign.pkl')), pathOf(byFile('safetensors-overlap.safetensors'))]);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.out) as JsonOut).summary).toMatchObject({ files: 2, error: 2 });
  });

  it('exits 2 when --max-decompressed stops a decompression bomb, 0 without it', async () => {
    const path = pathOf(byFile('zip-bomb-like.pt'));
    const tight = await cli(['--json', '--max-decompressed', '10M', path]);
    expect(tight.code).toBe(2);
    expect((JSON.parse(tight.out) as JsonOut).files[0]?.findings.some((f) => f.rule === 'scan.limit')).toBe(true);
    expect((await cli(['--json', path])).code).toBe(0);
  });

  it('exits 3 (flagged and failed) when both happen in one run', async () => {
    const r = await cli(['--json', pathOf(byFile('pickle-os-system-p0.pkl')), pathOf(byFile('gguf-truncated.gguf'))]);
    expect(r.code).toBe(3);
  });

  it('scans the fixture folder with the verdicts of the manifest and writes valid SARIF 2.1.0', async () => {
    const sarif = join(tmp, 'out.sarif');
    const r = await cli(['--json', '--sarif', sarif, DIR]);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.out) as JsonOut;
    const verdicts = new Map(doc.files.map((f) => [relPath(f.path), f.verdict]));
    for (const e of entries.filter((x) => !x.limits)) expect({ file: e.file, verdict: verdicts.get(e.file) }).toEqual({ file: e.file, verdict: e.verdict });
    const log = JSON.parse(await readFile(sarif, 'utf8')) as { version: string; runs: { results: { ruleId: string; level: string }[]; tool: { driver: { rules: { id: string }[] } } }[] };
    expect(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 5))).toBe(true);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    const findings = doc.files.reduce((n, f) => n + f.findings.length, 0);
    expect(run?.results.length).toBe(findings);
    const ruleIds = new Set(run?.tool.driver.rules.map((x) => x.id));
    for (const res of run?.results ?? []) expect(ruleIds.has(res.ruleId)).toBe(true);
    expect(run?.results.some((x) => x.level === 'error')).toBe(true);
  });
});
