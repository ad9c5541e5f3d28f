// A small parser for Unicode-mode JavaScript regex syntax, producing the tree the ReDoS checker walks.
//
// It only ever sees patterns that already compiled with the `u` or `v` flag, so it does not report
// syntax errors; anything it does not model precisely becomes a conservative over-approximation
// (a larger character set, an "any" backreference).
import { CharSet, DIGIT, LINE_TERMINATORS, SPACE, WORD, propertySet } from './char-set.js';

export type Node =
  | { t: 'empty' }
  | { t: 'char'; set: CharSet }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'look'; body: Node; behind: boolean }
  | { t: 'assert'; kind: 'start' | 'end' | 'word' | 'nonword'; multiline: boolean }
  | { t: 'backref' }
  | { t: 'repeat'; body: Node; min: number; max: number; src: string };

export interface Flags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
  unicodeSets: boolean;
}

const SYNTAX_ESCAPES = new Set('^$\\.*+?()[]{}|/-'.split(''));
const CONTROL_ESCAPES = new Map<string, number>(Object.entries({ t: 9, n: 10, v: 11, f: 12, r: 13, '0': 0 }));

export class RegexParser {
  private i = 0;
  private ignoreCase: boolean;
  /** Number of backreferences seen (the checker limits them). */
  backrefs = 0;

  constructor(
    private readonly src: string,
    private readonly flags: Flags,
  ) {
    this.ignoreCase = flags.ignoreCase;
  }

  parse(): Node {
    const n = this.alternation();
    return n;
  }

  private peek(k = 0): string {
    return this.src[this.i + k] ?? '';
  }

