// Tables of the event outbox (per-sink delivery cursors, dead letters).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OutboxTables {}
