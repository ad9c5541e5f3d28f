// A minimal, bounded DER reader: just enough to read X.509 extensions that node:crypto does not expose
// (the KeyUsage bits). Hostile input gets ERR_SIGNATURE, never an out-of-bounds read.
import { signatureError } from './manifest.js';

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

/** Reads one TLV at `offset`; the element must end at or before `limit`. */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw signatureError('malformed DER: truncated element');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw signatureError('malformed DER: multi-byte tags are not supported');
  let len = buf[offset + 1] as number;
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || pos + n > limit) throw signatureError('malformed DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[pos + i] as number);
    pos += n;
  }
  if (pos + len > limit) throw signatureError('malformed DER: element runs past its container');
  return { tag, start: offset, contentStart: pos, end: pos + len };
}

/** The elements inside a constructed element. */
export function childrenOf(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    const t = readTlv(buf, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER's content bytes. */
export function decodeOid(content: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of content) {
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw signatureError('malformed DER: OID arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

export interface Extension {
  critical: boolean;
  /** Content of the extnValue OCTET STRING (itself DER). */
  value: Buffer;
}

/** The extensions of a DER certificate, by OID. */
export function certificateExtensions(der: Buffer): Map<string, Extension> {
  const cert = readTlv(der, 0);
  const tbs = childrenOf(der, cert)[0];
  if (!tbs || tbs.tag !== 0x30) throw signatureError('malformed certificate: no TBSCertificate');
  const out = new Map<string, Extension>();
  for (const field of childrenOf(der, tbs)) {
    if (field.tag !== 0xa3) continue; // [3] EXPLICIT Extensions
    const seq = childrenOf(der, field)[0];
    if (!seq) continue;
    for (const ext of childrenOf(der, seq)) {
      const parts = childrenOf(der, ext);
      const oid = parts[0];
      const value = parts[parts.length - 1];
      if (!oid || oid.tag !== 0x06 || !value || value.tag !== 0x04) throw signatureError('malformed certificate extension');
      const crit = parts.length === 3 && parts[1]?.tag === 0x01 && der[parts[1].contentStart] !== 0;
      out.set(decodeOid(der.subarray(oid.contentStart, oid.end)), { critical: crit, value: der.subarray(value.contentStart, value.end) });
    }
  }
  return out;
}

export const OID_KEY_USAGE = '2.5.29.15';
export const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** KeyUsage bits as named in RFC 5280 (bit 0 = digitalSignature); undefined when the extension is absent. */
export function keyUsage(der: Buffer): { digitalSignature: boolean; keyCertSign: boolean } | undefined {
  const ext = certificateExtensions(der).get(OID_KEY_USAGE);
  if (!ext) return undefined;
  const bits = readTlv(ext.value, 0);
  if (bits.tag !== 0x03 || bits.end - bits.contentStart < 2) return { digitalSignature: false, keyCertSign: false };
  const first = ext.value[bits.contentStart + 1] as number;
  return { digitalSignature: (first & 0x80) !== 0, keyCertSign: (first & 0x04) !== 0 };
}
