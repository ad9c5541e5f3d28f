// The local advisory database: OSV records from a folder (one JSON file per record, in any subfolders) and from the
// `all.zip` archives OSV publishes, indexed by ecosystem and normalised package name. Only the packages asked for are
// kept in memory; every record is still counted, so an empty or foreign folder is seen as such.
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isBulwarkError } from '../../core/errors.js';
import { readArchiveIndex } from './archive-index.js';
import { ecosystemOf, packageKey } from './names.js';
import { readAdvisory, type AdvisoryRecord } from './osv-record.js';
import type { Ecosystem, ManifestError } from './types.js';
import { ZipArchive } from './zip-reader.js';

export interface AdvisoryLoadOptions {
  /** Package keys (names.ts packageKey) to keep; every record is kept when absent. */
  wanted?: ReadonlySet<string>;
  /** Largest advisory record, as a file or an archive member. */
  maxRecordBytes?: number;
  /** Files looked at in the folder tree. */
  maxFiles?: number;
  maxDepth?: number;
  /** Errors listed one by one before they are summed up. */
  maxErrors?: number;
}

export interface AdvisorySummary {
  dir: string;
  /** Advisory files (JSON records and archives) found. */
  files: number;
  /** Records read, whatever their package. */
  records: number;
  /** Supported ecosystems that at least one record speaks of. */
  ecosystems: Ecosystem[];
}

export interface AdvisoryIndex {
  summary: AdvisorySummary;
  errors: ManifestError[];
  /** Records that name this package (any spelling of the name), withdrawn ones left out. */
  lookup(ecosystem: Ecosystem, name: string): AdvisoryRecord[];
}

const LIMITS = { maxRecordBytes: 16 * 1024 * 1024, maxFiles: 2_000_000, maxDepth: 8, maxErrors: 50 };
const NAME_FIELD = /"name"\s*:\s*"((?:[^"\\]|\\.){1,400})"/g;
const ECOSYSTEM_FIELD = /"ecosystem"\s*:\s*"((?:[^"\\]|\\.){1,100})"/g;

/** Reads the folder; a missing or empty folder gives an index with zero records and no error (the caller decides). */
export async function loadAdvisories(dir: string, options: AdvisoryLoadOptions = {}): Promise<AdvisoryIndex> {
  const limits = { ...LIMITS, ...definedOnly(options) };
  const loader = new Loader(dir, options.wanted, limits);
  await loader.walk(dir, 0);
  return loader.index();
}

class Loader {
  private readonly byId = new Map<string, AdvisoryRecord>();
  private readonly ecosystems = new Set<Ecosystem>();
  private readonly errors: ManifestError[] = [];
  private errorCount = 0;
  private files = 0;
  private seen = 0;
  private records = 0;
  private readonly wantedEcosystems: ReadonlySet<string> | undefined;

  constructor(
    private readonly dir: string,
    private readonly wanted: ReadonlySet<string> | undefined,
    private readonly limits: typeof LIMITS,
  ) {
    this.wantedEcosystems = wanted && new Set([...wanted].map((k) => k.slice(0, k.indexOf('\u0000'))));
  }

  /**
   * Whether a file can be counted without being read: nothing is wanted at all, or it sits in a folder named for an
   * ecosystem none of whose packages is wanted (the `<ecosystem>/all.zip` layout of `bulwark osv sync`).
   */
  private countOnly(path: string): boolean {
    if (this.wantedEcosystems === undefined) return false;
    if (this.wantedEcosystems.size === 0) return true;
    const folder = ecosystemOf(basename(dirname(path)));
    if (folder === undefined || this.wantedEcosystems.has(folder)) return false;
    this.ecosystems.add(folder);
    return true;
  }

