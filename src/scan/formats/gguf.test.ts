import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ggufScanner } from './gguf.js';
import { BENIGN_TEMPLATES } from './testdata/benign-templates.js';
import { s, u32, writeGguf, type GgufTensor, type GgufValue } from './testdata/gguf-writer.js';
import { fixtureCases, mutate, run } from './testdata/harness.js';

const TENSORS: GgufTensor[] = [
  { name: 'token_embd.weight', dims: [64, 4], type: 0 },
  { name: 'blk.0.attn_q.weight', dims: [64, 64], type: 8 },
  { name: 'output_norm.weight', dims: [64], type: 0 },
  { name: 'blk.0.ffn.weight', dims: [256, 2], type: 12 },
];

function model(extra: [string, GgufValue][] = [], opts: Parameters<typeof writeGguf>[0] = {}): Buffer {
  const kv: [string, GgufValue][] = [
    ['general.architecture', s('llama')],
    ['general.name', s('tiny')],
    ['llama.context_length', u32(2048)],
    ['general.alignment', u32(32)],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', values: ['<s>', '</s>', 'a', 'b'].map(s) }],
    ['tokenizer.ggml.scores', { type: 'array', of: 'f32', values: [0, 0, -1, -2].map((value) => ({ type: 'f32' as const, value })) }],
    ['tokenizer.ggml.token_type', { type: 'array', of: 'i32', values: [3, 3, 1, 1].map((value) => ({ type: 'i32' as const, value })) }],
    ['nested', { type: 'array', of: 'array', values: [{ type: 'array', of: 'u8', values: [{ type: 'u8', value: 1 }] }] }],
    ['flag', { type: 'bool', value: 1 }],
    ['big', { type: 'u64', value: 1 }],
    ['neg', { type: 'i64', value: 1 }],
    ['dbl', { type: 'f64', value: 1.5 }],
    ['small', { type: 'i16', value: -3 }],
    ['byte', { type: 'i8', value: -1 }],
    ['word', { type: 'u16', value: 7 }],
    ...extra,
  ];
  return writeGguf({ kv, tensors: TENSORS, ...opts });
}

