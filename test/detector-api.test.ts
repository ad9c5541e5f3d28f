// End-to-end tests of `bulwark detectors serve`: the spawned binary, a real socket, the real registry.
// Tests under "[needs pii]" pass once the pii detector is in src/detectors/index.ts.
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './fixtures/run-cli.js';

let child: ChildProcess;
let base: string;
let stdout = '';
let stderr = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  child = spawnCli(['detectors', 'serve', '--port', '0']);
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  base = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = stderr.match(/listening on (http:\/\/\S+)/);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`server exited early: ${stderr}`)));
  });
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGTERM');
  await exited;
});

const post = (path: string, body: unknown, detectorId?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(detectorId ? { 'detector-id': detectorId } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('bulwark detectors serve (no detector needed)', () => {
  it('answers /health', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers errors as {code, message}', async () => {
    const unknown = await post('/api/v1/text/contents', { contents: ['x'] }, 'no-such-detector');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 404, message: 'unknown detector "no-such-detector"' });
    const missing = await post('/api/v1/text/contents', { contents: ['x'] });
    expect(missing.status).toBe(422);
    const malformed = await post('/api/v1/text/contents', '{"contents": [', 'no-such-detector');
    expect(malformed.status).toBe(422);
  });

  it('answers 413 as soon as Content-Length announces a body over the limit', async () => {
    // With fetch, a client still writing a 6 MB body may see the socket close before it reads the 413
    // (the server does not read what it refuses), so announce the size and send only a little.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/api/v1/text/contents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'detector-id': 'pii', 'content-length': String(6 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: text });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.write('{"contents": ["aaaaaaaaaa');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual({ code: 413, message: 'request body is too large' });
  });
});

describe('bulwark detectors serve', () => {
  it('returns pii spans on /api/v1/text/contents', async () => {
    const text = 'Write to jane.doe@acme-mail.net please';
    const res = await post('/api/v1/text/contents', { contents: [text, 'nothing here'] }, 'pii');
    expect(res.status).toBe(200);
    const [first, second] = (await res.json()) as { start: number; end: number; text: string; detection_type: string; score: number }[][];
    const hit = first?.find((r) => r.text === 'jane.doe@acme-mail.net');
    expect(hit).toMatchObject({ start: 9, end: 9 + 'jane.doe@acme-mail.net'.length, detection_type: 'pii' });
    expect(second).toEqual([]);
    const strict = await post('/api/v1/text/contents', { contents: [text], detector_params: { threshold: 1.01 } }, 'pii');
    expect(strict.status).toBe(422);
  });
});

describe('shutdown', () => {
  it('stops cleanly on SIGTERM and never logged request bodies', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopped');
    expect(stdout).toContain('"route":"/api/v1/text/contents"');
    expect(stdout).not.toContain('jane.doe');
    expect(stdout).not.toContain('aaaaaaaa');
  });
});
