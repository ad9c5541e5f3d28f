// Scan results as security events: one event per scanned model file (kind `scan`), written to Bulwark's store and
// delivered to the sinks given on the command line or in the configuration, like the gateway's own events.
// Recording never changes a verdict: failures are collected and reported by the caller.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { createEvent, type Decision, type SecurityEvent } from '../core/event.js';
import type { Finding } from '../core/finding.js';
import { BULWARK_VERSION } from '../core/version.js';
import type { Sink } from '../monitor/types.js';
import type { Store } from '../store/db.js';
import type { FileScanResult, ScanFinding, Verdict } from './types.js';
import { isNonModelFile } from './verdict.js';

const DECISION: Readonly<Record<Verdict, Decision>> = { clean: 'allow', suspicious: 'flag', malicious: 'block', error: 'error' };

/** A scan finding in the shape every event consumer knows (detector `scan`, category = rule id). */
export function scanFindingToCore(f: ScanFinding): Finding {
  const out: Finding = {
    detector: 'scan',
    category: f.rule,
    score: f.verdict === 'malicious' || f.verdict === 'error' ? 1 : 0.5,
    severity: f.severity,
    tags: f.tags,
  };
  const evidence = f.global ?? f.fragment;
  if (evidence !== undefined) out.evidence = evidence;
  const metadata: Record<string, unknown> = { verdict: f.verdict, message: f.message };
  if (f.member !== undefined) metadata.member = f.member;
  if (f.offset !== undefined) metadata.offset = f.offset;
  out.metadata = metadata;
  return out;
}

export interface ScanEventOptions {
  /** Relative paths are recorded as absolute ones, resolved against this folder (an event outlives the cwd). */
  cwd?: string;
  time?: Date;
}

export function scanEvent(r: FileScanResult, options: ScanEventOptions = {}): SecurityEvent {
  const attributes: Record<string, unknown> = {
    path: options.cwd === undefined ? r.path : resolve(options.cwd, r.path),
    format: r.format,
    verdict: r.verdict,
    bytes: r.bytes,
    durationMs: r.durationMs,
  };
  if (r.sha256 !== undefined) attributes.sha256 = r.sha256;
  return createEvent({
    kind: 'scan',
    source: 'scan',
    decision: DECISION[r.verdict],
    findings: r.findings.map(scanFindingToCore),
    attributes,
    ...(options.time ? { time: options.time } : {}),
  });
}

export interface RecorderOptions {
  /** Store URL or path; default as every other command (BULWARK_DATABASE_URL, else $BULWARK_HOME/bulwark.db). */
  storeUrl?: string;
  /** Write no events to a store (sinks still get them). */
  noStore?: boolean;
  /** Sink URLs (`--sink`, and the `sinks` of a configuration file). */
  sinkUrls?: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Longest wait for one delivery to a sink; default 30 s. */
  sendTimeoutMs?: number;
}

/** What could not be recorded; empty when every event reached the store and every sink. */
export type RecordProblems = string[];

const SINK_BATCH = 100;

/**
 * Collects the events of one `bulwark scan` run: appended to the store as files finish, delivered to the sinks at
 * the end (one-shot: no outbox cursor is kept, so a running gateway's outbox may deliver the stored copies too).
 */
export class ScanEventRecorder {
  readonly #events: SecurityEvent[] = [];
  readonly #problems: string[] = [];
  #dropped = 0;

  private constructor(
    private readonly store: Store | undefined,
    private readonly sinks: readonly Sink[],
    private readonly options: RecorderOptions,
  ) {}

  /** Opens the store and the sinks. A failure is recorded as a problem (reported by close), never thrown. */
  static async open(options: RecorderOptions): Promise<ScanEventRecorder> {
    const problems: string[] = [];
    let store: Store | undefined;
    if (!options.noStore) {
      try {
        const { openStore } = await import('../store/db.js');
        store = await openStore({ ...(options.storeUrl === undefined ? {} : { url: options.storeUrl }), cwd: options.cwd, keys: { refreshIntervalMs: 0 }, ...(options.env ? { env: options.env } : {}) });
      } catch (e) {
        problems.push(`the store could not be opened, no scan events were written to it: ${messageOf(e)}`);
      }
    }
    const sinks: Sink[] = [];
    if (options.sinkUrls && options.sinkUrls.length > 0) {
      const { createSink, parseSinkUrl } = await import('../monitor/sinks/index.js');
      const ctx = { productVersion: BULWARK_VERSION, hostname: hostname() };
      for (const [i, url] of options.sinkUrls.entries()) {
        try {
          sinks.push(await createSink(parseSinkUrl(url, options.env ?? process.env), ctx));
        } catch (e) {
          problems.push(`sink ${i + 1}: ${messageOf(e)}`);
        }
      }
    }
    const recorder = new ScanEventRecorder(store, sinks, options);
    recorder.#problems.push(...problems);
    return recorder;
  }

  /** Records the result of one file (files that are no model files make no event). */
  record(r: FileScanResult): void {
    if (isNonModelFile(r)) return;
    const event = scanEvent(r, { cwd: this.options.cwd });
    if (this.sinks.length > 0) this.#events.push(event);
    if (this.store && !this.store.events.append(event)) this.#dropped++;
  }

  /** Delivers to the sinks, closes them and the store; resolves to what went wrong (empty: nothing). */
  async close(): Promise<RecordProblems> {
    for (const sink of this.sinks) {
      for (let i = 0; i < this.#events.length; i += SINK_BATCH) {
        const batch = this.#events.slice(i, i + SINK_BATCH).map((event, j) => ({ seq: i + j + 1, event }));
        try {
          await sink.send(batch, AbortSignal.timeout(this.options.sendTimeoutMs ?? 30_000));
        } catch (e) {
          this.#problems.push(`sink ${sink.id}: ${this.#events.length - i} scan events not delivered: ${messageOf(e)}`);
          break;
        }
      }
      await sink.close().catch((e: unknown) => this.#problems.push(`sink ${sink.id}: ${messageOf(e)}`));
    }
    if (this.#dropped > 0) this.#problems.push(`${this.#dropped} scan events were dropped (the store's buffer was full)`);
    if (this.store) {
      try {
        await this.store.close();
      } catch (e) {
        this.#problems.push(`scan events could not be written to the store: ${messageOf(e)}`);
      }
    }
    return [...this.#problems];
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
