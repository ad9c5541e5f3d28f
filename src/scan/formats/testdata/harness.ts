// Test helpers for the format scanners: run one scanner on bytes with a test context, summarise the verdict, and
// find real-library fixtures (test/fixtures/model-files, made by scripts/fixtures) when they exist.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { ScanAbort, ScanContext } from '../../context.js';
import { BufferSource, type ByteSource } from '../../source.js';
import type { FormatScanner, ScanFinding, ScanLimits, Verdict } from '../../types.js';

export interface RunResult {
  findings: ScanFinding[];
  verdict: Verdict;
  rules: string[];
  aborted?: ScanAbort;
}

export function verdictOf(findings: readonly ScanFinding[]): Verdict {
  const v = new Set(findings.map((f) => f.verdict));
  if (v.has('malicious')) return 'malicious';
  if (v.has('error')) return 'error';
  if (v.has('suspicious')) return 'suspicious';
  return 'clean';
}

/** Runs `scanner` on `input`; ScanAbort (the one documented throw) is caught and returned, anything else fails. */
export async function run(scanner: FormatScanner, input: Buffer | ByteSource, opts: { limits?: Partial<ScanLimits>; member?: string } = {}): Promise<RunResult> {
  const root = ScanContext.forTest(opts.limits ? { limits: opts.limits } : {});
  const ctx = opts.member ? root.child(opts.member) : root;
  const src = Buffer.isBuffer(input) ? new BufferSource(input) : input;
  let aborted: ScanAbort | undefined;
  try {
    await scanner.scan(src, ctx);
  } catch (e) {
    if (!(e instanceof ScanAbort)) throw e;
    aborted = e;
  }
  const findings = [...root.findings];
  return { findings, verdict: aborted ? 'error' : verdictOf(findings), rules: findings.map((f) => f.rule), ...(aborted ? { aborted } : {}) };
}

/** Flips, inserts or deletes a few bytes: the mutations the fuzz tests apply to valid files. */
export function mutate(buf: Buffer, edits: { at: number; kind: number; value: number }[]): Buffer {
  let out = Buffer.from(buf);
  for (const e of edits) {
    if (out.length === 0) break;
    const at = e.at % out.length;
    if (e.kind === 0) out[at] = e.value & 0xff;
    else if (e.kind === 1) out = Buffer.concat([out.subarray(0, at), Buffer.from([e.value & 0xff]), out.subarray(at)]);
    else if (e.kind === 2) out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    else out = out.subarray(0, at);
  }
  return out;
}

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/model-files/', import.meta.url));

export interface FixtureCase {
  path: string;
  /** Verdict the fixture's manifest expects of the file as a whole. */
  verdict: Verdict;
  reason: string;
}

/**
 * Fixtures from test/fixtures/model-files/manifest.json (written by scripts/fixtures/make-model-files.py) whose
 * name ends with one of `exts`; empty when the fixtures are not there.
 */
export function fixtureCases(exts: string[]): FixtureCase[] {
  const manifest = join(FIXTURES, 'manifest.json');
  if (!existsSync(manifest)) return [];
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { files?: { file: string; verdict: Verdict; reason?: string }[] };
  return (m.files ?? [])
    .filter((f) => exts.some((x) => f.file.toLowerCase().endsWith(x)) && existsSync(join(FIXTURES, f.file)))
    .map((f) => ({ path: join(FIXTURES, f.file), verdict: f.verdict, reason: f.reason ?? '' }));
}

/** One member of a zip archive (stored or deflated), for reading fixtures; not a scanner. */
export function zipMember(zip: Buffer, name: string): Buffer | undefined {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return undefined;
  let p = zip.readUInt32LE(eocd + 16);
  const count = zip.readUInt16LE(eocd + 10);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    if (zip.toString('utf8', p + 46, p + 46 + nameLen) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return method === 8 ? inflateRawSync(data) : Buffer.from(data);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}
