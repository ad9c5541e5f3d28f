// ZIP archives and what is built on them: PyTorch checkpoints (`*/data.pkl`), NumPy .npz and Keras .keras. Parsed the
// way PyTorch (miniz) and Python's zipfile read them — CRCs, local/central name mismatches, odd flags and folder
// names tolerated — so that a trick that stops a strict parser does not hide a payload the loader will run.
import { crc32 } from 'node:zlib';
import { COMMON_RULES, TAGS_SUPPLY_CHAIN, defineRules } from '../rules.js';
import type { ScanContext } from '../context.js';
import { hasModelExtension } from '../scanner.js';
import { BufferSource, SliceSource, type ByteSource } from '../source.js';
import { looksLikePickle, sniffFormat, SNIFF_BYTES } from '../sniff.js';
import type { FormatScanner } from '../types.js';
import { inflateBounded } from './compressed-inflate.js';
import { decompressZipMethod } from './compressed.js';
import {
  FLAG_DESCRIPTOR,
  FLAG_ENCRYPTED,
  FLAG_STRONG_ENCRYPTION,
  FLAGS_UNUSUAL,
  findEndRecords,
  findStoredEnd,
  readCentralDirectory,
  readLocalHeader,
  walkLocalHeaders,
  type CentralDirectory,
  type ZipEntry,
} from './zip-parse.js';

export const ZIP_RULES = defineRules(
  {
    'crc-mismatch': {
      verdict: 'info',
      severity: 'low',
      title: 'ZIP member CRC does not match its content',
      help: 'PyTorch ignores ZIP CRCs, so a bad CRC does not stop a checkpoint from loading; attackers use one to make strict scanners give up (picklescan CVE-2025-10156). The member was scanned anyway.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'name-mismatch': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'ZIP local and central names differ',
      help: 'The local header names a member differently from the central directory. PyTorch reads the central name and ignores the local one; scanners that trust the local name can be misled (CVE-2025-1944). Both names were considered.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'header-mismatch': {
      verdict: 'suspicious',
      severity: 'low',
      title: 'ZIP local and central headers disagree',
      help: 'The compression method or flags in the local header differ from the central directory. No ordinary writer does this; the member was scanned as the central directory describes it.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'duplicate-name': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'ZIP archive holds the same name twice',
      help: 'Two members share a name; loaders differ on which one they read. Every copy was scanned.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'unusual-flags': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'ZIP member has unusual flag bits',
      help: 'The member sets flag bits no model writer sets (patched data, strong encryption, reserved bits) or claims to be encrypted while holding plain data. Python\'s zipfile refuses such members while PyTorch ignores the flags, a known way to stop scanners (CVE-2025-1945). The member was scanned as plain data.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'encrypted-member': {
      verdict: 'info',
      severity: 'info',
      title: 'Encrypted ZIP member (not a model file)',
      help: 'A password-protected member that is neither named nor laid out like a model. No model loader (torch.load, numpy.load, Keras) can decrypt it, so it cannot run on load; its content was not checked.',
      tags: {},
    },
    'no-central-directory': {
      verdict: 'error',
      severity: 'medium',
      title: 'ZIP central directory missing or damaged',
      help: 'Loaders need the central directory; without it the archive was read from its local headers, as far as they go. Do not load it until it is explained.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'overlapping-entries': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'ZIP members overlap',
      help: 'Members share bytes: the mark of a zip bomb (overlapping or quoted local headers) or of a polyglot that shows different content to different readers. Shared data was scanned once.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'unsupported-method': {
      verdict: 'error',
      severity: 'medium',
      title: 'ZIP member uses an unsupported compression method',
      help: 'The member is compressed with a method the scanner cannot decompress, so it was not checked.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'size-mismatch': {
      verdict: 'suspicious',
      severity: 'low',
      title: 'ZIP member size differs from its header',
      help: 'The member decompresses to a different size than the central directory declares; readers that trust one or the other see different data.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'prepended-data': {
      verdict: 'suspicious',
      severity: 'low',
      title: 'Data before the ZIP archive',
      help: 'Bytes precede the first member and the offsets only work if they are skipped (Python\'s zipfile does, PyTorch does not): a self-extractor or a polyglot file.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'path-traversal': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'ZIP member name escapes the archive folder',
      help: 'An absolute name or one with `..` segments would be written outside the target folder by an extracting loader (zip slip).',
      tags: TAGS_SUPPLY_CHAIN,
    },
  },
  'zip',
);

