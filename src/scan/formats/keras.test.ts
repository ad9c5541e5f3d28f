import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseKerasConfig, kerasConfigScanner } from './keras.js';
import { hdf5Scanner } from './hdf5.js';
import { fixtureCases, mutate, run, verdictOf, zipMember } from './testdata/harness.js';

const layer = (class_name: string, config: Record<string, unknown>, module = 'keras.layers'): Record<string, unknown> => ({ module, class_name, config, registered_name: null });
const dense = layer('Dense', { name: 'dense', units: 2, activation: 'relu', kernel_initializer: layer('GlorotUniform', { seed: null }, 'keras.initializers') });
const sequential = (...layers: unknown[]): Record<string, unknown> => ({ module: 'keras', class_name: 'Sequential', registered_name: null, config: { name: 'seq', layers: [layer('InputLayer', { batch_shape: [null, 4] }), ...layers] }, build_config: { input_shape: [null, 4] }, compile_config: null });
/** base64 of bytes that look like a marshalled lambda naming os.system (not real bytecode: never executed). */
const FAKE_CODE = Buffer.concat([Buffer.from([0xe3, 0, 0, 0]), Buffer.from('\u00da\u0002os\u00da\u0006system\u00da\u000a__import__')]).toString('base64');

const rules = (cfg: unknown): string[] => analyseKerasConfig(cfg).map((f) => f.rule.id);

describe('analyseKerasConfig', () => {
  it('passes plain Keras 3 and Keras 2 configs', () => {
    expect(analyseKerasConfig(sequential(dense))).toEqual([]);
    const keras2 = { class_name: 'Functional', config: { name: 'model', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 4], name: 'in' }, name: 'in', inbound_nodes: [] }, { class_name: 'Dense', config: { units: 2, activation: 'relu', kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null }, shared_object_id: 1 } }, name: 'd', inbound_nodes: [[['in', 0, 0, {}]]] }, { class_name: 'TFOpLambda', config: { name: 'tf.math.add', function: 'math.add' } }] }, keras_version: '2.15.0', backend: 'tensorflow' };
    expect(analyseKerasConfig(keras2)).toEqual([]);
    const nlp = sequential(layer('GemmaBackbone', { vocabulary_size: 10 }, 'keras_hub.src.models.gemma.gemma_backbone'));
    expect(analyseKerasConfig(nlp)).toEqual([]);
    const keras3Fn = sequential(layer('Dense', { activation: { module: 'keras.activations', class_name: 'function', config: 'gelu', registered_name: 'gelu' } }));
    expect(analyseKerasConfig(keras3Fn)).toEqual([]);
    // Keras names its own string-only functions with module "builtins" (serialization_lib special case).
    const builtinFn = sequential(layer('Dense', { activation: { module: 'builtins', class_name: 'function', config: 'tanh', registered_name: 'tanh' } }));
    expect(analyseKerasConfig(builtinFn)).toEqual([]);
    const spec = sequential(layer('InputLayer', { type_spec: { class_name: '__typespec__', spec_name: 'TensorSpec', module: 'tensorflow.python.framework.tensor_spec', config: [[null, 4], 'float32'], registered_name: null } }));
    expect(analyseKerasConfig(spec)).toEqual([]);
  });

  it('flags Lambda bytecode in Keras 2 and Keras 3 forms, naming what it references', () => {
    const k2 = { class_name: 'Sequential', config: { layers: [{ class_name: 'Lambda', config: { name: 'l', function: [FAKE_CODE, null, null], function_type: 'lambda', module: '__main__', output_shape: null, output_shape_type: 'raw', arguments: {} } }] } };
    const f = analyseKerasConfig(k2);
    expect(f.map((x) => x.rule.id)).toEqual(['keras.lambda-bytecode']);
    expect(f[0]!.message).toMatch(/naming os, system, __import__/);
    expect(f[0]!.fragment).toMatch(/^\{"class_name":"Lambda"/);
    const k3 = sequential(layer('Lambda', { name: 'l', function: { class_name: '__lambda__', config: { value: [FAKE_CODE, null, null] } } }));
    expect(rules(k3)).toEqual(['keras.lambda-bytecode']);
    const k3code = sequential(layer('Lambda', { function: { class_name: '__lambda__', config: { code: FAKE_CODE } } }));
    expect(rules(k3code)).toEqual(['keras.lambda-bytecode']);
    const activation = sequential(layer('Dense', { activation: { class_name: '__lambda__', config: { value: [FAKE_CODE, null, null] } } }));
    expect(rules(activation)).toEqual(['keras.lambda-bytecode']);
    const shape = { class_name: 'Lambda', config: { function: 'relu', function_type: 'function', module: 'keras.activations', output_shape: [FAKE_CODE, null, null], output_shape_type: 'lambda' } };
    expect(rules(shape)).toEqual(['keras.lambda-bytecode']);
    expect(rules({ class_name: 'Lambda', config: { function: 42 } })).toEqual(['keras.lambda-layer']);
  });

  it('flags module references outside Keras (CVE-2025-1550)', () => {
    expect(rules(sequential(layer('system', { command: 'id' }, 'os')))).toEqual(['keras.dangerous-module']);
    expect(rules(sequential(layer('Dense', { activation: { module: 'builtins', class_name: 'function', config: 'eval', registered_name: 'eval' } })))).toEqual(['keras.dangerous-module']);
    expect(rules(sequential(layer('Popen', {}, 'subprocess')))).toEqual(['keras.dangerous-module']);
    expect(rules(sequential(layer('Dense', { activation: { module: 'builtins', class_name: 'function', config: '__import__' } })))).toEqual(['keras.dangerous-module']);
    expect(rules(sequential(layer('Dense', { activation: { module: 'builtins', class_name: 'function', config: 'sorted' } })))).toEqual(['keras.foreign-module']);
    expect(rules(sequential({ class_name: '__typespec__', spec_name: 'system', module: 'os', config: [] }))).toEqual(['keras.dangerous-module']);
    expect(rules(sequential(layer('X', {}, 'os.path')))).toEqual(['keras.dangerous-module']);
    expect(rules(sequential(layer('MyLayer', {}, 'my_project.layers')))).toEqual(['keras.foreign-module']);
    expect(rules(sequential(layer('MyLayer', {}, '__main__')))).toEqual(['keras.foreign-module']);
    expect(rules({ class_name: 'Lambda', config: { function: 'system', function_type: 'function', module: 'os' } })).toContain('keras.dangerous-module');
    expect(rules(sequential({ class_name: 'Custom', config: {}, registered_name: 'builtins>exec' }))).toEqual(['keras.dangerous-module']);
    expect(rules(sequential({ class_name: 'os.system', config: {} }))).toEqual(['keras.dangerous-module']);
  });

  it('flags Keras and TensorFlow gadgets (CVE-2025-8747, CVE-2025-9906)', () => {
    const getFile = { module: 'keras.utils', class_name: 'function', config: 'get_file', registered_name: null };
    expect(rules(sequential(layer('Dense', { kernel_initializer: getFile })))).toContain('keras.gadget');
    const deep = { module: 'keras.src.utils.file_utils', class_name: 'function', config: 'get_file' };
    expect(rules(sequential(layer('Dense', { activation: deep })))).toContain('keras.gadget');
    const unsafe = { module: 'keras.config', class_name: 'function', config: 'enable_unsafe_deserialization' };
    expect(rules(sequential(layer('Dense', { activation: unsafe })))).toContain('keras.gadget');
    expect(rules({ class_name: 'TFOpLambda', config: { function: 'io.write_file' } })).toEqual(['keras.gadget']);
    expect(rules(sequential(layer('Dense', { activation: 'keras.utils.get_file' })))).toEqual(['keras.gadget']);
  });

  it('walks nested and shared sub-models', () => {
    let inner: unknown = sequential(layer('system', {}, 'os'));
    for (let i = 0; i < 50; i++) inner = { class_name: 'Functional', config: { layers: [inner] } };
    expect(rules(inner)).toEqual(['keras.dangerous-module']);
  });

  it('is bounded on very deep or odd values', () => {
    let deep: unknown = { module: 'os', class_name: 'system', config: {} };
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(rules(deep)).toEqual([]);
    expect(analyseKerasConfig(null)).toEqual([]);
    expect(analyseKerasConfig('x')).toEqual([]);
    expect(analyseKerasConfig(JSON.parse('{"__proto__": {"module": "os", "class_name": "system"}}'))).toHaveLength(1);
  });
});

