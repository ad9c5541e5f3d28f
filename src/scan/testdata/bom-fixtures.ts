// Test-only: small but well-formed model files written from TypeScript (safetensors, GGUF, ONNX, pickle, a
// PyTorch-style zip) and a Hugging Face–style model folder built from them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** safetensors: u64 header length, JSON header, tensor bytes. */
export function safetensors(values: number[] = [1, 2, 3, 4]): Buffer {
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeFloatLE(v, i * 4));
  const header = Buffer.from(JSON.stringify({ __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape: [values.length], data_offsets: [0, data.length] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, data]);
}

/** GGUF v3 with string metadata and no tensors. */
export function gguf(meta: Record<string, string>): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const l = Buffer.alloc(8);
    l.writeBigUInt64LE(BigInt(b.length));
    return Buffer.concat([l, b]);
  };
  const head = Buffer.alloc(24);
  head.write('GGUF', 0, 'latin1');
  head.writeUInt32LE(3, 4);
  head.writeBigUInt64LE(0n, 8);
  head.writeBigUInt64LE(BigInt(Object.keys(meta).length + 1), 16);
  const type = (t: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(t);
    return b;
  };
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const kvs = [Buffer.concat([str('general.alignment'), type(4), u32(32)])];
  for (const [k, v] of Object.entries(meta)) kvs.push(Buffer.concat([str(k), type(8), str(v)]));
  return Buffer.concat([head, ...kvs]);
}

/** ONNX ModelProto prefix: ir_version 8, producer_name, producer_version. */
export function onnx(): Buffer {
  const field = (n: number, s: string) => Buffer.concat([Buffer.from([(n << 3) | 2, s.length]), Buffer.from(s)]);
  return Buffer.concat([Buffer.from([0x08, 0x08]), field(2, 'pytorch'), field(3, '2.3.0')]);
}

/** A protocol 2 pickle of an empty dict. */
export function pickle(): Buffer {
  return Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);
}

/** A stored (uncompressed) zip, entries in the given order. */
export function zip(entries: [string, Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export const MODEL_CARD = `---
license: apache-2.0
datasets:
  - HuggingFaceFW/fineweb
  - open-web-math
pipeline_tag: text-generation
base_model: meta-llama/Llama-3.1-8B
language:
  - en
  - fr
tags: [llama, chat]
library_name: transformers
---
# Tiny Llama

A model card.
`;

/** Writes a tree of files under `root`. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
}

/**
 * A folder with a Hugging Face model (config, card, safetensors, tokenizer, ONNX export in a subfolder, git files),
 * a diffusers pipeline with a nested UNet model, a lone GGUF, a lone pickle, a PyTorch-style zip and a text file
 * that is no model.
 */
export function writeModelCollection(root: string): void {
  writeTree(root, {
    'tiny-llama/config.json': JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', torch_dtype: 'bfloat16', transformers_version: '4.44.0' }),
    'tiny-llama/README.md': MODEL_CARD,
    'tiny-llama/model.safetensors': safetensors(),
    'tiny-llama/tokenizer.json': JSON.stringify({ version: '1.0', model: { type: 'BPE' } }),
    'tiny-llama/onnx/model.onnx': onnx(),
    'tiny-llama/.gitattributes': '*.safetensors filter=lfs',
    'tiny-llama/.git/HEAD': 'ref: refs/heads/main',
    'sd-tiny/model_index.json': JSON.stringify({ _class_name: 'StableDiffusionPipeline', _diffusers_version: '0.30.0' }),
    'sd-tiny/unet/config.json': JSON.stringify({ _class_name: 'UNet2DConditionModel' }),
    'sd-tiny/unet/diffusion_pytorch_model.safetensors': safetensors([5, 6]),
    'qwen-0.5b-q4.gguf': gguf({ 'general.architecture': 'qwen2', 'general.name': 'Qwen2 0.5B', 'general.license': 'mit' }),
    'legacy/classifier.pkl': pickle(),
    'checkpoints/model.pt': zip([
      ['model/data.pkl', pickle()],
      ['model/version', Buffer.from('3\n')],
    ]),
    'notes.txt': 'not a model',
  });
}
