// The transforms, one explicit list, and composition: `base64`, `lang:fr`, or a chain like ["leetspeak", "base64"].
import { BulwarkError } from '../../core/errors.js';
import type { ProbeCase, Rng, Transform } from '../types.js';
import { base64Transform, hexTransform, rot13Transform } from './encodings.js';
import { LANGUAGE_CODES, languageTransform } from './language.js';
import { caseNoiseTransform, homoglyphsTransform, leetspeakTransform, zeroWidthTransform } from './obfuscation.js';
import { payloadSplitTransform } from './payload-split.js';

export const TRANSFORMS: readonly Transform[] = [
  base64Transform,
  hexTransform,
  rot13Transform,
  leetspeakTransform,
  homoglyphsTransform,
  zeroWidthTransform,
  caseNoiseTransform,
  payloadSplitTransform,
  ...LANGUAGE_CODES.map(languageTransform),
];

const BY_ID = new Map(TRANSFORMS.map((t) => [t.id, t]));

export const TRANSFORM_IDS: readonly string[] = TRANSFORMS.map((t) => t.id);

/** The transform with this id; an unknown id is a configuration error naming the known ones. */
export function getTransform(id: string): Transform {
  const t = BY_ID.get(id);
  if (!t) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `unknown transform ${JSON.stringify(id)}; known: ${TRANSFORM_IDS.join(', ')}`, { context: { transform: id } });
  }
  return t;
}

/**
 * The transforms applied in order (the first one innermost): ["leetspeak", "base64"] leetspeaks the request, then
 * base64-encodes the result. The case's `transforms` lists every step; all draw from the one rng.
 */
export function composeTransforms(ids: readonly string[]): Transform {
  if (ids.length === 0) throw new TypeError('composeTransforms needs at least one transform id');
  const steps = ids.map(getTransform);
  if (steps.length === 1) return steps[0]!;
  return {
    id: ids.join('+'),
    apply: (c: ProbeCase, rng: Rng) => steps.reduce((acc, t) => t.apply(acc, rng), c),
  };
}
