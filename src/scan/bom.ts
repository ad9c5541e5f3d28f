// `bulwark bom`: a CycloneDX 1.6 AI bill of materials for a folder of models. Each model (a folder with a
// config.json / model_index.json or weight files, or a lone weight file) is a `machine-learning-model` component
// with its files as `file` sub-components (hashes, sniffed format), what its config and model card say in
// `modelCard`, licences, base models as pedigree ancestors, and its training datasets as `data` components.
import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { BULWARK_VERSION } from '../core/version.js';
import { emptyFacts, readConfig, readGgufMetadata, readModelCard, type ModelFacts } from './bom-metadata.js';
import { LOCK_FILE_NAME } from './lock.js';
import { comparePaths, hashFile, isGitName, walkFolder, type DigestAlgorithm } from './model-files.js';
import { SIGNATURE_FILE_NAME } from './signing/manifest.js';
import { sniffFormat } from './sniff.js';
import type { ScanFormat } from './types.js';

export interface BomOptions {
  /** Also give every file a SHA-512 (read in the same pass). */
  sha512?: boolean;
  /** Leave out serialNumber and timestamp so that the same folder always gives the same bytes. */
  reproducible?: boolean;
  /** Fixed clock (tests). */
  now?: Date;
}

export interface BomReport {
  bom: CycloneDxBom;
  models: number;
  files: number;
  /** Things left out or unreadable (symlinks to folders, special files, bad metadata). */
  warnings: string[];
}

/** The slice of CycloneDX 1.6 we write (the JSON is validated against the full schema before it is written). */
export interface CycloneDxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber?: string;
  version: 1;
  metadata: Record<string, unknown>;
  components: Component[];
}

type Hash = { alg: 'SHA-256' | 'SHA-512'; content: string };
type Property = { name: string; value: string };
export interface Component {
  type: 'machine-learning-model' | 'file' | 'data';
  'bom-ref'?: string;
  name: string;
  hashes?: Hash[];
  licenses?: ({ license: { id: string } | { name: string; url?: string } })[];
  pedigree?: { ancestors: Component[] };
  tags?: string[];
  modelCard?: Record<string, unknown>;
  data?: { type: 'dataset'; name: string }[];
  properties?: Property[];
  components?: Component[];
}

/** Files that make their folder a model (transformers, diffusers, Mistral/Llama reference checkpoints). */
const MODEL_CONFIGS = new Set(['config.json', 'model_index.json', 'params.json']);
/** Index of a checkpoint sharded into several files. */
const SHARD_INDEX = /\.(safetensors|bin)\.index\.json$/;
/** Sniffed formats that are weights or other model payloads (anything but JSON text and the unknown). */
const NOT_MODEL_FORMATS = new Set<ScanFormat>(['json', 'unknown']);
const HEAD_BYTES = 4096;

interface FileInfo {
  /** Relative to the BOM root, POSIX. */
  path: string;
  absPath: string;
  size: number;
  format: ScanFormat;
  sha256: string;
  sha512?: string;
  /** Link text when the file was reached through a symlink. */
  link?: string;
}

