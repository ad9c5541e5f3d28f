// Incremental parser of a server-sent-events stream (the OpenAI streaming wire format): feed bytes, get the data
// payload of each complete event. Bounded: an event larger than the limit is an error, not unbounded buffering.
export interface SseEvent {
  data: string;
  /** The complete raw event text (lines and the blank line), for verbatim forwarding. */
  raw: string;
}

export class SseParser {
  private buffer = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly maxEventBytes = 4 * 1024 * 1024) {}

  /** Returns the events completed by `chunk`. Throws when one event grows beyond the limit. */
  push(chunk: Uint8Array): SseEvent[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    for (;;) {
      const end = this.findBoundary();
      if (end < 0) break;
      const raw = this.buffer.slice(0, end.valueOf());
      const sepLength = this.buffer.startsWith('\r\n\r\n', end) ? 4 : 2;
      this.buffer = this.buffer.slice(end + sepLength);
      const data = dataOf(raw);
      if (data !== undefined) events.push({ data, raw: `${raw}\n\n` });
    }
    if (this.buffer.length > this.maxEventBytes) throw new Error(`an event exceeds ${this.maxEventBytes} bytes`);
    return events;
  }

  /** Whatever is left at the end of the stream (an unterminated event), if anything. */
  flush(): SseEvent[] {
    this.buffer += this.decoder.decode();
    const rest = this.buffer.trim();
    this.buffer = '';
    if (!rest) return [];
    const data = dataOf(rest);
    return data === undefined ? [] : [{ data, raw: `${rest}\n\n` }];
  }

  private findBoundary(): number {
    const lf = this.buffer.indexOf('\n\n');
    const crlf = this.buffer.indexOf('\r\n\r\n');
    if (lf < 0) return crlf;
    if (crlf < 0) return lf;
    return Math.min(lf, crlf);
  }
}

/** Joins the `data:` lines of one event (comments and other fields ignored). */
function dataOf(raw: string): string | undefined {
  let data: string | undefined;
  for (const line of raw.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}