  private alternation(): Node {
    const alts = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const start = this.i;
      const node = this.quantified(this.atom(), start);
      // Unquantified groups are spliced in: the checker reasons about flat sequences.
      if (node.t === 'seq') items.push(...node.items);
      else if (node.t !== 'empty') items.push(node);
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private quantified(atom: Node, start: number): Node {
    let min: number;
    let max: number;
    const c = this.peek();
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i, this.i + 24));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.peek() === '?') this.i++;
    return { t: 'repeat', body: atom, min, max, src: this.src.slice(start, this.i) };
  }

  private atom(): Node {
    const c = this.peek();
    if (c === '(') return this.group();
    if (c === '[') return { t: 'char', set: this.classSet() };
    this.i++;
    if (c === '.') return { t: 'char', set: this.flags.dotAll ? CharSet.ALL : LINE_TERMINATORS.complement() };
    if (c === '^') return { t: 'assert', kind: 'start', multiline: this.flags.multiline };
    if (c === '$') return { t: 'assert', kind: 'end', multiline: this.flags.multiline };
    if (c === '\\') return this.atomEscape();
    this.i--;
    return { t: 'char', set: this.fold(CharSet.char(this.codePoint())) };
  }

  /** Moves past the next `ch` (or to the end: never backwards, so parsing always terminates). */
  private skipPast(ch: string): void {
    const at = this.src.indexOf(ch, this.i);
    this.i = at < 0 ? this.src.length : at + 1;
  }

  private codePoint(): number {
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private fold(set: CharSet): CharSet {
    return this.ignoreCase ? set.caseClosed() : set;
  }

  private group(): Node {
    this.i++; // (
    let look: { behind: boolean } | undefined;
    const saved = this.ignoreCase;
    if (this.peek() === '?') {
      const rest = this.src.slice(this.i, this.i + 4);
      if (rest.startsWith('?:')) this.i += 2;
      else if (rest.startsWith('?=') || rest.startsWith('?!')) {
        look = { behind: false };
        this.i += 2;
      } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
        look = { behind: true };
        this.i += 3;
      } else if (rest.startsWith('?<')) {
        this.skipPast('>');
      } else {
        // Modifiers such as (?i:...) or (?-i:...).
        const m = /^\?([a-z]*)(?:-([a-z]*))?:/.exec(this.src.slice(this.i, this.i + 12));
        if (m) {
          if (m[1]!.includes('i')) this.ignoreCase = true;
          if (m[2]?.includes('i')) this.ignoreCase = false;
          this.i += m[0].length;
        }
      }
    }
    const body = this.alternation();
    this.ignoreCase = saved;
    if (this.peek() === ')') this.i++;
    return look ? { t: 'look', body, behind: look.behind } : body;
  }

  private atomEscape(): Node {
    const c = this.peek();
    const set = this.classEscape();
    if (set) return { t: 'char', set };
    if (c === 'b' || c === 'B') {
      this.i++;
      return { t: 'assert', kind: c === 'b' ? 'word' : 'nonword', multiline: false };
    }
    if (/[1-9]/.test(c)) {
      while (/[0-9]/.test(this.peek())) this.i++;
      this.backrefs++;
      return { t: 'backref' };
    }
    if (c === 'k' && this.peek(1) === '<') {
      this.skipPast('>');
      this.backrefs++;
      return { t: 'backref' };
    }
    return { t: 'char', set: this.fold(CharSet.char(this.characterEscape())) };
  }

  /** \d \w \s and friends, \p{..}; undefined when the escape is not a set. */
  private classEscape(): CharSet | undefined {
    const c = this.peek();
    let set: CharSet | undefined;
    if (c === 'd') set = DIGIT;
    else if (c === 'D') set = DIGIT.complement();
    else if (c === 'w') set = this.ignoreCase ? WORD.union(CharSet.of([[0x17f, 0x17f], [0x212a, 0x212a]])) : WORD;
    else if (c === 'W') set = WORD.complement();
    else if (c === 's') set = SPACE;
    else if (c === 'S') set = SPACE.complement();
    else if ((c === 'p' || c === 'P') && this.peek(1) === '{') {
      const from = this.i + 2;
      this.skipPast('}');
      const name = this.src.slice(from, this.i - 1);
      // \P{..} would need the complement of an over-approximation: use everything instead.
      return c === 'p' ? propertySet(name) : CharSet.of([[0, 0x10ffff]], false);
    }
    if (set) this.i++;
    return set;
  }

  /** One escaped character (after the backslash); returns its code point. */
  private characterEscape(): number {
    const c = this.peek();
    this.i++;
    const control = CONTROL_ESCAPES.get(c);
    if (control !== undefined && !(c === '0' && /[0-9]/.test(this.peek()))) return control;
    if (c === 'c') return this.src.charCodeAt(this.i++) % 32;
    if (c === 'x') {
      const v = parseInt(this.src.slice(this.i, this.i + 2), 16);
      this.i += 2;
      return v;
    }
    if (c === 'u') {
      if (this.peek() === '{') {
        const from = this.i + 1;
        this.skipPast('}');
        return parseInt(this.src.slice(from, this.i - 1), 16) || 0;
      }
      const hi = parseInt(this.src.slice(this.i, this.i + 4), 16);
      this.i += 4;
      if (hi >= 0xd800 && hi <= 0xdbff && this.src.startsWith('\\u', this.i)) {
        const lo = parseInt(this.src.slice(this.i + 2, this.i + 6), 16);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          this.i += 6;
          return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        }
      }
      return hi;
    }
    if (SYNTAX_ESCAPES.has(c)) return c.charCodeAt(0);
    this.i--;
    return this.codePoint();
  }

  /** A bracketed class. With the `v` flag, nested classes and set operations become their union (a superset). */
  private classSet(): CharSet {
    this.i++; // [
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.i++;
    }
    let set = CharSet.EMPTY;
    let approximate = false;
    while (this.i < this.src.length && this.peek() !== ']') {
      if (this.flags.unicodeSets) {
        if (this.peek() === '[') {
          set = set.union(this.classSet());
          continue;
        }
        if (this.src.startsWith('&&', this.i) || this.src.startsWith('--', this.i)) {
          approximate = true;
          this.i += 2;
          continue;
        }
        if (this.src.startsWith('\\q{', this.i)) {
          this.skipPast('}');
          set = set.union(CharSet.of([[0, 0x10ffff]], false));
          continue;
        }
      }
      const lo = this.classAtom();
      if (lo instanceof CharSet) {
        set = set.union(lo);
        continue;
      }
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '' && !this.src.startsWith('--', this.i)) {
        this.i++;
        const hi = this.classAtom();
        if (hi instanceof CharSet) set = set.union(hi).union(CharSet.char(lo)).union(CharSet.char(0x2d));
        else set = set.union(CharSet.of([[lo, hi]]));
        continue;
      }
      set = set.union(CharSet.char(lo));
    }
    this.i++; // ]
    if (approximate) set = CharSet.of(set.pairs(), false);
    return negate ? this.fold(set).complement() : set;
  }

  private classAtom(): number | CharSet {
    if (this.peek() !== '\\') return this.codePoint();
    this.i++;
    const set = this.classEscape();
    if (set) return set;
    if (this.peek() === 'b') {
      this.i++;
      return 8;
    }
    return this.characterEscape();
  }
}

export function parseRegex(source: string, flags: Flags): { tree: Node; backrefs: number } {
  const p = new RegexParser(source, flags);
  const tree = p.parse();
  return { tree, backrefs: p.backrefs };
}
