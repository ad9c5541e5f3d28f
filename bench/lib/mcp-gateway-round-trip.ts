// The MCP gateway's added latency: the same tools/call (`echo`) against the same upstream MCP server (official SDK,
// Streamable HTTP) directly and through `bulwark mcp gateway` — once with the guardrails off (auth, session binding,
// access only) and once with them on (the default policy: prompt injection on tool results, description checks) —
// with the official SDK client, calls interleaved so that machine noise hits every path alike.
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { startMcpGateway } from '../../src/mcp/gateway/start.js';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.js';
import { validateConfig } from '../../src/policy/load.js';
import { startToolServer } from '../../test/fixtures/mcp-servers/tool-server.js';
import { percentile } from './latency.js';

export interface PathStats {
  path: string;
  calls: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface RoundTripResult {
  calls: number;
  paths: PathStats[];
  /** Gateway p50 minus direct p50 (ms). */
  addedP50Ms: { guardrailsOff: number; guardrailsOn: number };
  targetAddedP50Ms: number;
  underTarget: boolean;
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export async function measureRoundTrip(calls: number, warmup: number): Promise<RoundTripResult> {
  const upstreamToken = 'bench-upstream-token';
  const upstream = await startToolServer(upstreamToken);
  const pair = await generateKeyPair('RS256', { extractable: true });
  const issuer = 'https://idp.bench.example';
  const config = validateConfig(
    {
      version: 1,
      limits: { requestsPerMinute: 10_000_000 },
      policies: { default: DEFAULT_POLICY, off: { input: [], output: [], tool_call: [], tool_result: [] } },
      mcp: {
        auth: { issuer, publicKey: await exportSPKI(pair.publicKey), algorithms: ['RS256'] },
        servers: [
          { name: 'plain', http: { url: upstream.url, credential: { env: 'BENCH_UPSTREAM_TOKEN' } }, policy: 'off', descriptions: 'off' },
          { name: 'guarded', http: { url: upstream.url, credential: { env: 'BENCH_UPSTREAM_TOKEN' } } },
        ],
      },
    },
    'bench',
  );
  const gw = await startMcpGateway({ config, storeUrl: ':memory:', port: 0, host: '127.0.0.1', env: { ...process.env, BENCH_UPSTREAM_TOKEN: upstreamToken } });
  const clients: Client[] = [];
  const connect = async (url: string, token: string): Promise<Client> => {
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  };
  const mint = (path: string) =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('bench').setIssuer(issuer).setAudience(`${gw.url}${path}`).setExpirationTime('1h').sign(pair.privateKey);
  try {
    const paths: [string, Client][] = [
      ['direct', await connect(upstream.url, upstreamToken)],
      ['gateway, guardrails off', await connect(`${gw.url}/plain/mcp`, await mint('/plain/mcp'))],
      ['gateway, guardrails on', await connect(`${gw.url}/guarded/mcp`, await mint('/guarded/mcp'))],
    ];
    const times = paths.map(() => [] as number[]);
    const args = { name: 'echo', arguments: { text: 'What is the weather in Lisbon tomorrow? Please answer in one sentence.' } };
    for (let i = 0; i < warmup + calls; i++) {
      for (let p = 0; p < paths.length; p++) {
        const t0 = performance.now();
        await paths[p]![1].callTool(args);
        if (i >= warmup) times[p]!.push(performance.now() - t0);
      }
    }
    const stats = paths.map(([path], p) => {
      const t = times[p]!.sort((a, b) => a - b);
      return { path, calls: t.length, p50Ms: round(percentile(t, 0.5)), p95Ms: round(percentile(t, 0.95)), p99Ms: round(percentile(t, 0.99)) };
    });
    const added = { guardrailsOff: round(stats[1]!.p50Ms - stats[0]!.p50Ms), guardrailsOn: round(stats[2]!.p50Ms - stats[0]!.p50Ms) };
    return { calls, paths: stats, addedP50Ms: added, targetAddedP50Ms: 1, underTarget: added.guardrailsOn <= 1 };
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
    await gw.stop();
    await upstream.close();
  }
}
