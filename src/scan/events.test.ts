// Tests of scan events: the mapping of results to SecurityEvents, and the recorder writing them to a temporary
// SQLite store and a file sink, reporting (never throwing) what it could not write.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/db.js';
import { scanEvent, scanFindingToCore, ScanEventRecorder } from './events.js';
import { COMMON_RULES, TAGS_MALWARE } from './rules.js';
import type { FileScanResult } from './types.js';

const malicious: FileScanResult = {
  path: 'models/evil.pt',
  format: 'pytorch-zip',
  verdict: 'malicious',
  findings: [
    { rule: 'pickle.dangerous-global', verdict: 'malicious', severity: 'critical', message: 'calls os.system', global: 'os.system', member: 'archive/data.pkl', offset: 40, tags: TAGS_MALWARE },
    { rule: 'pickle.unknown-global', verdict: 'suspicious', severity: 'medium', message: 'unknown', fragment: '{{ x }}', tags: {} },
  ],
  bytes: 1000,
  durationMs: 2.5,
  sha256: 'cd'.repeat(32),
};
const clean: FileScanResult = { path: '/abs/ok.safetensors', format: 'safetensors', verdict: 'clean', findings: [], bytes: 10, durationMs: 1 };
const broken: FileScanResult = {
  path: 'b.pkl',
  format: 'pickle',
  verdict: 'error',
  findings: [{ rule: COMMON_RULES.truncated.id, verdict: 'error', severity: 'medium', message: 'ends early', tags: COMMON_RULES.truncated.tags }],
  bytes: 3,
  durationMs: 0,
};
const notAModel: FileScanResult = { path: 'README.md', format: 'unknown', verdict: 'clean', findings: [], bytes: 5, durationMs: 0 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-scan-events-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('scanEvent', () => {
  it('maps verdicts to decisions and findings to core findings', () => {
    const e = scanEvent(malicious, { cwd: '/work' });
    expect(e).toMatchObject({ kind: 'scan', source: 'scan', decision: 'block', severity: 'critical' });
    expect(e.attributes).toEqual({ path: '/work/models/evil.pt', format: 'pytorch-zip', verdict: 'malicious', bytes: 1000, durationMs: 2.5, sha256: 'cd'.repeat(32) });
    expect(e.findings[0]).toEqual({
      detector: 'scan',
      category: 'pickle.dangerous-global',
      score: 1,
      severity: 'critical',
      evidence: 'os.system',
      tags: TAGS_MALWARE,
      metadata: { verdict: 'malicious', message: 'calls os.system', member: 'archive/data.pkl', offset: 40 },
    });
    expect(scanFindingToCore(malicious.findings[1]!)).toMatchObject({ score: 0.5, evidence: '{{ x }}' });
    expect(e.tags).toEqual({ owaspLlm: ['LLM03:2025'], atlas: ['AML.T0010.003', 'AML.T0018.002'] });
    expect(scanEvent(clean).decision).toBe('allow');
    expect(scanEvent(broken).decision).toBe('error');
    expect(scanEvent({ ...clean, verdict: 'suspicious' }).decision).toBe('flag');
  });
});

describe('ScanEventRecorder', () => {
  it('writes one event per model file to the store and the sinks', async () => {
    const db = join(dir, 'bulwark.db');
    const sinkFile = join(dir, 'events.jsonl');
    const recorder = await ScanEventRecorder.open({ storeUrl: db, sinkUrls: [`${pathToFileURL(sinkFile).href}?format=json`], cwd: dir });
    for (const r of [malicious, clean, broken, notAModel]) recorder.record(r);
    expect(await recorder.close()).toEqual([]);

    const store = await openStore({ url: db, keys: { refreshIntervalMs: 0 } });
    try {
      const events = await store.events.query({ kind: 'scan' });
      expect(events.map((e) => e.attributes.path).sort()).toEqual(['/abs/ok.safetensors', join(dir, 'b.pkl'), join(dir, 'models/evil.pt')]);
      expect(events.find((e) => e.decision === 'block')?.findings[0]?.category).toBe('pickle.dangerous-global');
    } finally {
      await store.close();
    }
    const lines = readFileSync(sinkFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; decision: string });
    expect(lines.map((l) => [l.kind, l.decision])).toEqual([
      ['scan', 'block'],
      ['scan', 'allow'],
      ['scan', 'error'],
    ]);
  });

  it('reports a store it cannot open and a sink it cannot write to, and still writes to the rest', async () => {
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const sinkFile = join(dir, 'events.jsonl');
    const recorder = await ScanEventRecorder.open({
      storeUrl: join(dir, 'not-a-folder', 'bulwark.db'),
      sinkUrls: [`${pathToFileURL(join(dir, 'not-a-folder', 'x.jsonl')).href}`, `${pathToFileURL(sinkFile).href}`, 'gopher://nope'],
      cwd: dir,
    });
    recorder.record(malicious);
    const problems = await recorder.close();
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/store could not be opened/);
    expect(problems[1]).toMatch(/^sink 3:/);
    expect(problems[2]).toMatch(/not-a-folder\/x\.jsonl.*1 scan events not delivered/);
    expect(readFileSync(sinkFile, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('writes nothing with noStore and no sinks', async () => {
    const recorder = await ScanEventRecorder.open({ noStore: true, cwd: dir });
    recorder.record(malicious);
    expect(await recorder.close()).toEqual([]);
  });
});
