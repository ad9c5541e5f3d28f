import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonScanner } from './json.js';
import { BENIGN_TEMPLATES } from './testdata/benign-templates.js';
import { fixtureCases, mutate, run } from './testdata/harness.js';

const SSTI = "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}{{ cycler.__init__.__globals__.os.popen('id').read() }}";
const scan = (doc: unknown, member = 'model/tokenizer_config.json') => run(jsonScanner, Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)), { member });

describe('jsonScanner', () => {
  it('passes tokenizer configs with benign templates, as a string or a named list', async () => {
    for (const t of Object.values(BENIGN_TEMPLATES)) expect((await scan({ bos_token: '<s>', chat_template: t })).findings).toEqual([]);
    const list = { chat_template: Object.entries(BENIGN_TEMPLATES).map(([name, template]) => ({ name, template })) };
    expect((await scan(list)).findings).toEqual([]);
  });

  it('flags a malicious template, with the entry name and the key offset', async () => {
    const r = await scan({ model_max_length: 4096, chat_template: SSTI });
    expect(r.verdict).toBe('malicious');
    expect(r.findings.every((f) => f.offset === JSON.stringify({ model_max_length: 4096 }).length)).toBe(true);
    const named = await scan({ chat_template: [{ name: 'default', template: '{{ messages }}' }, { name: 'tool_use', template: SSTI }] }, 'chat_template.json');
    expect(named.verdict).toBe('malicious');
    expect(named.findings[0]!.message).toMatch(/^chat_template tool_use: /);
  });

  it('reports malformed chat_template values', async () => {
    expect((await scan({ chat_template: 42 })).rules).toEqual(['scan.malformed']);
    expect((await scan({ chat_template: [{ name: 'x' }] })).rules).toEqual(['scan.malformed']);
    expect((await scan({ chat_template: null })).findings).toEqual([]);
  });

  it('treats invalid JSON as malformed only for model config names', async () => {
    expect((await scan('{"a": ', 'config.json')).rules).toEqual(['scan.malformed']);
    expect((await scan('{"a": ', 'tokenizer_config.json')).rules).toEqual(['scan.malformed']);
    expect((await scan('{"a": ', 'results.json')).rules).toEqual(['json.not-json']);
    expect((await scan('{"a": ', 'results.json')).verdict).toBe('clean');
    expect((await run(jsonScanner, Buffer.from([0x7b, 0xff, 0x7d]), { member: 'config.json' })).rules).toEqual(['scan.malformed']);
    expect((await scan(`{"x": ${'['.repeat(2000)}${']'.repeat(2000)}}`, 'config.json')).rules).toEqual(['scan.malformed']);
  });

  it('reports auto_map custom code, and code from other repositories as suspicious', async () => {
    const local = await scan({ architectures: ['X'], auto_map: { AutoConfig: 'configuration_x.XConfig', AutoModel: 'modeling_x.XModel' } }, 'config.json');
    expect(local.rules).toEqual(['json.remote-code']);
    expect(local.findings[0]!.message).toBe('auto_map loads custom code from configuration_x.py, modeling_x.py');
    const tok = await scan({ auto_map: { AutoTokenizer: ['tokenization_x.XTokenizer', null] } });
    expect(tok.rules).toEqual(['json.remote-code']);
    const ext = await scan({ auto_map: { AutoModel: 'someone/other-repo--modeling_x.XModel' } }, 'config.json');
    expect(ext.rules).toEqual(['json.remote-code-external']);
    expect(ext.verdict).toBe('suspicious');
  });

  it('analyses a Keras config saved as JSON', async () => {
    const cfg = { module: 'keras', class_name: 'Sequential', config: { layers: [{ module: 'os', class_name: 'system', config: {} }] } };
    expect((await scan(cfg, 'config.json')).verdict).toBe('malicious');
  });

  it('analyses .jinja chat template files', async () => {
    expect((await run(jsonScanner, Buffer.from(SSTI), { member: 'chat_template.jinja' })).verdict).toBe('malicious');
    expect((await run(jsonScanner, Buffer.from(BENIGN_TEMPLATES.qwen!), { member: 'chat_template.jinja' })).findings).toEqual([]);
  });

  it('stops at files beyond the metadata limit', async () => {
    expect((await run(jsonScanner, Buffer.from('{"a": 1}'), { limits: { maxMetadataBytes: 4 } })).aborted?.reason).toBe('limit');
  });

  it('survives mutations', async () => {
    const base = Buffer.from(JSON.stringify({ chat_template: BENIGN_TEMPLATES.gemma, auto_map: { AutoModel: 'a--b.C' } }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), kind: fc.nat(3), value: fc.nat(255) }), { minLength: 1, maxLength: 6 }), async (edits) => {
        await run(jsonScanner, mutate(base, edits), { member: 'tokenizer_config.json' });
      }),
      { numRuns: 300 },
    );
  });

  const fixtures = fixtureCases(['.json']).filter((f) => !f.path.endsWith('manifest.json'));
  it.skipIf(fixtures.length === 0)(`agrees with the real-library fixtures (${fixtures.length} .json in test/fixtures/model-files)`, async () => {
    for (const f of fixtures) expect((await run(jsonScanner, readFileSync(f.path), { member: f.path.split('/').at(-1)! })).verdict, `${f.path}: ${f.reason}`).toBe(f.verdict);
  });
});
