// Tests of result writing (backpressure, stream errors) and of terminal-safe human output.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatOutcome, LineWriter, OutputError, safeForTerminal } from './output.js';

/** A writable that takes one chunk per macrotask and records the most bytes ever buffered in it. */
function slowSink() {
  const chunks: string[] = [];
  let maxBuffered = 0;
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      setImmediate(cb);
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string) => {
    const ok = write(chunk);
    maxBuffered = Math.max(maxBuffered, stream.writableLength);
    return ok;
  }) as typeof stream.write;
  return { stream, chunks, maxBuffered: () => maxBuffered };
}

describe('LineWriter', () => {
  it('waits for drain, so a slow reader never has more than one line buffered beyond its high-water mark', async () => {
    const sink = slowSink();
    const writer = new LineWriter(sink.stream, true);
    const line = 'x'.repeat(100);
    for (let i = 0; i < 200; i++) await writer.writeLine(`${i} ${line}`);
    await writer.close();
    expect(sink.chunks).toHaveLength(200);
    expect(sink.chunks[199]).toBe(`199 ${line}\n`);
    expect(sink.maxBuffered()).toBeLessThanOrEqual(64 + 110);
  });

  it('turns a stream error into OutputError on the next write instead of crashing', async () => {
    const stream = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const writer = new LineWriter(stream, false);
    await writer.writeLine('a').catch(() => undefined);
    await expect(writer.writeLine('b')).rejects.toBeInstanceOf(OutputError);
    await expect(writer.writeLine('c')).rejects.toThrow('writing the results failed (EPIPE)');
  });

  it('leaves a stream it does not own open', async () => {
    const sink = slowSink();
    const writer = new LineWriter(sink.stream, false);
    await writer.writeLine('a');
    await writer.close();
    expect(sink.stream.writableEnded).toBe(false);
  });
});

describe('safeForTerminal', () => {
  it('escapes ANSI escapes, C1 controls, bidi overrides, zero-width and tag characters', () => {
    expect(safeForTerminal('a\u001b[31mb')).toBe('a\\u{1b}[31mb');
    expect(safeForTerminal('\u009b\u202e\u200b\u2066\ufeff')).toBe('\\u{9b}\\u{202e}\\u{200b}\\u{2066}\\u{feff}');
    expect(safeForTerminal('x\u{e0041}y')).toBe('x\\u{e0041}y');
    expect(safeForTerminal('\r\n\t')).toBe('\\u{d}\\u{a}\\u{9}');
  });

  it('keeps ordinary text, accents, CJK and emoji', () => {
    const text = 'Héllo 世界 👋 — ok';
    expect(safeForTerminal(text)).toBe(text);
  });

  it('handles lone surrogates and 1 MB strings', () => {
    expect(safeForTerminal('\ud800a\udfff')).toBe('\ud800a\udfff');
    expect(safeForTerminal('\u001b'.repeat(1 << 20)).length).toBe(6 << 20);
  });
});

describe('formatOutcome', () => {
  it('shows a clean verdict', () => {
    expect(formatOutcome({ flagged: false, score: 0, findings: [] }, 'input', 3)).toBe(
      'clean  score 0.00  0 findings  (stage input, 3 detectors)',
    );
  });

  it('shows findings and failures', () => {
    const text = formatOutcome(
      {
        flagged: true,
        score: 0.91,
        findings: [
          { detector: 'd', category: 'c', score: 0.91, severity: 'high', span: { start: 1, end: 4 }, evidence: 'e"v', tags: { owaspLlm: ['LLM01:2025'] } },
          { detector: 'd2', category: 'c2', score: 0.5, severity: 'medium', tags: {} },
        ],
        failures: [{ detector: 'x', code: 'ERR_DETECTOR_FAILED', message: 'bad\u001b', failMode: 'open' }],
      },
      'output',
      2,
    );
    expect(text.split('\n')).toEqual([
      'FLAGGED  score 0.91  2 findings  (stage output, 2 detectors)',
      '  d  c  score 0.91  high  span 1-4',
      '    evidence: "e\\"v"',
      '    tags: owaspLlm LLM01:2025',
      '  d2  c2  score 0.50  medium',
      'failures:',
      '  x: ERR_DETECTOR_FAILED bad\\u{1b}',
    ]);
  });
});
