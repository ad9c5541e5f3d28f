// Writing results: lines with backpressure, and human-readable text that is safe to print on a terminal.
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BulwarkError } from '../core/errors.js';
import type { DetectorFailure } from '../core/event.js';
import type { Finding } from '../core/finding.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';

/** What `bulwark detect` reports about one text. */
export interface DetectOutcome {
  flagged: boolean;
  /** Highest finding score, 0 without findings. */
  score: number;
  findings: Finding[];
  failures?: DetectorFailure[];
}

/** Raised when writing results fails midway; main turns it into exit code 74. */
export class OutputError extends BulwarkError {
  constructor(cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    super('ERR_IO', `writing the results failed (${code})`, { cause, context: { phase: 'write' } });
  }
}

/** Writes lines to a stream, waiting for 'drain' when the reader is slower than us; remembers a stream error. */
export class LineWriter {
  #error: OutputError | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly owned: boolean,
  ) {
    // Without a listener an EPIPE (e.g. `| head`) would crash the process instead of ending the run.
    stream.on('error', (e: Error) => {
      this.#error ??= new OutputError(e);
    });
  }

  async writeLine(line: string): Promise<void> {
    if (this.#error) throw this.#error;
    if (!this.stream.write(`${line}\n`) && !this.stream.destroyed) await settled(this.stream);
    if (this.#error) throw this.#error;
  }

  /** Ends a stream we opened (a file) and waits until its bytes are written; leaves stdout open. */
  async close(): Promise<void> {
    if (!this.owned) return;
    this.stream.end();
    await finished(this.stream).catch((e: unknown) => {
      this.#error ??= new OutputError(e);
    });
    if (this.#error) throw this.#error;
  }
}

/** Resolves on 'drain', 'close' or 'error' (the error itself is recorded by LineWriter's own listener). */
function settled(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

// Control characters (ANSI escapes), bidi overrides, zero-width and tag characters: hostile text must not
// repaint the user's terminal or hide itself.
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\u{e0000}-\u{e007f}]/gu;

export function safeForTerminal(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

function formatTags(tags: TaxonomyTags): string {
  return Object.entries(tags)
    .filter(([, ids]) => ids && ids.length > 0)
    .map(([name, ids]) => `${name} ${(ids ?? []).join(', ')}`)
    .join('; ');
}

/** A few lines for a person: verdict, then each finding (no raw text beyond the detector's masked evidence). */
export function formatOutcome(outcome: DetectOutcome, stage: string, detectorCount: number): string {
  const lines: string[] = [];
  const verdict = outcome.flagged ? 'FLAGGED' : 'clean';
  const n = outcome.findings.length;
  lines.push(`${verdict}  score ${outcome.score.toFixed(2)}  ${n} finding${n === 1 ? '' : 's'}  (stage ${stage}, ${detectorCount} detectors)`);
  for (const f of outcome.findings) {
    const span = f.span ? `  span ${f.span.start}-${f.span.end}` : '';
    lines.push(`  ${safeForTerminal(f.detector)}  ${safeForTerminal(f.category)}  score ${f.score.toFixed(2)}  ${f.severity}${span}`);
    if (f.evidence !== undefined) lines.push(`    evidence: ${safeForTerminal(JSON.stringify(f.evidence))}`);
    const tags = formatTags(f.tags);
    if (tags) lines.push(`    tags: ${safeForTerminal(tags)}`);
  }
  if (outcome.failures?.length) {
    lines.push('failures:');
    for (const x of outcome.failures) lines.push(`  ${safeForTerminal(x.detector)}: ${x.code} ${safeForTerminal(x.message)}`);
  }
  return lines.join('\n');
}
