// `bulwark bom PATH`: the CycloneDX 1.6 AI bill of materials of a model folder, validated against the CycloneDX
// schema before it is written (a BOM that does not validate is our bug: exit 70, nothing written).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BulwarkError } from '../core/errors.js';
import type { CommandContext } from './command-context.js';
import { EXIT_INTERNAL, EXIT_OK } from './exit-codes.js';
import { say, usageExit } from './integrity.js';

export interface BomCommandOptions {
  output?: string;
  sha512?: boolean;
  reproducible?: boolean;
}

export function registerBomCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('bom')
    .description('CycloneDX 1.6 AI bill of materials of a model folder: each model with its file hashes and formats, architecture, task, datasets and licences')
    .argument('<path>', 'model folder (or a single model file)')
    .option('-o, --output <file>', 'write the BOM to this file (default: standard output)')
    .option('--sha512', 'add a SHA-512 of every file (same read pass)')
    .option('--reproducible', 'leave out serialNumber and timestamp, so that the same folder gives the same bytes')
    .action(async (path: string, options: BomCommandOptions) => {
      ctx.setExitCode(await runBom(path, options, ctx));
    });
}

async function runBom(path: string, options: BomCommandOptions, ctx: CommandContext): Promise<number> {
  const [{ buildBom }, { validateBom }] = await Promise.all([import('../scan/bom.js'), import('../scan/bom-schema.js')]);
  let report;
  try {
    report = await buildBom(resolve(ctx.io.cwd, path), { sha512: options.sha512 === true, reproducible: options.reproducible === true });
  } catch (e) {
    return usageExit(e, ctx);
  }
  const problems = await validateBom(report.bom);
  if (problems.length > 0) {
    say(ctx, 'stderr', `bulwark: internal error: the BOM does not validate against CycloneDX 1.6 (a bug; nothing written):\n  ${problems.join('\n  ')}`);
    return EXIT_INTERNAL;
  }
  for (const w of report.warnings) say(ctx, 'stderr', `warning: ${w}`);
  const text = `${JSON.stringify(report.bom, null, 2)}\n`;
  if (options.output === undefined) {
    ctx.io.stdout.write(text);
  } else {
    const target = resolve(ctx.io.cwd, options.output);
    try {
      await writeFile(target, text);
    } catch (e) {
      return usageExit(new BulwarkError('ERR_IO', `cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`), ctx);
    }
    say(ctx, 'stderr', `bom: ${report.models} model${report.models === 1 ? '' : 's'}, ${report.files} file${report.files === 1 ? '' : 's'} → ${target}`);
  }
  return EXIT_OK;
}
