// PuTTY private key files (.ppk, versions 2 and 3): header through the private lines and MAC form the span.
import type { Scanner, ScanEnv } from './rule.js';

const HEADER = 'PuTTY-User-Key-File-';
const PRIVATE = '\nPrivate-Lines:';
const WINDOW = 8000;
const COUNT = /^ *([0-9]{1,3})\r?\n/;
const ENCRYPTION = /\nEncryption: *([\w-]+)/;
const MAC_LINE = /^Private-(?:MAC|Hash): *[0-9a-fA-F]+/;

function scanPutty(env: ScanEnv): void {
  const { text } = env;
  let priv = -1;
  let at = text.indexOf(HEADER);
  while (at >= 0) {
    const next = text.indexOf(HEADER, at + HEADER.length);
    if (priv < at) priv = text.indexOf(PRIVATE, at);
    if (priv < 0) return;
    // Only the header nearest to its "Private-Lines:" owns it; every search above moves forward: linear time.
    const owns = priv - at <= WINDOW && (next < 0 || next > priv);
    const count = owns ? COUNT.exec(text.slice(priv + PRIVATE.length, priv + PRIVATE.length + 8)) : null;
    if (count) {
      let end = priv + PRIVATE.length + count[0].length;
      const limit = Math.min(text.length, priv + WINDOW);
      for (let n = Number(count[1]); n > 0 && end < limit; n--) {
        const nl = text.indexOf('\n', end);
        end = nl < 0 || nl >= limit ? limit : nl + 1;
      }
      const mac = MAC_LINE.exec(text.slice(end, end + 200));
      if (mac) end += mac[0].length;
      while (end > at && /\s/.test(text[end - 1]!)) end--;
      const encrypted = (ENCRYPTION.exec(text.slice(at, priv + 1))?.[1] ?? 'unknown') !== 'none';
      env.emit({
        rule: 'private_key',
        start: at,
        end,
        score: encrypted ? 0.9 : 0.99,
        ...(encrypted ? { severity: 'high' as const } : {}),
        metadata: { keyType: 'PUTTY', encrypted, truncated: false },
      });
      // Headers inside the block just reported are part of it.
      at = next >= 0 && next < end ? text.indexOf(HEADER, end) : next;
      continue;
    }
    at = next;
  }
}

export const PUTTY_SCANNER: Scanner = { name: 'putty', anchors: [HEADER], rules: ['private_key'], scan: scanPutty };
