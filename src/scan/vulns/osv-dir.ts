// Where advisories live by default. They are a cache of public data that `bulwark osv sync` can fetch again, so they
// go to the XDG cache folder: $BULWARK_OSV_DIR, else $XDG_CACHE_HOME/bulwark/osv, else ~/.cache/bulwark/osv.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function defaultOsvDir(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  const explicit = env.BULWARK_OSV_DIR?.trim();
  if (explicit) return explicit;
  // The XDG Base Directory specification ignores relative values.
  const cache = env.XDG_CACHE_HOME?.trim();
  return join(cache && isAbsolute(cache) ? cache : join(home, '.cache'), 'bulwark', 'osv');
}

export const OSV_DIR_HELP = 'folder of OSV advisories (JSON records and <ecosystem>/all.zip archives); default $BULWARK_OSV_DIR, else $XDG_CACHE_HOME/bulwark/osv, else ~/.cache/bulwark/osv';
