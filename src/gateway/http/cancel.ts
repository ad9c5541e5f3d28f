// A cancellation flag for the upstream call of one request: what undici accepts as a `signal` (an EventEmitter
// with `aborted` and an 'abort' event) without an AbortController and its EventTarget per request, which cost
// about 2-3% of the gateway's CPU per request in profiles.
import { EventEmitter } from 'node:events';

/** Read side, for code that only checks whether the request was cancelled. */
export interface CancelState {
  readonly aborted: boolean;
}

export class Cancel extends EventEmitter implements CancelState {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}
