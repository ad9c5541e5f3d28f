// Label hygiene for the Prometheus registry: bounded label values (hostile input cannot grow the series count) and
// a cache of labelled children so the hot path does not build a label object per observation.

/** The value every label collapses to once its budget is spent (or when the input is not allowed). */
export const OTHER = 'other';

// Control characters are legal in exposition label values but break line-oriented readers of the text.
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;

/**
 * Admits at most `max` distinct values of at most `maxLength` characters; anything else reads as "other".
 * A value admitted once stays admitted, so a series never changes label mid-life. Control characters in an
 * admitted value become U+FFFD (once, on admission).
 */
export class BoundedValues {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly max: number,
    private readonly maxLength = 128,
  ) {}

  get(value: string | undefined): string {
    if (value === undefined || value === '') return OTHER;
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    if (value.length > this.maxLength || this.seen.size >= this.max) return OTHER;
    const label = value.replace(CONTROL, '\uFFFD');
    this.seen.set(value, label);
    return label;
  }
}

/**
 * Children of one metric by label values, in nested maps (one level per label) so a lookup that hits allocates
 * nothing. Each label is bounded by a BoundedValues in front of it, but their product need not be: past
 * `maxChildren` series, new combinations all count under the one series whose labels are all "other".
 */
export class ChildCache<C> {
  private readonly root = new Map<string, unknown>();
  private size = 0;
  private overflowChild: C | undefined;

  constructor(
    private readonly arity: 1 | 2 | 3 | 4,
    private readonly make: (...values: string[]) => C,
    private readonly maxChildren = 2000,
  ) {}

  get(a: string, b = '', c = '', d = ''): C {
    const arity = this.arity;
    let level: Map<string, unknown> | undefined = this.root;
    if (arity >= 2) level = this.step(level, a);
    if (level && arity >= 3) level = this.step(level, b);
    if (level && arity === 4) level = this.step(level, c);
    if (!level) return this.overflow();
    const key = arity === 1 ? a : arity === 2 ? b : arity === 3 ? c : d;
    let child = level.get(key) as C | undefined;
    if (child === undefined) {
      if (this.size >= this.maxChildren) return this.overflow();
      child = this.make(...[a, b, c, d].slice(0, arity));
      level.set(key, child);
      this.size++;
    }
    return child;
  }

  /** The next level of the tree; none (overflow) once the budget is spent, so a flood builds no empty maps. */
  private step(level: Map<string, unknown>, key: string): Map<string, unknown> | undefined {
    let next = level.get(key) as Map<string, unknown> | undefined;
    if (!next) {
      if (this.size >= this.maxChildren) return undefined;
      next = new Map();
      level.set(key, next);
    }
    return next;
  }

  private overflow(): C {
    return (this.overflowChild ??= this.make(...[OTHER, OTHER, OTHER, OTHER].slice(0, this.arity)));
  }
}
