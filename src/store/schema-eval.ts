// Tables of evaluation runs (Probe): runs, case results, baselines.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EvalTables {}
