// The MCP gateway's text/event-stream parser, for Streamable HTTP upstreams: the HTML Living Standard's algorithm over
// bytes, with event names, as MCP servers use them. The LLM gateway has its own (src/gateway/http/sse.ts): it keeps
// each event's raw text for verbatim forwarding and delivers an unterminated last event, which OpenAI-style streams
// need and the standard does not.
import { BulwarkError } from '../../core/errors.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * An incremental text/event-stream parser over bytes (HTML Living Standard, "Parsing an event stream"): lines end at
 * CR, LF or CRLF, also across chunks; `data:` lines are joined with LF; `event:` names the event (default
 * "message"); a leading byte order mark, comments, `id:`, `retry:` and unknown fields are ignored; an unfinished event
 * at the end is dropped.
 * The current line plus the data of the current event may not exceed `maxBytes` (push throws ERR_INPUT_TOO_LARGE).
 */
export class SseParser {
  private line: Buffer[] = [];
  private lineBytes = 0;
  private data: string | undefined;
  private dataBytes = 0;
  private event = '';
  private afterCR = false;
  /** Bytes of a leading byte order mark still to be checked (the stream's start only). */
  private bom = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onEvent: (event: string, data: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (this.bom < 3 && start < chunk.length) {
      if (chunk[start] !== UTF8_BOM[this.bom]) {
        if (this.bom > 0) throw new BulwarkError('ERR_INPUT_INVALID', 'the event stream starts with a broken byte order mark');
        this.bom = 3;
        break;
      }
      this.bom++;
      start++;
    }
    if (this.afterCR) {
      this.afterCR = false;
      if (chunk[0] === 0x0a) start = 1;
    }
    let lf = chunk.indexOf(0x0a, start);
    let cr = chunk.indexOf(0x0d, start);
    while (start < chunk.length) {
      if (lf !== -1 && lf < start) lf = chunk.indexOf(0x0a, start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf(0x0d, start);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        this.grow(chunk.length - start);
        this.line.push(chunk.subarray(start));
        return;
      }
      this.grow(end - start);
      let text: Buffer;
      if (this.line.length === 0) {
        text = chunk.subarray(start, end);
      } else {
        this.line.push(chunk.subarray(start, end));
        text = Buffer.concat(this.line, this.lineBytes);
        this.line = [];
      }
      this.lineBytes = 0;
      start = end + 1;
      if (chunk[end] === 0x0d) {
        if (start === chunk.length) this.afterCR = true;
        else if (chunk[start] === 0x0a) start++;
      }
      this.field(text);
    }
  }

  private grow(bytes: number): void {
    this.lineBytes += bytes;
    if (this.lineBytes + this.dataBytes > this.maxBytes) {
      throw new BulwarkError('ERR_INPUT_TOO_LARGE', `an event of the upstream's event stream exceeds ${this.maxBytes} bytes`, { context: { limit: this.maxBytes } });
    }
  }

  private field(line: Buffer): void {
    if (line.length === 0) {
      const data = this.data;
      const event = this.event || 'message';
      this.data = undefined;
      this.dataBytes = 0;
      this.event = '';
      if (data !== undefined) this.onEvent(event, data);
      return;
    }
    if (line[0] === 0x3a) return; // a comment
    const colon = line.indexOf(0x3a);
    const name = colon === -1 ? line.toString('latin1') : line.toString('latin1', 0, colon);
    let from = colon === -1 ? line.length : colon + 1;
    if (line[from] === 0x20) from++;
    if (name === 'data') {
      const value = line.toString('utf8', from);
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
      this.dataBytes += line.length - from + 1;
    } else if (name === 'event') {
      this.event = line.toString('utf8', from);
    }
  }
}
