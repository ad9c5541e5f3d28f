// Generic HTTP targets against a real server on 127.0.0.1: templated bodies, JSONPath answers, session ids carried
// across turns (in the body or a header), non-JSON and missing answers as typed errors.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target, TargetRequest } from '../types.js';
import { createTarget } from './create-target.js';

let server: Server;
let url: string;
const sessions = new Map<string, string[]>();
const received: { path: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
const signal = new AbortController().signal;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const path = req.url ?? '';
      if (path.startsWith('/text')) {
        res.end(`plain answer to ${body}`);
      } else if (path === '/html') {
        res.end('<html>oops</html>');
      } else if (path === '/chat' || path === '/header-chat') {
        const parsed = JSON.parse(body) as { input: string; session?: string };
        const given = path === '/chat' ? parsed.session : (req.headers['x-session'] as string | undefined);
        // Unknown ids (the client's first made-up one) get a server-side session.
        const id = given !== undefined && sessions.has(given) ? given : `srv-${sessions.size + 1}`;
        const history = sessions.get(id) ?? [];
        history.push(parsed.input);
        sessions.set(id, history);
        res.setHeader('content-type', 'application/json');
        if (path === '/header-chat') res.setHeader('x-session', id);
        res.end(JSON.stringify({ data: { replies: [{ text: `turn ${history.length}: ${history.join(' / ')}` }] }, meta: { session: id } }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function conversation(t: Target, prompts: string[]): Promise<string[]> {
  const out: string[] = [];
  const request: TargetRequest = { messages: [] };
  for (const p of prompts) {
    request.messages.push({ role: 'user', content: p });
    const r = await t.send({ ...request, messages: [...request.messages] }, signal);
    expect(r.error).toBeUndefined();
    out.push(r.text);
    request.messages.push({ role: 'assistant', content: r.text });
    request.sessionId = r.sessionId;
  }
  return out;
}

describe('http target', () => {
  it('carries the session id from the response JSON back in the body', async () => {
    const t = await createTarget({
      type: 'http',
      url: `${url}/chat`,
      body: '{"input": "{{prompt}}", "session": "{{sessionId}}"}',
      responsePath: '$.data.replies[0].text',
      sessionPath: '$.meta.session',
    });
    try {
      expect(await conversation(t, ['hello "there"', 'second\nturn'])).toEqual(['turn 1: hello "there"', 'turn 2: hello "there" / second\nturn']);
      expect(t.endpoints).toEqual([`${url}/chat`]);
      expect(t.id).toBe(`http:POST ${url}/chat`);
    } finally {
      await t.close();
    }
  });

  it('carries the session id in a header', async () => {
    const t = await createTarget({ type: 'http', url: `${url}/header-chat`, body: { input: '{{prompt}}' }, responsePath: '$.data.replies[-1].text', sessionHeader: 'X-Session' });
    try {
      received.length = 0;
      expect(await conversation(t, ['one', 'two', 'three'])).toEqual(['turn 1: one', 'turn 2: one / two', 'turn 3: one / two / three']);
      // The first turn sends a made-up id; later turns the server's.
      expect(received[0]?.headers['x-session']).toMatch(/^[0-9a-f-]{36}$/);
      expect(received[1]?.headers['x-session']).toBe(received[2]?.headers['x-session']);
    } finally {
      await t.close();
    }
  });

  it('sends messages and system through an object template, and returns the whole body without a responsePath', async () => {
    const t = await createTarget({ type: 'http', url: `${url}/text`, body: { sys: '{{system}}', msgs: '{{messages}}' }, headers: { authorization: 'Bearer {{env:HTTP_TOKEN}}' } }, { HTTP_TOKEN: 'tok-secret-1' });
    try {
      received.length = 0;
      const r = await t.send({ system: 'S', messages: [{ role: 'user', content: 'hi' }] }, signal);
      expect(JSON.parse(received[0]?.body ?? '')).toEqual({ sys: 'S', msgs: [{ role: 'system', content: 'S' }, { role: 'user', content: 'hi' }] });
      expect(received[0]?.headers.authorization).toBe('Bearer tok-secret-1');
      expect(received[0]?.headers['content-type']).toBe('application/json');
      expect(r.text).toBe(`plain answer to ${received[0]?.body}`);
    } finally {
      await t.close();
    }
  });

  it('joins a user turn and a tool result into {{prompt}}', async () => {
    const t = await createTarget({ type: 'http', url: `${url}/text`, body: 'q={{prompt}}', bodyFormat: 'text' });
    try {
      const r = await t.send({ messages: [{ role: 'user', content: 'Summarise' }, { role: 'tool', content: 'DOC' }] }, signal);
      expect(r.text).toBe('plain answer to q=Summarise\n\nDOC');
    } finally {
      await t.close();
    }
  });

  it('types non-JSON answers, missing paths and HTTP errors', async () => {
    const html = await createTarget({ type: 'http', url: `${url}/html`, body: '{"q":"{{prompt}}"}', responsePath: '$.text' });
    const missing = await createTarget({ type: 'http', url: `${url}/chat`, body: '{"input":"{{prompt}}"}', responsePath: '$.data.nothing' });
    const notFound = await createTarget({ type: 'http', url: `${url}/nope`, body: '{}' });
    try {
      const m = [{ role: 'user' as const, content: 'x' }];
      expect((await html.send({ messages: m }, signal)).error).toMatchObject({ code: 'bad_response' });
      expect((await missing.send({ messages: m }, signal)).error).toMatchObject({ code: 'bad_response', message: expect.stringContaining('$.data.nothing') });
      expect((await notFound.send({ messages: m }, signal)).error).toMatchObject({ code: 'http_404' });
    } finally {
      await Promise.all([html.close(), missing.close(), notFound.close()]);
    }
  });

  it('refuses bad templates and paths when the target is created', async () => {
    await expect(createTarget({ type: 'http', url, body: '{"q":"{{question}}"}' })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    await expect(createTarget({ type: 'http', url, responsePath: 'data.text' })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
  });
});
