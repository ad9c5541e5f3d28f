import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { challengeParam, forgedTokens, namesServer, probeRemoteAuth, tokenAudiences } from './auth-probes.js';
import { displayUrl, isLocalHost, isLoopbackHost, jsonRpcMessages } from './live-http.js';

describe('auth probe helpers', () => {
  it('forges syntactically valid JWTs for a foreign audience that nobody signed', () => {
    const tokens = forgedTokens(1_700_000_000);
    expect(tokens.map((t) => decodeProtectedHeader(t.token).alg)).toEqual(['none', 'HS256', 'RS256']);
    for (const t of tokens) {
      expect(decodeJwt(t.token)).toMatchObject({ aud: 'https://bulwark-audit.invalid/another-resource', exp: 1_700_000_300 });
    }
    expect(tokens[0]?.token.endsWith('.')).toBe(true);
  });

  it('reads the audience of a JWT without verifying it, and nothing from other tokens', () => {
    const [forged] = forgedTokens();
    expect(tokenAudiences(forged!.token)).toEqual(['https://bulwark-audit.invalid/another-resource']);
    expect(tokenAudiences('ghp_notajwt')).toBeUndefined();
    expect(tokenAudiences('a.b.c')).toBeUndefined();
  });

  it('matches a resource or audience to the server URL by origin and path prefix', () => {
    const url = new URL('https://mcp.example.com/tenant/mcp');
    expect(namesServer('https://mcp.example.com/tenant/mcp', url)).toBe(true);
    expect(namesServer('https://mcp.example.com/tenant/mcp/', url)).toBe(true);
    expect(namesServer('https://mcp.example.com/', url)).toBe(true);
    expect(namesServer('https://mcp.example.com/tenant', url)).toBe(true);
    expect(namesServer('https://mcp.example.com/ten', url)).toBe(false);
    expect(namesServer('https://evil.example/tenant/mcp', url)).toBe(false);
    expect(namesServer('not a url', url)).toBe(false);
  });

  it('parses challenge parameters, quoted or not', () => {
    const c = 'Bearer error="invalid_token", resource_metadata="https://a.example/.well-known/oauth-protected-resource/mcp", scope=mcp';
    expect(challengeParam(c, 'resource_metadata')).toBe('https://a.example/.well-known/oauth-protected-resource/mcp');
    expect(challengeParam(c, 'scope')).toBe('mcp');
    expect(challengeParam('Bearer realm="x"', 'resource_metadata')).toBeUndefined();
  });
});

describe('live HTTP helpers', () => {
  it('reads JSON-RPC messages from JSON and SSE bodies', () => {
    expect(jsonRpcMessages('{"jsonrpc":"2.0","id":1,"result":{}}', 'application/json')).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    const sse = 'event: message\ndata: {"jsonrpc":"2.0","id":2,\ndata: "result":{"tools":[]}}\n\nevent: message\ndata: oops\n\n';
    expect(jsonRpcMessages(sse, 'text/event-stream; charset=utf-8')).toEqual([{ jsonrpc: '2.0', id: 2, result: { tools: [] } }]);
    expect(jsonRpcMessages('<html>', 'text/html')).toEqual([]);
  });

  it('shows URLs without credentials or query', () => {
    expect(displayUrl('https://u:p@h.example/mcp?access_token=abc#x')).toBe('https://h.example/mcp');
  });

  it('tells loopback and private hosts from public ones', () => {
    for (const h of ['127.0.0.1', 'localhost', '[::1]', '10.1.2.3', '192.168.0.5', '172.20.0.1']) expect(isLocalHost(h), h).toBe(true);
    for (const h of ['8.8.8.8', 'mcp.example.com', '172.32.0.1']) expect(isLocalHost(h), h).toBe(false);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});

describe('probeRemoteAuth against refusing servers', () => {
  interface Behaviour {
    status: number;
    challenge?: (origin: string) => string;
    docs?: Record<string, (origin: string) => unknown>;
  }

  async function serve(b: Behaviour): Promise<{ url: URL; hits: string[]; close(): Promise<void> }> {
    const hits: string[] = [];
    let origin = '';
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const doc = b.docs?.[req.url ?? ''];
      if (req.method === 'GET' && doc) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc(origin)));
        return;
      }
      if (req.url === '/mcp') {
        res.writeHead(b.status, b.challenge ? { 'www-authenticate': b.challenge(origin) } : {}).end();
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url: new URL(`${origin}/mcp`),
      hits,
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }

  const PATH_DOC = '/.well-known/oauth-protected-resource/mcp';
  const ROOT_DOC = '/.well-known/oauth-protected-resource';
  const good = (o: string) => ({ resource: `${o}/mcp`, authorization_servers: [o] });
  const cases: [string, Behaviour, string[]][] = [
    ['compliant', { status: 401, challenge: (o) => `Bearer resource_metadata="${o}${PATH_DOC}"`, docs: { [PATH_DOC]: good } }, []],
    ['bare challenge, well-known metadata', { status: 401, challenge: () => 'Bearer realm="mcp"', docs: { [PATH_DOC]: good } }, ['auth.challenge-without-resource-metadata']],
    ['no challenge, root metadata', { status: 401, docs: { [ROOT_DOC]: good } }, ['auth.challenge-missing']],
    ['metadata for another resource', { status: 401, challenge: (o) => `Bearer resource_metadata="${o}${PATH_DOC}"`, docs: { [PATH_DOC]: () => ({ resource: 'https://other.example/mcp', authorization_servers: ['https://as.example'] }) } }, ['auth.resource-metadata-mismatch']],
    ['metadata without authorization servers', { status: 401, challenge: () => 'Bearer', docs: { [PATH_DOC]: (o) => ({ resource: `${o}/mcp` }) } }, ['auth.resource-metadata-invalid']],
    ['403 and nothing else', { status: 403 }, ['auth.challenge-missing', 'auth.resource-metadata-missing']],
    ['metadata declared on another host', { status: 401, challenge: () => 'Bearer resource_metadata="http://127.0.0.2:9/.well-known/oauth-protected-resource"' }, []],
  ];

  it.each(cases)('%s', async (_label, behaviour, expected) => {
    const s = await serve(behaviour);
    try {
      const r = await probeRemoteAuth(s.url, { tokenAllowed: false, configHeaders: {}, timeoutMs: 2000 });
      expect(r.findings.map((f) => f.check).sort()).toEqual([...expected].sort());
      expect(r.findings.every((f) => f.location === s.url.href)).toBe(true);
    } finally {
      await s.close();
    }
  });
});
