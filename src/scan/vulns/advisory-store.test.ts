// The advisory folder: loose records and all.zip archives, the wanted-package filter, duplicates and damage.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utimesSync } from 'node:fs';
import { loadAdvisories } from './advisory-store.js';
import { buildArchiveIndex, indexPathOf, readArchiveIndex, writeArchiveIndex } from './archive-index.js';
import { packageKey } from './names.js';
import { asMembers, GO_RECORD, RAY_WITHDRAWN, LANGCHAIN_NPM, NPM_RECORDS, PILLOW, PYPI_RECORDS, TORCH_LOAD, TRANSFORMERS_GHSA } from './testdata/advisories.js';
import { makeZip } from './testdata/make-zip.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-osv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, data: string | Buffer): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return path;
}

describe('loadAdvisories', () => {
  it('a missing or empty folder gives zero records and no error', async () => {
    for (const d of [join(dir, 'missing'), dir]) {
      const index = await loadAdvisories(d);
      expect(index.summary).toEqual({ dir: d, files: 0, records: 0, ecosystems: [] });
      expect(index.errors).toEqual([]);
    }
  });

  it('reads archives in ecosystem folders and loose records, and finds names in any spelling', async () => {
    write('PyPI/all.zip', makeZip(asMembers(PYPI_RECORDS)));
    write('npm/all.zip', makeZip(asMembers(NPM_RECORDS), { zip64: true }));
    write('extra/go.json', JSON.stringify(GO_RECORD));
    write('.all.zip.sync.json', '{"not": "a record"}');
    const index = await loadAdvisories(dir);
    expect(index.summary).toMatchObject({ files: 3, records: PYPI_RECORDS.length + NPM_RECORDS.length + 1, ecosystems: ['PyPI', 'npm'] });
    expect(index.lookup('PyPI', 'pillow').map((r) => r.id)).toEqual([PILLOW.id]);
    expect(index.lookup('PyPI', 'PILLOW').map((r) => r.id)).toEqual([PILLOW.id]);
    expect(index.lookup('PyPI', 'transformers').map((r) => r.id).sort()).toEqual(['GHSA-9x4c-fx01-tr4n', 'PYSEC-2099-101']);
    expect(index.lookup('PyPI', 'ray')).toEqual([]); // withdrawn
    expect(index.lookup('npm', '@langchain/community').map((r) => r.id)).toEqual([LANGCHAIN_NPM.id]);
    expect(index.lookup('npm', 'torch')).toEqual([]);
  });

  it('keeps only wanted packages, counting every record', async () => {
    write('PyPI/all.zip', makeZip(asMembers(PYPI_RECORDS)));
    const index = await loadAdvisories(dir, { wanted: new Set([packageKey('PyPI', 'Torch')]) });
    expect(index.summary.records).toBe(PYPI_RECORDS.length);
    expect(index.lookup('PyPI', 'torch').map((r) => r.id)).toEqual([TORCH_LOAD.id]);
    expect(index.lookup('PyPI', 'transformers')).toEqual([]);
  });

  it('counts, without reading, archives of ecosystems nobody asked for', async () => {
    write('npm/all.zip', makeZip([{ name: 'broken.json', data: 'not json' }, ...asMembers(NPM_RECORDS)]));
    const index = await loadAdvisories(dir, { wanted: new Set([packageKey('PyPI', 'torch')]) });
    expect(index.summary).toMatchObject({ records: NPM_RECORDS.length + 1, ecosystems: ['npm'] });
    expect(index.errors).toEqual([]);
  });

  it('keeps the newer of two records with one id; reads arrays and OSV API answers', async () => {
    write('a.json', JSON.stringify({ ...TORCH_LOAD, modified: '2025-01-01T00:00:00Z', summary: 'old' }));
    write('b.json', JSON.stringify([{ ...TORCH_LOAD, modified: '2025-06-01T00:00:00Z', summary: 'new' }]));
    write('c.json', JSON.stringify({ vulns: [TRANSFORMERS_GHSA] }));
    const index = await loadAdvisories(dir);
    expect(index.lookup('PyPI', 'torch').map((r) => r.summary)).toEqual(['new']);
    expect(index.lookup('PyPI', 'transformers')).toHaveLength(1);
  });

  it('reports damaged files and members, and keeps reading the rest', async () => {
    write('bad.json', '{ nope');
    write('PyPI/all.zip', makeZip([{ name: 'x.json', data: '{ nope' }, ...asMembers([PILLOW])]));
    write('npm/all.zip', 'not a zip');
    write('big.json', JSON.stringify({ ...PILLOW, details: 'x'.repeat(2000) }));
    const index = await loadAdvisories(dir, { maxRecordBytes: 1000 });
    expect(index.errors.map((e) => e.path.slice(dir.length + 1))).toEqual(['PyPI/all.zip!x.json', 'bad.json', 'big.json', 'npm/all.zip']);
    expect(index.lookup('PyPI', 'pillow')).toHaveLength(1);
  });

  it('accepts a single archive path instead of a folder', async () => {
    const path = write('PyPI/all.zip', makeZip(asMembers([PILLOW])));
    expect((await loadAdvisories(path)).lookup('PyPI', 'pillow')).toHaveLength(1);
  });

  it('sums up errors beyond the list bound', async () => {
    for (let i = 0; i < 5; i++) write(`bad${i}.json`, '{');
    const index = await loadAdvisories(dir, { maxErrors: 2 });
    expect(index.errors).toHaveLength(3);
    expect(index.errors[2]?.message).toBe('3 more advisory files could not be read');
  });
});

