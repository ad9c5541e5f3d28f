// The AI-BOM of a folder of models: components, hashes, formats, config and model-card facts, datasets, licences,
// nesting, determinism, and validity against the CycloneDX 1.6 schema.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyFacts, readConfig, readGgufMetadata, readModelCard, taskFromArchitecture } from './bom-metadata.js';
import { validateBom } from './bom-schema.js';
import { buildBom, type Component } from './bom.js';
import { serializeModel, rootDigest } from './signing/manifest.js';
import { gguf, safetensors, writeModelCollection, writeTree } from './testdata/bom-fixtures.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-bom-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const prop = (c: Component | undefined, name: string) => c?.properties?.find((p) => p.name === name)?.value;
const byRef = (list: Component[], ref: string) => list.find((c) => c['bom-ref'] === ref);

describe('buildBom', () => {
  it('describes every model of a collection and validates against CycloneDX 1.6', async () => {
    writeModelCollection(tmp);
    const { bom, models, warnings } = await buildBom(tmp, { now: new Date('2025-01-02T03:04:05.678Z') });
    expect(await validateBom(bom)).toEqual([]);
    expect(warnings).toEqual([]);
    expect(models).toBe(6);
    expect(bom.metadata.timestamp).toBe('2025-01-02T03:04:05Z');
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(bom.components.map((c) => [c.type, c['bom-ref']])).toEqual([
      ['machine-learning-model', 'model:checkpoints/model.pt'],
      ['machine-learning-model', 'model:legacy/classifier.pkl'],
      ['machine-learning-model', 'model:qwen-0.5b-q4.gguf'],
      ['machine-learning-model', 'model:sd-tiny'],
      ['machine-learning-model', 'model:tiny-llama'],
      ['data', 'dataset:HuggingFaceFW/fineweb'],
      ['data', 'dataset:open-web-math'],
    ]);

    const llama = byRef(bom.components, 'model:tiny-llama') as Component;
    expect(llama.name).toBe('tiny-llama');
    expect(llama.modelCard).toEqual({
      modelParameters: {
        task: 'text-generation',
        architectureFamily: 'llama',
        modelArchitecture: 'LlamaForCausalLM',
        datasets: [{ ref: 'dataset:HuggingFaceFW/fineweb' }, { ref: 'dataset:open-web-math' }],
      },
      properties: [
        { name: 'bulwark:model-card:language', value: 'en' },
        { name: 'bulwark:model-card:language', value: 'fr' },
        { name: 'bulwark:model-card:library_name', value: 'transformers' },
      ],
    });
    expect(llama.licenses).toEqual([{ license: { id: 'Apache-2.0' } }]);
    expect(llama.pedigree).toEqual({ ancestors: [{ type: 'machine-learning-model', name: 'meta-llama/Llama-3.1-8B' }] });
    expect(llama.tags).toEqual(['llama', 'chat']);
    expect(prop(llama, 'bulwark:format')).toBe('safetensors');
    expect(prop(llama, 'bulwark:files')).toBe('5');
    expect(prop(llama, 'bulwark:config:torch_dtype')).toBe('bfloat16');
    // Files as sub-components (no .git*), the ONNX export in a subfolder among them.
    expect(llama.components?.map((c) => [c.type, c.name, prop(c, 'bulwark:format')])).toEqual([
      ['file', 'README.md', 'unknown'],
      ['file', 'config.json', 'json'],
      ['file', 'model.safetensors', 'safetensors'],
      ['file', 'onnx/model.onnx', 'onnx'],
      ['file', 'tokenizer.json', 'json'],
    ]);
    // A folder with its own config inside a model is a model of its own, nested in its parent.
    const sd = byRef(bom.components, 'model:sd-tiny') as Component;
    expect(sd.modelCard).toEqual({ modelParameters: { modelArchitecture: 'StableDiffusionPipeline' } });
    expect(sd.components?.map((c) => [c.type, c['bom-ref']])).toEqual([
      ['file', 'file:sd-tiny/model_index.json'],
      ['machine-learning-model', 'model:sd-tiny/unet'],
    ]);
    expect(prop(sd, 'bulwark:format')).toBe('safetensors');
    expect(prop(sd, 'bulwark:files')).toBe('3');
    expect(sd.components?.[1]).toMatchObject({ name: 'unet', modelCard: { modelParameters: { modelArchitecture: 'UNet2DConditionModel' } } });
    const weights = llama.components?.find((c) => c.name === 'model.safetensors');
    expect(weights?.hashes).toEqual([{ alg: 'SHA-256', content: createHash('sha256').update(safetensors()).digest('hex') }]);
    // The model's hash is the root digest `bulwark sign` would put in the signature's subject.
    const { manifest } = await serializeModel(join(tmp, 'tiny-llama'), { ignoreAllGitNames: true });
    expect(llama.hashes).toEqual([{ alg: 'SHA-256', content: rootDigest(manifest.resources) }]);

    const qwen = byRef(bom.components, 'model:qwen-0.5b-q4.gguf') as Component;
    expect(qwen).toMatchObject({ name: 'Qwen2 0.5B', licenses: [{ license: { id: 'MIT' } }], modelCard: { modelParameters: { architectureFamily: 'qwen2' } } });
    expect(prop(byRef(bom.components, 'model:checkpoints/model.pt'), 'bulwark:format')).toBe('pytorch-zip');
    expect(prop(byRef(bom.components, 'model:legacy/classifier.pkl'), 'bulwark:format')).toBe('pickle');
    expect(bom.components.find((c) => c.name === 'HuggingFaceFW/fineweb')).toEqual({
      type: 'data',
      'bom-ref': 'dataset:HuggingFaceFW/fineweb',
      name: 'HuggingFaceFW/fineweb',
      data: [{ type: 'dataset', name: 'HuggingFaceFW/fineweb' }],
    });
  });

  it('is byte-identical across runs with --reproducible, and adds SHA-512 on request', async () => {
    writeModelCollection(tmp);
    const a = JSON.stringify((await buildBom(tmp, { reproducible: true })).bom);
    const b = JSON.stringify((await buildBom(tmp, { reproducible: true })).bom);
    expect(a).toBe(b);
    expect(a).not.toContain('serialNumber');
    const { bom } = await buildBom(join(tmp, 'qwen-0.5b-q4.gguf'), { sha512: true, reproducible: true });
    expect(bom.components[0]?.hashes?.map((h) => h.alg)).toEqual(['SHA-256', 'SHA-512']);
    expect(await validateBom(bom)).toEqual([]);
  });

  it('maps licences: SPDX ids, Hub names, "other" with license_name and link', async () => {
    writeTree(tmp, {
      'a/config.json': '{}',
      'a/README.md': '---\nlicense: other\nlicense_name: acme-model-license\nlicense_link: https://acme.example/license\n---\n',
      'b/config.json': '{}',
      'b/README.md': '---\nlicense: [llama3.1, cc-by-nc-4.0]\n---\n',
    });
    const { bom } = await buildBom(tmp, { reproducible: true });
    expect(await validateBom(bom)).toEqual([]);
    expect(byRef(bom.components, 'model:a')?.licenses).toEqual([{ license: { name: 'acme-model-license', url: 'https://acme.example/license' } }]);
    expect(byRef(bom.components, 'model:b')?.licenses).toEqual([{ license: { name: 'llama3.1' } }, { license: { id: 'CC-BY-NC-4.0' } }]);
  });

  it('survives hostile metadata: bad JSON, YAML bombs, huge strings, truncated GGUF', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    writeTree(tmp, {
      'm1/config.json': '{"architectures": [',
      'm1/README.md': `---\n${bomb}\n---\n`,
      'm2/config.json': JSON.stringify({ architectures: ['X'.repeat(100_000)], model_type: 42 }),
      'm2/README.md': '---\nlicense: 7\ndatasets: {evil: true}\npipeline_tag: ["a"]\n---\n',
      'm3/weights.gguf': gguf({ 'general.name': 'ok' }).subarray(0, 40),
    });
    const { bom, warnings } = await buildBom(tmp, { reproducible: true });
    expect(await validateBom(bom)).toEqual([]);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^m1: config.json is not valid JSON/), expect.stringMatching(/^m1: model card front matter is not valid YAML/)]));
    expect((byRef(bom.components, 'model:m2')?.modelCard?.modelParameters as { modelArchitecture: string }).modelArchitecture).toHaveLength(512);
    expect(byRef(bom.components, 'model:m2')?.licenses).toEqual([{ license: { name: '7' } }]);
  });

  it('follows symlinks to files (Hugging Face cache snapshots) and skips the rest', async () => {
    writeTree(tmp, { 'blobs/abc': safetensors(), 'snap/config.json': '{"model_type":"bert","architectures":["BertModel"]}' });
    symlinkSync(join(tmp, 'blobs/abc'), join(tmp, 'snap/model.safetensors'));
    symlinkSync(join(tmp, 'blobs'), join(tmp, 'snap/dir-link'));
    const { bom, warnings } = await buildBom(join(tmp, 'snap'), { reproducible: true });
    const model = bom.components[0] as Component;
    expect(model.components?.map((c) => [c.name, prop(c, 'bulwark:format'), prop(c, 'bulwark:symlink')])).toEqual([
      ['config.json', 'json', undefined],
      ['model.safetensors', 'safetensors', join(tmp, 'blobs/abc')],
    ]);
    expect(model.modelCard).toMatchObject({ modelParameters: { task: 'feature-extraction', architectureFamily: 'bert' } });
    expect(warnings).toEqual(['dir-link: symbolic link to something other than a regular file, left out']);
    writeFileSync(join(tmp, 'x'), '');
  });
});

