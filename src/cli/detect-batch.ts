// `bulwark detect --input`: one output line per input line, in order, with bounded memory. A bad line becomes an
// error object on its own line and the batch goes on.
import { TextDecoder } from 'node:util';
import { BulwarkError, type ErrorCode } from '../core/errors.js';
import { scanText } from '../detectors/runner.js';
import type { DetectConfig } from './detect-config.js';
import { getField } from './field-path.js';
import { splitLines } from './jsonl-lines.js';
import type { DetectOutcome, LineWriter } from './output.js';

export interface BatchOptions {
  /** jsonl: each line a JSON object holding the text at `textField`; text: each line is the text. */
  format: 'jsonl' | 'text';
  textField: readonly string[];
  /** Longest text scanned, in UTF-16 code units. */
  maxChars: number;
  /** Longest line read, in bytes; longer lines are skipped as they stream. */
  maxLineBytes: number;
}

export interface BatchSummary {
  lines: number;
  flagged: number;
  /** Lines with an input error or a failed detector. */
  failed: number;
}

interface LineError {
  index: number;
  error: { code: ErrorCode; message: string };
}

/** Scans one text with the configured detectors. */
export async function detectText(config: DetectConfig, text: string): Promise<DetectOutcome> {
  const { findings, failures } = await scanText(config.detectors, text, config.stage, config.context);
  const score = findings.reduce((max, f) => Math.max(max, f.score), 0);
  const outcome: DetectOutcome = { flagged: findings.length > 0, score, findings };
  if (failures.length > 0) outcome.failures = failures;
  return outcome;
}

export async function runBatch(
  config: DetectConfig,
  source: AsyncIterable<Uint8Array | string>,
  out: LineWriter,
  options: BatchOptions,
): Promise<BatchSummary> {
  const summary: BatchSummary = { lines: 0, flagged: 0, failed: 0 };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const line of splitLines(source, options.maxLineBytes)) {
    summary.lines += 1;
    let record: (DetectOutcome & { index: number }) | LineError;
    try {
      if (line.tooLarge) {
        throw new BulwarkError('ERR_INPUT_TOO_LARGE', `line is ${line.byteLength} bytes, over the limit of ${options.maxLineBytes}`);
      }
      const text = extractText(decodeLine(decoder, line.bytes), options);
      record = { index: line.index, ...(await detectText(config, text)) };
    } catch (e) {
      // Anything else is a bug in shared text analysis: report it on this line rather than lose the batch.
      record =
        e instanceof BulwarkError
          ? { index: line.index, error: { code: e.code, message: e.message } }
          : { index: line.index, error: { code: 'ERR_DETECTOR_FAILED', message: 'internal error while scanning this line' } };
    }
    if ('error' in record || record.failures) summary.failed += 1;
    if ('flagged' in record && record.flagged) summary.flagged += 1;
    await out.writeLine(JSON.stringify(record));
  }
  return summary;
}

function decodeLine(decoder: TextDecoder, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new BulwarkError('ERR_INPUT_INVALID_UTF8', 'line is not valid UTF-8');
  }
}

function extractText(line: string, options: BatchOptions): string {
  let text: unknown = line;
  if (options.format === 'jsonl') {
    // A blank line is reported, not skipped: output line n must answer input line n.
    if (line.trim() === '') throw new BulwarkError('ERR_INPUT_INVALID_JSON', 'line is blank');
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // JSON.parse's message quotes the input; ours does not.
      throw new BulwarkError('ERR_INPUT_INVALID_JSON', 'line is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BulwarkError('ERR_INPUT_INVALID', 'line is not a JSON object');
    }
    text = getField(value, options.textField);
    const field = options.textField.join('.');
    if (text === undefined || text === null) throw new BulwarkError('ERR_INPUT_MISSING_FIELD', `field "${field}" is missing`);
    if (typeof text !== 'string') throw new BulwarkError('ERR_INPUT_INVALID', `field "${field}" is not a string`);
  }
  const s = text as string;
  if (s.length > options.maxChars) {
    throw new BulwarkError('ERR_INPUT_TOO_LARGE', `text is ${s.length} characters, over the limit of ${options.maxChars}`);
  }
  return s;
}
