// IP addresses: IPv4 with octet checks, IPv6 by parsing; skips version numbers, netmasks and, on request,
// private, loopback and documentation ranges.
import { before } from './context.js';
import { parseIpv4, parseIpv6 } from './validators.js';
import type { PiiCandidate, ScanSettings } from './types.js';

const IPV4 = /(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d)/g;
// Bounded run of hex, colons and dots; the parser decides. A trailing sentence dot is dropped in code.
// The lookahead wants a colon within the first group, which skips ordinary words at once.
const IPV6 = /(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{2,46}(?![\w:])/g;
const VERSION_WORDS = 'v|ver|version|release|build|firmware|rev|revision|update|patch|sdk|api|node|python|java';
const VERSION_BEFORE = new RegExp(String.raw`(?:\b(?:${VERSION_WORDS})\b\.?|\bv)\s*[:#=]?\s*$`);
const IP_WORDS = [
  'ips?', 'ipv4', 'ipv6', 'address(?:es)?', 'addr', 'hosts?', 'hostname', 'servers?', 'from', 'connect(?:ed|ing|s)?',
  'ping', 'gateway', 'dns', 'subnet', 'route', 'clients?', 'peers?', 'remote', 'source', 'src', 'dst', 'destination',
  'login', 'logged', 'resolver',
];
const IP_CONTEXT = new RegExp(String.raw`\b(?:${IP_WORDS.join('|')})\b`);

function privateV4([a, b]: readonly number[]): boolean {
  if (a === undefined || b === undefined) return false;
  return (
    a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
    (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)
  );
}

// RFC 5737 documentation ranges.
function exampleV4([a, b, c]: readonly number[]): boolean {
  return (a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113);
}

export function scanIps(text: string, settings: ScanSettings, out: PiiCandidate[]): void {
  if (text.includes('.')) {
    IPV4.lastIndex = 0;
    for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
      const octets = parseIpv4(m[0]);
      if (!octets) continue;
      // Netmasks, broadcast, multicast and "this network" name no host.
      if (octets[0] >= 224 || octets[0] === 0) continue;
      const left = before(text, m.index, 24);
      if (VERSION_BEFORE.test(left)) continue;
      const context = IP_CONTEXT.test(left);
      // "1.2.3.4" with only one-digit parts is more often a version or a section number than an address.
      if (octets.every((o) => o < 10) && !context) continue;
      if (!settings.includePrivateIps && privateV4(octets)) continue;
      if (settings.ignoreExamples && exampleV4(octets)) continue;
      out.push({ entity: 'ip_address', start: m.index, end: m.index + m[0].length, score: context ? 0.9 : 0.8 });
    }
  }
  if (text.includes(':')) {
    IPV6.lastIndex = 0;
    for (let m = IPV6.exec(text); m !== null; m = IPV6.exec(text)) {
      let raw = m[0];
      while (raw.endsWith('.')) raw = raw.slice(0, -1);
      if (!raw.includes(':')) continue;
      const groups = parseIpv6(raw);
      if (!groups) continue;
      const named = raw.split(':').filter((g) => g !== '').length;
      const compressedWithPrefix = raw.includes('::') && /^[0-9a-f]*\d[0-9a-f]*:/i.test(raw) && named >= 2;
      if (named < 3 && !compressedWithPrefix) continue;
      if (!/\d/.test(raw)) continue;
      const first = groups[0] ?? 0;
      const loopback = groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
      const isPrivate = loopback || (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
      if (!settings.includePrivateIps && isPrivate) continue;
      if (settings.ignoreExamples && first === 0x2001 && groups[1] === 0x0db8) continue;
      out.push({ entity: 'ip_address', start: m.index, end: m.index + raw.length, score: 0.85 });
    }
  }
}