describe('taskFromArchitecture', () => {
  it('maps architecture heads to pipeline tags, by family for conditional generation', () => {
    expect(taskFromArchitecture('Qwen2ForCausalLM')).toBe('text-generation');
    expect(taskFromArchitecture('GPT2LMHeadModel')).toBe('text-generation');
    expect(taskFromArchitecture('BertForSequenceClassification')).toBe('text-classification');
    expect(taskFromArchitecture('WhisperForConditionalGeneration', 'whisper')).toBe('automatic-speech-recognition');
    expect(taskFromArchitecture('T5ForConditionalGeneration', 't5')).toBe('text2text-generation');
    expect(taskFromArchitecture('LlavaForConditionalGeneration', 'llava')).toBe('image-text-to-text');
    expect(taskFromArchitecture('BertModel')).toBe('feature-extraction');
    expect(taskFromArchitecture('Something')).toBeUndefined();
  });
});

describe('metadata readers on hostile bytes', () => {
  it('never throw and never hang on random or mutated GGUF, cards and configs', async () => {
    const good = gguf({ 'general.architecture': 'llama', 'general.name': 'n' });
    const path = join(tmp, 'f');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), async (random, pos, byte) => {
        const mutated = Buffer.from(good);
        mutated[pos] = byte;
        for (const bytes of [Buffer.from(random), mutated, Buffer.concat([Buffer.from('---\n'), Buffer.from(random), Buffer.from('\n---\n')])]) {
          writeFileSync(path, bytes);
          const facts = emptyFacts();
          await readGgufMetadata(path, facts);
          await readModelCard(path, facts);
          await readConfig(path, facts);
          expect(facts.modelArchitecture === undefined || facts.modelArchitecture.length <= 512 * 64).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
