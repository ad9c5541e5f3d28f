import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferSource, ByteCursor } from '../source.js';
import { classifyLocation, onnxScanner } from './onnx.js';
import { ProtoReader } from './protobuf.js';
import { fixtureCases, mutate, run } from './testdata/harness.js';
import { encode, msg, varint, type ProtoMsg } from './testdata/proto-writer.js';

const tensor = (name: string, extra: [number, ProtoMsg | number | string | Buffer][] = []): ProtoMsg => msg([1, 2], [2, 1], [8, name], [9, Buffer.alloc(8)], ...extra);
const external = (name: string, location: string): ProtoMsg => tensor(name, [[13, msg([1, 'location'], [2, location])], [13, msg([1, 'offset'], [2, '0'])], [14, 1]]);
const node = (op: string, domain?: string, attrs: ProtoMsg[] = []): ProtoMsg => msg([1, 'x'], [2, 'y'], [4, op], ...(domain === undefined ? [] : [[7, domain] as [number, string]]), ...attrs.map((a) => [5, a] as [number, ProtoMsg]));
const graph = (nodes: ProtoMsg[], inits: ProtoMsg[] = []): ProtoMsg => msg(...nodes.map((n) => [1, n] as [number, ProtoMsg]), [2, 'g'], ...inits.map((t) => [5, t] as [number, ProtoMsg]));
const model = (g: ProtoMsg, extra: [number, ProtoMsg | number | string][] = []): Buffer => encode(msg([1, 8], [2, 'pytorch'], [8, msg([1, ''], [2, 17])], [7, g], ...extra));

