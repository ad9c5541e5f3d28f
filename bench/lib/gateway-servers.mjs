// Child-process entry point of the gateway benchmark: starts one server under test from the built dist/ (plain
// node, no TypeScript loader, so memory and CPU are what a user runs) and prints its URL.
// Usage: node bench/lib/gateway-servers.mjs <stub|thin|bulwark-off|bulwark-default|bulwark-default-keyed> [upstreamUrl]
// [sinkUrl...]
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Pool } from 'undici';

// As bin/bulwark.js does for its servers: the young generation does not grow while the modules load.
if (process.argv[2]?.startsWith('bulwark') && process.env.BULWARK_SEMI_SPACE_MIB?.trim() !== '0') setFlagsFromString('--semi-space-growth-factor=1');

const dist = new URL('../../dist/', import.meta.url);
const [kind, upstream, ...sinks] = process.argv.slice(2);
const HIGH_LIMITS = { requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000, concurrency: 100_000 };

async function main() {
  if (kind === 'stub') {
    const { createSimulator } = await import(new URL('simulator/server.js', dist));
    return (await createSimulator({ port: 0, profile: 'naive', recordRequests: 0 })).url;
  }
  if (!upstream) throw new Error('upstream URL required');
  if (kind === 'thin') {
    // The thinnest useful Node proxy: node:http in, one undici pool out, the body parsed and re-serialised once.
    const pool = new Pool(new URL(upstream).origin, { connections: 128, pipelining: 1 });
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        pool
          .request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body })
          .then((r) => {
            res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type'] ?? 'application/json') });
            r.body.pipe(res);
          })
          .catch(() => res.writeHead(502).end());
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${server.address().port}`;
  }
  const { validateConfig } = await import(new URL('policy/load.js', dist));
  const { DEFAULT_POLICY } = await import(new URL('policy/default-policy.js', dist));
  const { startGateway } = await import(new URL('gateway/start.js', dist));
  // As `bulwark gateway` does before it starts (src/cli/v8-tuning.ts); BULWARK_HEAP_GROWING_PERCENT=0 and
  // BULWARK_SEMI_SPACE_MIB=0 measure V8's own heap sizing instead.
  const { tuneForServing } = await import(new URL('cli/v8-tuning.js', dist));
  tuneForServing();
  const policy = kind === 'bulwark-off' ? { input: [], output: [], tool_call: [], tool_result: [] } : DEFAULT_POLICY;
  // bulwark-default-keyed: callers authenticate with an API key (printed after the URL, tab-separated), as the
  // guard's memory of request texts is per authenticated caller.
  const keyed = kind === 'bulwark-default-keyed';
  const config = validateConfig(
    {
      version: 1,
      server: { port: 0 },
      upstreams: [{ name: 'default', url: `${upstream}/v1`, models: ['*'] }],
      auth: keyed ? { apiKeys: { enabled: true }, anonymous: { enabled: false } } : { anonymous: { enabled: true } },
      limits: HIGH_LIMITS,
      policies: { bench: policy },
      defaultPolicy: 'bench',
    },
    'bench',
  );
  // A file store as in production (an in-memory one would grow with every event and inflate the RSS figure).
  const storeUrl = process.env.BENCH_STORE_URL ?? join(mkdtempSync(join(tmpdir(), 'bulwark-bench-')), 'bulwark.db');
  const gw = await startGateway({ config, storeUrl, port: 0, host: '127.0.0.1', sinks });
  if (!keyed) return gw.url;
  const { key } = await gw.store.keys.create({ name: 'bench', models: ['*'], policy: 'bench' });
  return `${gw.url}\t${key}`;
}

main().then(
  (url) => process.stdout.write(`${url}\n`),
  (e) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  },
);

// Exit cleanly on SIGTERM so that `node --cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