describe('kerasConfigScanner', () => {
  it('reports findings with fragments; malformed JSON as malformed', async () => {
    const r = await run(kerasConfigScanner, Buffer.from(JSON.stringify(sequential(layer('system', {}, 'os')))));
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]!.fragment).toContain('"module":"os"');
    expect((await run(kerasConfigScanner, Buffer.from('{"a": '))).rules).toEqual(['scan.malformed']);
    expect((await run(kerasConfigScanner, Buffer.from('[1]'))).rules).toEqual(['scan.malformed']);
    expect((await run(kerasConfigScanner, Buffer.from(JSON.stringify(sequential(dense))))).findings).toEqual([]);
    expect((await run(kerasConfigScanner, Buffer.from(JSON.stringify(sequential(dense))), { limits: { maxMetadataBytes: 10 } })).aborted?.reason).toBe('limit');
  });

  it('survives mutations', async () => {
    const base = Buffer.from(JSON.stringify(sequential(dense, layer('Lambda', { function: [FAKE_CODE, null, null], function_type: 'lambda' }))));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), kind: fc.nat(3), value: fc.nat(255) }), { minLength: 1, maxLength: 6 }), async (edits) => {
        await run(kerasConfigScanner, mutate(base, edits));
      }),
      { numRuns: 500 },
    );
    await fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        analyseKerasConfig(v);
      }),
      { numRuns: 500 },
    );
  });

  const fixtures = fixtureCases(['.keras']);
  it.skipIf(fixtures.length === 0)(`agrees with the real-library .keras fixtures (${fixtures.length}; config.json and model.weights.h5 taken out of the zip here)`, async () => {
    for (const f of fixtures) {
      const zip = readFileSync(f.path);
      const config = await run(kerasConfigScanner, zipMember(zip, 'config.json')!);
      const weights = await run(hdf5Scanner, zipMember(zip, 'model.weights.h5')!);
      expect(weights.verdict, `${f.path} weights`).toBe('clean');
      expect(verdictOf([...config.findings, ...weights.findings]), `${f.path}: ${f.reason}`).toBe(f.verdict);
    }
  });
});