describe('onnxScanner', () => {
  it('passes a plain graph with inline initializers and standard domains', async () => {
    const g = graph([node('Add'), node('Gemm', 'ai.onnx'), node('TreeEnsembleRegressor', 'ai.onnx.ml')], [tensor('w'), tensor('b')]);
    expect((await run(onnxScanner, model(g))).findings).toEqual([]);
  });

  it('flags external data escaping the model folder, in any nesting', async () => {
    const direct = model(graph([node('Add')], [external('w', '../../etc/passwd')]));
    const r = await run(onnxScanner, direct);
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]!.message).toMatch(/tensor w reads external data from \.\.\/\.\.\/etc\/passwd/);
    const ifNode = node('If', '', [msg([1, 'then_branch'], [20, 5], [6, graph([node('Constant', '', [msg([1, 'value'], [5, external('c', '/etc/shadow')])])])])]);
    expect((await run(onnxScanner, model(graph([ifNode])))).verdict).toBe('malicious');
    const loop = node('Loop', '', [msg([1, 'body'], [11, graph([], [external('d', 'C:\\Windows\\win.ini')])])]);
    expect((await run(onnxScanner, model(graph([loop])))).verdict).toBe('malicious');
    const sparseInit = encode(msg([7, msg([15, msg([1, external('v', '..\\..\\x')])])]));
    expect((await run(onnxScanner, sparseInit)).verdict).toBe('malicious');
    const training = model(graph([node('Add')]), [[20, msg([2, graph([], [external('t', '/abs')])])]]);
    expect((await run(onnxScanner, training)).verdict).toBe('malicious');
  });

  it('notes plain external data and flags odd paths', async () => {
    const r = await run(onnxScanner, model(graph([node('Add')], [external('w', 'weights.bin'), external('b', 'weights.bin')])));
    expect(r.rules).toEqual(['onnx.external-data']);
    expect(r.verdict).toBe('clean');
    expect((await run(onnxScanner, model(graph([], [external('w', 'data/../weights.bin')])))).rules).toEqual(['onnx.external-data-odd-path']);
    const missing = model(graph([], [tensor('w', [[14, 1]])]));
    expect((await run(onnxScanner, missing)).rules).toEqual(['onnx.external-data-missing-location']);
  });

  it('classifies locations', () => {
    expect(classifyLocation('model.onnx.data')).toBe('plain');
    expect(classifyLocation('sub/dir/w.bin')).toBe('plain');
    expect(classifyLocation('./w.bin')).toBe('plain');
    expect(classifyLocation('a/../w.bin')).toBe('odd');
    expect(classifyLocation('w.bin\0.txt')).toBe('odd');
    for (const bad of ['../w', 'a/../../w', '/etc/passwd', '\\\\server\\share', 'C:/x', 'c:x', 'file:///etc/passwd', '~/x', '..']) expect(classifyLocation(bad), bad).toBe('escapes');
  });

  it('reports custom operator domains, not local functions or contrib operators', async () => {
    const r = await run(onnxScanner, model(graph([node('Evil', 'com.example'), node('FusedGemm', 'com.microsoft')])));
    expect(r.rules.sort()).toEqual(['onnx.custom-domain', 'onnx.vendor-domain']);
    expect(r.verdict).toBe('suspicious');
    const fn = msg([1, 'MyFn'], [10, 'local.fns'], [7, node('Add')], [9, msg([1, ''], [2, 17])]);
    const withFn = model(graph([node('MyFn', 'local.fns')]), [[8, msg([1, 'local.fns'], [2, 1])], [25, fn]]);
    expect((await run(onnxScanner, withFn)).findings).toEqual([]);
    const declaredOnly = model(graph([node('Add')]), [[8, msg([1, 'com.example'], [2, 1])]]);
    expect((await run(onnxScanner, declaredOnly)).rules).toEqual(['onnx.custom-opset']);
  });

  it('reports broken protobuf as malformed or truncated', async () => {
    const good = model(graph([node('Add')], [external('w', '../x')]));
    expect((await run(onnxScanner, good.subarray(0, good.length - 3))).verdict).toBe('error');
    expect((await run(onnxScanner, Buffer.from([0x08]))).rules).toEqual(['scan.truncated']);
    expect((await run(onnxScanner, Buffer.concat([Buffer.from([0x08]), Buffer.alloc(11, 0xff)]))).rules).toEqual(['scan.malformed']);
    expect((await run(onnxScanner, Buffer.from([0x0b, 0x00]))).rules).toEqual(['scan.malformed']); // group wire type
    expect((await run(onnxScanner, encode(msg([1, 8])))).rules).toEqual(['scan.malformed']); // no graph
    // A LEN field longer than its enclosing message.
    const inner = Buffer.concat([varint(1 * 8 + 2), varint(100), Buffer.alloc(3)]);
    const outer = Buffer.concat([varint(7 * 8 + 2), varint(inner.length), inner, Buffer.alloc(200)]);
    expect((await run(onnxScanner, outer)).rules).toContain('scan.malformed');
  });

  it('bounds nesting depth', async () => {
    let g = graph([node('Add')]);
    for (let i = 0; i < 60; i++) g = graph([node('If', '', [msg([1, 'then_branch'], [6, g])])]);
    expect((await run(onnxScanner, model(g))).findings[0]!.message).toMatch(/nested deeper/);
  });

  it('skips raw_data payloads without reading them', async () => {
    const big = model(graph([node('Add')], [tensor('w', [[9, Buffer.alloc(1 << 20)]])]));
    let read = 0;
    const src = new BufferSource(big);
    const counting = { size: src.size, read: (o: number, n: number) => ((read += Math.min(n, 64 * 1024)), src.read(o, Math.min(n, 64 * 1024))) };
    expect((await run(onnxScanner, counting)).findings).toEqual([]);
    expect(read).toBeLessThan(1 << 20);
  });

  it('reads varints up to 10 bytes', () => {
    const buf = Buffer.concat([varint(1 * 8), varint(-1n)]);
    const r = new ProtoReader(new ByteCursor(new BufferSource(buf)), buf.length, 0, 4);
    expect(r.next()?.value).toBeGreaterThan(2 ** 63);
  });

  it('survives random bytes and mutations of a valid model', async () => {
    const base = model(graph([node('Add'), node('If', '', [msg([1, 'b'], [6, graph([node('Evil', 'x.y')], [external('w', 'w.bin')])])])], [tensor('w')]));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), kind: fc.nat(3), value: fc.nat(255) }), { minLength: 1, maxLength: 6 }), async (edits) => {
        await run(onnxScanner, mutate(base, edits));
      }),
      { numRuns: 800 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await run(onnxScanner, Buffer.from(bytes));
      }),
      { numRuns: 800 },
    );
  });

  const fixtures = fixtureCases(['.onnx']);
  it.skipIf(fixtures.length === 0)(`agrees with the real-library fixtures (${fixtures.length} .onnx in test/fixtures/model-files)`, async () => {
    for (const f of fixtures) expect((await run(onnxScanner, readFileSync(f.path))).verdict, `${f.path}: ${f.reason}`).toBe(f.verdict);
  });

  const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0);
  it.skipIf(!python)(`reads models written by the onnx library${python ? '' : ' (skipped: no python3 with onnx)'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-onnx-'));
    try {
      const script = `
import onnx, sys
from onnx import helper, TensorProto
w = helper.make_tensor('w', TensorProto.FLOAT, [2], [1.0, 2.0])
then_g = helper.make_graph([helper.make_node('Identity', ['x'], ['y'])], 'then', [], [helper.make_tensor_value_info('y', TensorProto.FLOAT, [2])])
nodes = [helper.make_node('Add', ['x', 'w'], ['s']), helper.make_node('If', ['c'], ['y'], then_branch=then_g, else_branch=then_g)]
g = helper.make_graph(nodes, 'g', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [2])], [helper.make_tensor_value_info('y', TensorProto.FLOAT, [2])], [w])
m = helper.make_model(g)
onnx.save(m, sys.argv[1] + '/benign.onnx')
ext = helper.make_tensor('e', TensorProto.FLOAT, [2], [1.0, 2.0])
ext.data_location = TensorProto.EXTERNAL
del ext.float_data[:]
e = ext.external_data.add(); e.key = 'location'; e.value = '../../../etc/passwd'
g2 = helper.make_graph([helper.make_node('Custom', ['x'], ['y'], domain='com.evil')], 'g2', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [2])], [helper.make_tensor_value_info('y', TensorProto.FLOAT, [2])], [ext])
onnx.save(helper.make_model(g2, opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid('com.evil', 1)]), sys.argv[1] + '/evil.onnx')
`;
      const r = spawnSync(python!, ['-c', script, dir], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect((await run(onnxScanner, readFileSync(join(dir, 'benign.onnx')))).findings).toEqual([]);
      const evil = await run(onnxScanner, readFileSync(join(dir, 'evil.onnx')));
      expect(evil.rules.sort()).toEqual(['onnx.custom-domain', 'onnx.external-data-traversal']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
