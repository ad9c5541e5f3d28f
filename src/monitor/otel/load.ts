// Loads an optional OpenTelemetry package on demand, turning "not installed" into an error that names it.
import { BulwarkError, type ErrorCode } from '../../core/errors.js';

/**
 * `importer` is a literal `() => import('pkg')` so the module stays typed; it runs only when OpenTelemetry is
 * configured, never when this file is imported.
 */
export async function loadOptional<T>(pkg: string, importer: () => Promise<T>, code: ErrorCode): Promise<T> {
  try {
    return await importer();
  } catch (e) {
    const missing = (e as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND';
    throw new BulwarkError(code, missing ? `OpenTelemetry export needs the package ${pkg}: npm install ${pkg}` : `the package ${pkg} could not be loaded`, {
      context: { package: pkg },
      cause: e,
    });
  }
}
