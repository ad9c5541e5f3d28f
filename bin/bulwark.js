#!/usr/bin/env node
// Entry point of the `bulwark` command: runs the compiled CLI, from the bundle of `npm run build` when it is there
// and not older than the tsc output (a plain `tsc` build after it must not run stale code), else from dist/cli/.
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

const [command, subcommand] = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// `bulwark eval` is a short batch: undici's HTTP parser (WebAssembly) stays on V8's baseline compiler, whose
// optimising tier-up costs ~30 MiB of peak memory and gains nothing here. Long-running servers keep the default.
if (command === 'eval') setFlagsFromString('--liftoff-only');
// Long-running servers cap V8's young generation (src/cli/v8-tuning.ts): it must not grow while the modules load,
// the server lets it grow up to the cap once it starts.
const serving = command === 'gateway' || command === 'serve' || (command === 'mcp' && subcommand === 'gateway') || (command === 'detectors' && subcommand === 'serve');
if (serving && process.env.BULWARK_SEMI_SPACE_MIB?.trim() !== '0') setFlagsFromString('--semi-space-growth-factor=1');

const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundled = mtime('../dist/bundle/main.js');
const compiled = mtime('../dist/cli/main.js');
const { main } = bundled !== undefined && (compiled === undefined || bundled >= compiled) ? await import('../dist/bundle/main.js') : await import('../dist/cli/main.js');

process.exitCode = await main(process.argv);
