// An index beside each advisory archive (`.all.zip.index`): which members speak of which package. With it a scan
// inflates only the records of its own dependencies instead of every record (npm's archive holds hundreds of
// thousands). `bulwark osv sync` writes it; it is used only while the archive's size and mtime still match.
// Format: a header line `bulwark-osv-index 1 <JSON>`, then one line per package, `<ecosystem>\t<name>\t<members>`,
// name and members percent-encoded (members comma-separated); plain lines parse far faster than one big JSON object.
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BulwarkError } from '../../core/errors.js';
import { ecosystemOf, packageKey } from './names.js';
import { ECOSYSTEMS, type Ecosystem } from './types.js';
import { ZipArchive } from './zip-reader.js';

const MAGIC = 'bulwark-osv-index 1 ';
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const MAX_INDEX_BYTES = 512 * 1024 * 1024;
/** A `"package": { … }` object of an OSV record: flat (ecosystem, name, purl), so a regular expression can find it. */
const PACKAGE_OBJECT = /"package"\s*:\s*\{([^{}]{0,4096})\}/g;
const FIELD = /"(ecosystem|name)"\s*:\s*"((?:[^"\\]|\\.){0,1000})"/g;

export interface BuiltIndex {
  /** JSON members, whatever their package. */
  records: number;
  ecosystems: Ecosystem[];
  /** Package key (names.ts packageKey) → names of the members whose `affected` entries name it. */
  packages: Map<string, string[]>;
}

export interface IndexLookup {
  records: number;
  ecosystems: Ecosystem[];
  /** Members that name one of the wanted packages. */
  members: Set<string>;
}

export function indexPathOf(archivePath: string): string {
  return join(dirname(archivePath), `.${basename(archivePath)}.index`);
}

/**
 * Reads every member of an archive (inflating it checks its CRC) and lists the packages its `affected` entries name;
 * throws ERR_ADVISORIES when a member is damaged, so that it doubles as a full check of a download. Members are not
 * parsed as JSON (several times slower on npm's archive): the flat `package` objects are found by pattern, and a
 * member whose JSON is broken is reported by the loader if a scan ever needs it. Withdrawn records are listed too.
 */
export async function buildArchiveIndex(archivePath: string): Promise<BuiltIndex> {
  const zip = await ZipArchive.open(archivePath);
  const packages = new Map<string, string[]>();
  const ecosystems = new Set<Ecosystem>();
  let records = 0;
  try {
    for (const entry of zip.entries) {
      if (!entry.name.toLowerCase().endsWith('.json')) continue;
      records++;
      const text = (await zip.read(entry, MAX_RECORD_BYTES)).toString('utf8');
      const start = text.trimStart().charAt(0);
      if (start !== '{' && start !== '[') {
        throw new BulwarkError('ERR_ADVISORIES', `${archivePath}: member ${entry.name} is not JSON`, { context: { path: archivePath, member: entry.name } });
      }
      for (const [, body] of text.matchAll(PACKAGE_OBJECT)) {
        const fields = new Map<string, string>();
        for (const [, key, value] of (body ?? '').matchAll(FIELD)) if (key && value !== undefined) fields.set(key, unescapeJson(value));
        const ecosystem = ecosystemOf(fields.get('ecosystem'));
        const name = fields.get('name');
        if (ecosystem === undefined || name === undefined || name === '') continue;
        ecosystems.add(ecosystem);
        const key = packageKey(ecosystem, name);
        const members = packages.get(key);
        if (!members) packages.set(key, [entry.name]);
        else if (members.at(-1) !== entry.name) members.push(entry.name);
      }
    }
  } finally {
    await zip.close();
  }
  return { records, ecosystems: ECOSYSTEMS.filter((e) => ecosystems.has(e)), packages };
}

/** Writes the index for the archive as it now is on disk (atomically: temporary file, then rename). */
export async function writeArchiveIndex(archivePath: string, index: BuiltIndex): Promise<void> {
  const { size, mtimeMs } = await stat(archivePath);
  const header = `${MAGIC}${JSON.stringify({ archive: { size, mtimeMs }, records: index.records, ecosystems: index.ecosystems })}`;
  const lines = [header];
  for (const [key, members] of index.packages) lines.push(`${lineKey(key)}\t${members.map(encodeURIComponent).join(',')}`);
  const path = indexPathOf(archivePath);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${lines.join('\n')}\n`);
  await rename(tmp, path);
}

/** The members naming wanted packages, when the archive has an index that still describes it; else undefined. */
export async function readArchiveIndex(archivePath: string, wanted: Iterable<string>): Promise<IndexLookup | undefined> {
  let text: string;
  let archive: { size: number; mtimeMs: number };
  try {
    const path = indexPathOf(archivePath);
    const [info, indexInfo] = await Promise.all([stat(archivePath), stat(path)]);
    if (indexInfo.size > MAX_INDEX_BYTES) return undefined;
    text = await readFile(path, 'utf8');
    archive = { size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return undefined;
  }
  const firstBreak = text.indexOf('\n');
  if (!text.startsWith(MAGIC) || firstBreak < 0) return undefined;
  let header: { archive?: { size?: unknown; mtimeMs?: unknown }; records?: unknown; ecosystems?: unknown };
  try {
    header = JSON.parse(text.slice(MAGIC.length, firstBreak)) as typeof header;
  } catch {
    return undefined;
  }
  if (header.archive?.size !== archive.size || header.archive.mtimeMs !== archive.mtimeMs || typeof header.records !== 'number' || !Array.isArray(header.ecosystems)) {
    return undefined;
  }
  const keys = new Set([...wanted].map(lineKey));
  const members = new Set<string>();
  for (const line of text.slice(firstBreak + 1).split('\n')) {
    const second = line.indexOf('\t', line.indexOf('\t') + 1);
    if (second < 0 || !keys.has(line.slice(0, second))) continue;
    for (const m of line.slice(second + 1).split(',')) {
      const name = decode(m);
      if (name !== undefined && name !== '') members.add(name);
    }
  }
  const ecosystems = header.ecosystems.map(ecosystemOf).filter((e): e is Ecosystem => e !== undefined);
  return { records: header.records, ecosystems, members };
}

/** `PyPI\u0000torch` → `PyPI\ttorch`, the name percent-encoded so that no tab, comma or newline is left in it. */
function lineKey(key: string): string {
  const at = key.indexOf('\u0000');
  return `${key.slice(0, at)}\t${encodeURIComponent(key.slice(at + 1))}`;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function unescapeJson(body: string): string {
  if (!body.includes('\\')) return body;
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}
