// Labelled prom-client children without prom-client's per-call cost: its labelled inc()/observe() validate the
// labels and hash them into a string on every call (about a microsecond each, several per request). Our label
// values are fixed when the child is made, so the first call goes through prom-client (which creates the series
// and checks everything) and later calls update that same series record directly. The exposition is prom-client's
// own, byte for byte; if the series record is replaced (a reset), the next call takes the slow path again.
import type { Counter, Histogram } from 'prom-client';

type Labels = Record<string, string>;
interface CounterRecord {
  value: number;
  labels: Labels;
}
interface HistogramRecord {
  labels: Labels;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}
/** prom-client keeps every series in `hashMap`, keyed by a hash of its labels; the record holds our labels object. */
type WithSeries<R> = { hashMap: Record<string, R | undefined> };

function findKey<R extends { labels: Labels }>(map: Record<string, R | undefined>, labels: Labels): string | undefined {
  for (const key of Object.keys(map)) if (map[key]?.labels === labels) return key;
  return undefined;
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  const labels: Labels = {};
  for (let i = 0; i < names.length; i++) labels[names[i]!] = values[i]!;
  return labels;
}

/** A counter series with fixed label values. */
export class FastCounterChild {
  readonly #metric: Counter & WithSeries<CounterRecord>;
  readonly #labels: Labels;
  #key: string | undefined;

  constructor(metric: Counter, labelNames: readonly string[], values: readonly string[]) {
    this.#metric = metric as Counter & WithSeries<CounterRecord>;
    this.#labels = labelsOf(labelNames, values);
  }

  inc(value = 1): void {
    const record = this.#key === undefined ? undefined : this.#metric.hashMap[this.#key];
    // The fast path only for what prom-client would accept silently; anything else gets its checks and errors.
    if (record !== undefined && record.labels === this.#labels && Number.isFinite(value) && value >= 0) {
      record.value += value;
      return;
    }
    this.#metric.inc(this.#labels, value);
    this.#key = findKey(this.#metric.hashMap, this.#labels);
  }
}

/** A histogram series with fixed label values. */
export class FastHistogramChild {
  readonly #metric: Histogram & WithSeries<HistogramRecord>;
  readonly #labels: Labels;
  readonly #bounds: readonly number[];
  /** The bounds as prom-client's property names, so no number is turned into a string per observation. */
  readonly #names: readonly string[];
  #key: string | undefined;

  constructor(metric: Histogram, labelNames: readonly string[], values: readonly string[], buckets: readonly number[]) {
    this.#metric = metric as Histogram & WithSeries<HistogramRecord>;
    this.#labels = labelsOf(labelNames, values);
    this.#bounds = buckets;
    this.#names = buckets.map(String);
  }

  observe(value: number): void {
    const record = this.#key === undefined ? undefined : this.#metric.hashMap[this.#key];
    if (record !== undefined && record.labels === this.#labels && Number.isFinite(value)) {
      // As prom-client: the first bound the value fits under; above the last one only sum and count (+Inf) move.
      const bounds = this.#bounds;
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]!) {
          const name = this.#names[i]!;
          record.bucketValues[name] = (record.bucketValues[name] ?? 0) + 1;
          break;
        }
      }
      record.sum += value;
      record.count += 1;
      return;
    }
    this.#metric.observe(this.#labels, value);
    this.#key = findKey(this.#metric.hashMap, this.#labels);
  }
}