describe('archive index', () => {
  it('lists the members of each package, withdrawn records included', async () => {
    const path = write('PyPI/all.zip', makeZip([...asMembers(PYPI_RECORDS), ...asMembers([GO_RECORD])]));
    const index = await buildArchiveIndex(path);
    expect(index.records).toBe(PYPI_RECORDS.length + 1);
    expect(index.ecosystems).toEqual(['PyPI']);
    expect(index.packages.get(packageKey('PyPI', 'transformers'))).toEqual(['GHSA-9x4c-fx01-tr4n.json', 'PYSEC-2099-101.json']);
    expect(index.packages.get(packageKey('PyPI', 'pillow'))).toEqual(['GHSA-44wm-fx05-p1l0.json']);
    expect(index.packages.get(packageKey('PyPI', 'ray'))).toEqual([`${RAY_WITHDRAWN.id}.json`]);
    await writeArchiveIndex(path, index);
    expect(await readArchiveIndex(path, [packageKey('PyPI', 'Transformers'), packageKey('npm', 'transformers')])).toEqual({
      records: PYPI_RECORDS.length + 1,
      ecosystems: ['PyPI'],
      members: new Set(['GHSA-9x4c-fx01-tr4n.json', 'PYSEC-2099-101.json']),
    });
  });

  it('refuses archives with damaged or non-JSON members', async () => {
    const path = write('PyPI/all.zip', makeZip([{ name: 'a.json', data: 'nope' }]));
    await expect(buildArchiveIndex(path)).rejects.toMatchObject({ code: 'ERR_ADVISORIES', message: expect.stringContaining('a.json is not JSON') });
    const crc = makeZip([{ name: 'a.json', data: '{"id":"A"}', method: 0 }]);
    crc[36] = 'X'.charCodeAt(0);
    await expect(buildArchiveIndex(write('npm/all.zip', crc))).rejects.toMatchObject({ message: expect.stringContaining('CRC mismatch') });
  });

  it('a fresh index decides which members are read; a stale one is ignored', async () => {
    const path = write('PyPI/all.zip', makeZip([{ name: 'broken.json', data: '{"affected":[{"package":{"ecosystem":"PyPI","name":"torch"' }, ...asMembers(PYPI_RECORDS)]));
    const wanted = new Set([packageKey('PyPI', 'torch')]);
    const full = await loadAdvisories(dir, { wanted });
    expect(full.errors.map((e) => e.path.slice(dir.length + 1))).toEqual(['PyPI/all.zip!broken.json']);
    // An index that sends torch to its advisory only: the broken member is not read.
    await writeArchiveIndex(path, { records: 9, ecosystems: ['PyPI'], packages: new Map([[packageKey('PyPI', 'torch'), [`${TORCH_LOAD.id}.json`]]]) });
    const viaIndex = await loadAdvisories(dir, { wanted });
    expect(viaIndex.errors).toEqual([]);
    expect(viaIndex.lookup('PyPI', 'torch').map((r) => r.id)).toEqual([TORCH_LOAD.id]);
    expect(viaIndex.summary.records).toBe(9);
    // Touching the archive makes the index stale.
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(await readArchiveIndex(path, wanted)).toBeUndefined();
    expect((await loadAdvisories(dir, { wanted })).errors).toHaveLength(1);
  });

  it('with the index, records and ecosystems are still counted, and lookups match a full read', async () => {
    const path = write('PyPI/all.zip', makeZip(asMembers(PYPI_RECORDS)));
    const wanted = new Set(['transformers', 'Pillow', 'ray', 'torch', 'nothing'].map((n) => packageKey('PyPI', n)));
    const full = await loadAdvisories(dir, { wanted });
    await writeArchiveIndex(path, await buildArchiveIndex(path));
    expect(indexPathOf(path)).toBe(join(dir, 'PyPI', '.all.zip.index'));
    const indexed = await loadAdvisories(dir, { wanted });
    expect(indexed.summary).toEqual(full.summary);
    for (const name of ['transformers', 'pillow', 'ray', 'torch', 'nothing']) {
      expect(indexed.lookup('PyPI', name).map((r) => r.id).sort(), name).toEqual(full.lookup('PyPI', name).map((r) => r.id).sort());
    }
  });
});
