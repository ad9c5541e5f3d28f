// Shared types of the peer adapters: the tasks a peer can be measured on and the verdict each call returns.

/** The detection tasks the benchmark measures; a peer implements only some of them. */
export type PeerTask = 'prompt-injection' | 'harmful-request' | 'toxicity' | 'pii' | 'secrets';

/** Every task, in a stable order, for loops in the benchmark and the smoke script. */
export const PEER_TASKS: readonly PeerTask[] = ['prompt-injection', 'harmful-request', 'toxicity', 'pii', 'secrets'];

/**
 * One decision of a peer on one text.
 * `flagged` is the peer's own decision under its configured threshold.
 * `score` is a risk in 0..1 (higher = more suspicious), present only when the peer exposes a graded value;
 * each adapter documents how it derives it from the peer's native output.
 * `error` is set when the peer threw or refused the input; `flagged` is then false and must not be counted as a
 * negative by the benchmark.
 */
export interface PeerVerdict {
  flagged: boolean;
  score?: number;
  error?: string;
}

/** A local (no network, no LLM) peer guardrail library wrapped for the benchmark. */
export interface PeerAdapter {
  /** npm package name. */
  name: string;
  /** Installed version, read from the package's package.json by init(); 'unknown' until then. */
  version: string;
  /** Which local check of the peer implements each task; a task absent here is not offered by the peer locally. */
  checks: Partial<Record<PeerTask, string>>;
  /** Loads the package and builds its checks; safe to call more than once; never rejects. */
  init?(): Promise<void>;
  /** Runs the check mapped to `task` on `text`; never rejects (errors come back in `error`). */
  run(task: PeerTask, text: string): Promise<PeerVerdict>;
}
