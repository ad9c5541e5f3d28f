// Tar archives (ustar, GNU long names, pax headers, old V7 headers), including the legacy PyTorch tar checkpoint.
// Members are scanned in place (slices of the file, nothing copied); names that would escape the extraction folder
// are flagged, and the entry count is bounded.
import { COMMON_RULES, TAGS_SUPPLY_CHAIN, defineRules } from '../rules.js';
import type { ScanContext } from '../context.js';
import { SliceSource, type ByteSource } from '../source.js';
import { tarChecksumOk } from '../sniff.js';
import type { FormatScanner } from '../types.js';
import { scanLegacyMember } from './tar-legacy.js';

export const TAR_RULES = defineRules(
  {
    'path-traversal': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Tar member escapes the extraction folder',
      help: 'An absolute name, a name with `..` segments, or a link pointing outside the folder would write outside the target folder when the archive is extracted (CVE-2007-4559, tarfile extraction without a filter).',
      tags: TAGS_SUPPLY_CHAIN,
    },
  },
  'tar',
);

const BLOCK = 512;
const MAX_LONG_NAME = 64 * 1024;
const MAX_PAX = 1024 * 1024;

interface TarMember {
  name: string;
  dataOffset: number;
  size: number;
}

export const tarScanner: FormatScanner = {
  format: 'tar',
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const members = listMembers(src, ctx);
    const base = new Set(members.map((m) => m.name.replace(/^\.\//, '')));
    const legacy = base.has('pickle') && (base.has('storages') || base.has('tensors') || base.has('sys_info'));
    if (legacy) ctx.refineFormat('pytorch-legacy');
    for (const m of members) {
      ctx.checkDeadline();
      const slice = new SliceSource(src, m.dataOffset, m.size);
      const plain = m.name.replace(/^\.\//, '');
      if (legacy && (plain === 'storages' || plain === 'tensors')) await scanLegacyMember(slice, plain, ctx.child(m.name));
      else await ctx.scanNested(slice, m.name);
    }
  },
};

/** Walks the headers, reporting structural problems; returns the regular-file members in archive order. */
function listMembers(src: ByteSource, ctx: ScanContext): TarMember[] {
  const members: TarMember[] = [];
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let headers = 0;
  for (;;) {
    if ((headers & 1023) === 1023) ctx.checkDeadline();
    const h = src.read(pos, BLOCK);
    if (h.length === 0) return members; // no end-of-archive blocks: tarfile accepts that too
    if (h.length < BLOCK) {
      ctx.report(COMMON_RULES.truncated, { message: `tar header at byte ${pos} is cut off`, offset: pos });
      return members;
    }
    if (h.every((b) => b === 0)) return members; // end of archive
    if (!tarChecksumOk(h)) {
      ctx.report(COMMON_RULES.malformed, { message: `tar header at byte ${pos} has a bad checksum`, offset: pos });
      return members;
    }
    if (++headers > ctx.limits.maxArchiveEntries) {
      ctx.report(COMMON_RULES.limit, { message: `tar archive has more than ${ctx.limits.maxArchiveEntries} entries; only the first ones were scanned` });
      return members;
    }
    const type = String.fromCharCode(h[156]!);
    let size = parseNumber(h.subarray(124, 136));
    if (size === undefined) {
      ctx.report(COMMON_RULES.malformed, { message: `tar header at byte ${pos} has an invalid size field`, offset: pos });
      return members;
    }
    if (pax.size !== undefined && /^\d+$/.test(pax.size)) size = Number(pax.size);
    const dataOffset = pos + BLOCK;
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (!Number.isSafeInteger(next)) {
      ctx.report(COMMON_RULES.malformed, { message: `tar header at byte ${pos} declares an impossible size`, offset: pos });
      return members;
    }
    const cut = dataOffset + size > src.size;

    let name = cString(h, 0, 100);
    if (h.toString('latin1', 257, 262) === 'ustar') {
      const prefix = cString(h, 345, 155);
      if (prefix && h.toString('latin1', 257, 263) === 'ustar\0') name = `${prefix}/${name}`;
    }
    let link = cString(h, 157, 100);
    if (longName !== undefined) name = longName;
    if (longLink !== undefined) link = longLink;
    if (pax.path !== undefined) name = pax.path;
    if (pax.linkpath !== undefined) link = pax.linkpath;

    switch (type) {
      case 'L':
      case 'K': {
        const text = cString(src.read(dataOffset, Math.min(size, MAX_LONG_NAME)), 0, MAX_LONG_NAME);
        if (type === 'L') longName = text;
        else longLink = text;
        break;
      }
      case 'x':
        pax = parsePax(src.read(dataOffset, Math.min(size, MAX_PAX)));
        break;
      case 'g':
        break;
      default: {
        const member = ctx.member === undefined ? name : `${ctx.member}!${name}`;
        if (escapes(name)) ctx.report(TAR_RULES['path-traversal'], { message: `tar member name ${JSON.stringify(name)} escapes the extraction folder`, member, offset: pos });
        if ((type === '1' || type === '2') && escapes(link, type === '2' ? name : undefined)) {
          ctx.report(TAR_RULES['path-traversal'], { message: `tar link ${JSON.stringify(name)} points to ${JSON.stringify(link)}, outside the extraction folder`, member, offset: pos });
        }
        if (cut) ctx.report(COMMON_RULES.truncated, { message: `tar member data runs past the end of the file`, member, offset: dataOffset });
        // Regular files (and types tar readers treat as regular); links, folders and devices hold no data.
        if (!'123456'.includes(type)) members.push({ name, dataOffset, size: Math.min(size, Math.max(0, src.size - dataOffset)) });
        longName = undefined;
        longLink = undefined;
        pax = {};
      }
    }
    if (cut) return members;
    pos = next;
  }
}

/** A NUL-terminated Latin-1 string field. */
function cString(b: Buffer, at: number, len: number): string {
  const field = b.subarray(at, at + len);
  const nul = field.indexOf(0);
  const raw = nul < 0 ? field : field.subarray(0, nul);
  const s = raw.toString('utf8');
  return s.includes('\ufffd') ? raw.toString('latin1') : s;
}

/** An octal number field, or GNU base-256 when the top bit of the first byte is set. */
function parseNumber(f: Buffer): number | undefined {
  if (f[0]! & 0x80) {
    let v = BigInt(f[0]! & 0x3f);
    if (f[0]! & 0x40) return undefined; // negative
    for (let i = 1; i < f.length; i++) v = (v << 8n) | BigInt(f[i]!);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  }
  const s = f.toString('latin1').replace(/\0.*$/s, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return undefined;
  return parseInt(s, 8);
}

/** Pax extended header records: `<length> <key>=<value>\n`. */
function parsePax(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let p = 0;
  while (p < b.length) {
    const sp = b.indexOf(0x20, p);
    if (sp < 0) break;
    const len = Number(b.toString('latin1', p, sp));
    if (!Number.isInteger(len) || len <= sp - p || p + len > b.length) break;
    const rec = b.toString('utf8', sp + 1, p + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    p += len;
  }
  return out;
}

/** An absolute path or one that climbs out with `..`; a symlink target is resolved against its own folder. */
function escapes(path: string, from?: string): boolean {
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return true;
  const parts = [...(from === undefined ? [] : from.replace(/\\/g, '/').split('/').slice(0, -1)), ...p.split('/')];
  let depth = 0;
  for (const part of parts) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return true;
  }
  return false;
}
