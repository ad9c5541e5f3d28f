import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hdf5Scanner } from './hdf5.js';
import { fixtureCases, mutate, run } from './testdata/harness.js';

const LAMBDA = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Lambda', config: { function: ['4wEAAAAAAAAAb3M=', null, null], function_type: 'lambda', module: '__main__' } }] } };
const BENIGN = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { units: 2, activation: 'relu' } }] }, keras_version: '2.15.0' };

/** A python3 with h5py (pyenv shims may hide Debian's python3-h5py, so /usr/bin/python3 is tried too). */
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import h5py'], { stdio: 'ignore' }).status === 0);
const dir = mkdtempSync(join(tmpdir(), 'bulwark-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes HDF5 files with h5py: name → [model_config JSON, options]. */
function h5py(files: Record<string, { config?: unknown; fixed?: boolean; libver?: string; trackOrder?: boolean; userblock?: number; manyAttrs?: boolean }>): void {
  const script = `
import h5py, json, sys, numpy as np
spec = json.loads(sys.argv[2])
for name, o in spec.items():
    kw = {}
    if o.get('libver'): kw['libver'] = o['libver']
    if o.get('trackOrder'): kw['track_order'] = True
    if o.get('userblock'): kw['userblock_size'] = o['userblock']
    with h5py.File(sys.argv[1] + '/' + name, 'w', **kw) as f:
        f.attrs['backend'] = 'tensorflow'
        if o.get('manyAttrs'):
            for i in range(30): f.attrs['a%d' % i] = 'x' * 10
        if 'config' in o:
            text = json.dumps(o['config'])
            f.attrs['model_config'] = np.bytes_(text.encode()) if o.get('fixed') else text
        g = f.create_group('model_weights')
        g.attrs['layer_names'] = [b'dense']
        g.create_dataset('kernel', data=np.zeros((4, 2), 'f4'))
`;
  const r = spawnSync(python!, ['-c', script, dir, JSON.stringify(files)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

const file = (name: string): Buffer => readFileSync(join(dir, name));

describe.skipIf(!python)(`hdf5Scanner on files written by h5py${python ? '' : ' (skipped: no python3 with h5py; install python3-h5py)'}`, () => {
  if (python) {
    h5py({
      'vlen.h5': { config: LAMBDA },
      'fixed.h5': { config: LAMBDA, fixed: true },
      'latest.h5': { config: LAMBDA, libver: 'latest' },
      'order.h5': { config: LAMBDA, trackOrder: true },
      'userblock.h5': { config: LAMBDA, userblock: 512 },
      'dense.h5': { config: LAMBDA, libver: 'latest', manyAttrs: true },
      'dense-fixed.h5': { config: LAMBDA, libver: 'latest', manyAttrs: true, fixed: true },
      'benign.h5': { config: BENIGN },
      'benign-latest.h5': { config: BENIGN, libver: 'latest' },
      'weights.h5': {},
    });
  }

  it('reads model_config structurally: variable and fixed strings, superblock v0 and v3, user block, creation order', async () => {
    for (const name of ['vlen.h5', 'fixed.h5', 'latest.h5', 'order.h5', 'userblock.h5']) {
      const r = await run(hdf5Scanner, file(name));
      expect(r.rules, name).toEqual(['hdf5.model-config', 'keras.lambda-bytecode']);
      expect(r.findings[0]!.message).toMatch(/model_config attribute of the root group/);
    }
  });

  it('falls back to scanning when attributes are in dense storage', async () => {
    for (const name of ['dense.h5', 'dense-fixed.h5']) {
      const r = await run(hdf5Scanner, file(name));
      expect(r.rules, name).toEqual(['hdf5.layout-fallback', 'hdf5.model-config', 'keras.lambda-bytecode']);
    }
  });

  it('passes benign models and plain weights', async () => {
    for (const name of ['benign.h5', 'benign-latest.h5']) expect((await run(hdf5Scanner, file(name))).verdict, name).toBe('clean');
    const w = await run(hdf5Scanner, file('weights.h5'));
    expect(w.rules).toEqual(['hdf5.no-model-config']);
    expect(w.verdict).toBe('clean');
  });

  it('reports a cut file as truncated and still finds the config when it is before the cut', async () => {
    const buf = file('vlen.h5');
    const r = await run(hdf5Scanner, buf.subarray(0, buf.length - 100));
    expect(r.rules).toContain('scan.truncated');
    expect(r.verdict).toBe('malicious');
    expect((await run(hdf5Scanner, buf.subarray(0, 200))).verdict).toBe('error');
  });

  it('survives mutations of a real file', async () => {
    const base = file('vlen.h5');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), kind: fc.nat(3), value: fc.nat(255) }), { minLength: 1, maxLength: 6 }), async (edits) => {
        await run(hdf5Scanner, mutate(base, edits));
      }),
      { numRuns: 400 },
    );
  });
});

describe('hdf5Scanner', () => {
  it('reports a missing superblock as malformed, then scans for configs anyway', async () => {
    const r = await run(hdf5Scanner, Buffer.from(`junk ${JSON.stringify(LAMBDA)} junk`));
    expect(r.rules).toEqual(['scan.malformed', 'hdf5.layout-fallback', 'hdf5.model-config', 'keras.lambda-bytecode']);
  });

  it('survives random bytes behind a superblock signature', async () => {
    const sig = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        await run(hdf5Scanner, Buffer.concat([sig, Buffer.from(bytes)]));
      }),
      { numRuns: 600 },
    );
  });

  const fixtures = fixtureCases(['.h5']);
  it.skipIf(fixtures.length === 0)(`agrees with the real-library fixtures (${fixtures.length} .h5 in test/fixtures/model-files)`, async () => {
    for (const f of fixtures) expect((await run(hdf5Scanner, readFileSync(f.path))).verdict, `${f.path}: ${f.reason}`).toBe(f.verdict);
  });

  it.skipIf(fixtures.length === 0)('survives mutations of the fixtures', async () => {
    const base = readFileSync(fixtures[0]!.path);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), kind: fc.nat(3), value: fc.nat(255) }), { minLength: 1, maxLength: 6 }), async (edits) => {
        await run(hdf5Scanner, mutate(base, edits));
      }),
      { numRuns: 400 },
    );
  });
});
