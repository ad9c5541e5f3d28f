// Validation of our CycloneDX 1.6 JSON against the schemas bundled with @cyclonedx/cyclonedx-library (bom-1.6,
// spdx, jsf), compiled once with ajv. A BOM that fails is our bug: `bulwark bom` refuses to write it.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ValidateFunction } from 'ajv';

let compiled: Promise<ValidateFunction> | undefined;
const SCHEMA_BASE = 'http://cyclonedx.org/schema/';

/** The schema folder of the installed @cyclonedx/cyclonedx-library. */
function schemaDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
}

async function compile(): Promise<ValidateFunction> {
  const dir = schemaDir();
  const load = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
  const [bom, spdx, jsf, { Ajv }, formats] = await Promise.all([
    load('bom-1.6.SNAPSHOT.schema.json'),
    load('spdx.SNAPSHOT.schema.json'),
    load('jsf-0.82.SNAPSHOT.schema.json'),
    import('ajv'),
    import('ajv-formats'),
  ]);
  // bom-1.6 refers to `spdx.SNAPSHOT.schema.json` relative to its own $id, while those files carry other $ids:
  // register them under the URLs the references resolve to. Nothing is ever fetched.
  // The first error is enough to report a bug; allErrors and code optimisation would double the compile time (~1 s).
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true, code: { optimize: false } });
  ajv.addSchema(spdx, `${SCHEMA_BASE}spdx.SNAPSHOT.schema.json`);
  ajv.addSchema(jsf, `${SCHEMA_BASE}jsf-0.82.SNAPSHOT.schema.json`);
  const addFormats = (formats as unknown as { default: (a: typeof ajv) => void }).default;
  addFormats(ajv);
  // Formats ajv-formats does not know; the CycloneDX library accepts any IRI reference too.
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/);
  return ajv.compile(bom);
}

/** Schema errors of `bom` as `path: message` lines; empty when it is valid CycloneDX 1.6. */
export async function validateBom(bom: unknown): Promise<string[]> {
  compiled ??= compile().catch((e: unknown) => {
    compiled = undefined;
    throw e;
  });
  const validate = await compiled;
  if (validate(bom)) return [];
  return (validate.errors ?? []).slice(0, 50).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}