/** Builds the BOM of a folder (or of one model file). */
export async function buildBom(path: string, options: BomOptions = {}): Promise<BomReport> {
  const root = resolve(path);
  const warnings: string[] = [];
  const ids = await loadSpdxIds();
  const files = await collectFiles(root, options, warnings);
  const single = !(await stat(root)).isDirectory();
  const byDir = new Map<string, FileInfo[]>();
  for (const f of files) {
    const d = single ? '' : dirOf(f.path);
    const list = byDir.get(d) ?? [];
    list.push(f);
    byDir.set(d, list);
  }
  // A folder is a model when it holds a model config, a sharded-checkpoint index or a model card; weight files
  // anywhere else are models of their own (a folder of loose checkpoints is a collection, not one model).
  const modelDirs = new Set<string>();
  if (!single) {
    for (const [dir, list] of byDir) {
      for (const f of list) {
        if (await isModelMarker(f)) {
          modelDirs.add(dir);
          break;
        }
      }
    }
  }
  const datasets = new Map<string, Component>();
  const nodes = new Map<string, Component>();
  const top: Component[] = [];
  const owner = (p: string): string | undefined => {
    for (let d = p; ; d = dirOf(d)) {
      if (modelDirs.has(d)) return d;
      if (d === '') return undefined;
    }
  };
  // Folder models, outermost first so that a nested model finds its parent's component.
  for (const dir of [...modelDirs].sort((a, b) => depth(a) - depth(b) || comparePaths(a, b))) {
    const inTree = files.filter((f) => dir === '' || f.path.startsWith(`${dir}/`));
    const own = inTree.filter((f) => owner(dirOf(f.path)) === dir);
    const component = await folderModel({ root, dir, inTree, own, options, datasets, ids, warnings });
    nodes.set(dir, component);
    const parent = dir === '' ? undefined : owner(dirOf(dir));
    if (parent === undefined) top.push(component);
    else (nodes.get(parent) as Component).components?.push(component);
  }
  // Weight files outside every model folder are models of their own.
  for (const f of files) {
    if (single || (owner(dirOf(f.path)) === undefined && isModelFormat(f.format))) top.push(await fileModel(f, { options, datasets, ids, warnings }));
  }
  const bom: CycloneDxBom = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: 'bulwark', version: BULWARK_VERSION }] },
    },
    components: [...top.sort((a, b) => comparePaths(a['bom-ref'] ?? '', b['bom-ref'] ?? '')), ...[...datasets.values()].sort((a, b) => comparePaths(a.name, b.name))],
  };
  if (!options.reproducible) {
    bom.serialNumber = `urn:uuid:${randomUUID()}`;
    bom.metadata = { timestamp: (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'), ...bom.metadata };
  }
  return { bom, models: countModels(bom.components), files: files.length, warnings };
}

/** Every regular file under the root (symlinks to regular files followed), sniffed and hashed. */
async function collectFiles(root: string, options: BomOptions, warnings: string[]): Promise<FileInfo[]> {
  const algorithms: DigestAlgorithm[] = options.sha512 ? ['sha256', 'sha512'] : ['sha256'];
  // Version control, signatures and lockfiles describe a model; they are not part of it.
  const entries = await walkFolder(root, { skip: (_p, name) => isGitName(name) || name === SIGNATURE_FILE_NAME || name === LOCK_FILE_NAME });
  const out: FileInfo[] = [];
  for (const e of entries) {
    let absPath = e.absPath;
    if (e.kind === 'special') {
      warnings.push(`${e.path}: not a regular file, left out`);
      continue;
    }
    if (e.kind === 'symlink') {
      // Hugging Face cache snapshots are symlinks into blobs/: the content is what a loader reads.
      try {
        absPath = await realpath(e.absPath);
        if (!(await stat(absPath)).isFile()) throw new Error('not a regular file');
      } catch {
        warnings.push(`${e.path}: symbolic link to something other than a regular file, left out`);
        continue;
      }
    }
    const head = await readHead(absPath);
    const { digests, size } = await hashFile(absPath, algorithms);
    const info: FileInfo = {
      path: e.path,
      absPath,
      size,
      format: refineZip(sniffFormat(head, size, posix.basename(e.path)), head),
      sha256: (digests.sha256 as Buffer).toString('hex'),
    };
    if (digests.sha512) info.sha512 = digests.sha512.toString('hex');
    if (e.kind === 'symlink') info.link = e.linkTarget ?? '';
    out.push(info);
  }
  return out;
}

/** What describing a model needs besides its files. */
interface Shared {
  options: BomOptions;
  /** Dataset components met so far, by bom-ref. */
  datasets: Map<string, Component>;
  /** SPDX ids by lower case. */
  ids: Map<string, string>;
  warnings: string[];
}

async function folderModel(args: Shared & { root: string; dir: string; inTree: FileInfo[]; own: FileInfo[] }): Promise<Component> {
  const { root, dir, inTree, own, options, warnings } = args;
  const facts = emptyFacts();
  const at = (name: string) => own.find((f) => f.path === (dir === '' ? name : `${dir}/${name}`));
  for (const name of ['config.json', 'model_index.json']) {
    const f = at(name);
    if (f) await readConfig(f.absPath, facts);
  }
  const readme = at('README.md') ?? at('readme.md');
  if (readme) await readModelCard(readme.absPath, facts);
  // The largest weight file of the model itself, else of the models nested in it (a diffusers pipeline).
  const largest = (list: FileInfo[]) => list.filter((f) => isModelFormat(f.format)).sort((a, b) => b.size - a.size || comparePaths(a.path, b.path))[0];
  const primary = largest(own) ?? largest(inTree);
  if (primary?.format === 'gguf' && own.includes(primary)) await readGgufMetadata(primary.absPath, facts);
  for (const p of facts.problems) warnings.push(`${dir || '.'}: ${p}`);
  // The same digest `bulwark sign` puts in the signature's subject: SHA-256 over the files' digests in path order.
  const rel = (f: FileInfo) => (dir === '' ? f.path : f.path.slice(dir.length + 1));
  const ordered = [...inTree].sort((a, b) => comparePaths(rel(a), rel(b)));
  const rootDigest = digestOfDigests(ordered.map((f) => f.sha256));
  const component: Component = {
    type: 'machine-learning-model',
    'bom-ref': `model:${dir || '.'}`,
    name: facts.name ?? (dir === '' ? basename(root) : posix.basename(dir)),
    hashes: [{ alg: 'SHA-256', content: rootDigest }],
  };
  describe(component, facts, args, [
    ['bulwark:path', dir || '.'],
    ['bulwark:format', primary?.format ?? 'unknown'],
    ['bulwark:files', String(inTree.length)],
    ['bulwark:bytes', String(inTree.reduce((n, f) => n + f.size, 0))],
    ['bulwark:hash-method', 'model-signing-v1.0 files sha256 root digest'],
  ]);
  component.components = own.sort((a, b) => comparePaths(a.path, b.path)).map((f) => fileComponent(f, rel(f), options));
  return component;
}

async function fileModel(f: FileInfo, shared: Shared): Promise<Component> {
  const facts = emptyFacts();
  if (f.format === 'gguf') await readGgufMetadata(f.absPath, facts);
  for (const p of facts.problems) shared.warnings.push(`${f.path}: ${p}`);
  const component: Component = {
    type: 'machine-learning-model',
    'bom-ref': `model:${f.path}`,
    name: facts.name ?? posix.basename(f.path),
    hashes: fileHashes(f, shared.options),
  };
  describe(component, facts, shared, [
    ['bulwark:path', f.path],
    ['bulwark:format', f.format],
    ['bulwark:files', '1'],
    ['bulwark:bytes', String(f.size)],
    ...(f.link === undefined ? [] : ([['bulwark:symlink', f.link]] as [string, string][])),
  ]);
  return component;
}

/** Licences, pedigree, tags, model card and properties of a model component. */
function describe(component: Component, facts: ModelFacts, { datasets, ids }: Shared, base: [string, string][]): void {
  const licenses = licenseChoices(facts, ids);
  if (licenses.length > 0) component.licenses = licenses;
  const bases = unique(facts.baseModels);
  if (bases.length > 0) component.pedigree = { ancestors: bases.map((name) => ({ type: 'machine-learning-model', name })) };
  const tags = unique(facts.tags);
  if (tags.length > 0) component.tags = tags;
  const params: Record<string, unknown> = {};
  if (facts.task) params.task = facts.task;
  if (facts.architectureFamily) params.architectureFamily = facts.architectureFamily;
  if (facts.modelArchitecture) params.modelArchitecture = facts.modelArchitecture;
  const refs = unique(facts.datasets).map((name) => {
    const ref = `dataset:${name}`;
    if (!datasets.has(ref)) datasets.set(ref, { type: 'data', 'bom-ref': ref, name, data: [{ type: 'dataset', name }] });
    return { ref };
  });
  if (refs.length > 0) params.datasets = refs;
  const card: Record<string, unknown> = { modelParameters: params };
  const cardProps: Property[] = [
    ...unique(facts.languages).map((value) => ({ name: 'bulwark:model-card:language', value })),
    ...(facts.libraryName ? [{ name: 'bulwark:model-card:library_name', value: facts.libraryName }] : []),
  ];
  if (cardProps.length > 0) card.properties = cardProps;
  component.modelCard = card;
  component.properties = [...base, ...facts.extra.map(([k, v]) => [`bulwark:config:${k}`, v] as [string, string])].map(([name, value]) => ({ name, value }));
}

let spdxIds: Map<string, string> | undefined;

/** SPDX ids by lower case, from the SPDX enumeration bundled with the CycloneDX schemas. */
async function loadSpdxIds(): Promise<Map<string, string>> {
  if (spdxIds) return spdxIds;
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema', 'spdx.SNAPSHOT.schema.json');
  const schema = JSON.parse(await readFile(file, 'utf8')) as { enum: string[] };
  spdxIds = new Map(schema.enum.map((id) => [id.toLowerCase(), id]));
  return spdxIds;
}

/** Hugging Face licence ids are lower case SPDX ids or the Hub's own names (`llama3.1`, `other`). */
function licenseChoices(facts: ModelFacts, ids: Map<string, string>): NonNullable<Component['licenses']> {
  const out: NonNullable<Component['licenses']> = [];
  for (const l of unique(facts.licenses)) {
    const id = ids.get(l.toLowerCase());
    if (id) out.push({ license: { id } });
    else if (l.toLowerCase() === 'other' && facts.licenseName) {
      out.push({ license: facts.licenseUrl ? { name: facts.licenseName, url: facts.licenseUrl } : { name: facts.licenseName } });
    } else out.push({ license: facts.licenseUrl ? { name: l, url: facts.licenseUrl } : { name: l } });
  }
  return out;
}

function fileComponent(f: FileInfo, name: string, options: BomOptions): Component {
  const properties: Property[] = [
    { name: 'bulwark:format', value: f.format },
    { name: 'bulwark:size', value: String(f.size) },
  ];
  if (f.link !== undefined) properties.push({ name: 'bulwark:symlink', value: f.link });
  return { type: 'file', 'bom-ref': `file:${f.path}`, name, hashes: fileHashes(f, options), properties };
}

function fileHashes(f: FileInfo, options: BomOptions): Hash[] {
  const h: Hash[] = [{ alg: 'SHA-256', content: f.sha256 }];
  if (options.sha512 && f.sha512) h.push({ alg: 'SHA-512', content: f.sha512 });
  return h;
}

function digestOfDigests(hex: string[]): string {
  const h = createHash('sha256');
  for (const d of hex) h.update(Buffer.from(d, 'hex'));
  return h.digest('hex');
}

/**
 * A zip's first entry name tells a PyTorch checkpoint (`<name>/data.pkl`, `<name>/version`), a NumPy `.npz` and a
 * Keras 3 archive apart; the zip scanner does the full job when scanning, this is only the BOM's label.
 */
function refineZip(format: ScanFormat, head: Buffer): ScanFormat {
  if (format !== 'zip' || head.length < 30 || head.readUInt32LE(0) !== 0x04034b50) return format;
  const nameLen = head.readUInt16LE(26);
  const name = head.toString('utf8', 30, Math.min(head.length, 30 + nameLen));
  if (/(^|\/)(data\.pkl|version|\.format_version|byteorder|\.data\/version)$/.test(name)) return 'pytorch-zip';
  if (name.endsWith('.npy')) return 'npz';
  if (name === 'metadata.json' || name === 'config.json' || name === 'model.weights.h5') return 'keras';
  return format;
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function isModelMarker(f: FileInfo): Promise<boolean> {
  const name = posix.basename(f.path);
  if (MODEL_CONFIGS.has(name) || SHARD_INDEX.test(name)) return true;
  // A Hugging Face model card: README.md opening with YAML front matter.
  return name.toLowerCase() === 'readme.md' && (await readHead(f.absPath)).toString('utf8', 0, 8).replace(/^\uFEFF/, '').startsWith('---');
}

function isModelFormat(f: ScanFormat): boolean {
  return !NOT_MODEL_FORMATS.has(f);
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function countModels(components: Component[]): number {
  let n = 0;
  for (const c of components) {
    if (c.type === 'machine-learning-model') n += 1;
    if (c.components) n += countModels(c.components);
  }
  return n;
}
