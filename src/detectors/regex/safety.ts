// Static ReDoS checker for configured regexes: rejects exponential and cubic shapes, flags the patterns whose cost can be quadratic in the input.
//
// What it rejects (a backtracking engine such as V8's Irregexp can take exponential or high-polynomial
// time on these):
//   1. star height > 1 with ambiguity: inside a repeated group, an inner quantifier whose characters can
//      also be matched by what follows it (next item, or the group's next iteration): (a+)+, (\w+\s?)*,
//      (?:\d+|[a-z]+)*, (a?a)+;
//   2. an alternation inside a repeated group whose branches can start with the same character: (a|ab)+;
//   3. two unbounded quantifiers in one sequence over overlapping characters, with nothing in between that
//      must end the first one's run, when the match can still fail after them: \w+\w+x, .*a.*b, \d+\.?\d*%
//      (cubic time once the engine retries from every start position); also chains of bounded ones whose
//      choices multiply past 10,000 (\w{1,30}\w{1,30}\w{1,30}x);
//   4. a backreference inside a repeated group, or more than one backreference;
//   5. counted repetitions above 1000 (they inflate the compiled program);
//   6. patterns that can match the empty string (a mistake for a detector, and a match at every position).
// What it reports without rejecting: "quadratic" patterns, with an unbounded quantifier reachable from
// many start positions inside a long run of characters, when the match can still fail after it (\w+x
// on "aaaa…" costs n²/2 steps). A mandatory item before the loop that cannot occur inside the run
// (`sk-` before [A-Za-z0-9]+), a `^` anchor or a `\b` before word characters prevents this. For
// quadratic patterns the detector measures, at scan time, the runs of `runSet` (every character the
// pattern can consume): no attempt can outlive the run it starts in, so Σ run² bounds the work, times
// `weight`, the choices of bounded quantifiers sharing a run (.*\s{0,12}x tries 13 splits per position).
// Limits: character sets are over-approximated (Unicode properties, v-flag set operations, case folding
// outside ASCII), which errs toward rejecting; the checks look at first characters only, so some safe
// patterns are rejected, e.g. (ab|ac)+; lookbehind bodies are treated like lookahead bodies; and a
// sufficiently convoluted pattern may still escape rule 3 (rule 1 is the one that matters most).
import { CharSet, LINE_TERMINATORS, WORD } from './char-set.js';
import type { Node } from './parse.js';

/** Quantifiers allowing more repetitions than this count as "long" for rule 3. */
const LONG = 32;
/** Quantifiers allowing more repetitions than this can make a pattern quadratic (a chain of short ones multiplies). */
const SHORT = 8;
/** Rejects chains of bounded quantifiers that multiply to more ways than this. */
const MAX_WEIGHT = 10_000;
const MAX_COUNTED = 1000;
const WORD_FOLDED = WORD.union(CharSet.of([[0x17f, 0x17f], [0x212a, 0x212a]]));

export interface SafetyReport {
  /** Reasons to reject the pattern (empty when it is accepted). */
  problems: string[];
  /** True when scanning can cost time quadratic in the length of a run of `runSet` characters. */
  quadratic: boolean;
  /** Ways bounded quantifiers can split one run (product over the worst chain; 1 when none). */
  weight: number;
  /** Superset of the characters any match can consume. */
  runSet: CharSet;
}

type Repeat = Extract<Node, { t: 'repeat' }>;

class Analysis {
  private readonly nullableMemo = new Map<Node, boolean>();
  private readonly firstMemo = new Map<Node, CharSet>();
  private readonly charsMemo = new Map<Node, CharSet>();
  private readonly restNullable = new Map<Node, boolean>(); // rest of the pattern cannot fail
  readonly problems = new Set<string>();
  private quadratic = false;
  private weight = 1;

  constructor(
    private readonly tree: Node,
    private readonly backrefs: number,
  ) {}

  run(): SafetyReport {
    if (this.backrefs > 1) this.problems.add('more than one backreference');
    if (this.nullable(this.tree)) this.problems.add('pattern can match the empty string');
    this.markRest(this.tree, true);
    this.visit(this.tree, [], false);
    return { problems: [...this.problems], quadratic: this.quadratic, weight: this.weight, runSet: this.chars(this.tree) };
  }

