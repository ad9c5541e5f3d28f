// RFC 8693 token exchange against a real node:http authorization server on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import type { TokenExchangeConfig } from './config.js';
import { ACCESS_TOKEN_TYPE, createTokenExchanger, MAX_TOKEN_ANSWER_BYTES, TOKEN_EXCHANGE_GRANT } from './token-exchange.js';

const RESOURCE = 'https://upstream.example/mcp';
const SUBJECT = 'caller-token-abc.def';
const SECRET = 's3cr:et /+&';

interface Seen {
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}

let server: Server;
let tokenUrl: string;
let seen: Seen[];
/** What the server answers; default: a token naming the subject and the request count. */
let answer: (form: URLSearchParams, res: ServerResponse) => void;

const defaultAnswer = (form: URLSearchParams, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ access_token: `exchanged-${seen.length}-${form.get('subject_token')?.length}`, token_type: 'Bearer', expires_in: 3600, issued_token_type: ACCESS_TOKEN_TYPE }));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      seen.push({ headers: req.headers, form });
      answer(form, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
  answer = defaultAnswer;
});

const config = (over: Partial<TokenExchangeConfig> = {}): TokenExchangeConfig => ({ tokenUrl, clientId: 'gateway client', ...over });

async function failure(p: Promise<unknown>): Promise<BulwarkError> {
  const e: unknown = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BulwarkError);
  return e as BulwarkError;
}

function expectNoSecrets(e: BulwarkError): void {
  const text = JSON.stringify({ message: e.message, context: e.context });
  expect(text).not.toContain(SUBJECT);
  expect(text).not.toContain(SECRET);
}

