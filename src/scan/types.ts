// The contract of Bulwark's model-file scanner: verdicts, findings, formats, limits and the format-scanner interface.
import type { Severity } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import type { ByteSource } from './source.js';
import type { ScanContext } from './context.js';

/**
 * What a file is judged to be. Order of precedence when findings disagree: malicious > error > suspicious > clean.
 * A file that could not be read to the end is never `clean`.
 */
export const VERDICTS = ['clean', 'suspicious', 'malicious', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What one finding makes of the file it is in; `info` findings never change the verdict. */
export type FindingVerdict = 'malicious' | 'suspicious' | 'error' | 'info';

/** Formats recognised by content sniffing (never by extension). */
export const SCAN_FORMATS = [
  'pickle',
  'pytorch-zip',
  'pytorch-legacy',
  'zip',
  'npz',
  'keras',
  '7z',
  'tar',
  'gzip',
  'bz2',
  'xz',
  'lzma',
  'zlib',
  'joblib',
  'numpy',
  'hdf5',
  'gguf',
  'safetensors',
  'onnx',
  'json',
  'unknown',
] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface ScanFinding {
  /** Stable rule id, e.g. `pickle.dangerous-global`, `zip.name-mismatch`, `scan.truncated`; see rules.ts. */
  rule: string;
  verdict: FindingVerdict;
  severity: Severity;
  /** One sentence for a human; never contains raw file bytes that could be terminal escapes (callers sanitise). */
  message: string;
  /** The Python global a pickle imports or calls, as `module.qualname` (e.g. `os.system`). */
  global?: string;
  /** A short excerpt (≤ 200 characters) of the offending template, config or string. */
  fragment?: string;
  /** Chain of members from the scanned file down to where the finding sits, joined with `!`: `model.pt!archive/data.pkl`. */
  member?: string;
  /** Byte offset inside the innermost member (or the file when there is no member). */
  offset?: number;
  /** 1-based line in a text file (a dependency manifest). */
  line?: number;
  tags: TaxonomyTags;
}

export interface FileScanResult {
  /** The path as given on the command line (or below a given folder). */
  path: string;
  format: ScanFormat;
  verdict: Verdict;
  findings: ScanFinding[];
  /** Size of the file on disk. */
  bytes: number;
  durationMs: number;
  /** SHA-256 of the file, hex; absent when hashing was skipped or failed. */
  sha256?: string;
}

export interface ScanSummary {
  files: number;
  clean: number;
  suspicious: number;
  malicious: number;
  error: number;
  bytes: number;
  durationMs: number;
}

/** Bounds on the work a hostile file can cause. Every scanner checks the ones that apply to it. */
export interface ScanLimits {
  /** Total bytes produced by decompression for one file, summed over all nested members. */
  maxDecompressedBytes: number;
  /** Containers inside containers (zip in gzip in tar …) and nested loaders (pickle bytes inside a pickle). */
  maxNestingDepth: number;
  /** Pickle memo entries. */
  maxMemoEntries: number;
  /** Pickle opcodes per stream. */
  maxOpcodes: number;
  /** Entries listed in one archive. */
  maxArchiveEntries: number;
  /** Bytes of JSON or text metadata parsed in one piece (safetensors header, GGUF strings, config.json). */
  maxMetadataBytes: number;
  /** Wall-clock budget per top-level file, in milliseconds. */
  timeBudgetMs: number;
}

export const DEFAULT_LIMITS: Readonly<ScanLimits> = Object.freeze({
  maxDecompressedBytes: 4 * 1024 ** 3,
  maxNestingDepth: 8,
  maxMemoEntries: 1_000_000,
  maxOpcodes: 200_000_000,
  maxArchiveEntries: 100_000,
  maxMetadataBytes: 64 * 1024 * 1024,
  timeBudgetMs: 120_000,
});

/**
 * One parser per format. `scan` reads what it needs from `src` (never the whole of a large file), reports findings
 * through `ctx.add`, hands embedded payloads to `ctx.scanNested`, and throws only `ScanAbort` (from ctx) or
 * BulwarkError `ERR_SCAN_*`; any other exception is a bug, which the scanner reports as an `error` finding.
 */
export interface FormatScanner {
  format: ScanFormat;
  scan(src: ByteSource, ctx: ScanContext): void | Promise<void>;
}
