// Where the store lives: turns `--db` / a store URL / BULWARK_HOME into a dialect and a path.
import { isAbsolute, join, resolve } from 'node:path';
import { BulwarkError } from '../core/errors.js';

export const DEFAULT_HOME = '.bulwark';
export const DEFAULT_DB_FILE = 'bulwark.db';

export type StoreLocation = { dialect: 'sqlite'; path: string } | { dialect: 'sqlite'; memory: true };

export interface LocationInputs {
  /** `:memory:`, `sqlite::memory:`, `sqlite:<path>`, `sqlite://<path>` (`sqlite:///abs` is absolute) or a plain path. */
  url?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths and BULWARK_HOME resolve against it. */
  cwd?: string;
}

/** Resolves the store location; without a URL: `$BULWARK_HOME/bulwark.db`, BULWARK_HOME defaulting to `./.bulwark`. */
export function resolveStoreLocation(inputs: LocationInputs = {}): StoreLocation {
  const cwd = inputs.cwd ?? process.cwd();
  const env = inputs.env ?? process.env;
  const url = inputs.url?.trim();
  if (url === undefined || url === '') {
    const home = env.BULWARK_HOME?.trim() || DEFAULT_HOME;
    return { dialect: 'sqlite', path: resolve(cwd, home, DEFAULT_DB_FILE) };
  }
  if (/^postgres(?:ql)?:\/\//i.test(url)) {
    throw new BulwarkError('ERR_CONFIG_INVALID', 'PostgreSQL stores are not supported yet; use a SQLite file', {
      context: { dialect: 'postgres' },
    });
  }
  let path = url;
  if (/^sqlite:/i.test(url)) {
    path = url.slice('sqlite:'.length);
    // sqlite://relative and sqlite:///absolute, as in SQLAlchemy-style URLs.
    if (path.startsWith('//')) path = path.slice(2);
  } else if (/^[a-z][a-z0-9+.-]+:\/\//i.test(url)) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `unsupported store URL scheme in "${url.slice(0, url.indexOf(':'))}:"`);
  }
  if (path === ':memory:') return { dialect: 'sqlite', memory: true };
  if (path === '') throw new BulwarkError('ERR_CONFIG_INVALID', 'the store URL names no file');
  return { dialect: 'sqlite', path: isAbsolute(path) ? path : join(cwd, path) };
}
