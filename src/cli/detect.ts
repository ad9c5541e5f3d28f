// `bulwark detect`: scan one text (argument or stdin) or a batch (--input JSONL / text lines) with the detectors.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TextDecoder } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { BulwarkError } from '../core/errors.js';
import { STAGES } from '../core/finding.js';
import { positiveInt, type CommandContext } from './command-context.js';
import { detectText, runBatch } from './detect-batch.js';
import { buildDetectConfig, type DetectConfig } from './detect-config.js';
import { EXIT_CODES_HELP, EXIT_FAILED, outcomeExitCode } from './exit-codes.js';
import { parseFieldPath } from './field-path.js';
import { formatOutcome, LineWriter } from './output.js';

export const DEFAULT_MAX_CHARS = 1_000_000;
/** Room for the JSON around the text on a batch line. */
const LINE_OVERHEAD_BYTES = 4096;

export interface DetectCliOptions {
  input?: string;
  output?: string;
  textField: string;
  format: 'jsonl' | 'text';
  detectors?: string;
  stage: string;
  options?: string;
  context?: string;
  maxChars: number;
  json?: boolean;
}

const HELP_AFTER = `
Input:
  bulwark detect "some text"                 one text as an argument
  echo "some text" | bulwark detect          one text on stdin (one trailing newline is dropped)
  bulwark detect --input in.jsonl --text-field messages.0.content --output out.jsonl
      one output line per input line, in order: {"index","flagged","score","findings"[,"failures"]}
      or {"index","error":{"code","message"}} for a line that cannot be scanned (invalid JSON or UTF-8,
      not an object, missing or non-string field, too large). A blank JSONL line is an ERR_INPUT_INVALID_JSON
      error line; with --format text every line, blank or not, is a text.

Output: text for people when stdout is a terminal; JSON when it is not, with --json, or with --output.

Detectors: by default every registered detector that runs at --stage and needs no options, plus any
detector named in --options. --options '{"pii":{"threshold":0.7}}' or --options @file.json|@file.yaml;
--context '{"systemPrompt":"...","documents":["..."]}' (or @file) for output-stage detectors.
${EXIT_CODES_HELP}`;

export function registerDetectCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('detect')
    .description('scan text for prompt injection, PII, secrets and other risks')
    .argument('[text]', 'text to scan (default: stdin)')
    .option('-d, --detectors <ids>', 'comma-separated detector ids')
    .addOption(new Option('--stage <stage>', 'where the text sits in the conversation').choices(STAGES).default('input'))
    .option('--options <json|@file>', 'per-detector options: {"<id>": {...}}')
    .option('--context <json|@file>', 'scan context: systemPrompt, canaries, documents, prompt')
    .option('--input <path>', 'batch input file, one record per line ("-" = stdin)')
    .option('--output <path>', 'write results to this file instead of stdout')
    .option('--text-field <path>', 'dotted path of the text in each JSONL record', 'text')
    .addOption(new Option('--format <format>', 'batch input format').choices(['jsonl', 'text']).default('jsonl'))
    .option('--max-chars <n>', 'longest text scanned, in characters', positiveInt, DEFAULT_MAX_CHARS)
    .option('--json', 'print JSON even on a terminal')
    .addHelpText('after', HELP_AFTER)
    .action(async (text: string | undefined, options: DetectCliOptions) => {
      ctx.setExitCode(await runDetect(text, options, ctx));
    });
}

export async function runDetect(text: string | undefined, options: DetectCliOptions, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  if (text !== undefined && options.input !== undefined) {
    throw new BulwarkError('ERR_CONFIG_INVALID', 'give the text as an argument or with --input, not both');
  }
  const textField = parseFieldPath(options.textField);
  // The input is opened first so that a wrong path is reported before any detector work.
  const source =
    options.input === undefined || options.input === '-' ? io.stdin : await openInput(resolve(io.cwd, options.input));
  let config: DetectConfig;
  try {
    config = await buildDetectConfig(ctx.registry, options, io.cwd);
  } catch (e) {
    if (source !== io.stdin) source.destroy();
    throw e;
  }
  const maxLineBytes = options.maxChars * 4 + LINE_OVERHEAD_BYTES;

  if (options.input !== undefined) {
    const out = await openOutput(options.output, ctx).catch((e: unknown) => {
      if (source !== io.stdin) source.destroy();
      throw e;
    });
    const summary = await runBatch(config, source, out, { format: options.format, textField, maxChars: options.maxChars, maxLineBytes });
    await out.close();
    return outcomeExitCode(summary.flagged > 0, summary.failed > 0);
  }

  const json = options.json === true || options.output !== undefined || !io.stdoutIsTTY;
  let input: string;
  if (text !== undefined) {
    input = text;
  } else if (io.stdinIsTTY) {
    throw new BulwarkError('ERR_CONFIG_INVALID', 'no text: pass it as an argument, pipe it on stdin, or use --input');
  } else {
    const read = await readStdinText(io.stdin, options.maxChars * 4);
    if (read instanceof BulwarkError) return reportInputError(read, json, options, ctx);
    input = read;
  }
  if (input.length > options.maxChars) {
    const error = new BulwarkError('ERR_INPUT_TOO_LARGE', `text is ${input.length} characters, over the limit of ${options.maxChars}`);
    return reportInputError(error, json, options, ctx);
  }
  const outcome = await detectText(config, input);
  const out = await openOutput(options.output, ctx);
  await out.writeLine(json ? JSON.stringify(outcome) : formatOutcome(outcome, config.stage, config.detectors.length));
  await out.close();
  return outcomeExitCode(outcome.flagged, outcome.failures !== undefined);
}

async function reportInputError(error: BulwarkError, json: boolean, options: DetectCliOptions, ctx: CommandContext): Promise<number> {
  if (json) {
    const out = await openOutput(options.output, ctx);
    await out.writeLine(JSON.stringify({ error: { code: error.code, message: error.message } }));
    await out.close();
  } else {
    ctx.io.stderr.write(`bulwark: ${error.message} (${error.code})\n`);
  }
  return EXIT_FAILED;
}

/** The whole of stdin as text; an error value (not thrown) when it is too large or not UTF-8. */
async function readStdinText(stdin: Readable, maxBytes: number): Promise<string | BulwarkError> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += buf.length;
    // Leaving the loop destroys stdin: we stop reading instead of buffering what we would refuse anyway.
    if (size > maxBytes) return new BulwarkError('ERR_INPUT_TOO_LARGE', `stdin holds more than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size));
  } catch {
    return new BulwarkError('ERR_INPUT_INVALID_UTF8', 'stdin is not valid UTF-8');
  }
  // `echo text |` adds a newline that is not part of the text (and would shift nothing, but shows in evidence).
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

async function openInput(path: string): Promise<Readable> {
  try {
    return (await open(path, 'r')).createReadStream();
  } catch (e) {
    throw new BulwarkError('ERR_IO', `--input: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
}

async function openOutput(path: string | undefined, ctx: CommandContext): Promise<LineWriter> {
  if (path === undefined) return new LineWriter(ctx.io.stdout, false);
  const full = resolve(ctx.io.cwd, path);
  let stream: Writable;
  try {
    stream = (await open(full, 'w')).createWriteStream();
  } catch (e) {
    throw new BulwarkError('ERR_IO', `--output: cannot write ${full} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { cause: e });
  }
  return new LineWriter(stream, true);
}
