#!/usr/bin/env node
// Entry point of the `bulwark` command: runs the compiled CLI, from the bundle of `npm run build` when it is there
// and not older than the tsc output (a plain `tsc` build after it must not run stale code), else from dist/cli/.
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// `bulwark eval` is a short batch: undici's HTTP parser (WebAssembly) stays on V8's baseline compiler, whose
// optimising tier-up costs ~30 MiB of peak memory and gains nothing here. Long-running servers keep the default.
if (process.argv.slice(2).find((a) => !a.startsWith('-')) === 'eval') setFlagsFromString('--liftoff-only');

const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundled = mtime('../dist/bundle/main.js');
const compiled = mtime('../dist/cli/main.js');
const { main } = bundled !== undefined && (compiled === undefined || bundled >= compiled) ? await import('../dist/bundle/main.js') : await import('../dist/cli/main.js');

process.exitCode = await main(process.argv);
