// The Sigstore bundle (v0.3 JSON) that holds a model signature: a DSSE envelope plus the verification material
// (a public-key hint, an X.509 chain, or a Fulcio certificate with transparency-log entries).
import { z } from 'zod';
import { signatureError } from './manifest.js';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** The same version under the media-type spelling newer Sigstore clients write. */
const BUNDLE_MEDIA_TYPES = new Set([BUNDLE_MEDIA_TYPE, 'application/vnd.dev.sigstore.bundle+json;version=0.3']);
/** A signature file larger than this is refused unread. */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

const B64 = z.string().max(MAX_BUNDLE_BYTES);

const EnvelopeSchema = z.looseObject({
  payload: B64,
  payloadType: z.string().max(256),
  signatures: z.array(z.looseObject({ sig: B64, keyid: z.string().max(1024).nullish() })).max(64),
});

const BundleSchema = z.looseObject({
  mediaType: z.string().max(256),
  verificationMaterial: z.looseObject({
    publicKey: z.looseObject({ hint: z.string().max(1024).nullish(), rawBytes: B64.optional(), keyDetails: z.string().max(128).optional() }).optional(),
    x509CertificateChain: z.looseObject({ certificates: z.array(z.looseObject({ rawBytes: B64 })).max(16) }).optional(),
    certificate: z.looseObject({ rawBytes: B64 }).optional(),
    tlogEntries: z.array(z.unknown()).max(64).optional(),
  }),
  dsseEnvelope: EnvelopeSchema.optional(),
  messageSignature: z.unknown().optional(),
});

export type ParsedBundle = z.infer<typeof BundleSchema>;

export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: { sig: string; keyid?: string | null }[];
}

/** What verification needs from a bundle. */
export interface BundleView {
  json: ParsedBundle;
  kind: 'public-key' | 'certificate-chain' | 'certificate';
  payload: Buffer;
  payloadType: string;
  signature: Buffer;
  /** Hex SHA-256 of the signer's PEM public key, when the bundle carries one. */
  hint?: string;
  /** DER certificates, leaf first (certificate chain or single Fulcio certificate). */
  certificates: Buffer[];
}

/** Parses and checks the shape of a bundle; errors are ERR_SIGNATURE naming what is wrong. */
export function parseBundle(text: string): BundleView {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw signatureError('the signature file is not JSON');
  }
  const parsed = BundleSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw signatureError(`the signature is not a Sigstore bundle: ${i ? `${i.path.map(String).join('.')}: ${i.message}` : 'unexpected shape'}`);
  }
  const b = parsed.data;
  if (!BUNDLE_MEDIA_TYPES.has(b.mediaType)) throw signatureError(`unsupported bundle media type ${b.mediaType} (expected ${BUNDLE_MEDIA_TYPE})`);
  if (b.dsseEnvelope === undefined) throw signatureError('the bundle has no DSSE envelope (a model signature is a DSSE-signed in-toto statement)');
  const env = b.dsseEnvelope;
  if (env.signatures.length !== 1) throw signatureError(`expected exactly one signature in the envelope, got ${env.signatures.length}`);
  const vm = b.verificationMaterial;
  let kind: BundleView['kind'];
  let certificates: Buffer[] = [];
  if (vm.x509CertificateChain !== undefined) {
    kind = 'certificate-chain';
    certificates = vm.x509CertificateChain.certificates.map((c, i) => decodeBase64(c.rawBytes, `certificate ${i}`));
    if (certificates.length === 0) throw signatureError('the certificate chain is empty');
  } else if (vm.certificate !== undefined) {
    kind = 'certificate';
    certificates = [decodeBase64(vm.certificate.rawBytes, 'certificate')];
  } else if (vm.publicKey !== undefined) {
    kind = 'public-key';
  } else {
    throw signatureError('the bundle has no verification material (public key, certificate chain or certificate)');
  }
  const view: BundleView = {
    json: b,
    kind,
    payload: decodeBase64(env.payload, 'payload'),
    payloadType: env.payloadType,
    signature: decodeBase64((env.signatures[0] as { sig: string }).sig, 'signature'),
    certificates,
  };
  const hint = vm.publicKey?.hint;
  if (typeof hint === 'string' && hint !== '') view.hint = hint.toLowerCase();
  return view;
}

export interface BundleParts {
  payload: Buffer;
  signature: Buffer;
  /** Key mode. */
  hint?: string;
  /** Certificate mode: DER certificates, signing certificate first. */
  certificates?: Buffer[];
}

/** A bundle in the layout model-transparency v1.1 writes: compact JSON, empty tlogEntries, empty keyid. */
export function buildBundle(parts: BundleParts): string {
  const verificationMaterial =
    parts.certificates !== undefined
      ? { x509CertificateChain: { certificates: parts.certificates.map((c) => ({ rawBytes: c.toString('base64') })) }, tlogEntries: [] }
      : { publicKey: { hint: parts.hint ?? '' }, tlogEntries: [] };
  return JSON.stringify({
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial,
    dsseEnvelope: {
      payload: parts.payload.toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: parts.signature.toString('base64'), keyid: '' }],
    },
  });
}

/** Strict base64 (standard or URL-safe alphabet, padding optional): Buffer.from alone skips garbage silently. */
export function decodeBase64(s: string, what: string): Buffer {
  const t = s.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(t) || t.replace(/=+$/, '').length % 4 === 1) {
    throw signatureError(`the ${what} is not valid base64`);
  }
  return Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}
