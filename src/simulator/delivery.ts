// Timed delivery of a response in parts (SSE events, a delayed or dripped body), with the bookkeeping that lets
// close() finish every open stream and clear every timer.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface DeliveryPlan {
  status: number;
  headers: OutgoingHttpHeaders;
  parts: readonly string[];
  /** Wait before the headers and the first part. */
  firstDelayMs: number;
  /** Wait between parts; 0 writes them all at once. */
  intervalMs: number;
  /** After the last part: end the response, or destroy the socket (a connection reset). */
  ending: 'end' | 'destroy';
}

/** The open deliveries of one server. */
export class Deliveries {
  private readonly active = new Set<Delivery>();

  get size(): number {
    return this.active.size;
  }

  start(res: ServerResponse, plan: DeliveryPlan): void {
    const d = new Delivery(res, plan, this.active);
    this.active.add(d);
    d.begin();
  }

  /** Accepts the request and never answers (until the client gives up or the server closes). */
  hold(res: ServerResponse): void {
    this.start(res, { status: 200, headers: {}, parts: [], firstDelayMs: Infinity, intervalMs: 0, ending: 'destroy' });
  }

  /**
   * Writes what is left of every delivery at once and ends it (held requests and resets are destroyed), then waits
   * until their responses closed or `graceMs` passed.
   */
  async finishAll(graceMs: number): Promise<void> {
    const closing = [...this.active].map((d) => d.closed);
    for (const d of [...this.active]) d.flush();
    if (closing.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closing), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
}

class Delivery {
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  readonly closed: Promise<void>;

  constructor(
    private readonly res: ServerResponse,
    private readonly plan: DeliveryPlan,
    private readonly owner: Set<Delivery>,
  ) {
    this.closed = new Promise((resolve) => {
      res.once('close', () => {
        this.stop();
        resolve();
      });
    });
  }

  begin(): void {
    if (this.plan.firstDelayMs === Infinity) return;
    if (this.plan.firstDelayMs > 0) this.timer = setTimeout(this.step, this.plan.firstDelayMs);
    else this.step();
  }

  flush(): void {
    if (this.done) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.plan.firstDelayMs === Infinity) {
      this.stop();
      this.res.destroy();
      return;
    }
    this.writeRest();
  }

  private readonly step = (): void => {
    this.timer = undefined;
    if (this.done) return;
    if (this.plan.intervalMs === 0) {
      this.writeRest();
      return;
    }
    this.writeHead();
    const part = this.plan.parts[this.next++];
    if (this.next >= this.plan.parts.length) {
      this.finish(part);
      return;
    }
    const drained = part === undefined || this.res.write(part);
    const schedule = () => {
      if (!this.done) this.timer = setTimeout(this.step, this.plan.intervalMs);
    };
    if (drained) schedule();
    else this.res.once('drain', schedule);
  };

  private writeHead(): void {
    if (!this.res.headersSent) this.res.writeHead(this.plan.status, this.plan.headers);
  }

  private writeRest(): void {
    this.writeHead();
    const { parts } = this.plan;
    if (this.next >= parts.length) {
      this.finish(undefined);
      return;
    }
    // One syscall for the lot: cork until the last part is queued.
    this.res.cork();
    while (this.next < parts.length - 1) this.res.write(parts[this.next++] as string);
    const last = parts[this.next++];
    this.finish(last);
    this.res.uncork();
  }

  private finish(last: string | undefined): void {
    this.stop();
    if (this.plan.ending === 'end') {
      this.res.end(last);
      return;
    }
    // A reset after the client got the parts: destroy once the last one reached the socket.
    if (last === undefined) this.res.destroy();
    else this.res.write(last, () => this.res.destroy());
  }

  private stop(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.owner.delete(this);
  }
}
