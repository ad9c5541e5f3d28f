// `bulwark mcp gateway --config FILE` as a user runs it: a YAML configuration with an mcp: section checked by
// `bulwark policy check`, the gateway started by the command, an SDK client calling a stdio upstream through it,
// and a clean stop.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMcpCommand } from '../src/cli/mcp.js';
import { checkPolicy } from '../src/cli/policy.js';
import { defaultRegistry } from '../src/gateway/detector-api/registry.js';
import { memoryIo } from './fixtures/memory-io.js';
import { runCommand } from './fixtures/run-command.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const TOOL_SERVER = fileURLToPath(new URL('./fixtures/mcp-servers/tool-server.ts', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulwark-mcp-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bulwark mcp gateway', () => {
  it('serves the configured stdio server to an SDK client with a valid token, and stops on shutdown', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const yaml = [
      'version: 1',
      'mcp:',
      '  auth:',
      '    issuer: https://idp.example.com',
      '    algorithms: [ES256]',
      '    publicKey: |',
      ...pem.trim().split('\n').map((l) => `      ${l}`),
      '  servers:',
      '    - name: tools',
      '      stdio:',
      `        command: ${JSON.stringify(process.execPath)}`,
      `        args: ["--import", "tsx", ${JSON.stringify(TOOL_SERVER)}, "--stdio"]`,
      `        cwd: ${JSON.stringify(REPO)}`,
      '      scopes: [tools:use]',
      '',
    ].join('\n');
    const file = join(dir, 'bulwark.yaml');
    await writeFile(file, yaml);

    const checkIo = memoryIo();
    const code0 = await checkPolicy(file, {}, { registry: defaultRegistry(), io: checkIo, setExitCode: () => undefined });
    expect(checkIo.err()).toBe('');
    expect(code0).toBe(0);
    expect(checkIo.out()).toContain(`mcp servers (1):\n  tools  /tools/mcp  stdio ${process.execPath}  issuer https://idp.example.com  policy default  descriptions block`);
    // A server naming a policy that does not exist fails the check (not only the start).
    await writeFile(join(dir, 'bad-policy.yaml'), yaml.replace('      scopes: [tools:use]', '      scopes: [tools:use]\n      policy: nope'));
    const badIo = memoryIo();
    expect(await checkPolicy(join(dir, 'bad-policy.yaml'), {}, { registry: defaultRegistry(), io: badIo, setExitCode: () => undefined })).toBe(64);
    expect(badIo.err()).toContain('no policy named "nope"');

    const io = memoryIo({ cwd: dir });
    const stop = new AbortController();
    const running = runCommand([registerMcpCommand], ['mcp', 'gateway', '--config', file, '--port', '0', '--store', ':memory:'], io, stop.signal);
    let url: string | undefined;
    for (let i = 0; i < 300 && url === undefined; i++) {
      url = /listening on (http:\/\/\S+)/.exec(io.err())?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url).toBeDefined();
    expect(io.err()).toContain(`tools: ${url}/tools/mcp (metadata ${url}/.well-known/oauth-protected-resource/tools/mcp)`);

    const token = await new SignJWT({ scope: 'tools:use' }).setProtectedHeader({ alg: 'ES256' }).setSubject('ci').setIssuer('https://idp.example.com').setAudience(`${url}/tools/mcp`).setExpirationTime('5m').sign(privateKey);
    const client = new Client({ name: 'cli-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/tools/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    const r = await client.callTool({ name: 'echo', arguments: { text: 'via the CLI' } });
    expect((r.content as { text: string }[])[0]!.text).toBe('via the CLI');
    await client.close();

    stop.abort();
    const { code, err } = await running;
    expect(code).toBe(0);
    expect(err).toContain('stopping');
  }, 60_000);

  it('refuses a configuration without an mcp: section', async () => {
    const file = join(dir, 'no-mcp.yaml');
    await writeFile(file, 'version: 1\nupstreams:\n  - name: a\n    url: http://127.0.0.1:8000/v1\n');
    await expect(runCommand([registerMcpCommand], ['mcp', 'gateway', '--config', file, '--port', '0', '--store', ':memory:'])).rejects.toThrow(/no mcp: section/);
  });
});
