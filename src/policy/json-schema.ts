// The JSON Schema of bulwark.yaml for editors (yaml-language-server), generated from the zod schema.
import { z } from 'zod';
import { builtinDetectors, type DetectorLookup } from './detector-lookup.js';
import { configSchema, detectorIdSchema } from './schema.js';

export const CONFIG_SCHEMA_ID = 'https://bulwark.dev/schemas/bulwark-config-v1.json';

/**
 * Draft-07 (the dialect every YAML editor supports), describing what a file may contain: `io: 'input'`, so keys with
 * defaults are optional. Detector ids become an enum of the registry. The cross-checks of the loader (policy
 * references, detector options and stages) are not expressible here; `bulwark policy check` runs them.
 */
export function configJsonSchema(registry: DetectorLookup = builtinDetectors): Record<string, unknown> {
  const ids = registry.detectors.map((d) => d.id);
  const schema = z.toJSONSchema(configSchema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema === detectorIdSchema && ids.length > 0) ctx.jsonSchema.enum = ids;
    },
  }) as Record<string, unknown>;
  return { ...schema, $id: CONFIG_SCHEMA_ID, title: 'Bulwark configuration' };
}