/** Kinds of archive the scanner tells apart; the file's format is refined to the matching ScanFormat. */
type Layout = { kind: 'pytorch-zip'; tensorDirs: string[] } | { kind: 'npz' } | { kind: 'keras' } | { kind: 'zip' };

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_AES = 99;
const CRC_CHECK_MAX = 16 * 1024 * 1024;
/** Slack over the declared size before a deflate stream counts as lying about its size. */
const SIZE_SLACK = 1 << 20;

export const zipScanner: FormatScanner = {
  format: 'zip',
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const tick = (): void => ctx.checkDeadline();
    const entries = await listEntries(src, ctx, tick);
    checkEntries(src, entries, ctx);
    const layout = classify(entries);
    if (layout.kind !== 'zip') ctx.refineFormat(layout.kind);
    reportOverlaps(entries, ctx);

    const scanned = new Set<string>();
    const ordered = layout.kind === 'keras' ? [...entries].sort((a, b) => Number(b.name === 'config.json') - Number(a.name === 'config.json')) : entries;
    for (const entry of ordered) {
      ctx.checkDeadline();
      if (entry.dataOffset === undefined) continue;
      if (isDirectory(entry)) continue;
      // Members sharing the same data (duplicates, overlapping bombs) are decompressed and scanned once.
      const key = `${entry.dataOffset}:${entry.compressedSize}:${entry.method}`;
      if (scanned.has(key)) continue;
      scanned.add(key);
      await scanMember(src, entry, layout, ctx);
    }
  },
};

async function listEntries(src: ByteSource, ctx: ScanContext, tick: () => void): Promise<ZipEntry[]> {
  const max = ctx.limits.maxArchiveEntries;
  let damaged: CentralDirectory | undefined;
  let why = 'no end-of-central-directory record';
  for (const end of findEndRecords(src)) {
    // Python's zipfile skips bytes prepended to the archive (a self-extractor stub); miniz does not. Try both views.
    const concat = end.at - end.cdSize - end.cdOffset;
    const prefixes = concat > 0 ? [concat, 0] : [0];
    const good: CentralDirectory[] = [];
    for (const p of prefixes) {
      const cd = readCentralDirectory(src, end, p, max, tick);
      if (!cd) continue;
      if (cd.problem) damaged ??= cd;
      else good.push(cd);
    }
    if (good.length === 0) {
      why = damaged?.problem ?? 'the end record points outside the file';
      continue;
    }
    const entries: ZipEntry[] = [];
    const seen = new Set<string>();
    for (const cd of good) {
      if (cd.prefix > 0) ctx.report(ZIP_RULES['prepended-data'], { message: `${cd.prefix} bytes precede the ZIP archive`, offset: 0 });
      if (cd.limited) reportEntryLimit(ctx, max, cd.declaredEntries);
      for (const e of cd.entries) {
        const k = `${e.localOffset}\0${e.name}`;
        if (seen.has(k)) continue;
        seen.add(k);
        entries.push(e);
      }
    }
    for (let i = 0; i < entries.length; i++) {
      if ((i & 4095) === 4095) tick();
      readLocalHeader(src, entries[i]!);
    }
    return entries;
  }

  // No usable central directory: walk the local headers, as a recovery tool would.
  const start = src.size >= 4 && src.read(0, 4).toString('latin1') === 'PK\x07\x08' ? 4 : 0;
  const walk = await walkLocalHeaders(src, start, max, (e) => findEntryEnd(src, e, ctx), tick);
  ctx.report(ZIP_RULES['no-central-directory'], { message: `ZIP central directory unusable (${why}); read ${walk.entries.length} member(s) from local headers` });
  if (walk.limited) reportEntryLimit(ctx, max);
  if (walk.problem) ctx.report(COMMON_RULES.malformed, { message: walk.problem, offset: walk.end });
  const entries = walk.entries;
  if (damaged) {
    const known = new Set(entries.map((e) => e.localOffset));
    for (const e of damaged.entries) {
      if (known.has(e.localOffset)) continue;
      readLocalHeader(src, e);
      entries.push(e);
    }
  }
  return entries;
}

