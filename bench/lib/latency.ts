// Latency measurement on one core: per-call wall time of a function over many messages, as percentiles.

export interface LatencyStats {
  calls: number;
  /** Wall-clock time per call. */
  p50Us: number;
  p99Us: number;
  meanUs: number;
  /**
   * CPU time of this process per call (user + system), less sensitive than wall time to other processes on a
   * shared machine; includes the process's own GC threads.
   */
  cpuP50Us: number;
  cpuMeanUs: number;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Times `fn` on each message `rounds` times after a warm-up; async functions are awaited. */
export async function measure(messages: readonly string[], fn: (text: string) => unknown, rounds = 5): Promise<LatencyStats> {
  for (const m of messages.slice(0, 200)) await fn(m);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const m of messages) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const res = fn(m);
      if (res instanceof Promise) await res;
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu.push(c.user + c.system);
    }
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { calls: times.length, p50Us: percentile(times, 0.5), p99Us: percentile(times, 0.99), meanUs: mean(times), cpuP50Us: percentile(cpu, 0.5), cpuMeanUs: mean(cpu) };
}

/** Messages of exactly `size` characters built by concatenating benign texts. */
export function sizedMessages(texts: readonly string[], size: number, count: number): string[] {
  const out: string[] = [];
  let k = 0;
  while (out.length < count && texts.length > 0) {
    let m = '';
    while (m.length < size) m += `${texts[k++ % texts.length]} `;
    out.push(m.slice(0, size));
  }
  return out;
}
