// The last N requests' method, URL and headers, kept in a ring so tests can assert what reached the upstream
// (e.g. that the client's token never did). Stores Node's rawHeaders arrays; objects are built only when read.

export interface RecordedRequest {
  method: string;
  url: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

export class RequestLog {
  private readonly methods: string[] = [];
  private readonly urls: string[] = [];
  private readonly raw: string[][] = [];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity: number) {}

  record(method: string, url: string, rawHeaders: string[]): void {
    if (this.capacity === 0) return;
    this.methods[this.next] = method;
    this.urls[this.next] = url;
    this.raw[this.next] = rawHeaders;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Oldest first. */
  entries(): RecordedRequest[] {
    const out: RecordedRequest[] = [];
    const start = (this.next - this.count + this.capacity) % Math.max(1, this.capacity);
    for (let k = 0; k < this.count; k++) {
      const i = (start + k) % this.capacity;
      out.push({ method: this.methods[i] as string, url: this.urls[i] as string, headers: headerObject(this.raw[i] as string[]) });
    }
    return out;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
    this.methods.length = 0;
    this.urls.length = 0;
    this.raw.length = 0;
  }
}

function headerObject(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}
