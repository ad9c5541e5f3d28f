// The built-in probe packs, one explicit list; each is a YAML data file in ./data read when it is asked for.
import { BulwarkError } from '../../core/errors.js';
import { loadPackFile, type ProbePack } from './load-pack.js';
import { fileURLToPath } from 'node:url';

export const BUILTIN_PACK_NAMES = [
  'owasp-llm01-direct',
  'owasp-llm01-indirect',
  'jailbreak',
  'harmful',
  'prompt-extraction',
  'pii-leak',
  'exfiltration',
  'toxicity',
  'over-refusal',
  'excessive-agency',
] as const;
export type BuiltinPackName = (typeof BUILTIN_PACK_NAMES)[number];

export function isBuiltinPackName(name: string): name is BuiltinPackName {
  return (BUILTIN_PACK_NAMES as readonly string[]).includes(name);
}

/** Path of a built-in pack's data file (copied beside the compiled module by the build). */
export function builtinPackPath(name: BuiltinPackName): string {
  return fileURLToPath(new URL(`./data/${name}.yaml`, import.meta.url));
}

/** One built-in pack by name; an unknown name is a configuration error. */
export function loadPack(name: string): ProbePack {
  if (!isBuiltinPackName(name)) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `unknown probe pack ${JSON.stringify(name)}; known: ${BUILTIN_PACK_NAMES.join(', ')}`, {
      context: { pack: name },
    });
  }
  const pack = loadPackFile(builtinPackPath(name));
  if (pack.name !== name) throw new BulwarkError('ERR_CONFIG_INVALID', `pack file ${name}.yaml declares pack ${pack.name}`, { context: { pack: name } });
  return pack;
}

export function loadBuiltinPacks(): ProbePack[] {
  return BUILTIN_PACK_NAMES.map((name) => loadPack(name));
}