  nullable(n: Node): boolean {
    let v = this.nullableMemo.get(n);
    if (v !== undefined) return v;
    switch (n.t) {
      case 'char':
        v = false;
        break;
      case 'seq':
        v = n.items.every((x) => this.nullable(x));
        break;
      case 'alt':
        v = n.alts.some((x) => this.nullable(x));
        break;
      case 'repeat':
        v = n.min === 0 || this.nullable(n.body);
        break;
      default:
        v = true;
    }
    this.nullableMemo.set(n, v);
    return v;
  }

  /** Characters a match of `n` can start with. */
  first(n: Node): CharSet {
    let v = this.firstMemo.get(n);
    if (v) return v;
    switch (n.t) {
      case 'char':
        v = n.set;
        break;
      case 'seq': {
        v = CharSet.EMPTY;
        for (const x of n.items) {
          v = v.union(this.first(x));
          if (!this.nullable(x)) break;
        }
        break;
      }
      case 'alt':
        v = n.alts.reduce((acc, x) => acc.union(this.first(x)), CharSet.EMPTY);
        break;
      case 'repeat':
        v = this.first(n.body);
        break;
      case 'backref':
        v = CharSet.ALL;
        break;
      default:
        v = CharSet.EMPTY;
    }
    this.firstMemo.set(n, v);
    return v;
  }

  /** Every character a match of `n` can consume. */
  chars(n: Node): CharSet {
    let v = this.charsMemo.get(n);
    if (v) return v;
    switch (n.t) {
      case 'char':
        v = n.set;
        break;
      case 'seq':
        v = n.items.reduce((acc, x) => acc.union(this.chars(x)), CharSet.EMPTY);
        break;
      case 'alt':
        v = n.alts.reduce((acc, x) => acc.union(this.chars(x)), CharSet.EMPTY);
        break;
      case 'repeat':
      case 'look':
        // A lookaround consumes nothing, but its body still runs over the text during an attempt.
        v = this.chars(n.body);
        break;
      case 'backref':
        v = CharSet.ALL;
        break;
      default:
        v = CharSet.EMPTY;
    }
    this.charsMemo.set(n, v);
    return v;
  }

  /** True when `n` matches the empty string wherever it is tried (assertions can fail, so they do not). */
  private cannotFail(n: Node): boolean {
    switch (n.t) {
      case 'empty':
        return true;
      case 'seq':
        return n.items.every((x) => this.cannotFail(x));
      case 'alt':
        return n.alts.some((x) => this.cannotFail(x));
      case 'repeat':
        return n.min === 0 || this.cannotFail(n.body);
      default:
        return false;
    }
  }

  /** Records, for every node, whether the rest of the pattern after it always succeeds (so no backtracking into it). */
  private markRest(n: Node, rest: boolean): void {
    this.restNullable.set(n, rest);
    if (n.t === 'seq') {
      let r = rest;
      for (let i = n.items.length - 1; i >= 0; i--) {
        this.markRest(n.items[i]!, r);
        r = r && this.cannotFail(n.items[i]!);
      }
    } else if (n.t === 'alt') for (const a of n.alts) this.markRest(a, rest);
    else if (n.t === 'repeat') this.markRest(n.body, rest);
    else if (n.t === 'look') this.markRest(n.body, true);
  }

  /** Walks the tree; `prefix` holds the mandatory items matched before `n`, `inLoop` whether a repeat encloses it. */
  private visit(n: Node, prefix: Node[], inLoop: boolean): void {
    switch (n.t) {
      case 'seq':
        this.checkChains(n.items);
        n.items.forEach((x, i) => this.visit(x, i === 0 ? prefix : [...prefix, ...n.items.slice(0, i)], inLoop));
        return;
      case 'alt':
        for (const a of n.alts) this.visit(a, prefix, inLoop);
        return;
      case 'look':
        this.visit(n.body, prefix, inLoop);
        return;
      case 'backref':
        if (inLoop) this.problems.add('backreference inside a repeated group');
        return;
      case 'repeat':
        this.checkRepeat(n, prefix);
        this.visit(n.body, prefix, inLoop || n.max > 1);
        return;
      default:
    }
  }

  private checkRepeat(n: Repeat, prefix: Node[]): void {
    if (n.min > MAX_COUNTED || (n.max !== Infinity && n.max > MAX_COUNTED)) {
      this.problems.add(`counted repetition ${n.src} above ${MAX_COUNTED}`);
    }
    if (n.max > 1) this.checkAmbiguity(n.body, this.first(n.body), n);
    if (n.max > SHORT && !this.restNullable.get(n)) {
      const set = this.chars(n.body);
      if (!prefix.some((p) => this.guards(p, set))) this.quadratic = true;
    }
  }

