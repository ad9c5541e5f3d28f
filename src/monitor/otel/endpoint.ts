// OTLP/HTTP endpoint URLs: a base (`http://host:4318`) gets the signal path; a full signal URL is kept as given.
import { BulwarkError, type ErrorCode } from '../../core/errors.js';

export type OtlpSignal = 'traces' | 'logs';

/**
 * The URL to POST one signal to, following OTEL_EXPORTER_OTLP_ENDPOINT rules: `/v1/<signal>` is appended to the
 * base path unless the path already ends with it. Credentials in the URL are refused (they would leak into ids
 * and logs; pass them as headers).
 */
export function signalUrl(endpoint: string, signal: OtlpSignal, code: ErrorCode): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new BulwarkError(code, 'OTLP endpoint is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BulwarkError(code, 'OTLP endpoint must be an http: or https: URL', { context: { protocol: url.protocol } });
  }
  if (url.username !== '' || url.password !== '') throw new BulwarkError(code, 'OTLP endpoint must not carry credentials; use headers');
  const suffix = `/v1/${signal}`;
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(suffix) ? path : `${path}${suffix}`;
  url.hash = '';
  return url;
}

/** host and port of an upstream base URL, for `server.address` / `server.port`; undefined when unparsable. */
export function serverOf(url: string): { address: string; port: number } | undefined {
  try {
    const u = new URL(url);
    const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : undefined;
    if (port === undefined) return undefined;
    return { address: u.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  } catch {
    return undefined;
  }
}