describe('ggufScanner', () => {
  it('passes a well-formed model with every value type and a benign template', async () => {
    for (const t of Object.values(BENIGN_TEMPLATES)) {
      const r = await run(ggufScanner, model([['tokenizer.chat_template', s(t)]]));
      expect(r.findings).toEqual([]);
    }
  });

  it('reads versions 1, 2 and big-endian files', async () => {
    for (const version of [1, 2]) expect((await run(ggufScanner, model([], { version }))).findings).toEqual([]);
    const be = await run(ggufScanner, model([['tokenizer.chat_template', s('{{ x.__class__ }}')]], { bigEndian: true }));
    expect(be.rules).toEqual(['gguf.big-endian', 'template.sandbox-escape']);
  });

  it('flags a malicious chat template with its offset and fragment', async () => {
    const payload = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
    const buf = model([['tokenizer.chat_template', s(payload)]]);
    const r = await run(ggufScanner, buf);
    expect(r.verdict).toBe('malicious');
    const f = r.findings.find((x) => x.rule === 'template.code-execution' && x.fragment?.includes('popen'))!;
    expect(f).toBeDefined();
    expect(buf.subarray(f.offset! + 8, f.offset! + 8 + payload.length).toString()).toBe(payload);
  });

  it('checks named templates too (tokenizer.chat_template.tool_use)', async () => {
    const r = await run(ggufScanner, model([['tokenizer.chat_template.tool_use', s("{{ x|attr('__cla' ~ 'ss__') }}")]]));
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]!.message).toMatch(/^tokenizer\.chat_template\.tool_use: /);
  });

  it('still analyses a template found before the file breaks', async () => {
    const buf = model([['tokenizer.chat_template', s('{{ x.__globals__ }}')]]);
    const r = await run(ggufScanner, buf.subarray(0, buf.length - 200));
    expect(r.rules).toContain('template.sandbox-escape');
    expect(r.rules).toContain('scan.truncated');
  });

  it('reports bad magic, versions, counts and types as malformed', async () => {
    const good = model();
    const badVersion = Buffer.from(good);
    badVersion.writeUInt32LE(7, 4);
    expect((await run(ggufScanner, badVersion)).rules).toEqual(['scan.malformed']);
    expect((await run(ggufScanner, model([], { tensorCount: 2 ** 40 }))).rules).toEqual(['scan.malformed']);
    expect((await run(ggufScanner, model([], { kvCount: 2 ** 40 }))).rules).toEqual(['scan.malformed']);
    expect((await run(ggufScanner, model([['general.alignment', u32(33)]]))).rules).toEqual(['scan.malformed']);
    expect((await run(ggufScanner, model([['tokenizer.chat_template', u32(1)]]))).rules).toEqual(['scan.malformed']);
    const dup = writeGguf({ kv: [['a', u32(1)], ['a', u32(2)]] });
    expect((await run(ggufScanner, dup)).findings[0]!.message).toMatch(/duplicate metadata key a/);
    const fiveDims = writeGguf({ tensors: [{ name: 't', dims: [1, 1, 1, 1, 1], type: 0 }] });
    expect((await run(ggufScanner, fiveDims)).rules).toEqual(['scan.malformed']);
    const unaligned = writeGguf({ tensors: [{ name: 't', dims: [8], type: 0, offset: 4 }] });
    expect((await run(ggufScanner, unaligned)).rules).toEqual(['scan.malformed']);
    const badBlock = writeGguf({ tensors: [{ name: 't', dims: [33], type: 8 }] });
    expect((await run(ggufScanner, badBlock)).rules).toEqual(['scan.malformed']);
  });

  it('reports a cut file as truncated, anywhere it is cut', async () => {
    const buf = model([['tokenizer.chat_template', s(BENIGN_TEMPLATES.phi3!)]]);
    for (const cut of [10, 30, 100, 400, 900, buf.length - 1]) {
      const r = await run(ggufScanner, buf.subarray(0, cut));
      expect(r.verdict, `cut at ${cut}`).toBe('error');
    }
  });

  it('finds overlapping tensors, hidden bytes between tensors and after the last one', async () => {
    const overlap = writeGguf({ tensors: [{ name: 'a', dims: [64], type: 0, offset: 0 }, { name: 'b', dims: [64], type: 0, offset: 128 }] });
    expect((await run(ggufScanner, overlap)).rules).toEqual(['scan.malformed']);
    const gap = writeGguf({ tensors: [{ name: 'a', dims: [8], type: 0, offset: 0 }, { name: 'b', dims: [8], type: 0, offset: 4096 }] });
    expect((await run(ggufScanner, gap)).rules).toEqual(['gguf.hidden-data']);
    const trailing = model([], { trailing: 4096 });
    expect((await run(ggufScanner, trailing)).rules).toEqual(['gguf.hidden-data']);
    const past = writeGguf({ tensors: [{ name: 'a', dims: [1024], type: 0, bytes: 16 }] });
    expect((await run(ggufScanner, past)).rules).toEqual(['scan.truncated']);
  });

  it('notes unknown tensor types and skips their size checks', async () => {
    const r = await run(ggufScanner, writeGguf({ tensors: [{ name: 'a', dims: [8], type: 250, bytes: 32 }] }));
    expect(r.rules).toEqual(['gguf.unknown-tensor-type']);
    expect(r.verdict).toBe('clean');
  });

  it('stops at strings beyond the metadata limit', async () => {
    const r = await run(ggufScanner, model([['tokenizer.chat_template', s('x'.repeat(5000))]]), { limits: { maxMetadataBytes: 1000 } });
    expect(r.aborted?.reason).toBe('limit');
  });

  it('survives random bytes and mutations of a valid file', async () => {
    const base = model([['tokenizer.chat_template', s(BENIGN_TEMPLATES.zephyr!)]]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), kind: fc.nat(3), value: fc.nat(255) }), { minLength: 1, maxLength: 6 }), async (edits) => {
        await run(ggufScanner, mutate(base, edits));
      }),
      { numRuns: 600 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const r = await run(ggufScanner, Buffer.concat([Buffer.from('GGUF\x03\0\0\0'), bytes]));
        expect(['clean', 'error', 'suspicious', 'malicious']).toContain(r.verdict);
      }),
      { numRuns: 600 },
    );
  });

  const fixtures = fixtureCases(['.gguf']);
  it.skipIf(fixtures.length === 0)(`agrees with the real-library fixtures (${fixtures.length} .gguf in test/fixtures/model-files)`, async () => {
    for (const f of fixtures) expect((await run(ggufScanner, readFileSync(f.path))).verdict, f.path).toBe(f.verdict);
  });
});
