// Fake format scanners for the tests of the scanner core, the reports and `bulwark scan`: a "pickle" made of words.
import { BulwarkError } from '../../core/errors.js';
import type { ScanContext } from '../context.js';
import { defineRules, TAGS_MALWARE } from '../rules.js';
import type { FormatTable, Sniffer } from '../scanner.js';
import { BufferSource, ByteCursor, type ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';

export const FAKE_RULES = defineRules(
  {
    bad: { verdict: 'malicious', severity: 'critical', title: 'bad', help: 'bad', tags: TAGS_MALWARE },
    odd: { verdict: 'suspicious', severity: 'medium', title: 'odd', help: 'odd', tags: TAGS_MALWARE },
    note: { verdict: 'info', severity: 'info', title: 'note', help: 'note', tags: {} },
  },
  'fake',
);

/**
 * A fake "pickle" whose content is a list of words after `P:`: MAL, SUS, INFO report findings; ERR, EOS, BUG,
 * LIMIT, SLOW, IOERR throw; NEST hands `P:MAL` to the dispatcher as member inner.pkl; NESTERR a broken one.
 */
export const fakePickle: FormatScanner = {
  format: 'pickle',
  async scan(src: ByteSource, ctx: ScanContext) {
    const words = src.read(2, 1000).toString('latin1').trim().split(/\s+/);
    for (const [i, w] of words.entries()) {
      const offset = 2 + i;
      switch (w) {
        case 'MAL':
          ctx.report(FAKE_RULES.bad, { global: 'os.system', offset });
          break;
        case 'SUS':
          ctx.report(FAKE_RULES.odd, { global: 'mystery.thing' });
          break;
        case 'INFO':
          ctx.report(FAKE_RULES.note);
          break;
        case 'ERR':
          throw new BulwarkError('ERR_SCAN_FORMAT', 'bad opcode', { context: { offset: 7 } });
        case 'EOS':
          new ByteCursor(src, src.size - 1).u32le();
          break;
        case 'BUG':
          throw new TypeError('oops');
        case 'LIMIT':
          ctx.chargeDecompressed(Number.MAX_SAFE_INTEGER);
          break;
        case 'SLOW':
          for (;;) {
            await new Promise((r) => setTimeout(r, 2));
            ctx.checkDeadline();
          }
        case 'IOERR':
          throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' });
        case 'NEST':
          await ctx.scanNested(new BufferSource(Buffer.from('P:MAL')), 'inner.pkl');
          break;
        case 'NESTERR':
          await ctx.scanNested(new BufferSource(Buffer.from('P:SUS ERR')), 'broken.pkl');
          break;
        case 'DEEP':
          await ctx.scanNested(new BufferSource(Buffer.from('P:DEEP')), 'again.pkl');
          break;
      }
    }
  },
};

export const fakeSniff: Sniffer = (head) => (head.subarray(0, 2).toString('latin1') === 'P:' ? 'pickle' : 'unknown');
export const fakeFormats: FormatTable = { pickle: async () => fakePickle };
