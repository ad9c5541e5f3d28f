// Tables of evaluation runs (Probe): runs, case results, baselines. Timestamps are ISO 8601 UTC text, JSON is text,
// booleans are 0/1 integers: the same on SQLite and PostgreSQL.

export interface EvalRunsTable {
  id: string;
  suite: string;
  /** sha256 of the suite's canonical configuration: a resumed run must have the same. */
  config_hash: string;
  started_at: string;
  finished_at: string | null;
  /** running | finished | interrupted | failed. */
  status: string;
  /** JSON RunSummary, written when the run finishes (or is interrupted). */
  summary: string | null;
}

export interface EvalResultsTable {
  run_id: string;
  /** Order of writing within the run, from 0; (run_id, idx) is the key and the paging cursor. */
  idx: number;
  case_id: string;
  target: string;
  repeat: number;
  category: string;
  kind: string;
  outcome: string;
  /** 1 when the built-in refusal detector saw a refusal. */
  refused: number;
  /** JSON Verdict[]. */
  verdicts: string;
  /** JSON TargetResponse, its text cut to 4 KB. */
  response: string;
  started_at: string;
  duration_ms: number;
}

export interface EvalBaselinesTable {
  suite: string;
  run_id: string;
  set_at: string;
}

/** The opt-in response cache: a target's answer by the hash of (target, repeat, request). */
export interface EvalCacheTable {
  /** sha256 hex of the request (responseCacheKey). */
  key: string;
  /** JSON TargetResponse, its text cut to 4 KB. */
  response: string;
  created_at: string;
}

export interface EvalTables {
  eval_runs: EvalRunsTable;
  eval_results: EvalResultsTable;
  eval_baselines: EvalBaselinesTable;
  eval_cache: EvalCacheTable;
}
