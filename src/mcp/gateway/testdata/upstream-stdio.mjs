// A tiny stdio MCP server for upstream.test.ts: tool `env` answers with its environment and cwd. With
// FLOOD_STDERR=<bytes> it first writes that much to stderr (in lines), to check the gateway drains it boundedly.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const flood = Number(process.env.FLOOD_STDERR ?? '0');
if (flood > 0) {
  const line = `${'x'.repeat(2000)}\n`;
  for (let written = 0; written < flood; written += line.length) process.stderr.write(line);
}
// Node queues pipe writes in memory; waiting for the flush makes an undrained pipe stall the server, as it would
// stall a server written in C or Python.
await new Promise((resolve) => process.stderr.write('upstream fixture ready\n', resolve));

const server = new McpServer({ name: 'upstream-fixture', version: '1.0.0' });
server.registerTool('env', { description: 'returns the environment and cwd' }, async () => ({
  content: [{ type: 'text', text: JSON.stringify({ env: process.env, cwd: process.cwd() }) }],
}));
await server.connect(new StdioServerTransport());
