// Sets of code points as sorted, merged ranges: just enough algebra for the static ReDoS checker.

const MAX_CP = 0x10ffff;

export class CharSet {
  /** Flat [lo0, hi0, lo1, hi1, ...], inclusive, sorted and merged. */
  readonly ranges: readonly number[];
  /**
   * False when the set over-approximates what the regex accepts (Unicode properties, v-flag set
   * operations). The checker may use an inexact set where a superset is safe, never complement it.
   */
  readonly exact: boolean;

  private constructor(ranges: number[], exact: boolean) {
    this.ranges = ranges;
    this.exact = exact;
  }

  static readonly EMPTY = new CharSet([], true);
  static readonly ALL = new CharSet([0, MAX_CP], true);

  static of(pairs: readonly (readonly [number, number])[], exact = true): CharSet {
    const sorted = pairs.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
    const out: number[] = [];
    for (const [lo, hi] of sorted) {
      const n = out.length;
      if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
      else out.push(lo, hi);
    }
    return new CharSet(out, exact);
  }

  static char(cp: number): CharSet {
    return new CharSet([cp, cp], true);
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  pairs(): [number, number][] {
    const p: [number, number][] = [];
    for (let i = 0; i < this.ranges.length; i += 2) p.push([this.ranges[i]!, this.ranges[i + 1]!]);
    return p;
  }

  union(other: CharSet): CharSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return CharSet.of([...this.pairs(), ...other.pairs()], this.exact && other.exact);
  }

  /** Complement; an inexact set has no safe complement, so the result is then everything. */
  complement(): CharSet {
    if (!this.exact) return new CharSet([0, MAX_CP], false);
    const out: [number, number][] = [];
    let next = 0;
    for (const [lo, hi] of this.pairs()) {
      if (lo > next) out.push([next, lo - 1]);
      next = hi + 1;
    }
    if (next <= MAX_CP) out.push([next, MAX_CP]);
    return CharSet.of(out);
  }

  intersects(other: CharSet): boolean {
    const a = this.ranges;
    const b = other.ranges;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i + 1]! < b[j]!) i += 2;
      else if (b[j + 1]! < a[i]!) j += 2;
      else return true;
    }
    return false;
  }

  /** True when every code point of this set is in `other`. */
  within(other: CharSet): boolean {
    const b = other.ranges;
    for (let i = 0; i < this.ranges.length; i += 2) {
      const lo = this.ranges[i]!;
      const hi = this.ranges[i + 1]!;
      let covered = false;
      for (let j = 0; j < b.length; j += 2) {
        if (b[j]! <= lo && hi <= b[j + 1]!) {
          covered = true;
          break;
        }
      }
      if (!covered) return false;
    }
    return true;
  }

  /** Adds the simple case variants, as the `i` flag does (small ranges exactly, large ones with ASCII letters). */
  caseClosed(): CharSet {
    const extra: [number, number][] = [];
    let exact = this.exact;
    for (const [lo, hi] of this.pairs()) {
      if (hi - lo > 512) {
        extra.push([0x41, 0x5a], [0x61, 0x7a]);
        exact = false;
        continue;
      }
      for (let cp = lo; cp <= hi; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff) continue;
        const s = String.fromCodePoint(cp);
        for (const v of [s.toLowerCase(), s.toUpperCase()]) {
          const c = v.codePointAt(0)!;
          if (v.length === (c > 0xffff ? 2 : 1) && c !== cp) extra.push([c, c]);
        }
      }
    }
    return extra.length === 0 && exact === this.exact ? this : CharSet.of([...this.pairs(), ...extra], exact);
  }

  /** The body of a `[...]` class accepting this set (for a `u`-flag RegExp). */
  classSource(): string {
    const hex = (cp: number) => `\\u{${cp.toString(16)}}`;
    let s = '';
    for (const [lo, hi] of this.pairs()) s += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
    return s;
  }
}

const r = (lo: number, hi: number): [number, number] => [lo, hi];

export const DIGIT = CharSet.of([r(0x30, 0x39)]);
export const WORD = CharSet.of([r(0x30, 0x39), r(0x41, 0x5a), r(0x5f, 0x5f), r(0x61, 0x7a)]);
export const SPACE = CharSet.of([
  r(0x09, 0x0d),
  r(0x20, 0x20),
  r(0xa0, 0xa0),
  r(0x1680, 0x1680),
  r(0x2000, 0x200a),
  r(0x2028, 0x2029),
  r(0x202f, 0x202f),
  r(0x205f, 0x205f),
  r(0x3000, 0x3000),
  r(0xfeff, 0xfeff),
]);
export const LINE_TERMINATORS = CharSet.of([r(0x0a, 0x0a), r(0x0d, 0x0d), r(0x2028, 0x2029)]);
// Non-ASCII code points minus the white space ones: letters, digits and symbols never include those,
// and keeping them out lets `\p{L}+\s\p{L}+` pass the checker.
const NON_ASCII: [number, number][] = CharSet.of([r(0, 0x7f)]).union(SPACE).complement().pairs();
const ASCII_LETTERS: [number, number][] = [r(0x41, 0x5a), r(0x61, 0x7a)];
const ASCII_PUNCT: [number, number][] = [r(0x21, 0x2f), r(0x3a, 0x40), r(0x5b, 0x60), r(0x7b, 0x7e)];

/** A superset of `\p{name}`: ASCII members exactly where cheap, all non-ASCII code points otherwise. */
export function propertySet(name: string): CharSet {
  const value = name.includes('=') ? name.slice(name.indexOf('=') + 1) : name;
  const key = name.includes('=') ? name.slice(0, name.indexOf('=')) : '';
  if (key === 'Script' || key === 'sc' || key === 'Script_Extensions' || key === 'scx') {
    return CharSet.of(value === 'Latin' || value === 'Latn' ? [...ASCII_LETTERS, ...NON_ASCII] : NON_ASCII, false);
  }
  if (/^(?:L|Letter|Lu|Ll|Lt|Lm|Lo|LC|Cased_Letter|Uppercase_Letter|Lowercase_Letter|Alphabetic|Alpha|Uppercase|Lowercase|ID_Start|IDS)$/.test(value)) {
    return CharSet.of([...ASCII_LETTERS, ...NON_ASCII], false);
  }
  if (/^(?:N|Number|Nd|Decimal_Number|digit|Nl|No)$/.test(value)) return CharSet.of([r(0x30, 0x39), ...NON_ASCII], false);
  if (/^(?:P|Punctuation|punct|S|Symbol|Sm|Sc|Sk|So|Pc|Pd|Ps|Pe|Pi|Pf|Po)$/.test(value)) {
    return CharSet.of([...ASCII_PUNCT, ...NON_ASCII], false);
  }
  if (/^(?:Z|Separator|Zs|Space_Separator|White_Space|space)$/.test(value)) return SPACE.union(CharSet.char(0x85));
  if (/^(?:M|Mark|Combining_Mark|Mn|Mc|Me|Emoji_Modifier|Extended_Pictographic|Emoji_Presentation)$/.test(value)) {
    return CharSet.of(NON_ASCII, false);
  }
  return CharSet.of([r(0, MAX_CP)], false);
}
