// A bounded reader of the protobuf wire format (protobuf.dev/programming-guides/encoding): tags, varints of at most
// 10 bytes, fixed 32/64-bit fields and length-delimited fields that must fit inside the enclosing message. Payloads
// are skipped by offset (never copied) unless the caller asks for them, and message nesting is bounded.
import type { ByteCursor } from '../source.js';
import { formatError, Truncated } from './structure.js';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export interface ProtoField {
  field: number;
  wire: number;
  /** Offset of the tag. */
  at: number;
  /** Varint value (lossy above 2^53, which only matters for values callers ignore). */
  value: number;
  /** Start and length of a length-delimited payload. */
  start: number;
  length: number;
}

export class ProtoReader {
  constructor(
    private readonly c: ByteCursor,
    /** Absolute end of this message. */
    readonly end: number,
    readonly depth: number,
    private readonly maxDepth: number,
  ) {
    if (end > c.src.size) throw new Truncated(`message ends at byte ${end}, past the end of the file`, c.src.size);
  }

  /** The next field, or undefined at the end of the message. The payload of a LEN field is not consumed. */
  next(): ProtoField | undefined {
    if (this.c.pos >= this.end) {
      if (this.c.pos > this.end) throw formatError(`field runs past the end of its message at byte ${this.end}`, this.end);
      return undefined;
    }
    const at = this.c.pos;
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0 || field > 0x1fffffff) throw formatError(`invalid field number ${field}`, at);
    const f: ProtoField = { field, wire, at, value: 0, start: 0, length: 0 };
    switch (wire) {
      case WIRE_VARINT:
        f.value = this.varint();
        break;
      case WIRE_I64:
        this.c.skip(8);
        break;
      case WIRE_I32:
        this.c.skip(4);
        break;
      case WIRE_LEN: {
        const lenAt = this.c.pos;
        const len = this.varint();
        f.start = this.c.pos;
        f.length = len;
        if (len > this.c.src.size) throw formatError(`field ${field} at byte ${at} declares an implausible length ${len}`, lenAt);
        if (f.start + len > this.c.src.size) throw new Truncated(`field ${field} of ${len} bytes at byte ${at} runs past the end of the file`, lenAt);
        if (f.start + len > this.end) throw formatError(`field ${field} of ${len} bytes at byte ${at} runs past the end of its message`, lenAt);
        break;
      }
      default:
        throw formatError(`unsupported wire type ${wire} at byte ${at}`, at);
    }
    if (this.c.pos > this.end) throw formatError(`field ${field} at byte ${at} runs past the end of its message`, at);
    return f;
  }

  /** Skips the payload of a LEN field returned by next() (other wire types are already consumed). */
  skip(f: ProtoField): void {
    if (f.wire === WIRE_LEN) this.c.pos = f.start + f.length;
  }

  /** A reader for the embedded message in LEN field `f`; the parent continues after it once it is done. */
  sub(f: ProtoField): ProtoReader {
    if (f.wire !== WIRE_LEN) throw formatError(`field ${f.field} at byte ${f.at} should be a message`, f.at);
    if (this.depth + 1 > this.maxDepth) throw formatError(`messages nested deeper than ${this.maxDepth} levels`, f.at);
    this.c.pos = f.start;
    return new ProtoReader(this.c, f.start + f.length, this.depth + 1, this.maxDepth);
  }

  /** Reads a whole embedded message with `visit` called per field, then leaves the cursor after it. */
  message(f: ProtoField, visit: (r: ProtoReader, field: ProtoField) => void): void {
    const r = this.sub(f);
    for (let g = r.next(); g !== undefined; g = r.next()) {
      visit(r, g);
      if (g.wire === WIRE_LEN && this.c.pos < g.start + g.length) this.c.pos = g.start + g.length;
    }
    this.c.pos = f.start + f.length;
  }

  /** The payload of a LEN field as a string (UTF-8, lossy), at most `max` bytes of it. */
  string(f: ProtoField, max: number): string {
    if (f.wire !== WIRE_LEN) throw formatError(`field ${f.field} at byte ${f.at} should be a string`, f.at);
    this.c.pos = f.start;
    const s = this.c.bytes(Math.min(max, f.length)).toString('utf8');
    this.c.pos = f.start + f.length;
    return s;
  }

  private varint(): number {
    const at = this.c.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.c.u8();
      if (i === 9 && b > 1) throw formatError(`varint at byte ${at} overflows 64 bits`, at);
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return value;
    }
    throw formatError(`varint at byte ${at} is longer than 10 bytes`, at);
  }
}
