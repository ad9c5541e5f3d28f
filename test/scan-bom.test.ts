// End to end: `bulwark bom` on folders made here — a collection of models, a signed model whose BOM hash is its
// signature's subject digest, and hostile folders whose BOM must still be valid CycloneDX 1.6.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerBomCommand } from '../src/cli/bom.js';
import { registerVerifyCommands } from '../src/cli/verify.js';
import { validateBom } from '../src/scan/bom-schema.js';
import { buildBom } from '../src/scan/bom.js';
import { parseBundle } from '../src/scan/signing/bundle.js';
import { gguf, MODEL_CARD, safetensors, writeModelCollection, writeTree } from '../src/scan/testdata/bom-fixtures.js';
import { runCommand, type CommandRun } from './fixtures/run-command.js';
import { memoryIo } from './fixtures/memory-io.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-e2e-bom-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]): Promise<CommandRun> {
  return runCommand([registerBomCommand, registerVerifyCommands], [...args], memoryIo({ cwd: tmp }));
}

type Bom = { components: { 'bom-ref': string; type: string; hashes?: { content: string }[]; modelCard?: { modelParameters?: Record<string, unknown> } }[] };

describe('bulwark bom, end to end', () => {
  it('writes a valid ML-BOM of a model collection', async () => {
    writeModelCollection(join(tmp, 'models'));
    const r = await bulwark('bom', 'models', '-o', 'bom.json');
    expect(r.code).toBe(0);
    const bom = JSON.parse(readFileSync(join(tmp, 'bom.json'), 'utf8')) as Bom;
    expect(await validateBom(bom)).toEqual([]);
    const llama = bom.components.find((c) => c['bom-ref'] === 'model:tiny-llama');
    expect(llama?.modelCard?.modelParameters).toMatchObject({ task: 'text-generation', architectureFamily: 'llama', modelArchitecture: 'LlamaForCausalLM' });
  });

  it('gives a signed model the hash its signature names as subject digest', async () => {
    writeModelCollection(join(tmp, 'models'));
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(tmp, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await bulwark('sign', 'models/tiny-llama', '--key', 'k.pem')).code).toBe(0);
    const subject = (JSON.parse(parseBundle(readFileSync(join(tmp, 'models/tiny-llama/model.sig'), 'utf8')).payload.toString()) as { subject: { digest: { sha256: string } }[] })
      .subject[0]?.digest.sha256;
    const bom = JSON.parse((await bulwark('bom', 'models/tiny-llama')).out) as Bom;
    expect(bom.components[0]?.hashes?.[0]?.content).toBe(subject);
  });

  it('stays valid CycloneDX for hostile names and metadata', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('/') && !s.includes('\0') && s !== '.' && s !== '..'), { minLength: 1, maxLength: 4 }),
        fc.string({ maxLength: 40 }),
        async (names, text) => {
          const root = mkdtempSync(join(tmp, 'f-'));
          const files: Record<string, string | Buffer> = {};
          names.forEach((n, i) => {
            files[`${n}/config.json`] = JSON.stringify({ architectures: [text], model_type: text, torch_dtype: text });
            files[`${n}/README.md`] = `---\nlicense: ${JSON.stringify(text)}\ndatasets: [${JSON.stringify(text || 'x')}]\nbase_model: ${JSON.stringify(text)}\n---\n`;
            files[`${n}/w${i}.safetensors`] = safetensors();
          });
          files[`${names[0]}.gguf`] = gguf({ 'general.name': text, 'general.license': text });
          try {
            writeTree(root, files);
          } catch {
            return; // a name this file system refuses
          }
          const { bom } = await buildBom(root, { reproducible: true });
          expect(await validateBom(bom)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('handles an empty folder and a folder with no model', async () => {
    mkdirSync(join(tmp, 'empty'));
    writeTree(join(tmp, 'docs'), { 'README.txt': 'hi', 'card.md': MODEL_CARD });
    for (const dir of ['empty', 'docs']) {
      const r = await bulwark('bom', dir);
      expect(r.code).toBe(0);
      const bom = JSON.parse(r.out) as Bom;
      expect(bom.components).toEqual([]);
      expect(await validateBom(bom)).toEqual([]);
    }
  });
});
