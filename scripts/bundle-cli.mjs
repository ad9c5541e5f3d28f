// Bundles the compiled CLI (dist/cli/main.js, after tsc) into dist/bundle/: start-up time is ESM module loading
// (~600 modules for `bulwark eval`), and a handful of chunks load far faster. Lazy `import()`s stay lazy (code
// splitting). Only pure-JS packages are bundled; the rest stay ordinary imports. The same CLI also goes into one
// CommonJS file, dist/bundle/cli.cjs, which `bulwark eval` runs with V8's code cache. bin/bulwark.js falls back to
// dist/cli/main.js when there is no bundle or it is older than the tsc output.
// Usage: node scripts/bundle-cli.mjs [distDir] (default: dist/ of the repository).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.argv[2] ?? join(ROOT, 'dist'));
const OUT = join(DIST, 'bundle');
/** Packages copied into the bundle: plain JavaScript without file lookups of their own (no __dirname, no assets). */
const BUNDLED = new Set(['zod', 'kysely', 'yaml', 'js-yaml', 'commander']);

const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Every bare import outside BUNDLED stays external; the bundled packages are resolved and inlined. */
const externals = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || !BUNDLED.has(packageOf(args.path))) return { path: args.path, external: true };
      return undefined;
    });
  },
};

/**
 * Our modules find their assets (pack YAML, model weights, package.json) relative to their own URL. In a bundle
 * under dist/bundle/ that URL is wrong, so each module's `import.meta.url` becomes the URL of its tsc output file,
 * relative to `base`: the chunk's own `import.meta.url`, or in the CommonJS bundle the URL of the bundle file.
 */
const ownUrls = (base) => ({
  name: 'own-urls',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(DIST + sep)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
      const rel = relative(OUT, args.path).split(sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, ${base}).href`), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
});

/**
 * zod re-exports every locale (`z.locales`, 64 languages, ~360 KB of the bundle) and the bundler cannot tell that
 * nothing reads them; Bulwark's messages are English only (zod's schemas import `en` themselves). The CLI bundle gets a
 * locales module with `en` alone; the tsc output in dist/ (the library) keeps zod as it is.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]v4[\\/](?:classic|core)$/.test(args.resolveDir)) return undefined;
      return { path: join(args.resolveDir, '..', 'locales', 'en-only.js'), namespace: 'zod-locales' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';\n",
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

// Chunk names change with their content: stale chunks of an earlier build must not pile up.
rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: { main: join(DIST, 'cli', 'main.js') },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // commander is CommonJS: its require('node:events') needs a real require inside an ES module.
  banner: { js: "import { createRequire as __bulwarkRequire } from 'node:module'; const require = __bulwarkRequire(import.meta.url);" },
  plugins: [zodEnglishOnly, externals, ownUrls('import.meta.url')],
  logLevel: 'warning',
  legalComments: 'none',
});

// The same CLI as one CommonJS file, for the commands bin/bulwark.js starts with V8's code cache (src/cli/code-cache.ts:
// Node 20 caches no compiled code of ES modules). Lazy imports become lazily run parts of the one file, and lazy
// imports of packages become require(): Node 20 loses the import() callback of a script deserialised from a code
// cache (the import fails), and without a cache it works only through an experimental option that prints a warning.
await build({
  entryPoints: [join(DIST, 'cli', 'main.js')],
  outfile: join(OUT, 'cli.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  supported: { 'dynamic-import': false },
  // Read whole at every start: without whitespace it is a third smaller and `eval run` 3–5 % faster. Names stay,
  // so that stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: "const __bulwarkBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [zodEnglishOnly, externals, ownUrls('__bulwarkBundleUrl')],
  logLevel: 'warning',
  legalComments: 'none',
});

/**
 * The code cache of one `bulwark eval run` (a promptfoo config against the built-in simulator, over HTTP), written
 * beside the bundle (src/cli/code-cache.ts, BUILT_CACHE_DIR) so that the first run on a machine starts from compiled
 * code as well. V8 accepts it only under the same Node version and flags; it is an optimisation, so a failure here
 * is reported in one line and the build goes on.
 */
async function writeBuiltCache() {
  const bin = join(DIST, '..', 'bin', 'bulwark.js');
  if (!existsSync(bin)) return 'no bin/bulwark.js beside dist/';
  const { createSimulator } = await import(pathToFileURL(join(DIST, 'simulator', 'server.js')).href);
  const sim = await createSimulator({ port: 0, recordRequests: 0 });
  const work = mkdtempSync(join(tmpdir(), 'bulwark-build-'));
  try {
    const tests = Array.from({ length: 20 }, (_, i) => `  - vars: { q: "question ${i}" }\n    assert:\n      - type: icontains\n        value: "question ${i}"\n      - type: not-contains\n        value: "password"\n`).join('');
    const config = join(work, 'promptfooconfig.yaml');
    writeFileSync(config, `providers:\n  - id: openai:chat:sim-echo\n    config:\n      apiBaseUrl: ${sim.url}/v1\nprompts:\n  - "Please repeat: {{q}}"\ntests:\n${tests}`);
    mkdirSync(join(OUT, 'code-cache'), { mode: 0o700 });
    const env = { ...process.env, BULWARK_CACHE_DIR: join(OUT, 'code-cache'), BULWARK_CODE_CACHE: '1', OPENAI_API_KEY: 'sk-build-warm-up' };
    const child = spawn(process.execPath, [bin, 'eval', 'run', config, '--db', join(work, 'warm-up.db'), '--json'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise((done) => child.on('close', done));
    return code === 0 ? undefined : `the warm-up run exited ${code}: ${stderr.trim().slice(0, 300)}`;
  } finally {
    await sim.close();
    rmSync(work, { recursive: true, force: true });
  }
}

const failed = await writeBuiltCache().catch((e) => String(e));
if (failed) process.stderr.write(`bundle-cli: no build-time code cache (${failed})\n`);