function reportEntryLimit(ctx: ScanContext, max: number, declared?: number): void {
  const more = declared !== undefined && declared > max ? ` (it declares ${declared})` : '';
  ctx.report(COMMON_RULES.limit, { message: `ZIP archive has more than ${max} entries${more}; only the first ${max} were scanned` });
}

/** Where a data-descriptor entry found by walking local headers ends: inflate deflate data, search stored data. */
async function findEntryEnd(src: ByteSource, e: ZipEntry, ctx: ScanContext): Promise<number | undefined> {
  if (e.method === METHOD_DEFLATE) {
    const r = await inflateBounded(new SliceSource(src, e.dataOffset!, src.size - e.dataOffset!), 'raw', ctx.decompressBudget, () => ctx.checkDeadline());
    return r.ended ? r.consumed : undefined;
  }
  if (e.method === METHOD_STORED) return findStoredEnd(src, e.dataOffset!, src.size - e.dataOffset!);
  return undefined;
}

function checkEntries(src: ByteSource, entries: ZipEntry[], ctx: ScanContext): void {
  const names = new Map<string, number>();
  for (const e of entries) names.set(e.name, (names.get(e.name) ?? 0) + 1);
  for (const [name, n] of names) {
    if (n > 1) ctx.report(ZIP_RULES['duplicate-name'], { message: `${n} ZIP members are named ${JSON.stringify(name)}`, member: memberOf(ctx, name) });
  }
  for (const e of entries) {
    const member = memberOf(ctx, e.name);
    if (e.localProblem) {
      ctx.report(COMMON_RULES.malformed, { message: e.localProblem, member, offset: e.localOffset });
      continue;
    }
    if (e.localName !== undefined && e.localName !== e.name) {
      ctx.report(ZIP_RULES['name-mismatch'], { message: `ZIP member is ${JSON.stringify(e.name)} in the central directory but ${JSON.stringify(e.localName)} in its local header`, member, offset: e.localOffset });
    }
    if (e.localMethod !== undefined && e.localMethod !== e.method) {
      ctx.report(ZIP_RULES['header-mismatch'], { message: `compression method ${e.method} in the central directory, ${e.localMethod} in the local header`, member, offset: e.localOffset });
    }
    const flags = e.flags | (e.localFlags ?? 0);
    if (flags & FLAGS_UNUSUAL) {
      ctx.report(ZIP_RULES['unusual-flags'], { message: `ZIP member has flag bits 0x${(flags & FLAGS_UNUSUAL).toString(16)}`, member, offset: e.localOffset });
    }
    for (const n of new Set([e.name, e.localName ?? e.name])) {
      if (escapes(n)) ctx.report(ZIP_RULES['path-traversal'], { message: `ZIP member name ${JSON.stringify(n)} escapes the archive folder`, member });
    }
    if (e.dataOffset !== undefined && e.dataOffset + e.compressedSize > src.size) {
      ctx.report(COMMON_RULES.truncated, { message: `ZIP member data runs past the end of the file (${e.dataOffset + e.compressedSize} > ${src.size})`, member, offset: e.dataOffset });
    }
  }
}

function escapes(name: string): boolean {
  const n = name.replace(/\\/g, '/');
  return n.startsWith('/') || /^[A-Za-z]:/.test(n) || n.split('/').includes('..');
}

