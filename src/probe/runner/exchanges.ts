// Where a case's conversation asks the target: after each run of user-side messages that the next user turn
// follows, and at the end. Scripted assistant messages (many-shot, prefill) are sent as written, never asked for.
import type { ChatMessage, ProbeCase } from '../types.js';

/** Exclusive end indices into `turns` at which a request is sent, in order. */
export function exchangeEnds(turns: readonly ChatMessage[]): number[] {
  const ends: number[] = [];
  let pending = false;
  for (let i = 0; i < turns.length; i++) {
    const role = (turns[i] as ChatMessage).role;
    if (role !== 'assistant') pending = true;
    if (pending && role !== 'assistant' && turns[i + 1]?.role === 'user') {
      ends.push(i + 1);
      pending = false;
    }
  }
  if (pending) ends.push(turns.length);
  return ends;
}

/** Requests one conversation of `c` takes (retries not counted). */
export function exchangeCount(c: Pick<ProbeCase, 'turns'>): number {
  return exchangeEnds(c.turns).length;
}
