// TLS client options from a sink config: the CA file read once at creation, verification on unless insecure=1.
import { readFile } from 'node:fs/promises';
import { BulwarkError } from '../../core/errors.js';
import type { TlsClientOptions } from './sink-config.js';

export interface LoadedTlsOptions {
  ca?: string;
  rejectUnauthorized: boolean;
}

export async function loadTlsOptions(options: TlsClientOptions): Promise<LoadedTlsOptions> {
  const rejectUnauthorized = !options.insecure;
  if (options.caFile === undefined) return { rejectUnauthorized };
  let ca: string;
  try {
    ca = await readFile(options.caFile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw new BulwarkError('ERR_SINK_CONFIG', `sink URL: ca_file could not be read (${code})`, { context: { caFile: options.caFile, code } });
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new BulwarkError('ERR_SINK_CONFIG', 'sink URL: ca_file holds no PEM certificate', { context: { caFile: options.caFile } });
  }
  return { ca, rejectUnauthorized };
}
