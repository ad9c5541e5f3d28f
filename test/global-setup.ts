// Vitest global setup: builds the CLI once as `npm run build` does (tsc -p tsconfig.build.json, scripts/copy-assets.mjs,
// scripts/bundle-cli.mjs), so that end-to-end tests spawn the real `node bin/bulwark.js` running the bundles users
// run. The build goes to a private directory under .scratch/ (bin/, dist/, package.json), never to dist/: several
// test runs at once, or a user's own dist/, must not see half-written files. A complete build newer than every source
// file is reused.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of bin/bulwark.js inside the build the end-to-end tests spawn. */
    bulwarkBin: string;
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRATCH = join(ROOT, '.scratch');
const PREFIX = 'e2e-build-';
const DONE = '.complete';
const STALE_MS = 60 * 60 * 1000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function completeBuilds(): { dir: string; time: number }[] {
  if (!existsSync(SCRATCH)) return [];
  return readdirSync(SCRATCH)
    .filter((name) => name.startsWith(PREFIX))
    .map((name) => join(SCRATCH, name))
    .filter((dir) => existsSync(join(dir, DONE)))
    .map((dir) => ({ dir, time: statSync(join(dir, DONE)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
}

function run(args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function build(): string {
  const dir = join(SCRATCH, `${PREFIX}${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const tsc = run([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')], ROOT);
  if (!tsc.ok) {
    // Type errors elsewhere in the tree (work in progress) still emit JavaScript; the e2e tests can run on it.
    if (!existsSync(join(dir, 'dist', 'cli', 'main.js'))) throw new Error(`build failed:\n${tsc.output}`);
    console.warn(`[global-setup] tsc reported errors; end-to-end tests run on what it emitted:\n${tsc.output.slice(0, 4000)}`);
  }
  // copy-assets.mjs copies src/**/assets into ./dist of its working directory.
  symlinkSync(join(ROOT, 'src'), join(dir, 'src'), 'dir');
  const assets = run([join(ROOT, 'scripts', 'copy-assets.mjs')], dir);
  rmSync(join(dir, 'src'));
  if (!assets.ok) throw new Error(`copying assets failed:\n${assets.output}`);
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  const bundle = run([join(ROOT, 'scripts', 'bundle-cli.mjs'), join(dir, 'dist')], ROOT);
  if (!bundle.ok) throw new Error(`bundling the CLI failed:\n${bundle.output}`);
  // Packages resolve upwards from .scratch/<build>/dist to the repository's node_modules.
  writeFileSync(join(dir, DONE), '');
  return dir;
}

export function setup(project: TestProject): void {
  const sources = Math.max(
    newestMtime(join(ROOT, 'src')),
    ...['bin/bulwark.js', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/copy-assets.mjs', 'scripts/bundle-cli.mjs'].map((f) =>
      statSync(join(ROOT, f)).mtimeMs,
    ),
  );
  const builds = completeBuilds();
  const fresh = builds.find((b) => b.time >= sources);
  const dir = fresh?.dir ?? build();
  // Old builds go after an hour: a concurrent test run may still be using a recent one.
  for (const old of builds) if (old.dir !== dir && Date.now() - old.time > STALE_MS) rmSync(old.dir, { recursive: true, force: true });
  project.provide('bulwarkBin', join(dir, 'bin', 'bulwark.js'));
  // `bulwark eval` keeps V8 code caches (src/cli/code-cache.ts): the tests' go to the scratch directory, not the home.
  process.env['BULWARK_CACHE_DIR'] ??= join(SCRATCH, 'code-cache');
}
