// Test-only: a tiny X.509 issuer written with node:crypto and a DER writer, so that certificate-mode tests make
// their own CA, intermediates and signing certificates (node:crypto parses certificates but cannot create them).
import { generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';

const tlv = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else if (n < 0x10000) len = Buffer.from([0x82, n >> 8, n & 0xff]);
  else len = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const octets = (b: Buffer) => tlv(0x04, b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bitString = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes = [40 * (arcs[0] as number) + (arcs[1] as number)];
  for (const arc of arcs.slice(2)) {
    const stack = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) stack.unshift((v & 0x7f) | 0x80);
    bytes.push(...stack);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if ((b[0] as number) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function time(d: Date): Buffer {
  const iso = d.toISOString();
  const year = d.getUTCFullYear();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ext = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

function signatureAlgorithm(key: KeyObject): { der: Buffer; hash: string | null } {
  if (key.asymmetricKeyType === 'ed25519') return { der: seq(oid('1.3.101.112')), hash: null };
  if (key.asymmetricKeyType === 'rsa') return { der: seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0))), hash: 'sha256' };
  return { der: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
}

export interface IssuedCertificate {
  cert: X509Certificate;
  pem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface CertificateSpec {
  subject: string;
  /** Signs the certificate; self-signed when absent. */
  issuer?: IssuedCertificate;
  ca?: boolean;
  /** KeyUsage: digitalSignature (default for leaves), keyCertSign (default for CAs); `none` leaves it out. */
  keyUsage?: 'digitalSignature' | 'keyCertSign' | 'none';
  codeSigning?: boolean;
  email?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Key of the certificate; default a fresh P-256 key. */
  keys?: { privateKey: KeyObject; publicKey: KeyObject };
}

let serial = 1000n;

/** Issues a certificate (self-signed when `spec.issuer` is absent). */
export function issue(spec: CertificateSpec): IssuedCertificate {
  const keys = spec.keys ?? generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = spec.issuer?.privateKey ?? keys.privateKey;
  const alg = signatureAlgorithm(signer);
  const notBefore = spec.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = spec.notAfter ?? new Date(Date.now() + 365 * 86400_000);
  const extensions: Buffer[] = [];
  if (spec.ca) extensions.push(ext('2.5.29.19', true, seq(bool(true))));
  const usage = spec.keyUsage ?? (spec.ca ? 'keyCertSign' : 'digitalSignature');
  // KeyUsage BIT STRING: digitalSignature = bit 0 (0x80), keyCertSign = bit 5 (0x04), cRLSign = bit 6 (0x02).
  if (usage === 'digitalSignature') extensions.push(ext('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)));
  if (usage === 'keyCertSign') extensions.push(ext('2.5.29.15', true, bitString(Buffer.from([0x06]), 1)));
  if (spec.codeSigning) extensions.push(ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.3'))));
  if (spec.email) extensions.push(ext('2.5.29.17', true, seq(tlv(0x81, Buffer.from(spec.email, 'ascii')))));
  const tbs = seq(
    explicit(0, integer(2n)),
    integer((serial += 1n)),
    alg.der,
    name(spec.issuer ? subjectCn(spec.issuer) : spec.subject),
    seq(time(notBefore), time(notAfter)),
    name(spec.subject),
    keys.publicKey.export({ type: 'spki', format: 'der' }),
    ...(extensions.length > 0 ? [explicit(3, seq(...extensions))] : []),
  );
  const signature = sign(alg.hash, tbs, { key: signer, dsaEncoding: 'der' });
  const der = seq(tbs, alg.der, bitString(signature));
  const cert = new X509Certificate(der);
  return { cert, pem: cert.toString(), privateKey: keys.privateKey, publicKey: keys.publicKey };
}

function subjectCn(c: IssuedCertificate): string {
  return /CN=([^\n]*)/.exec(c.cert.subject)?.[1] ?? '';
}