describe('createTokenExchanger', () => {
  it('posts the RFC 8693 form with HTTP Basic client authentication', async () => {
    const x = createTokenExchanger(config({ scope: ['tools:read', 'tools:call'] }), SECRET, { resource: RESOURCE });
    expect(await x.exchange(SUBJECT)).toBe(`exchanged-1-${SUBJECT.length}`);
    expect(seen).toHaveLength(1);
    const { headers, form } = seen[0]!;
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(form)).toEqual({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: SUBJECT,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      resource: RESOURCE,
      audience: RESOURCE,
      scope: 'tools:read tools:call',
    });
    // RFC 6749 §2.3.1: both parts form-urlencoded before base64.
    const basic = /^Basic (.+)$/.exec(headers.authorization ?? '')?.[1];
    const decoded = Buffer.from(basic ?? '', 'base64').toString('utf8');
    expect(decoded).toBe('gateway+client:s3cr%3Aet+%2F%2B%26');
    const [id, secret] = decoded.split(':').map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
    expect([id, secret]).toEqual(['gateway client', SECRET]);
  });

  it('sends client_id in the body without a secret, and the configured audience', async () => {
    const x = createTokenExchanger(config({ audience: 'urn:upstream' }), undefined, { resource: RESOURCE });
    await x.exchange(SUBJECT);
    const { headers, form } = seen[0]!;
    expect(headers.authorization).toBeUndefined();
    expect(form.get('client_id')).toBe('gateway client');
    expect(form.get('audience')).toBe('urn:upstream');
    expect(form.get('resource')).toBe(RESOURCE);
    expect(form.has('scope')).toBe(false);
  });

  it('caches by subject token until expiry minus 30 s, then exchanges again', async () => {
    let now = 1_000_000;
    answer = (form, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `t${seen.length}`, token_type: 'bearer', expires_in: 100 }));
    };
    const x = createTokenExchanger(config(), SECRET, { resource: RESOURCE, now: () => now });
    expect(await x.exchange(SUBJECT)).toBe('t1');
    expect(await x.exchange(SUBJECT)).toBe('t1');
    expect(seen).toHaveLength(1);
    expect(x.cacheSize).toBe(1);
    expect(await x.exchange('another-caller')).toBe('t2');
    now += 69_000;
    expect(await x.exchange(SUBJECT)).toBe('t1');
    now += 2_000; // 71 s: within 30 s of the 100 s expiry
    expect(await x.exchange(SUBJECT)).toBe('t3');
    expect(seen).toHaveLength(3);
  });

  it('assumes 300 s without expires_in and does not cache an answer that lapses within the margin', async () => {
    let now = 0;
    const answerWith: { expiresIn?: number } = {};
    answer = (form, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `t${seen.length}`, token_type: 'N_A', ...(answerWith.expiresIn === undefined ? {} : { expires_in: answerWith.expiresIn }) }));
    };
    const x = createTokenExchanger(config(), undefined, { resource: RESOURCE, now: () => now });
    await x.exchange(SUBJECT);
    now = 269_000;
    expect(await x.exchange(SUBJECT)).toBe('t1');
    now = 271_000;
    expect(await x.exchange(SUBJECT)).toBe('t2');
    answerWith.expiresIn = 20;
    expect(await x.exchange('short-lived')).toBe('t3');
    expect(await x.exchange('short-lived')).toBe('t4');
  });

  it('keys the cache by a hash and keeps it bounded, evicting the oldest', async () => {
    const x = createTokenExchanger(config(), undefined, { resource: RESOURCE, maxCacheEntries: 2 });
    await x.exchange('a');
    await x.exchange('b');
    await x.exchange('c');
    expect(x.cacheSize).toBe(2);
    await x.exchange('c');
    await x.exchange('b');
    expect(seen).toHaveLength(3);
    await x.exchange('a');
    expect(seen).toHaveLength(4);
  });

  it('shares one request between concurrent exchanges of one subject token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    answer = (form, res) => void gate.then(() => defaultAnswer(form, res));
    const x = createTokenExchanger(config(), undefined, { resource: RESOURCE });
    const all = Promise.all([x.exchange(SUBJECT), x.exchange(SUBJECT), x.exchange(SUBJECT)]);
    await new Promise((r) => setTimeout(r, 50));
    release();
    const tokens = await all;
    expect(new Set(tokens).size).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('names the OAuth error of a refusal, never the subject token or the client secret', async () => {
    answer = (form, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_grant', error_description: `token ${form.get('subject_token')} expired` }));
    };
    const x = createTokenExchanger(config(), SECRET, { resource: RESOURCE });
    const e = await failure(x.exchange(SUBJECT));
    expect(e.code).toBe('ERR_IO');
    expect(e.message).toContain('invalid_grant');
    expect(e.message).toContain('HTTP 400');
    expect(e.context).toMatchObject({ status: 400, oauthError: 'invalid_grant' });
    expectNoSecrets(e);
    expect(x.cacheSize).toBe(0);
    // A failure is not cached: the next call asks again.
    await failure(x.exchange(SUBJECT));
    expect(seen).toHaveLength(2);
  });

  it('redacts an error code that echoes the subject token', async () => {
    answer = (form, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `bad_${form.get('subject_token')}` }));
    };
    const e = await failure(createTokenExchanger(config(), SECRET, { resource: RESOURCE }).exchange(SUBJECT));
    expectNoSecrets(e);
  });

  it('refuses an oversize answer', async () => {
    answer = (form, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'x', token_type: 'Bearer', pad: 'p'.repeat(MAX_TOKEN_ANSWER_BYTES) }));
    };
    const e = await failure(createTokenExchanger(config(), undefined, { resource: RESOURCE }).exchange(SUBJECT));
    expect(e.code).toBe('ERR_INPUT_TOO_LARGE');
  });

  it('refuses an oversize answer sent without content-length', async () => {
    answer = (form, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 20; i++) res.write('x'.repeat(8192));
      res.end();
    };
    const e = await failure(createTokenExchanger(config(), undefined, { resource: RESOURCE }).exchange(SUBJECT));
    expect(e.code).toBe('ERR_INPUT_TOO_LARGE');
  });

  it('times out a slow answer', async () => {
    answer = () => undefined; // never answers
    const started = Date.now();
    const e = await failure(createTokenExchanger(config(), undefined, { resource: RESOURCE, timeoutMs: 200 }).exchange(SUBJECT));
    expect(e.code).toBe('ERR_IO');
    expect(e.message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses malformed JSON and answers without a usable token', async () => {
    const cases: [string, number][] = [
      ['{"access_token": "abc", ', 200],
      [JSON.stringify({ token_type: 'Bearer' }), 200],
      [JSON.stringify({ access_token: 'abc', token_type: 'mac' }), 200],
      [JSON.stringify({ access_token: 'a\r\nb', token_type: 'Bearer' }), 200],
      [JSON.stringify({ access_token: 'abc', token_type: 'Bearer', expires_in: 'soon' }), 200],
    ];
    for (const [body, status] of cases) {
      answer = (form, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      const e = await failure(createTokenExchanger(config(), SECRET, { resource: RESOURCE }).exchange(SUBJECT));
      expect(e.code).toBe('ERR_INPUT_INVALID');
      expectNoSecrets(e);
      expect(e.message).not.toContain('a\r\nb');
    }
  });

  it('does not follow a redirect of the token endpoint', async () => {
    answer = (form, res) => res.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    const e = await failure(createTokenExchanger(config(), SECRET, { resource: RESOURCE }).exchange(SUBJECT));
    expect(e.message).toContain('HTTP 307');
    expect(seen).toHaveLength(1);
  });

  it('reports a network failure as ERR_IO without the request', async () => {
    const x = createTokenExchanger(config({ tokenUrl: 'http://127.0.0.1:1/token' }), SECRET, { resource: RESOURCE });
    const e = await failure(x.exchange(SUBJECT));
    expect(e.code).toBe('ERR_IO');
    expectNoSecrets(e);
  });
});
