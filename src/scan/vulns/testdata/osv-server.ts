// Test helper: a local HTTP server standing in for the OSV bucket (`/<ecosystem>/all.zip`, ETag and 304 answers),
// so that `bulwark osv sync` is tested without the internet.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOsv {
  url: string;
  /** Files served, by path (`/PyPI/all.zip`); change them between requests. */
  files: Map<string, Buffer>;
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  /** Send a wrong Content-Length, or cut the body short, for the next requests. */
  misbehave?: 'short-body' | 'no-length';
  close(): Promise<void>;
}

export async function startFakeOsv(): Promise<FakeOsv> {
  const files = new Map<string, Buffer>();
  const state: FakeOsv = { url: '', files, requests: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    state.requests.push({ path, headers: req.headers });
    const body = files.get(path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    if (state.misbehave === 'short-body') {
      res.writeHead(200, { etag, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      res.destroy();
      return;
    }
    const headers: Record<string, string> = { etag, 'content-type': 'application/zip', 'last-modified': 'Mon, 03 Mar 2025 10:00:00 GMT' };
    if (state.misbehave !== 'no-length') headers['content-length'] = String(body.length);
    res.writeHead(200, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
