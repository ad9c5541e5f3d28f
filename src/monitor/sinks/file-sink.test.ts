import { mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { createEvent } from '../../core/event.js';
import type { Sink, StoredEvent } from '../types.js';
import { createSink, parseSinkUrl } from './index.js';

const ctx = { productVersion: '0.1.0', hostname: 'test-host' };
const signal = new AbortController().signal;

function batch(from: number, count: number, pad = 0): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    event: createEvent({ kind: 'detection', source: 'guard', decision: 'flag', attributes: { n: from + i, pad: 'x'.repeat(pad) } }),
  }));
}

async function lines(path: string): Promise<{ n: number }[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { attributes: { n: number } }).attributes);
}

describe('file sink', () => {
  let dir: string;
  let sinks: Sink[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bulwark-file-sink-'));
    sinks = [];
  });
  afterEach(async () => {
    for (const sink of sinks) await sink.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function open(path: string, query = ''): Promise<Sink> {
    const sink = await createSink(parseSinkUrl(`${pathToFileURL(path).href}${query}`), ctx);
    sinks.push(sink);
    return sink;
  }

  it('creates the directory, appends one JSON line per event with mode 0600', async () => {
    const path = join(dir, 'nested', 'deeper', 'events.jsonl');
    const sink = await open(path);
    expect(sink.id).toBe(pathToFileURL(path).href);
    await sink.send(batch(1, 3), signal);
    await sink.send(batch(4, 2), signal);
    await sink.send([], signal);
    expect((await lines(path)).map((a) => a.n)).toEqual([1, 2, 3, 4, 5]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const first = JSON.parse((await readFile(path, 'utf8')).split('\n')[0] as string) as Record<string, unknown>;
    expect(first).toMatchObject({ kind: 'detection', source: 'guard', decision: 'flag' });
  });

  it('tightens the mode of an existing file and terminates a torn last line before appending', async () => {
    const path = join(dir, 'events.jsonl');
    await writeFile(path, '{"attributes":{"n":0}}\n{"torn', { mode: 0o644 });
    const sink = await open(path, '?fsync=0');
    await sink.send(batch(1, 1), signal);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual(['{"attributes":{"n":0}}', '{"torn']);
    expect(JSON.parse(text.split('\n')[2] as string)).toMatchObject({ attributes: { n: 1 } });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('rotates by size, keeps max_files, never splits a line, newest lines in the base file', async () => {
    const path = join(dir, 'events.jsonl');
    // Each line is roughly 920 bytes: two fit under 2048, the third rotates.
    const sink = await open(path, '?max_bytes=2048&max_files=2');
    for (let i = 0; i < 5; i++) await sink.send(batch(i * 2 + 1, 2, 700), signal);
    expect((await readdir(dir)).sort()).toEqual(['events.jsonl', 'events.jsonl.1', 'events.jsonl.2']);
    const [base, one, two] = await Promise.all([lines(path), lines(`${path}.1`), lines(`${path}.2`)]);
    const kept = [...two, ...one, ...base].map((a) => a.n);
    expect(kept).toEqual([5, 6, 7, 8, 9, 10]);
    for (const file of ['events.jsonl', 'events.jsonl.1', 'events.jsonl.2']) {
      expect((await stat(join(dir, file))).size).toBeLessThanOrEqual(2048);
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
    }
    // A rotation inside one batch works the same way.
    await sink.send(batch(11, 4, 700), signal);
    expect((await lines(path)).map((a) => a.n)).toEqual([13, 14]);
    expect((await lines(`${path}.1`)).map((a) => a.n)).toEqual([11, 12]);
  });

  it('gives a line longer than max_bytes a file of its own', async () => {
    const path = join(dir, 'events.jsonl');
    const sink = await open(path, '?max_bytes=1024&max_files=3');
    await sink.send(batch(1, 1), signal);
    await sink.send(batch(2, 1, 3000), signal);
    await sink.send(batch(3, 1), signal);
    expect((await lines(`${path}.2`)).map((a) => a.n)).toEqual([1]);
    expect((await lines(`${path}.1`)).map((a) => a.n)).toEqual([2]);
    expect((await lines(path)).map((a) => a.n)).toEqual([3]);
  });

  it('follows an external rotation (the file was moved away between batches)', async () => {
    const path = join(dir, 'events.jsonl');
    const sink = await open(path);
    await sink.send(batch(1, 1), signal);
    await rename(path, `${path}.old`);
    await sink.send(batch(2, 1), signal);
    expect((await lines(`${path}.old`)).map((a) => a.n)).toEqual([1]);
    expect((await lines(path)).map((a) => a.n)).toEqual([2]);
  });

  it('rejects with ERR_SINK when the file cannot be written, an abort, or after close', async () => {
    await writeFile(join(dir, 'blocker'), '');
    const blocked = await open(join(dir, 'blocker', 'events.jsonl'));
    const error = await blocked.send(batch(1, 1), signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulwarkError);
    expect((error as BulwarkError).code).toBe('ERR_SINK');
    expect(['ENOTDIR', 'EEXIST']).toContain((error as BulwarkError).context.code);

    const sink = await open(join(dir, 'events.jsonl'));
    const aborted = new AbortController();
    aborted.abort();
    await expect(sink.send(batch(1, 1), aborted.signal)).rejects.toMatchObject({ code: 'ERR_SINK', context: { aborted: true } });
    await sink.close();
    await sink.close();
    await expect(sink.send(batch(1, 1), signal)).rejects.toMatchObject({ code: 'ERR_SINK', context: { closed: true } });
  });
});
