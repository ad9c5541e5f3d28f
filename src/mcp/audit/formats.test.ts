// Reading configuration texts in every client format: dialect recognition, normalisation of each client's entry
// shape, and fuzzing (random JSON, JSONC, YAML and entries never throw; problems land in `errors`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigSource } from '../types.js';
import { parseConfigText, recogniseDialects } from './formats.js';

const given: ConfigSource = { client: 'file', path: '/tmp/config.json', scope: 'given' };
const yamlSource: ConfigSource = { client: 'file', path: '/tmp/config.yaml', scope: 'given' };

describe('parseConfigText', () => {
  it('recognises each dialect from its sections', () => {
    expect(recogniseDialects({ mcpServers: {} })).toEqual(['mcpServers']);
    expect(recogniseDialects({ mcpServers: {}, projects: {} })).toEqual(['claude-code']);
    expect(recogniseDialects({ mcpServers: [] })).toEqual(['continue-yaml']);
    expect(recogniseDialects({ servers: {}, inputs: [] })).toEqual(['vscode']);
    expect(recogniseDialects({ mcp: { servers: {} } })).toEqual(['vscode-settings']);
    expect(recogniseDialects({ 'mcp.servers': {} })).toEqual(['vscode-settings']);
    expect(recogniseDialects({ context_servers: {} })).toEqual(['zed']);
    expect(recogniseDialects({ experimental: { modelContextProtocolServers: [] } })).toEqual(['continue-json']);
    expect(recogniseDialects({ theme: 'x' })).toEqual([]);
    expect(recogniseDialects([1])).toEqual([]);
  });

  it('normalises the entry shapes of every client', () => {
    const text = JSON.stringify({
      mcpServers: {
        stdio: { command: 'npx', args: ['-y', 'a@1.0.0', 7, true, { x: 1 }], env: { A: 'b', N: 1, O: {} } },
        windsurf: { serverUrl: 'https://w.example/mcp', headers: { 'X-Key': '${env:K}' } },
        gemini: { httpUrl: 'https://g.example/mcp' },
        typed: { type: 'sse', url: 'https://s.example/events' },
        guessed: { url: 'https://s.example/sse' },
        off: { command: 'x', disabled: true },
        listed: { command: ['uvx', 'tool==1.0'], args: ['--flag'] },
      },
    });
    const { servers, errors } = parseConfigText(text, given);
    expect(errors).toEqual([]);
    const by = Object.fromEntries(servers.map((s) => [s.name, s]));
    expect(by.stdio).toMatchObject({ transport: 'stdio', command: 'npx', args: ['-y', 'a@1.0.0', '7', 'true'], env: { A: 'b', N: '1' }, enabled: true, pointer: '/mcpServers/stdio' });
    expect(by.windsurf).toMatchObject({ transport: 'http', url: 'https://w.example/mcp', headers: { 'X-Key': '${env:K}' } });
    expect(by.gemini).toMatchObject({ transport: 'http', url: 'https://g.example/mcp' });
    expect(by.typed!.transport).toBe('sse');
    expect(by.guessed!.transport).toBe('sse');
    expect(by.off!.enabled).toBe(false);
    expect(by.listed).toMatchObject({ command: 'uvx', args: ['tool==1.0', '--flag'] });
  });

  it('reads Gemini CLI `url` as SSE, Zed command objects and Continue lists', () => {
    const gemini = parseConfigText('{"mcpServers": {"g": {"url": "https://g.example/mcp"}}}', { ...given, client: 'gemini-cli' }, 'mcpServers');
    expect(gemini.servers[0]!.transport).toBe('sse');
    const zed = parseConfigText('{"context_servers": {"z": {"command": {"path": "node", "args": ["s.js"], "env": {"A": "1"}}, "enabled": false}}}', given);
    expect(zed.servers[0]).toMatchObject({ command: 'node', args: ['s.js'], env: { A: '1' }, enabled: false });
    const yaml = parseConfigText('mcpServers:\n  - name: A\n    type: streamable-http\n    url: https://a.example/mcp\n    requestOptions:\n      headers:\n        Authorization: Bearer ${{ secrets.T }}\n  - command: uvx\n', yamlSource);
    expect(yaml.errors).toEqual([]);
    expect(yaml.servers.map((s) => [s.name, s.transport, s.pointer, s.line])).toEqual([
      ['A', 'http', '/mcpServers/0', 2],
      ['server-2', 'stdio', '/mcpServers/1', 8],
    ]);
    expect(yaml.servers[0]!.headers).toEqual({ Authorization: 'Bearer ${{ secrets.T }}' });
    const legacy = parseConfigText('{"experimental": {"modelContextProtocolServers": [{"transport": {"type": "stdio", "command": "uvx", "args": ["x"]}}]}}', given);
    expect(legacy.servers[0]).toMatchObject({ name: 'server-1', command: 'uvx', args: ['x'], transport: 'stdio' });
  });

  it('reports malformed text and entries as errors', () => {
    expect(parseConfigText('{"mcpServers": ', given).errors[0]!.message).toMatch(/^unexpected end of the document at line 1/);
    expect(parseConfigText('mcpServers: [\n', yamlSource).errors[0]!.message).toMatch(/^invalid YAML/);
    expect(parseConfigText('{"mcpServers": {"a": 1, "b": null}}', given).errors.map((e) => e.path)).toEqual(['/tmp/config.json#/mcpServers/a', '/tmp/config.json#/mcpServers/b']);
    // A discovered settings file without a server section is normal; a given one is reported.
    expect(parseConfigText('{"theme": "x"}', given).errors).toHaveLength(1);
    expect(parseConfigText('{"theme": "x"}', { ...given, client: 'gemini-cli' }, 'mcpServers').errors).toEqual([]);
  });

  it('bounds YAML alias expansion', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), 'mcpServers: []'].join('\n');
    const r = parseConfigText(bomb, yamlSource);
    expect(r.servers).toEqual([]);
    expect(r.errors.length).toBe(1);
  });

  it('never throws on random JSON, JSONC, YAML or entries', () => {
    const entry = fc.anything({ maxDepth: 3, withNullPrototype: true });
    const configs = fc.oneof(
      fc.record({ mcpServers: fc.dictionary(fc.string(), entry) }),
      fc.record({ servers: fc.dictionary(fc.string(), entry) }),
      fc.record({ mcp: fc.record({ servers: fc.dictionary(fc.string(), entry) }) }),
      fc.record({ context_servers: fc.dictionary(fc.string(), entry) }),
      fc.record({ mcpServers: fc.array(entry) }),
      fc.record({ mcpServers: fc.dictionary(fc.string(), entry), projects: fc.dictionary(fc.string(), fc.record({ mcpServers: fc.dictionary(fc.string(), entry) })) }),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(configs, fc.boolean(), (config, asYaml) => {
        let text: string;
        try {
          text = JSON.stringify(config) ?? 'null';
        } catch {
          return;
        }
        // YAML is a superset of JSON: the same text read as YAML exercises the other reader.
        const r = parseConfigText(text, asYaml ? yamlSource : given);
        expect(Array.isArray(r.servers) && Array.isArray(r.errors)).toBe(true);
        for (const s of r.servers) expect(typeof s.name).toBe('string');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (text, asYaml) => {
        const r = parseConfigText(text, asYaml ? yamlSource : given);
        expect(r.errors.length + r.servers.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});