  /** Rules 1 and 2 inside the body of loop `outer`; `follow` = what can come after `n` within one pass. */
  private checkAmbiguity(n: Node, follow: CharSet, outer: Repeat): void {
    switch (n.t) {
      case 'seq': {
        let f = follow;
        for (let i = n.items.length - 1; i >= 0; i--) {
          const x = n.items[i]!;
          this.checkAmbiguity(x, f, outer);
          f = this.nullable(x) ? this.first(x).union(f) : this.first(x);
        }
        return;
      }
      case 'alt': {
        const firsts = n.alts.map((a) => this.first(a));
        for (let i = 0; i < firsts.length; i++) {
          for (let j = i + 1; j < firsts.length; j++) {
            if (firsts[i]!.intersects(firsts[j]!)) {
              this.problems.add(`alternation inside repeated ${outer.src} has branches that can start with the same character`);
            }
          }
        }
        for (const a of n.alts) this.checkAmbiguity(a, follow, outer);
        return;
      }
      case 'repeat':
        if (n.min < n.max && this.first(n.body).intersects(follow)) {
          this.problems.add(`nested quantifier ${n.src} inside repeated ${outer.src} can split the same text in many ways`);
        }
        this.checkAmbiguity(n.body, n.max > 1 ? this.first(n.body).union(follow) : follow, outer);
        return;
      default:
    }
  }

  /**
   * Rule 3 over one flat sequence, plus the branching weight. A chain starts at an item containing a
   * quantifier and runs on while the next items can start with characters the first one consumes (so
   * they can share one run of text). Two long quantifiers in a chain that can still fail afterwards
   * make the work cubic: rejected. Bounded ones multiply the ways to split a run: their product is
   * the chain's weight, which scales the scan-time work estimate (and is capped).
   */
  private checkChains(items: readonly Node[]): void {
    for (let i = 0; i < items.length; i++) {
      const head = this.loopsIn(items[i]!);
      if (head.length === 0) continue;
      const run = this.chars(items[i]!);
      const loops = [...head];
      for (let j = i + 1; j < items.length; j++) {
        const x = items[j]!;
        if (!this.nullable(x) && !this.first(x).intersects(run)) break;
        loops.push(...this.loopsIn(x));
      }
      const long = loops.filter((l) => l.max > LONG);
      const failing = long.length - (long.length > 0 && this.restNullable.get(long.at(-1)!) ? 1 : 0);
      if (failing >= 2) {
        this.problems.add(`quantifiers ${long[0]!.src} and ${long[1]!.src} can match the same characters one after the other`);
      }
      let weight = 1;
      for (const l of loops) if (l.max <= LONG) weight *= l.max - l.min + 1;
      if (weight > MAX_WEIGHT) this.problems.add(`quantifiers ${loops.map((l) => l.src).join(' ')} can split one run of text in too many ways`);
      this.weight = Math.max(this.weight, weight);
    }
  }

  /** Outermost quantifiers with a choice (min < max) inside `n`; what nests inside them is rules 1 and 2's business. */
  private loopsIn(n: Node): Repeat[] {
    switch (n.t) {
      case 'repeat':
        return n.min < n.max ? [n] : this.loopsIn(n.body);
      case 'seq':
        return n.items.flatMap((x) => this.loopsIn(x));
      case 'alt':
        return n.alts.flatMap((x) => this.loopsIn(x));
      case 'look':
        return this.loopsIn(n.body);
      default:
        return [];
    }
  }

  /** Whether mandatory item `p` before a loop over `set` stops matches from starting inside a run of `set`. */
  private guards(p: Node, set: CharSet): boolean {
    if (p.t === 'assert') {
      if (p.kind === 'start') return !p.multiline || !set.intersects(LINE_TERMINATORS);
      if (p.kind === 'word') return set.within(WORD_FOLDED);
      if (p.kind === 'nonword') return !set.intersects(WORD_FOLDED);
      return false;
    }
    return !this.nullable(p) && !this.first(p).intersects(set);
  }
}

export function analyseRegex(tree: Node, backrefs: number): SafetyReport {
  return new Analysis(tree, backrefs).run();
}
