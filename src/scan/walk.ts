// The files below the paths given to `bulwark scan`: folders walked recursively in a fixed order, `.git` skipped,
// symbolic links followed with care (no loops, no walking out of the tree), special files never opened.
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { BulwarkError } from '../core/errors.js';

export interface WalkOptions {
  /** Told about everything left out (dangling links, loops, links out of the tree, sockets and devices). */
  onWarning?: (message: string) => void;
}

/** Folders never entered: version-control metadata is no model. */
const SKIPPED_DIRS = new Set(['.git']);

/** Byte order of UTF-16 code units: the same on every machine and locale. */
function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The regular files named by `paths` or found below them, each once, in a deterministic order: the arguments in
 * the order given, each folder depth-first with entries sorted by name. A path that does not exist, or is neither
 * a file nor a folder, is the caller's mistake (ERR_IO).
 *
 * Links: a link to a regular file is kept wherever it points (Hugging Face cache snapshots are links into
 * `blobs/`, and that content is what a loader reads); a link to a folder is entered only when the folder lies
 * inside the walked tree and was not entered before (loops end there).
 */
export async function listFiles(paths: readonly string[], options: WalkOptions = {}): Promise<string[]> {
  const warn = options.onWarning ?? (() => undefined);
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };

  for (const arg of paths) {
    let st;
    try {
      st = await stat(arg);
    } catch (e) {
      throw new BulwarkError('ERR_IO', `cannot scan ${arg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { context: { path: arg }, cause: e });
    }
    if (st.isFile()) {
      add(arg);
      continue;
    }
    if (!st.isDirectory()) throw new BulwarkError('ERR_IO', `cannot scan ${arg}: not a regular file or folder`, { context: { path: arg } });
    const root = await realpath(arg);
    const entered = new Set<string>([root]);

    const walk = async (dir: string, real: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        warn(`cannot read folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        return;
      }
      entries.sort(byName);
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (SKIPPED_DIRS.has(e.name)) continue;
          const childReal = join(real, e.name);
          entered.add(childReal);
          await walk(p, childReal);
        } else if (e.isFile()) {
          add(p);
        } else if (e.isSymbolicLink()) {
          await followLink(p, e.name);
        } else {
          warn(`skipped ${p}: not a regular file`);
        }
      }
    };

    const followLink = async (p: string, name: string): Promise<void> => {
      let target: string;
      let st;
      try {
        target = await realpath(p);
        st = await stat(target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        warn(`skipped ${p}: ${code === 'ELOOP' ? 'symbolic link loop' : code === 'ENOENT' ? 'dangling symbolic link' : (code ?? (e as Error).message)}`);
        return;
      }
      if (st.isFile()) {
        add(p);
      } else if (st.isDirectory()) {
        if (SKIPPED_DIRS.has(name)) return;
        if (!inside(target, root)) {
          warn(`skipped ${p}: links to a folder outside ${arg}`);
        } else if (entered.has(target)) {
          // A link back up the tree (a loop) or to a folder walked already.
        } else {
          entered.add(target);
          await walk(p, target);
        }
      } else {
        warn(`skipped ${p}: not a regular file`);
      }
    };

    await walk(arg, root);
  }
  return out;
}
