// Certificate mode of model signing: the bundle carries an X.509 chain (signing certificate first); we build a path
// from it to a CA the user trusts, checked at the signing certificate's notBefore as model-transparency does, and
// require the signing certificate to be fit for signing (digitalSignature key usage or the code-signing EKU).
import { X509Certificate } from 'node:crypto';
import { BulwarkError } from '../../core/errors.js';
import { keyUsage, OID_CODE_SIGNING } from './der.js';
import { signatureError } from './manifest.js';

/** Longest chain we follow (leaf, intermediates, anchor). */
const MAX_PATH = 8;

export interface CertificateIdentity {
  subject: string;
  issuer: string;
  /** e.g. `email:ml-team@example.com, URI:https://…` */
  subjectAltName?: string;
  serialNumber: string;
  fingerprint256: string;
  notBefore: string;
  notAfter: string;
}

/** Every certificate in a PEM file (several blocks allowed) or a single DER certificate. */
export function parseCertificates(data: Buffer, source: string): X509Certificate[] {
  const text = data.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  try {
    if (blocks) return blocks.map((b) => new X509Certificate(b));
    if (text.includes('-----BEGIN ')) throw new Error('no CERTIFICATE block');
    return [new X509Certificate(data)];
  } catch (e) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `${source} does not hold X.509 certificates: ${(e as Error).message}`, { context: { path: source }, cause: e });
  }
}

/** A DER certificate from a bundle; garbage is ERR_SIGNATURE. */
export function certificateFromDer(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (e) {
    throw signatureError(`the ${what} in the bundle is not an X.509 certificate: ${(e as Error).message}`);
  }
}

export function identityOf(cert: X509Certificate): CertificateIdentity {
  const id: CertificateIdentity = {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    notBefore: isoTime(cert.validFrom),
    notAfter: isoTime(cert.validTo),
  };
  if (cert.subjectAltName) id.subjectAltName = cert.subjectAltName;
  return id;
}

/**
 * Verifies that `chain[0]` (the signing certificate) leads to one of `anchors` through the other certificates of
 * `chain` and the anchors themselves; every certificate on the path must be valid at `at` (default: the signing
 * certificate's notBefore) and every issuer a CA. Returns the path, leaf first.
 */
export function verifyCertificatePath(chain: readonly X509Certificate[], anchors: readonly X509Certificate[], at?: Date): X509Certificate[] {
  const leaf = chain[0];
  if (!leaf) throw signatureError('the certificate chain is empty');
  if (anchors.length === 0) throw signatureError('no trusted certificate was given (--certificate-chain)');
  const when = at ?? new Date(leaf.validFrom);
  if (Number.isNaN(when.getTime())) throw signatureError('the signing certificate has an unreadable validity period');
  const isAnchor = (c: X509Certificate) => anchors.some((a) => a.raw.equals(c.raw));
  const candidates = [...chain.slice(1), ...anchors];
  const search = (path: X509Certificate[]): X509Certificate[] | undefined => {
    const current = path[path.length - 1] as X509Certificate;
    if (isAnchor(current)) return path;
    if (path.length >= MAX_PATH) return undefined;
    for (const issuer of candidates) {
      if (path.some((p) => p.raw.equals(issuer.raw))) continue;
      if (!issuer.ca || !validAt(issuer, when)) continue;
      if (!current.checkIssued(issuer) || !current.verify(issuer.publicKey)) continue;
      const found = search([...path, issuer]);
      if (found) return found;
    }
    return undefined;
  };
  if (!validAt(leaf, when)) throw signatureError(`the signing certificate is not valid at ${when.toISOString()}`);
  const path = search([leaf]);
  if (!path) {
    throw signatureError(`the signing certificate (${oneLine(leaf.subject) || leaf.subjectAltName || leaf.serialNumber}) does not chain to a trusted certificate`, {
      issuer: oneLine(leaf.issuer),
    });
  }
  return path;
}

/** The signing certificate must allow digital signatures (KeyUsage) or code signing (extended key usage). */
export function checkSigningUsage(cert: X509Certificate): void {
  const ku = keyUsage(cert.raw);
  if (ku?.digitalSignature) return;
  if ((cert.keyUsage ?? []).includes(OID_CODE_SIGNING)) return;
  throw signatureError('the signing certificate may not be used for signing (no digitalSignature key usage, no code-signing extended key usage)');
}

/** False for an unreadable validity period too (NaN compares false). */
function validAt(cert: X509Certificate, when: Date): boolean {
  const t = when.getTime();
  return new Date(cert.validFrom).getTime() <= t && t <= new Date(cert.validTo).getTime();
}

/** ISO 8601 when node:crypto's date text parses, the text itself otherwise. */
function isoTime(text: string): string {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

function oneLine(dn: string): string {
  return dn.split('\n').filter((s) => s !== '').join(', ');
}
