import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_CACHE_DIR, cacheDirectory, loadWithCodeCache } from './code-cache.js';

const posix = process.platform !== 'win32';
let root: string;
let bundle: string;
let cache: string;

/** A CommonJS module with enough code for V8 to cache, a require and exports. */
function writeBundle(version: number): void {
  const functions = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${version}; }`).join('\n');
  writeFileSync(
    bundle,
    `${functions}
const { join } = require('node:path');
exports.version = ${version};
exports.sum = () => { let s = 0; for (let i = 0; i < 200; i++) s += eval('f' + i)(1); return s; };
exports.joined = join('a', 'b');
exports.url = require('node:url').pathToFileURL(__filename).href;
`,
  );
}

const cacheFiles = () => readdirSync(cache).filter((n) => n.endsWith('.v8cache'));

interface ChildLoad {
  usedCache: boolean;
  cacheFile?: string;
  version: number;
  sum: number;
}

/**
 * Loads the bundle in a fresh process, then saves: within one process V8's in-memory compilation cache would answer
 * for a source it compiled before, whatever the file cache holds.
 */
function loadInChild(variant = 'main', file = bundle, dir = cache): ChildLoad {
  const script = `
    const { loadWithCodeCache } = await import(${JSON.stringify(new URL('./code-cache.ts', import.meta.url).href)});
    const b = loadWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(dir)}, ${JSON.stringify(variant)});
    b.save();
    console.log(JSON.stringify({ usedCache: b.usedCache, cacheFile: b.cacheFile, version: b.exports.version, sum: b.exports.sum() }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ChildLoad;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-code-cache-'));
  bundle = join(root, 'cli.cjs');
  cache = join(root, 'cache');
  writeBundle(1);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('loadWithCodeCache', () => {
  it('runs the module; the first run writes a private cache, the next one uses it and leaves it as it is', () => {
    const first = loadWithCodeCache(bundle, cache);
    expect(first.usedCache).toBe(false);
    expect(first.exports['version']).toBe(1);
    expect((first.exports['sum'] as () => number)()).toBe(19_900 + 200);
    expect(first.exports['joined']).toBe(join('a', 'b'));
    expect(first.exports['url']).toMatch(/^file:.*cli\.cjs$/);
    expect(cacheFiles()).toEqual([]);
    first.save();
    expect(cacheFiles()).toHaveLength(1);
    if (posix) {
      expect(statSync(cache).mode & 0o777).toBe(0o700);
      expect(statSync(first.cacheFile!).mode & 0o777).toBe(0o600);
    }
    const written = statSync(first.cacheFile!).mtimeMs;

    const second = loadInChild();
    expect(second).toEqual({ usedCache: true, cacheFile: first.cacheFile, version: 1, sum: 19_900 + 200 });
    expect(statSync(second.cacheFile!).mtimeMs).toBe(written);
  });

  it('never runs a rebuilt bundle with the old cache, and drops the old cache when it saves the new one', () => {
    loadInChild();
    const [old] = cacheFiles();
    // Same length, other code: V8's own check (the source length) would not tell them apart.
    writeBundle(2);
    utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    const rebuilt = loadInChild();
    expect(rebuilt).toMatchObject({ usedCache: false, version: 2, sum: 19_900 + 400 });
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()[0]).not.toBe(old);
    expect(loadInChild()).toMatchObject({ usedCache: true, version: 2 });
  });

  it('keeps one cache per variant (subcommand), each used by its own runs', () => {
    expect(loadInChild('eval-run').usedCache).toBe(false);
    expect(loadInChild('eval-list').usedCache).toBe(false);
    expect(cacheFiles().map((n) => n.split('-').slice(0, 3).join('-')).sort()).toEqual(['cli.cjs-eval-list', 'cli.cjs-eval-run']);
    expect(loadInChild('eval-run').usedCache).toBe(true);
    expect(loadInChild('eval-list').usedCache).toBe(true);
    // A variant that is not a plain name is filed as "other", never as part of a path.
    expect(loadInChild('../../x').cacheFile).toMatch(/cli\.cjs-other-[^/\\]*\.v8cache$/);
  });

  it('keeps the caches of two installations of the same bundle apart', () => {
    const other = join(root, 'other', 'cli.cjs');
    mkdirSync(dirname(other));
    copyFileSync(bundle, other);
    loadInChild('eval-run');
    loadInChild('eval-run', other);
    expect(cacheFiles()).toHaveLength(2);
    expect(loadInChild('eval-run').usedCache).toBe(true);
    expect(loadInChild('eval-run', other).usedCache).toBe(true);
  });

  it("starts from the build's cache beside the bundle when the user has none, and then writes none of its own", () => {
    // What scripts/bundle-cli.mjs does: one run with the cache directory beside the bundle.
    const built = join(root, BUILT_CACHE_DIR);
    expect(loadInChild('eval-run', bundle, built).usedCache).toBe(false);
    expect(loadInChild('eval-run')).toMatchObject({ usedCache: true, version: 1 });
    expect(cacheFiles()).toEqual([]);
    // Another variant has no built cache: the user's own is written as before.
    expect(loadInChild('eval-list').usedCache).toBe(false);
    expect(cacheFiles()).toHaveLength(1);
    if (posix) {
      chmodSync(built, 0o777);
      expect(loadInChild('eval-run').usedCache).toBe(false);
    }
  });

  it('compiles normally over a corrupt cache file, and replaces it', () => {
    const first = loadInChild();
    writeFileSync(first.cacheFile!, Buffer.alloc(4096, 7), { mode: 0o600 });
    expect(loadInChild()).toMatchObject({ usedCache: false, version: 1, sum: 19_900 + 200 });
    expect(loadInChild()).toMatchObject({ usedCache: true, version: 1 });
  });

  it.runIf(posix)('neither reads nor writes a cache in a directory others can write, or a cache file others can write', () => {
    mkdirSync(cache, { mode: 0o700 });
    chmodSync(cache, 0o777);
    const shared = loadWithCodeCache(bundle, cache);
    expect(shared.cacheFile).toBeUndefined();
    shared.save();
    expect(cacheFiles()).toEqual([]);

    chmodSync(cache, 0o700);
    const own = loadInChild();
    chmodSync(own.cacheFile!, 0o666);
    expect(loadInChild().usedCache).toBe(false);
  });

  it('without a cache directory it only runs the module', () => {
    const plain = loadWithCodeCache(bundle, undefined);
    expect(plain.exports['version']).toBe(1);
    expect(plain.cacheFile).toBeUndefined();
    plain.save();
    expect(readdirSync(root)).toEqual(['cli.cjs']);
  });
});

describe('cacheDirectory', () => {
  it('is BULWARK_CACHE_DIR, else under XDG_CACHE_HOME, else under the home directory; none with BULWARK_CODE_CACHE=0', () => {
    expect(cacheDirectory({ BULWARK_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' })).toBe('/x/y');
    expect(cacheDirectory({ XDG_CACHE_HOME: '/c' })).toBe(join('/c', 'bulwark'));
    expect(cacheDirectory({})).toMatch(/[/\\]\.cache[/\\]bulwark$/);
    expect(cacheDirectory({ BULWARK_CODE_CACHE: '0', BULWARK_CACHE_DIR: '/x/y' })).toBeUndefined();
  });
});
