// AIMD concurrency: requests wait for a slot under a limit that halves on a rate limit (once per round, however many
// requests of that round were refused) and grows by one after a streak of successes, up to the configured maximum.

export class AdaptiveLimit {
  private current: number;
  private active = 0;
  private round = 0;
  private streak = 0;
  private lowest: number;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly max: number,
    /** Successes needed for +1; default the current limit (one "round trip" of the window). */
    private readonly streakLength?: number,
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new TypeError('concurrency must be a positive integer');
    this.current = max;
    this.lowest = max;
  }

  get limit(): number {
    return this.current;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Lowest limit reached so far. */
  get minimum(): number {
    return this.lowest;
  }

  /** Identifies the current round: pass it to onThrottle so that one burst of 429s halves once. */
  get epoch(): number {
    return this.round;
  }

  /** Resolves true with a slot held, or false when `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.active < this.current) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const wake = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.active++;
        resolve(true);
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(wake);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }

  release(): void {
    this.active--;
    this.drain();
  }

  /** A rate limit seen by a request started in round `startEpoch`. */
  onThrottle(startEpoch: number): void {
    this.streak = 0;
    if (startEpoch !== this.round) return;
    this.round++;
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.lowest = Math.min(this.lowest, this.current);
  }

  onSuccess(): void {
    if (this.current >= this.max) return;
    if (++this.streak >= (this.streakLength ?? this.current)) {
      this.streak = 0;
      this.current++;
      this.drain();
    }
  }

  private drain(): void {
    while (this.active < this.current && this.waiting.length > 0) (this.waiting.shift() as () => void)();
  }
}
