// Where the store lives: turns `--db` / a store URL / BULWARK_DATABASE_URL / BULWARK_HOME into a dialect and a place.
import { isAbsolute, join, resolve } from 'node:path';
import { BulwarkError } from '../core/errors.js';

export const DEFAULT_HOME = '.bulwark';
export const DEFAULT_DB_FILE = 'bulwark.db';

/** `url` of a PostgreSQL location has its password masked: a location is safe to print and log. */
export type StoreLocation =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'sqlite'; memory: true }
  | { dialect: 'postgres'; url: string };

export interface LocationInputs {
  /**
   * `:memory:`, `sqlite::memory:`, `sqlite:<path>`, `sqlite://<path>` (`sqlite:///abs` is absolute), a plain path,
   * or `postgres://` / `postgresql://` URL. Wins over databaseUrl and the environment.
   */
  url?: string;
  /** A PostgreSQL (or SQLite) store URL; default BULWARK_DATABASE_URL from `env`. */
  databaseUrl?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths and BULWARK_HOME resolve against it. */
  cwd?: string;
}

/** A location plus, for PostgreSQL, the connection string with its credentials (never print it). */
export interface StoreTarget {
  location: StoreLocation;
  connectionString?: string;
}

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

/** Resolves the store location; without a URL: `$BULWARK_HOME/bulwark.db`, BULWARK_HOME defaulting to `./.bulwark`. */
export function resolveStoreLocation(inputs: LocationInputs = {}): StoreLocation {
  return resolveStoreTarget(inputs).location;
}

/**
 * Like resolveStoreLocation, keeping the PostgreSQL connection string. Order: `url`, then `databaseUrl`, then
 * BULWARK_DATABASE_URL, then the SQLite file under BULWARK_HOME.
 */
export function resolveStoreTarget(inputs: LocationInputs = {}): StoreTarget {
  const cwd = inputs.cwd ?? process.cwd();
  const env = inputs.env ?? process.env;
  const url = [inputs.url, inputs.databaseUrl, env.BULWARK_DATABASE_URL].map((u) => u?.trim()).find((u) => u !== undefined && u !== '');
  if (url === undefined) {
    const home = env.BULWARK_HOME?.trim() || DEFAULT_HOME;
    return { location: { dialect: 'sqlite', path: resolve(cwd, home, DEFAULT_DB_FILE) } };
  }
  if (POSTGRES_URL.test(url)) return { location: { dialect: 'postgres', url: redactUrl(url) }, connectionString: url };
  let path = url;
  if (/^sqlite:/i.test(url)) {
    path = url.slice('sqlite:'.length);
    // sqlite://relative and sqlite:///absolute, as in SQLAlchemy-style URLs.
    if (path.startsWith('//')) path = path.slice(2);
  } else if (/^[a-z][a-z0-9+.-]+:\/\//i.test(url)) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `unsupported store URL scheme in "${url.slice(0, url.indexOf(':'))}:"`);
  }
  if (path === ':memory:') return { location: { dialect: 'sqlite', memory: true } };
  if (path === '') throw new BulwarkError('ERR_CONFIG_INVALID', 'the store URL names no file');
  return { location: { dialect: 'sqlite', path: isAbsolute(path) ? path : join(cwd, path) } };
}

/** The URL with its password (and any password= query parameter) masked; unparsable URLs keep only the scheme. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${url.slice(0, url.indexOf(':'))}://[unparsable URL]`;
  }
  if (u.password !== '') u.password = '***';
  for (const key of [...u.searchParams.keys()]) {
    if (/pass|secret|token|key/i.test(key)) u.searchParams.set(key, '***');
  }
  return u.toString();
}