/** Entries whose bytes (local header to end of data) overlap another's; reported once for the archive. */
function reportOverlaps(entries: ZipEntry[], ctx: ScanContext): void {
  const spans = entries.filter((e) => e.dataOffset !== undefined).sort((a, b) => a.localOffset - b.localOffset);
  const hit = new Set<ZipEntry>();
  let prev: ZipEntry | undefined;
  let prevEnd = -1;
  for (const e of spans) {
    const end = e.dataOffset! + e.compressedSize;
    if (prev && e.localOffset < prevEnd) {
      hit.add(prev);
      hit.add(e);
    }
    if (end > prevEnd) {
      prevEnd = end;
      prev = e;
    }
  }
  if (hit.size > 0) ctx.report(ZIP_RULES['overlapping-entries'], { message: `${hit.size} ZIP members share bytes with another member` });
}

function classify(entries: ZipEntry[]): Layout {
  const files = entries.filter((e) => !isDirectory(e));
  const names = new Set<string>();
  for (const e of entries) {
    names.add(e.name);
    if (e.localName !== undefined) names.add(e.localName);
  }
  const tensorDirs: string[] = [];
  for (const n of names) {
    const m = /^(?:(.*)\/)?data\.pkl$/.exec(n);
    if (!m) continue;
    const dir = m[1] === undefined ? '' : `${m[1]}/`;
    const marks = [`${dir}version`, `${dir}.data/version`, `${dir}byteorder`, `${dir}constants.pkl`];
    const hasData = [...names].some((x) => x.startsWith(`${dir}data/`));
    if (hasData || marks.some((x) => names.has(x))) tensorDirs.push(`${dir}data/`);
  }
  if (tensorDirs.length > 0) return { kind: 'pytorch-zip', tensorDirs };
  if (files.length > 0 && files.every((e) => e.name.endsWith('.npy'))) return { kind: 'npz' };
  if (names.has('config.json') && names.has('metadata.json')) return { kind: 'keras' };
  return { kind: 'zip' };
}

function isDirectory(e: ZipEntry): boolean {
  return e.name.endsWith('/') && e.size === 0 && e.compressedSize === 0;
}

function isTensorPayload(e: ZipEntry, layout: Layout): boolean {
  if (layout.kind !== 'pytorch-zip') return false;
  const under = (n: string): boolean => layout.tensorDirs.some((d) => n.startsWith(d)) && !n.endsWith('.pkl');
  return under(e.name) && under(e.localName ?? e.name);
}

function memberOf(ctx: ScanContext, name: string): string {
  return ctx.member === undefined ? name : `${ctx.member}!${name}`;
}

/** A tensor payload is scanned only if it plainly starts like a protocol 2+ pickle: random data seldom does. */
function strongPickle(head: Buffer, size: number): boolean {
  return head.length >= 2 && head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5 && looksLikePickle(head, size);
}

