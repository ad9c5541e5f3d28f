// Incremental parser of a server-sent-events stream (the OpenAI streaming wire format): feed bytes, get the data
// payload of each complete event. Bounded: an event larger than the limit is an error, not unbounded buffering.
export interface SseEvent {
  data: string;
  /** The complete raw event text (lines and the blank line), for verbatim forwarding. */
  raw: string;
}

// The end of an event: a blank line, whatever the line endings (LF, CRLF, CR, or a mix of them, as the spec allows).
const BOUNDARY = /\r\n\r\n|\n\n|\r\r\n|\r\r|\r\n\n|\n\r\n/g;
const LINE = /\r\n|\n|\r/;

export class SseParser {
  /** Text received and not yet part of a complete event, in pieces: joined only once a boundary shows up. */
  private parts: string[] = [];
  private size = 0;
  /** The last (up to) three characters of that text: a boundary may begin there and end in the next chunk. */
  private edge = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly maxEventBytes = 4 * 1024 * 1024) {}

  /** Returns the events completed by `chunk`. Throws when one event grows beyond the limit. */
  push(chunk: Uint8Array): SseEvent[] {
    const text = this.decoder.decode(chunk, { stream: true });
    if (text === '') return [];
    // Only the new text (and the edge before it) is searched: a long event in many chunks costs linear time.
    const region = this.edge + text;
    const offset = this.size - this.edge.length;
    this.parts.push(text);
    this.size += text.length;
    BOUNDARY.lastIndex = 0;
    if (!BOUNDARY.test(region)) {
      this.edge = region.slice(-3);
      if (this.size > this.maxEventBytes) throw new Error(`an event exceeds ${this.maxEventBytes} bytes`);
      return [];
    }
    const buffer = this.parts.join('');
    const events: SseEvent[] = [];
    let start = 0;
    BOUNDARY.lastIndex = offset;
    for (let m = BOUNDARY.exec(buffer); m !== null; m = BOUNDARY.exec(buffer)) {
      // A lone "\r" at the end may be the first half of "\r\n": wait for the next chunk to know.
      if (m.index + m[0].length === buffer.length && m[0].endsWith('\r')) break;
      if (m.index - start > this.maxEventBytes) throw new Error(`an event exceeds ${this.maxEventBytes} bytes`);
      const raw = buffer.slice(start, m.index);
      start = m.index + m[0].length;
      const data = dataOf(raw);
      if (data !== undefined) events.push({ data, raw: `${raw}\n\n` });
    }
    const rest = buffer.slice(start);
    this.parts = rest === '' ? [] : [rest];
    this.size = rest.length;
    this.edge = rest.slice(-3);
    if (this.size > this.maxEventBytes) throw new Error(`an event exceeds ${this.maxEventBytes} bytes`);
    return events;
  }

  /** Whatever is left at the end of the stream (an unterminated event), if anything. */
  flush(): SseEvent[] {
    const rest = withoutTrailingNewlines(this.parts.join('') + this.decoder.decode());
    this.parts = [];
    this.size = 0;
    this.edge = '';
    const data = rest === '' ? undefined : dataOf(rest);
    return data === undefined ? [] : [{ data, raw: `${rest}\n\n` }];
  }
}

function withoutTrailingNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 10 || s.charCodeAt(end - 1) === 13)) end--;
  return s.slice(0, end);
}

/** Joins the `data` lines of one event (comments and other fields ignored). */
function dataOf(raw: string): string | undefined {
  let data: string | undefined;
  for (const line of raw.split(LINE)) {
    let value: string;
    if (line.startsWith('data:')) value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    else if (line === 'data') value = ''; // a field name alone is the field with an empty value
    else continue;
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}
