// Builds a PeerAdapter from a lazy loader: one-time init, version lookup, unsupported tasks and errors as verdicts.
import { readPackageVersion } from './package-version.js';
import type { PeerAdapter, PeerTask, PeerVerdict } from './types.js';

/** The per-call function a peer's loader returns once the package is imported and its checks are built. */
export type PeerRunner = (task: PeerTask, text: string) => PeerVerdict | Promise<PeerVerdict>;

export interface PeerSpec {
  /** npm package name; also where the version is read from. */
  name: string;
  /** The task → local check mapping that `run` honours; other tasks get an error verdict. */
  checks: Partial<Record<PeerTask, string>>;
  /** Imports the package (lazily, so listing the peers costs nothing) and builds its configured checks. */
  load(): Promise<PeerRunner>;
}

/** Wraps a spec into an adapter whose init() and run() never reject. */
export function definePeer(spec: PeerSpec): PeerAdapter {
  let ready: Promise<void> | undefined;
  let runner: PeerRunner | undefined;
  let loadError = 'not loaded';

  const init = (): Promise<void> => {
    ready ??= (async () => {
      adapter.version = await readPackageVersion(spec.name);
      try {
        runner = await spec.load();
      } catch (error) {
        loadError = describeError(error);
      }
    })();
    return ready;
  };

  const adapter: PeerAdapter = {
    name: spec.name,
    version: 'unknown',
    checks: Object.freeze({ ...spec.checks }),
    init,
    async run(task, text) {
      if (spec.checks[task] === undefined) return unsupportedTask(spec.name, task);
      await init();
      const call = runner;
      if (call === undefined) return { flagged: false, error: `${spec.name} failed to load: ${loadError}` };
      return runSafely(() => call(task, text));
    },
  };
  return adapter;
}

/** Runs `call`; a thrown error or rejection becomes `{ flagged: false, error }` for the benchmark to count apart. */
export async function runSafely(call: () => PeerVerdict | Promise<PeerVerdict>): Promise<PeerVerdict> {
  try {
    return await call();
  } catch (error) {
    return { flagged: false, error: describeError(error) };
  }
}

/** A short, single-line description of an unknown thrown value. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Peers' messages can be multi-line (zod issue dumps): keep the first line, capped, so reports stay tabular.
  const firstLine = message.split('\n', 1)[0] ?? '';
  return firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
}

/** The verdict for a task the adapter maps to no local check of its peer. */
export function unsupportedTask(peer: string, task: PeerTask): PeerVerdict {
  return { flagged: false, error: `${peer} has no local check for task '${task}'` };
}
