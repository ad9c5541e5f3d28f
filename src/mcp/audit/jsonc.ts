// A tolerant JSON reader for client configuration files: JSON plus comments and trailing commas (JSONC, as VS Code
// and Zed write them), the line of every member, null-prototype objects, and bounded nesting. Hostile input gets a
// BulwarkError (ERR_INPUT_INVALID_JSON with line and column), never a crash or a stack overflow.
import { BulwarkError } from '../../core/errors.js';

export interface JsoncOptions {
  /** Deepest nesting of objects and arrays (default 128). */
  maxDepth?: number;
  /** Pointers deeper than this get no line (default 6): configuration entries sit at depth 2 to 4. */
  lineDepth?: number;
}

export interface JsoncDocument {
  value: unknown;
  /** 1-based line of each member or item, by JSON pointer (`/mcpServers/github`). */
  lines: ReadonlyMap<string, number>;
}

/** RFC 6901 escaping of one pointer segment. */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

class Parser {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  readonly lines = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly lineDepth: number,
  ) {}

  parse(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.skip();
    if (this.pos >= this.text.length) this.fail('the file is empty');
    const value = this.value('', 0);
    this.skip();
    if (this.pos < this.text.length) this.fail('unexpected text after the end of the document');
    return value;
  }

  private fail(message: string): never {
    if (this.pos >= this.text.length) message = 'unexpected end of the document';
    const column = this.pos - this.lineStart + 1;
    throw new BulwarkError('ERR_INPUT_INVALID_JSON', `${message} at line ${this.line}, column ${column}`, {
      context: { line: this.line, column },
    });
  }

  /** Skips whitespace and comments, counting lines. */
  private skip(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === 32 || c === 9 || c === 13 || c === 0xfeff) this.pos++;
      else if (c === 47 && t.charCodeAt(this.pos + 1) === 47) {
        const end = t.indexOf('\n', this.pos);
        this.pos = end < 0 ? t.length : end;
      } else if (c === 47 && t.charCodeAt(this.pos + 1) === 42) {
        const end = t.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        for (let i = this.pos; i < end; i++) {
          if (t.charCodeAt(i) === 10) {
            this.line++;
            this.lineStart = i + 1;
          }
        }
        this.pos = end + 2;
      } else return;
    }
  }

  private value(pointer: string, depth: number): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === 123) return this.object(pointer, depth + 1);
    if (c === 91) return this.array(pointer, depth + 1);
    if (c === 34) return this.string();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    this.fail(this.pos >= this.text.length ? 'unexpected end of the document' : 'unexpected character');
  }

  private literal(length: number, value: boolean | null): boolean | null {
    this.pos += length;
    return value;
  }

  private object(pointer: string, depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    const out = Object.create(null) as Record<string, unknown>;
    this.pos++;
    this.skip();
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 34) this.fail('expected a property name');
      const keyLine = this.line;
      const key = this.string();
      this.skip();
      if (this.text.charCodeAt(this.pos) !== 58) this.fail('expected ":"');
      this.pos++;
      this.skip();
      const child = `${pointer}/${pointerSegment(key)}`;
      if (depth <= this.lineDepth) this.lines.set(child, keyLine);
      out[key] = this.value(child, depth);
      this.skip();
      const c = this.text.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        this.skip();
        // A trailing comma before the closing brace is JSONC.
        if (this.text.charCodeAt(this.pos) === 125) {
          this.pos++;
          return out;
        }
      } else if (c === 125) {
        this.pos++;
        return out;
      } else this.fail('expected "," or "}"');
    }
  }

  private array(pointer: string, depth: number): unknown[] {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    const out: unknown[] = [];
    this.pos++;
    this.skip();
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return out;
    }
    for (;;) {
      const child = `${pointer}/${out.length}`;
      if (depth <= this.lineDepth) this.lines.set(child, this.line);
      out.push(this.value(child, depth));
      this.skip();
      const c = this.text.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        this.skip();
        if (this.text.charCodeAt(this.pos) === 93) {
          this.pos++;
          return out;
        }
      } else if (c === 93) {
        this.pos++;
        return out;
      } else this.fail('expected "," or "]"');
    }
  }

  private static readonly NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  private number(): number {
    Parser.NUMBER.lastIndex = this.pos;
    const m = Parser.NUMBER.exec(this.text);
    if (!m || m[0] === '-') this.fail('invalid number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    const t = this.text;
    let i = this.pos + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c === 10) this.fail('line break inside a string');
      if (c === 92) {
        out += t.slice(chunk, i);
        const e = t[i + 1];
        const simple = e === undefined ? undefined : ESCAPES.get(e);
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(t.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          this.pos = i;
          this.fail('invalid escape in a string');
        }
        chunk = i;
        continue;
      }
      i++;
    }
    out += t.slice(chunk, i);
    this.pos = i + 1;
    return out;
  }
}

/** Parses JSON or JSONC; throws BulwarkError ERR_INPUT_INVALID_JSON (with line and column) on malformed text. */
export function parseJsonc(text: string, options: JsoncOptions = {}): JsoncDocument {
  const parser = new Parser(text, options.maxDepth ?? 128, options.lineDepth ?? 6);
  const value = parser.parse();
  return { value, lines: parser.lines };
}
