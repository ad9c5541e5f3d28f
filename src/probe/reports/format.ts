// Report formats as push formatters (begin, one call per result, end), and the drivers: to a string, to chunks, to files in one pass.
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { BulwarkError } from '../../core/errors.js';
import type { CaseResult } from '../types.js';
import type { ReportOptions, ResultSource, RunReport } from './types.js';

export type ReportFormat = 'html' | 'junit' | 'sarif' | 'json' | 'markdown';

/**
 * One report format. Chunks are written in order: begin(), add() per result, end(). A format that must see every
 * result before writing part of its output (JUnit's per-suite counts) keeps compact per-result strings and writes
 * them in end(); none keeps the results themselves.
 */
export interface ReportFormatter {
  begin(): Iterable<string>;
  add(result: CaseResult): string;
  end(): Iterable<string>;
}

export type FormatterFactory = (report: RunReport, options: ReportOptions) => ReportFormatter;

function source(report: RunReport): ResultSource {
  return typeof report.results === 'function' ? report.results() : report.results;
}

function isSyncIterable(s: ResultSource): s is Iterable<CaseResult> {
  return typeof (s as Iterable<CaseResult>)[Symbol.iterator] === 'function';
}

/** The whole report as one string; results must be an array or another synchronous iterable. */
export function renderWith(factory: FormatterFactory, report: RunReport, options: ReportOptions = {}): string {
  const results = source(report);
  if (!isSyncIterable(results)) throw new TypeError('results is an async iterable: use reportChunks() or writeReports()');
  const f = factory(report, options);
  const parts: string[] = [...f.begin()];
  for (const r of results) {
    const chunk = f.add(r);
    if (chunk !== '') parts.push(chunk);
  }
  parts.push(...f.end());
  return parts.join('');
}

/** The report as a stream of chunks, reading async results as they come (for a custom sink). */
export async function* reportChunks(factory: FormatterFactory, report: RunReport, options: ReportOptions = {}): AsyncGenerator<string> {
  const f = factory(report, options);
  yield* f.begin();
  const results = source(report);
  if (isSyncIterable(results)) {
    for (const r of results) {
      const chunk = f.add(r);
      if (chunk !== '') yield chunk;
    }
  } else {
    for await (const r of results) {
      const chunk = f.add(r);
      if (chunk !== '') yield chunk;
    }
  }
  yield* f.end();
}

export interface WrittenReport {
  format: ReportFormat;
  path: string;
  bytes: number;
}

/**
 * Writes several formats in ONE pass over the results, each to a temporary file renamed into place when complete
 * (a failed run never leaves half a report where the last good one was). ERR_IO when a file cannot be written.
 */
export async function writeWith(
  factories: Readonly<Record<ReportFormat, FormatterFactory>>,
  report: RunReport,
  outputs: Partial<Record<ReportFormat, string>>,
  options: ReportOptions = {},
): Promise<WrittenReport[]> {
  const entries = (Object.entries(outputs) as [ReportFormat, string | undefined][]).filter((e): e is [ReportFormat, string] => typeof e[1] === 'string');
  const sinks: { format: ReportFormat; path: string; tmp: string; ws: WriteStream; f: ReportFormatter; bytes: number; failure?: Error }[] = [];
  try {
    for (const [format, path] of entries) {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      const ws = createWriteStream(tmp, { flags: 'wx' });
      const sink: (typeof sinks)[number] = { format, path, tmp, ws, f: factories[format](report, options), bytes: 0 };
      ws.on('error', (e) => {
        sink.failure ??= e;
      });
      sinks.push(sink);
    }
    const put = async (s: (typeof sinks)[number], chunk: string): Promise<void> => {
      if (s.failure) throw s.failure;
      if (chunk === '') return;
      s.bytes += Buffer.byteLength(chunk);
      if (!s.ws.write(chunk)) await drained(s.ws);
    };
    for (const s of sinks) for (const chunk of s.f.begin()) await put(s, chunk);
    const results = source(report);
    const each = async (r: CaseResult): Promise<void> => {
      for (const s of sinks) await put(s, s.f.add(r));
    };
    if (isSyncIterable(results)) for (const r of results) await each(r);
    else for await (const r of results) await each(r);
    for (const s of sinks) for (const chunk of s.f.end()) await put(s, chunk);
    for (const s of sinks) {
      s.ws.end();
      await finished(s.ws);
      if (s.failure) throw s.failure;
    }
    for (const s of sinks) await rename(s.tmp, s.path);
    return sinks.map(({ format, path, bytes }) => ({ format, path, bytes }));
  } catch (e) {
    for (const s of sinks) {
      s.ws.destroy();
      await rm(s.tmp, { force: true });
    }
    if (e instanceof TypeError || e instanceof BulwarkError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new BulwarkError('ERR_IO', `cannot write report (${code})`, { cause: e, context: { outputs } });
  }
}

function drained(ws: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: Error): void => {
      ws.off('drain', onDrain);
      ws.off('error', done);
      ws.off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('stream closed'));
    ws.on('drain', onDrain);
    ws.on('error', done);
    ws.on('close', onClose);
  });
}
