// The pickle memo, keyed like CPython's: MEMOIZE stores under len(memo), PUT under any non-negative integer.
import type { Value } from './pickle-values.js';

/** Memo keys below this live in an array (MEMOIZE and BINPUT count up from 0); others in a map. */
const DENSE_KEYS = 1 << 22;

/** The memo: a dense array for the keys picklers use, a map for the rest; `size` counts entries like len(memo). */
export class Memo {
  private readonly dense: Value[] = [];
  private readonly sparse = new Map<number, Value>();
  size = 0;

  set(key: number, v: Value): void {
    if (key < DENSE_KEYS && key <= this.dense.length) {
      // the array only grows at its end, so it has no holes; a key stored sparse before moves in here
      if (key === this.dense.length) {
        if (!this.sparse.delete(key)) this.size++;
        this.dense.push(v);
      } else {
        this.dense[key] = v;
      }
      return;
    }
    if (!this.sparse.has(key)) this.size++;
    this.sparse.set(key, v);
  }

  get(key: number): Value | undefined {
    return key < this.dense.length ? this.dense[key] : this.sparse.get(key);
  }

  copy(): Memo {
    const m = new Memo();
    for (let i = 0; i < this.dense.length; i++) m.set(i, this.dense[i]!);
    for (const [k, v] of this.sparse) m.set(k, v);
    return m;
  }
}
