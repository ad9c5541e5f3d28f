// E-mail addresses, found by expanding around each '@' with bounded walks (linear even on hostile input).
import type { PiiCandidate, ScanSettings } from './types.js';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

// Local-part characters we accept: the dot-atom set of RFC 5322 minus the rarely used symbols that often
// border an address in prose or markup (quotes, slashes, braces, backtick, pipe).
function isLocalCode(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
    c === 46 /* . */ || c === 95 /* _ */ || c === 37 /* % */ || c === 43 /* + */ || c === 45 /* - */ ||
    c === 33 /* ! */ || c === 35 /* # */ || c === 36 /* $ */ || c === 38 /* & */ || c === 42 /* * */ ||
    c === 61 /* = */ || c === 63 /* ? */ || c === 94 /* ^ */ || c === 126 /* ~ */
  );
}

function isDomainCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;
// Asset names such as "logo@2x.png" look like addresses; these endings are file types, not domains.
const FILE_ENDINGS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'css', 'js', 'json', 'map', 'txt', 'pdf']);
// Reserved for documentation and testing (RFC 2606, RFC 6761).
const EXAMPLE_DOMAINS = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$/i;

function validDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? '';
  if (!TLD.test(tld) || FILE_ENDINGS.has(tld.toLowerCase())) return false;
  for (const l of labels) if (!LABEL.test(l)) return false;
  return true;
}

export function scanEmails(text: string, settings: ScanSettings, out: PiiCandidate[]): void {
  let at = text.indexOf('@');
  let floor = 0; // never walk back over a previous match
  while (at !== -1) {
    let s = at;
    while (s > floor && at - s < MAX_LOCAL && isLocalCode(text.charCodeAt(s - 1))) s--;
    const cleanLeft = s === floor || !isLocalCode(text.charCodeAt(s - 1));
    while (s < at && text.charCodeAt(s) === 46) s++; // a sentence dot is not part of the local part
    let e = at + 1;
    while (e < text.length && e - at - 1 < MAX_DOMAIN && isDomainCode(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    const local = text.slice(s, at);
    const domain = text.slice(at + 1, e);
    if (
      cleanLeft &&
      local.length > 0 &&
      !local.endsWith('.') &&
      !local.includes('..') &&
      validDomain(domain) &&
      !(settings.ignoreExamples && EXAMPLE_DOMAINS.test(domain))
    ) {
      out.push({ entity: 'email', start: s, end: e, score: 0.95 });
      floor = e;
    }
    at = text.indexOf('@', Math.max(at + 1, e));
  }
}
