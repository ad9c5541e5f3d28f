// Reads the installed version of an npm package from its package.json, whatever its "exports" map allows.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Returns the "version" of the first installed copy of `packageName` on Node's resolution path, or 'unknown'.
 * Reading the file directly is needed because some peers (e.g. @andersmyrmel/vard) do not export ./package.json.
 */
export async function readPackageVersion(packageName: string): Promise<string> {
  for (const dir of require.resolve.paths(packageName) ?? []) {
    try {
      const raw = await readFile(path.join(dir, packageName, 'package.json'), 'utf8');
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') {
        return parsed.version;
      }
    } catch {
      // Not installed in this node_modules directory: try the next one on the path.
    }
  }
  return 'unknown';
}
