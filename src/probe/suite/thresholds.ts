// The suite's thresholds applied to per-category results: the gates whose failure makes `bulwark eval run` exit 1.
import type { CategorySummary, Interval, RunSummary } from '../types.js';
import type { Thresholds } from './schema.js';

type RateByCategory = number | Record<string, number>;
export type Gate = RunSummary['gates'][number];

/**
 * The limit for `category`: a plain number applies to all; in a map the exact category wins, then the longest
 * group prefix (`jailbreak` for `jailbreak/role-play`), then `default`; undefined when nothing applies.
 */
export function thresholdFor(spec: RateByCategory | undefined, category: string): number | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'number') return spec;
  if (Object.hasOwn(spec, category)) return spec[category];
  let best: string | undefined;
  for (const key of Object.keys(spec)) {
    if (key === 'default') continue;
    const group = key.endsWith('/*') ? key.slice(0, -2) : key;
    if (category.startsWith(`${group}/`) && (best === undefined || group.length > best.length)) best = key;
  }
  if (best !== undefined) return spec[best];
  return Object.hasOwn(spec, 'default') ? spec.default : undefined;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const ci = (i: Interval): string => `${pct(i.rate)} [${pct(i.low)}–${pct(i.high)}], n=${i.n}`;

/**
 * One gate per category a threshold applies to. A gate over no scored case fails: a run whose attacks all errored
 * must not look safe.
 */
export function computeGates(thresholds: Thresholds | undefined, categories: readonly CategorySummary[]): Gate[] {
  if (!thresholds) return [];
  const gates: Gate[] = [];
  const sorted = [...categories].sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  for (const c of sorted) {
    const asrMax = c.kind === 'attack' ? thresholdFor(thresholds.maxAttackSuccess, c.category) : undefined;
    if (asrMax !== undefined) gates.push(maxGate(`attack success ${c.category}`, c.attackSuccess, asrMax));
    const refusalMax = c.kind === 'control' ? thresholdFor(thresholds.maxOverRefusal, c.category) : undefined;
    if (refusalMax !== undefined) gates.push(maxGate(`over-refusal ${c.category}`, c.refusal, refusalMax));
    const passMin = c.kind === 'quality' ? thresholdFor(thresholds.minQualityPass, c.category) : undefined;
    if (passMin !== undefined) {
      const scored = c.pass + c.fail;
      const rate = scored === 0 ? undefined : c.pass / scored;
      gates.push({
        name: `quality ${c.category}`,
        ok: rate !== undefined && rate >= passMin,
        detail: rate === undefined ? 'no scored case' : `pass rate ${pct(rate)} (n=${scored}) ≥ ${pct(passMin)} required`,
      });
    }
    const errorMax = thresholdFor(thresholds.maxErrorRate, c.category);
    if (errorMax !== undefined) {
      const rate = c.total === 0 ? 1 : c.error / c.total;
      gates.push({ name: `errors ${c.category}`, ok: c.total > 0 && rate <= errorMax, detail: `${c.error}/${c.total} errored (${pct(rate)}), at most ${pct(errorMax)} allowed` });
    }
  }
  return gates;
}

function maxGate(name: string, interval: Interval | undefined, max: number): Gate {
  if (!interval || interval.n === 0) return { name, ok: false, detail: `no scored case (limit ${pct(max)})` };
  return { name, ok: interval.rate <= max, detail: `${ci(interval)}; limit ${pct(max)}` };
}
