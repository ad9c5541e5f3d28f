// 7z archives (a PyTorch checkpoint hidden in 7z is how nullifAI reached Hugging Face): listed with 7-Zip first so
// that the entry count and declared sizes are checked before anything is extracted, then extracted in memory under
// the decompression budget, and every member scanned as a file of its own.
import { COMMON_RULES, TAGS_SUPPLY_CHAIN, defineRules } from '../rules.js';
import type { ScanContext } from '../context.js';
import { hasModelExtension } from '../scanner.js';
import { BufferSource, type ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';
import { COMPRESSED_RULES, summarise7zErrors } from './compressed.js';
import { ABORTED, SevenZip, parseTechnicalListing } from './sevenzip-engine.js';

export const SEVENZIP_RULES = defineRules(
  {
    'path-traversal': {
      verdict: 'suspicious',
      severity: 'medium',
      title: '7z member name escapes the archive folder',
      help: 'An absolute name or one with `..` segments would be written outside the target folder when the archive is extracted.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'encrypted-member': {
      verdict: 'info',
      severity: 'info',
      title: 'Encrypted 7z member (not a model file)',
      help: 'A password-protected member whose name is not a model file name; its content was not checked. Model loaders do not read 7z archives, let alone encrypted ones.',
      tags: {},
    },
  },
  '7z',
);

interface Listed {
  path: string;
  size: number | undefined;
  folder: boolean;
  encrypted: boolean;
}

export const sevenZipScanner: FormatScanner = {
  format: '7z',
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    let z: SevenZip;
    try {
      z = await SevenZip.create();
    } catch (e) {
      ctx.report(COMPRESSED_RULES['decoder-unavailable'], { message: `cannot load 7z-wasm: ${(e as Error).message}` });
      return;
    }
    const archive = z.mount(src, 'archive.7z');
    const listing = z.run(['l', '-slt', '-t7z', archive]);
    const parsed = parseTechnicalListing(listing.stdout);
    const messages = [...listing.stderr, ...listing.stdout].join('\n');
    const entries: Listed[] = parsed.entries.map((e) => ({
      path: e.Path ?? '',
      size: e.Size === undefined || e.Size === '' ? undefined : Number(e.Size),
      folder: e.Folder === '+' || (e.Attributes ?? '').startsWith('D'),
      encrypted: e.Encrypted === '+',
    }));
    if (listing.exitCode !== 0 && entries.length === 0) {
      if (/encrypted|Wrong password/i.test(messages)) {
        ctx.report(COMMON_RULES.encrypted, { message: '7z archive has encrypted headers: its content could not be checked' });
      } else {
        const truncated = /Unexpected end/i.test(messages);
        ctx.report(truncated ? COMMON_RULES.truncated : COMMON_RULES.malformed, { message: `7z archive could not be listed (${summarise7zErrors(messages) ?? `7-Zip exit code ${listing.exitCode}`})` });
      }
      return;
    }

    const files = entries.filter((e) => !e.folder);
    if (files.length > ctx.limits.maxArchiveEntries) {
      ctx.report(COMMON_RULES.limit, { message: `7z archive lists ${files.length} entries, more than the limit of ${ctx.limits.maxArchiveEntries}; not extracted` });
      return;
    }
    const budget = ctx.decompressBudget;
    const declared = files.reduce((n, e) => n + (e.size ?? 0), 0);
    if (declared > budget) {
      ctx.report(COMMON_RULES.limit, { message: `7z archive declares ${declared} bytes of content, more than the remaining budget of ${budget}; only what fits was scanned` });
    }
    for (const e of entries) {
      if (escapes(e.path)) ctx.report(SEVENZIP_RULES['path-traversal'], { message: `7z member name ${JSON.stringify(e.path)} escapes the archive folder`, member: memberOf(ctx, e.path) });
      if (!e.encrypted || e.folder) continue;
      // As for ZIP: a password-protected model file is suspicious, an encrypted text file is only noted.
      if (hasModelExtension(e.path)) ctx.report(COMMON_RULES.encrypted, { message: 'encrypted 7z member: its content could not be checked', member: memberOf(ctx, e.path) });
      else ctx.report(SEVENZIP_RULES['encrypted-member'], { member: memberOf(ctx, e.path) });
    }
    if (files.every((e) => e.encrypted)) return;

    const x = z.extract(archive, '7z', budget, () => ctx.checkDeadline());
    ctx.chargeDecompressed(x.written);
    const out = [...x.stderr, ...x.stdout].join('\n');
    if (x.overCap) {
      if (declared <= budget) ctx.report(COMMON_RULES.limit, { message: `7z archive decompresses past the remaining budget of ${budget} bytes; only the first ${x.written} were scanned` });
    } else if (x.exitCode !== 0) {
      const onlyEncrypted = files.some((e) => e.encrypted) && /Wrong password/i.test(out) && !/Unexpected end|Data Error|CRC Failed|Headers Error/i.test(out.replace(/.*Wrong password.*\n?/gi, ''));
      if (!onlyEncrypted) {
        const truncated = /Unexpected end/i.test(out);
        const what = summarise7zErrors(out) ?? (x.exitCode === ABORTED ? '7-Zip aborted' : `7-Zip exit code ${x.exitCode}`);
        ctx.report(truncated ? COMMON_RULES.truncated : COMMON_RULES.malformed, { message: `7z archive could not be fully extracted (${what}); what came out was scanned` });
      }
    }

    const encrypted = new Set(files.filter((e) => e.encrypted).map((e) => normalise(e.path)));
    for (const f of x.files) {
      ctx.checkDeadline();
      if (encrypted.has(normalise(f.path))) continue;
      await ctx.scanNested(new BufferSource(f.data), f.path);
    }
  },
};

function normalise(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\/+/, '');
}

function escapes(name: string): boolean {
  const n = name.replace(/\\/g, '/');
  return n.startsWith('/') || /^[A-Za-z]:/.test(n) || n.split('/').includes('..');
}

function memberOf(ctx: ScanContext, name: string): string {
  return ctx.member === undefined ? name : `${ctx.member}!${name}`;
}
