#!/usr/bin/env node
// Entry point of the `bulwark` command: runs the compiled CLI, from the bundle of `npm run build` when it is there
// and not older than the tsc output (a plain `tsc` build after it must not run stale code), else from dist/cli/.
// `bulwark eval` and `bulwark detect` run the CommonJS bundle with V8's code cache (src/cli/code-cache.ts), the
// other commands the ES modules.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const [command, subcommand] = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// `bulwark eval` is a short batch: undici's HTTP parser (WebAssembly) stays on V8's baseline compiler, whose
// optimising tier-up costs ~30 MiB of peak memory and gains nothing here. Long-running servers keep the default.
// Its regexes compile straight to native code (src/cli/v8-tuning.ts). V8's heuristics favour memory over speed
// (--optimize-for-size: smaller heap steps and young generation): the peak of a 5,000-test promptfoo config, reached
// while it is parsed and expanded, 136-143 -> 114-117 MiB at +9 % time (500 tests: no difference; interleaved A/B, six
// runs each). All are set before any of the CLI is compiled: a code cache is only accepted under the V8 flags it was
// written with.
if (command === 'eval') {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--no-regexp-tier-up');
  setFlagsFromString('--optimize-for-size');
}
// Long-running servers cap V8's young generation (src/cli/v8-tuning.ts): it must not grow while the modules load,
// the server lets it grow up to the cap once it starts.
const serving = command === 'gateway' || command === 'serve' || (command === 'mcp' && subcommand === 'gateway') || (command === 'detectors' && subcommand === 'serve');
if (serving && process.env.BULWARK_SEMI_SPACE_MIB?.trim() !== '0') setFlagsFromString('--semi-space-growth-factor=1');

const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const compiled = mtime('../dist/cli/main.js');
const fresh = (path) => {
  const built = mtime(path);
  return built !== undefined && (compiled === undefined || built >= compiled);
};

// The short commands whose start-up is much of their run go through the CommonJS bundle and its code cache, one
// cache per (sub)command: a cache holds what one run compiled.
const EVAL_SUBCOMMANDS = new Set(['run', 'list', 'show', 'diff', 'baseline', 'schema']);
const cacheVariant = command === 'eval' ? `eval-${EVAL_SUBCOMMANDS.has(subcommand) ? subcommand : 'other'}` : command === 'detect' ? 'detect' : undefined;

let main;
let cached;
if (cacheVariant !== undefined && fresh('../dist/bundle/cli.cjs')) {
  const { cacheDirectory, loadWithCodeCache } = await import('../dist/cli/code-cache.js');
  cached = loadWithCodeCache(fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url)), cacheDirectory(), cacheVariant);
  main = cached.exports.main;
} else {
  ({ main } = fresh('../dist/bundle/main.js') ? await import('../dist/bundle/main.js') : await import('../dist/cli/main.js'));
}

process.exitCode = await main(process.argv);
cached?.save();
