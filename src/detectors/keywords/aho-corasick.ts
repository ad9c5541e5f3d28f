// Aho-Corasick automaton over UTF-16 code units: every occurrence of many keys in one linear pass.
//
// Layout: the root has a dense 65536-entry goto table (most steps from the root miss, so this is the
// hot lookup); every other state keeps its children sorted in one flat CSR array (child units +
// targets, searched linearly when small, binary otherwise). Failure links are computed breadth-first;
// `dict` links skip to the next state on the failure chain that ends a key, so reporting costs one
// step per reported match. Scanning is O(text length + matches) whatever the number of keys.

/** Called per occurrence; returning true stops the scan. */
export type MatchCallback = (key: number, end: number) => boolean | void;

export class AhoCorasick {
  /** Length in code units of each key, indexed like the constructor's `keys`. */
  readonly keyLengths: Int32Array;
  private readonly rootGoto: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childUnits: Uint16Array;
  private readonly childTargets: Int32Array;
  private readonly fail: Int32Array;
  private readonly output: Int32Array;
  private readonly dict: Int32Array;

  /** Keys must be non-empty; duplicates are allowed (the last index wins for that state). */
  constructor(keys: readonly string[]) {
    // Build the trie with per-state child maps; compacted into flat arrays below.
    const children: Map<number, number>[] = [new Map()];
    const outputs: number[] = [-1];
    this.keyLengths = new Int32Array(keys.length);
    keys.forEach((key, k) => {
      if (key.length === 0) throw new TypeError('AhoCorasick: keys must be non-empty');
      this.keyLengths[k] = key.length;
      let s = 0;
      for (let i = 0; i < key.length; i++) {
        const u = key.charCodeAt(i);
        const map = children[s]!;
        let next = map.get(u);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          outputs.push(-1);
          map.set(u, next);
        }
        s = next;
      }
      outputs[s] = k;
    });

    const n = children.length;
    this.output = Int32Array.from(outputs);
    this.childStart = new Int32Array(n + 1);
    let total = 0;
    for (let s = 0; s < n; s++) {
      this.childStart[s] = total;
      if (s !== 0) total += children[s]!.size;
    }
    this.childStart[n] = total;
    this.childUnits = new Uint16Array(total);
    this.childTargets = new Int32Array(total);
    for (let s = 1; s < n; s++) {
      const sorted = [...children[s]!.entries()].sort((a, b) => a[0] - b[0]);
      let at = this.childStart[s]!;
      for (const [u, t] of sorted) {
        this.childUnits[at] = u;
        this.childTargets[at++] = t;
      }
    }
    this.rootGoto = new Int32Array(65536);
    for (const [u, t] of children[0]!) this.rootGoto[u] = t;

    // Breadth-first failure and dictionary links.
    this.fail = new Int32Array(n);
    this.dict = new Int32Array(n).fill(-1);
    const queue = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (const t of children[0]!.values()) queue[tail++] = t;
    while (head < tail) {
      const s = queue[head++]!;
      for (const [u, t] of children[s]!) {
        let f = this.fail[s]!;
        while (f !== 0 && this.child(f, u) < 0) f = this.fail[f]!;
        const g = f === 0 ? this.rootGoto[u]! : this.child(f, u);
        this.fail[t] = g > 0 && g !== t ? g : 0;
        const ft = this.fail[t]!;
        this.dict[t] = this.output[ft]! >= 0 ? ft : this.dict[ft]!;
        queue[tail++] = t;
      }
    }
  }

  get stateCount(): number {
    return this.fail.length;
  }

  /**
   * Reports every key occurrence in `units[0..length)` as (key index, end offset exclusive),
   * ordered by end offset.
   */
  scan(units: Uint16Array, length: number, onMatch: MatchCallback): void {
    const { rootGoto, fail, output, dict } = this;
    let s = 0;
    for (let i = 0; i < length; i++) {
      const u = units[i]!;
      for (;;) {
        if (s === 0) {
          s = rootGoto[u]!;
          break;
        }
        const t = this.child(s, u);
        if (t >= 0) {
          s = t;
          break;
        }
        s = fail[s]!;
      }
      if (s === 0) continue;
      let r = output[s]! >= 0 ? s : dict[s]!;
      while (r >= 0) {
        if (onMatch(output[r]!, i + 1) === true) return;
        r = dict[r]!;
      }
    }
  }

  private child(s: number, u: number): number {
    const lo0 = this.childStart[s]!;
    const hi0 = this.childStart[s + 1]!;
    const units = this.childUnits;
    if (hi0 - lo0 <= 8) {
      for (let i = lo0; i < hi0; i++) if (units[i] === u) return this.childTargets[i]!;
      return -1;
    }
    let lo = lo0;
    let hi = hi0 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = units[mid]!;
      if (v === u) return this.childTargets[mid]!;
      if (v < u) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