  async walk(path: string, depth: number): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (depth === 0 && code === 'ENOENT') return;
      if (depth === 0 && code === 'ENOTDIR') return this.file(path);
      this.error(path, `cannot list: ${(e as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      // Hidden names: our own download temporaries and sync notes, editors' and VCS folders.
      if (entry.name.startsWith('.')) continue;
      if (++this.seen > this.limits.maxFiles) {
        this.error(path, `more than ${this.limits.maxFiles} files: the rest of the folder was not read`);
        return;
      }
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (depth + 1 > this.limits.maxDepth) this.error(child, `nested deeper than ${this.limits.maxDepth} folders: not read`);
        else await this.walk(child, depth + 1);
      } else if (entry.isFile()) await this.file(child);
    }
  }

  private async file(path: string): Promise<void> {
    const lower = path.toLowerCase();
    if (lower.endsWith('.zip')) {
      this.files++;
      await this.archive(path);
    } else if (lower.endsWith('.json')) {
      this.files++;
      try {
        const { size } = await stat(path);
        if (size > this.limits.maxRecordBytes) return this.error(path, `${size} bytes, over the ${this.limits.maxRecordBytes}-byte limit for one record`);
        if (this.countOnly(path)) {
          this.records++;
          return;
        }
        this.text(await readFile(path, 'utf8'), path);
      } catch (e) {
        this.error(path, `cannot read: ${(e as Error).message}`);
      }
    }
  }

  private async archive(path: string): Promise<void> {
    let zip: ZipArchive;
    try {
      zip = await ZipArchive.open(path);
    } catch (e) {
      return this.error(path, isBulwarkError(e) ? e.message : `cannot read: ${(e as Error).message}`);
    }
    try {
      if (this.countOnly(path)) {
        this.records += zip.entries.filter((e) => e.name.toLowerCase().endsWith('.json')).length;
        return;
      }
      // With a fresh index, records are counted from it and only the members naming a wanted package are read.
      const index = this.wanted === undefined ? undefined : await readArchiveIndex(path, this.wanted);
      if (index) {
        this.records += index.records;
        for (const e of index.ecosystems) this.ecosystems.add(e);
      }
      const members = index?.members;
      for (const entry of zip.entries) {
        if (members ? !members.has(entry.name) : !entry.name.toLowerCase().endsWith('.json')) continue;
        let bytes: Buffer;
        try {
          bytes = await zip.read(entry, this.limits.maxRecordBytes);
        } catch (e) {
          this.error(`${path}!${entry.name}`, isBulwarkError(e) ? e.message : String(e));
          continue;
        }
        this.text(bytes.toString('utf8'), `${path}!${entry.name}`, members === undefined);
      }
    } finally {
      await zip.close();
    }
  }

  /** One JSON document: a record, an array of records, or an OSV API answer `{ "vulns": [...] }`; `count`: add to records. */
  private text(text: string, where: string, count = true): void {
    const ecosystems = this.note(text);
    if (this.wanted !== undefined && !this.mayConcern(text, ecosystems)) {
      if (count) this.records++;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.error(where, `not JSON: ${(e as Error).message}`);
      return;
    }
    const docs = Array.isArray(value) ? value : isVulnsAnswer(value) ? value.vulns : [value];
    for (const doc of docs) {
      if (count) this.records++;
      const record = readAdvisory(doc);
      if (record === undefined) continue;
      if (this.wanted !== undefined) {
        record.affected = record.affected.filter((a) => this.wanted?.has(packageKey(a.ecosystem, a.name)));
        if (record.affected.length === 0) continue;
      }
      const earlier = this.byId.get(record.id);
      if (earlier === undefined || record.modified > earlier.modified) this.byId.set(record.id, record);
    }
  }

  /** The supported ecosystems a document names, noted for the summary without parsing it. */
  private note(text: string): Ecosystem[] {
    const found: Ecosystem[] = [];
    for (const m of text.matchAll(ECOSYSTEM_FIELD)) {
      const e = ecosystemOf(unescape(m[1] ?? ''));
      if (e !== undefined && !found.includes(e)) {
        found.push(e);
        this.ecosystems.add(e);
      }
    }
    return found;
  }

  /** A cheap test before JSON.parse: does any "name" in the text, in any named ecosystem, belong to a wanted package? */
  private mayConcern(text: string, ecosystems: readonly Ecosystem[]): boolean {
    if (ecosystems.length === 0) return false;
    for (const m of text.matchAll(NAME_FIELD)) {
      const name = unescape(m[1] ?? '');
      if (ecosystems.some((e) => this.wanted?.has(packageKey(e, name)))) return true;
    }
    return false;
  }

  private error(path: string, message: string): void {
    this.errorCount++;
    if (this.errors.length < this.limits.maxErrors) this.errors.push({ path, message });
  }

  index(): AdvisoryIndex {
    const byKey = new Map<string, AdvisoryRecord[]>();
    for (const record of this.byId.values()) {
      const keys = new Set(record.affected.map((a) => packageKey(a.ecosystem, a.name)));
      for (const key of keys) {
        const list = byKey.get(key);
        if (list) list.push(record);
        else byKey.set(key, [record]);
      }
    }
    const errors = [...this.errors];
    if (this.errorCount > errors.length) {
      errors.push({ path: this.dir, message: `${this.errorCount - errors.length} more advisory files could not be read` });
    }
    return {
      summary: { dir: this.dir, files: this.files, records: this.records, ecosystems: [...this.ecosystems].sort() },
      errors,
      lookup: (ecosystem, name) => byKey.get(packageKey(ecosystem, name)) ?? [],
    };
  }
}

function isVulnsAnswer(v: unknown): v is { vulns: unknown[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { vulns?: unknown }).vulns);
}

/** The value of a JSON string literal's body (`a\u002db` → `a-b`); the raw text when it is not a valid literal. */
function unescape(body: string): string {
  if (!body.includes('\\')) return body;
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}

function definedOnly(o: AdvisoryLoadOptions): Partial<typeof LIMITS> {
  const out: Partial<typeof LIMITS> = {};
  if (o.maxRecordBytes !== undefined) out.maxRecordBytes = o.maxRecordBytes;
  if (o.maxFiles !== undefined) out.maxFiles = o.maxFiles;
  if (o.maxDepth !== undefined) out.maxDepth = o.maxDepth;
  if (o.maxErrors !== undefined) out.maxErrors = o.maxErrors;
  return out;
}
