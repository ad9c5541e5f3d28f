// A one-line progress bar for terminals: redrawn at most every `intervalMs`, silent when the stream is not a TTY
// (CI logs and pipes get nothing but the final report).

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** Records progress; draws when the throttle allows (always for the last item). */
  update(done: number, total: number): void;
  /** Draws the final state and ends the line (only if anything was drawn). */
  finish(): void;
}

export interface ProgressOptions {
  label?: string;
  /** Least time between redraws; default 100 ms. */
  intervalMs?: number;
  /** Clock in ms, for tests; default performance.now. */
  now?: () => number;
}

const NOOP: ProgressBar = { update: () => undefined, finish: () => undefined };

export function createProgressBar(stream: ProgressStream, options: ProgressOptions = {}): ProgressBar {
  if (stream.isTTY !== true) return NOOP;
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  const label = options.label ?? 'probe';
  const start = now();
  let lastDraw = -Infinity;
  let drawn = false;
  let state = { done: 0, total: 0 };

  const draw = (): void => {
    lastDraw = now();
    drawn = true;
    stream.write(`\r\x1b[2K${renderProgress(label, state.done, state.total, lastDraw - start, stream.columns ?? 80)}`);
  };

  return {
    update(done, total) {
      state = { done, total };
      if (done >= total || now() - lastDraw >= interval) draw();
    },
    finish() {
      if (!drawn) return;
      draw();
      stream.write('\n');
    },
  };
}

/** `label [#####-----]  50% 2500/5000 120/s ETA 21s`, fitted to `columns`. */
export function renderProgress(label: string, done: number, total: number, elapsedMs: number, columns: number): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 && done < total ? ` ETA ${formatSeconds((total - done) / rate)}` : '';
  const tail = ` ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total}${rate > 0 ? ` ${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s` : ''}${eta}`;
  const width = Math.max(0, Math.min(30, columns - label.length - tail.length - 4));
  const filled = Math.round(ratio * width);
  const bar = width > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]` : '';
  return `${label}${bar}${tail}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
