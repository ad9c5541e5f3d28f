// Tests of writing reports: all formats from one pass over 5,000 streamed results, atomic files, ERR_IO on failure.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBulwarkError } from '../../core/errors.js';
import type { CaseResult } from '../types.js';
import { HOSTILE, result, sampleReport } from './testdata/sample-report.js';
import { parseXml } from './testdata/xml-check.js';
import { streamReport, writeReports } from './write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulwark-reports-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function counted(n: number): { gen: () => AsyncGenerator<CaseResult>; passes: { count: number } } {
  const passes = { count: 0 };
  return {
    passes,
    gen: async function* () {
      passes.count++;
      for (let i = 0; i < n; i++) {
        const outcome = i % 10 === 0 ? 'fail' : i % 97 === 0 ? 'error' : 'pass';
        yield result(`pi/${i.toString(16).padStart(4, '0')}`, i % 2 ? 'prompt-injection/direct' : 'jailbreak/<b>role-play</b>', 'attack', outcome, i % 3, i % 10 === 0 ? HOSTILE : 'no');
      }
    },
  };
}

describe('writeReports', () => {
  it('writes every format from one pass over 5,000 async results', async () => {
    const { gen, passes } = counted(5000);
    const out = (f: string) => join(dir, 'run', f);
    const written = await writeReports(
      sampleReport({ results: gen() }),
      { html: out('report.html'), junit: out('junit.xml'), sarif: out('results.sarif'), json: out('results.json'), markdown: out('summary.md') },
      { suiteUri: 'suite.yaml', maxFailedRows: 100 },
    );
    expect(passes.count).toBe(1);
    expect(written.map((w) => w.format).sort()).toEqual(['html', 'json', 'junit', 'markdown', 'sarif']);
    expect((await readdir(join(dir, 'run'))).sort()).toEqual(['junit.xml', 'report.html', 'results.json', 'results.sarif', 'summary.md']);
    const json = JSON.parse(await readFile(out('results.json'), 'utf8')) as { results: unknown[]; summary: { runId: string }; cases: Record<string, unknown> };
    expect(json.results).toHaveLength(5000);
    expect(json.summary.runId).toBe('run-2');
    expect(Object.keys(json.cases)).toHaveLength(6);
    const junit = parseXml(await readFile(out('junit.xml'), 'utf8'));
    expect(junit.attrs.tests).toBe('5000');
    expect(junit.attrs.failures).toBe('500');
    const sarif = JSON.parse(await readFile(out('results.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]?.results).toHaveLength(500);
    const html = await readFile(out('report.html'), 'utf8');
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).toContain('more failed or errored cases are not shown');
    const bytes = Buffer.byteLength(html);
    expect(written.find((w) => w.format === 'html')?.bytes).toBe(bytes);
  });

  it('re-opens results given as a function for each streamed format', async () => {
    const { gen, passes } = counted(20);
    const report = sampleReport({ results: gen });
    let text = '';
    for await (const chunk of streamReport('junit', report)) text += chunk;
    for await (const chunk of streamReport('json', report)) text += chunk;
    expect(passes.count).toBe(2);
    expect(text).toContain('<testsuites');
  });

  it('fails with ERR_IO and leaves no temporary file when a report cannot be written', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const good = join(dir, 'ok', 'summary.md');
    const err = await writeReports(sampleReport(), { markdown: good, json: join(blocker, 'results.json') }).catch((e: unknown) => e);
    expect(isBulwarkError(err) && err.code).toBe('ERR_IO');
    const left = await readdir(dir, { recursive: true });
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