async function scanMember(src: ByteSource, e: ZipEntry, layout: Layout, ctx: ScanContext): Promise<void> {
  const member = memberOf(ctx, e.name);
  const method = e.method;
  const raw = new SliceSource(src, e.dataOffset!, e.compressedSize);
  const tensor = isTensorPayload(e, layout);
  const flags = e.flags | (e.localFlags ?? 0);

  if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) || method === METHOD_AES) {
    // The flag may lie (CVE-2025-1945): plain data under an "encrypted" flag is what PyTorch would read.
    const head = await plainHead(raw, method, ctx);
    if (head === undefined || sniffFormat(head, e.size, e.name) === 'unknown') {
      const modelish = layout.kind !== 'zip' || hasModelExtension(e.name) || hasModelExtension(e.localName ?? '');
      if (modelish) ctx.report(COMMON_RULES.encrypted, { message: 'encrypted ZIP member: its content could not be checked', member });
      else ctx.report(ZIP_RULES['encrypted-member'], { member });
      return;
    }
    if (flags & FLAG_ENCRYPTED) ctx.report(ZIP_RULES['unusual-flags'], { message: 'ZIP member is flagged as encrypted but holds plain data', member, offset: e.localOffset });
  }

  if (method === METHOD_STORED) {
    if (e.size !== e.compressedSize && !e.sizeUnknown) {
      ctx.report(ZIP_RULES['size-mismatch'], { message: `stored ZIP member declares ${e.size} bytes but holds ${e.compressedSize}`, member });
    }
    if (tensor) {
      // Tensor bytes are never unpickled by torch.load; scan them only if they are plainly a pickle.
      const head = raw.read(0, 2);
      if (!(head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5 && strongPickle(raw.read(0, SNIFF_BYTES), raw.size))) return;
    }
    if (raw.size <= CRC_CHECK_MAX && !e.sizeUnknown) checkCrc(raw.read(0, raw.size), e, ctx, member);
    await ctx.scanNested(raw, e.name, hintFor(e, layout));
    return;
  }

  if (tensor) {
    const head = await plainHead(raw, method, ctx);
    if (head === undefined || !strongPickle(head, e.size)) return;
  }

  let data: Buffer;
  let complete: boolean;
  if (method === METHOD_DEFLATE) {
    const declared = e.sizeUnknown ? Number.MAX_SAFE_INTEGER : e.size;
    const budget = ctx.decompressBudget;
    const cap = Math.min(budget, declared + SIZE_SLACK);
    const r = await inflateBounded(raw, 'raw', cap, () => ctx.checkDeadline());
    ctx.chargeDecompressed(r.data.length);
    data = r.data;
    complete = r.ended;
    if (r.error !== undefined) {
      const rule = /unexpected end/i.test(r.error) ? COMMON_RULES.truncated : COMMON_RULES.malformed;
      ctx.report(rule, { message: `deflate data of ZIP member is broken (${r.error}) after ${r.data.length} bytes`, member, offset: e.dataOffset! });
    } else if (r.overflow && cap === budget) {
      ctx.report(COMMON_RULES.limit, { message: `ZIP member decompresses past the remaining budget of ${budget} bytes; only the first ${r.data.length} were scanned`, member });
    }
    // Cut off by the budget, the true size is unknown: only the declared-size bound tells a lie.
    if (!e.sizeUnknown && ((r.overflow && cap < budget) || (r.ended && r.data.length !== e.size))) {
      const got = r.overflow ? `more than ${r.data.length}` : `${r.data.length}`;
      ctx.report(ZIP_RULES['size-mismatch'], { message: `ZIP member declares ${e.size} bytes but inflates to ${got}`, member });
    }
  } else {
    const out = await decompressZipMethod(raw, method, e.size, ctx, member);
    if (out === undefined) {
      ctx.report(ZIP_RULES['unsupported-method'], { message: `ZIP member uses compression method ${method}, which the scanner cannot decompress`, member });
      return;
    }
    data = out.data;
    complete = out.complete;
  }
  if (complete && data.length <= CRC_CHECK_MAX && !e.sizeUnknown) checkCrc(data, e, ctx, member);
  await ctx.scanNested(new BufferSource(data), e.name, hintFor(e, layout));
}

/** The config.json of a .keras archive goes to the Keras config scanner; everything else is sniffed. */
function hintFor(e: ZipEntry, layout: Layout): 'keras' | undefined {
  return layout.kind === 'keras' && e.name === 'config.json' ? 'keras' : undefined;
}

/** The first bytes of a member as a loader would see them if it ignored encryption; undefined if they do not inflate. */
async function plainHead(raw: ByteSource, method: number, ctx: ScanContext): Promise<Buffer | undefined> {
  if (method === METHOD_STORED) return raw.read(0, SNIFF_BYTES);
  if (method !== METHOD_DEFLATE) return undefined;
  const r = await inflateBounded(raw, 'raw', Math.min(SNIFF_BYTES, ctx.decompressBudget));
  ctx.chargeDecompressed(r.data.length);
  if (r.error !== undefined && !/unexpected end/i.test(r.error)) return r.data.length > 0 ? r.data : undefined;
  return r.data;
}

function checkCrc(data: Buffer, e: ZipEntry, ctx: ScanContext, member: string): void {
  if (e.flags & FLAG_DESCRIPTOR && e.crc === 0) return; // CRC only in a descriptor we did not read
  const got = crc32(data) >>> 0;
  if (got !== e.crc >>> 0) {
    ctx.report(ZIP_RULES['crc-mismatch'], { message: `ZIP member CRC is ${hex(got)}, header says ${hex(e.crc)}; scanned anyway`, member });
  }
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
