// Overlap resolution: where matches overlap, the more specific entity wins, then the higher score, then the longer.
import type { PiiCandidate, PiiEntity } from './types.js';

// Checksummed or strictly shaped values first; names, the vaguest, last.
const PRIORITY: Readonly<Record<PiiEntity, number>> = {
  email: 9,
  credit_card: 9,
  iban: 9,
  us_ssn: 8,
  ip_address: 7,
  passport: 6,
  driver_license: 6,
  national_id: 6,
  date_of_birth: 6,
  phone: 5,
  street_address: 4,
  person: 3,
};

function better(a: PiiCandidate, b: PiiCandidate): number {
  return (
    PRIORITY[b.entity] - PRIORITY[a.entity] || b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start
  );
}

// Clusters larger than this (only hostile text chains so many overlapping matches) are resolved by a linear sweep.
const LARGE_CLUSTER = 64;

/** Left-to-right sweep: of two overlapping neighbours the better stays. O(n log n) for the sort, then linear. */
function sweep(cluster: PiiCandidate[], out: PiiCandidate[]): void {
  const kept: PiiCandidate[] = [];
  for (const c of cluster) {
    const last = kept[kept.length - 1];
    if (!last || c.start >= last.end) kept.push(c);
    else if (better(c, last) < 0 && (kept.length < 2 || c.start >= (kept[kept.length - 2] as PiiCandidate).end)) kept[kept.length - 1] = c;
  }
  out.push(...kept);
}

function pick(cluster: PiiCandidate[], out: PiiCandidate[]): void {
  if (cluster.length === 1) {
    out.push(cluster[0] as PiiCandidate);
    return;
  }
  if (cluster.length > LARGE_CLUSTER) {
    sweep(cluster, out);
    return;
  }
  const kept: PiiCandidate[] = [];
  // A "phone" inside a longer street address is its house and street numbers ("17031 2202 Rissik St").
  const inAddress = (c: PiiCandidate): boolean =>
    c.entity === 'phone' &&
    cluster.some((a) => a.entity === 'street_address' && a.start <= c.start && a.end >= c.end && a.end - a.start > c.end - c.start);
  for (const c of [...cluster].sort(better)) {
    if (inAddress(c)) continue;
    if (kept.every((k) => c.end <= k.start || c.start >= k.end)) kept.push(c);
  }
  out.push(...kept.sort((a, b) => a.start - b.start));
}

/** Non-overlapping candidates in text order. Work is linear apart from clusters of mutually overlapping matches. */
export function resolveOverlaps(candidates: readonly PiiCandidate[]): PiiCandidate[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: PiiCandidate[] = [];
  let cluster: PiiCandidate[] = [];
  let clusterEnd = -1;
  for (const c of sorted) {
    if (cluster.length > 0 && c.start >= clusterEnd) {
      pick(cluster, out);
      cluster = [];
    }
    cluster.push(c);
    clusterEnd = Math.max(clusterEnd, c.end);
  }
  if (cluster.length > 0) pick(cluster, out);
  return out;
}
