// `bulwark verify`: checks an OpenSSF model signature in three steps — (1) the DSSE signature and the signer
// (public key, certificate chain, or Sigstore keyless identity), (2) the manifest against the subject's root digest,
// (3) the model on disk, re-hashed with the signature's own serialization parameters, file by file.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BulwarkError } from '../../core/errors.js';
import { MAX_BUNDLE_BYTES, parseBundle, type BundleView } from './bundle.js';
import { certificateFromDer, checkSigningUsage, identityOf, verifyCertificatePath, type CertificateIdentity } from './certificate.js';
import { IN_TOTO_PAYLOAD_TYPE, manifestFromStatement, pae, paeCompat, PREDICATE_TYPE_V02 } from './dsse.js';
import { keyAlgorithm, publicKeyHint, verifyData } from './key.js';
import { verifyKeyless, type KeylessPolicy } from './keyless.js';
import { HASH_TYPES, parseShardName, serializeModel, signatureError, type ModelManifest, type Resource, type Serialization } from './manifest.js';
import { relativeInside } from './sign.js';

export type VerifyMode =
  | { kind: 'key'; publicKey: KeyObject }
  | { kind: 'certificate'; trusted: X509Certificate[] }
  | { kind: 'keyless'; policy: KeylessPolicy };

export interface VerifyOptions {
  signaturePath: string;
  mode: VerifyMode;
  /** Accept files on disk that the signature does not list (they are reported, not hashed). */
  ignoreUnsigned?: boolean;
  /** Extra paths (relative to the model) to leave out on top of those the signature records. */
  ignorePaths?: readonly string[];
}

export type Signer =
  | { kind: 'key'; hint: string; algorithm: string }
  | { kind: 'certificate'; identity: CertificateIdentity; chain: string[] }
  | { kind: 'keyless'; identity: string; issuer: string };

export interface FileMismatch {
  path: string;
  problem: 'modified' | 'missing' | 'unsigned';
}

export interface VerifyResult {
  /** Model path as given. */
  model: string;
  /** Name recorded in the signature's subject (informative). */
  subject: string;
  /** SHA-256 root digest of the manifest (absent for v0.2 signatures). */
  rootDigest?: string;
  predicateType: string;
  serialization: Serialization;
  /** Resources (files or shards) checked. */
  resources: number;
  signer: Signer;
  /** Files present on disk, not in the signature, accepted because of `ignoreUnsigned`. */
  unsigned: string[];
  warnings: string[];
}

/** Verifies; any failure is a BulwarkError ERR_SIGNATURE (context.mismatches lists the files that differ). */
export async function verifyModel(modelPath: string, options: VerifyOptions): Promise<VerifyResult> {
  const bundle = parseBundle(await readSignature(options.signaturePath));
  const warnings: string[] = [];
  if (bundle.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw signatureError(`expected DSSE payload type ${IN_TOTO_PAYLOAD_TYPE}, got ${bundle.payloadType}`);
  }
  const signer = await verifySigner(bundle, options.mode, warnings);
  const signed = manifestFromStatement(bundle.payload);
  if (signed.predicateType === PREDICATE_TYPE_V02) warnings.push('v0.2 signature: its manifest has no root digest and no serialization parameters');
  const expected = signed.manifest;
  const s = expected.serialization;
  if (!Object.hasOwn(HASH_TYPES, s.hash_type)) throw signatureError(`unsupported hash type ${s.hash_type} in the signature (supported: sha256, blake2)`);
  const hashType = s.hash_type as keyof typeof HASH_TYPES;

  const root = resolve(modelPath);
  const ignorePaths = [...(s.ignore_paths ?? []), ...(options.ignorePaths ?? [])];
  const signatureRel = await relativeInside(root, options.signaturePath);
  if (signatureRel !== undefined) ignorePaths.push(signatureRel);
  const signedFiles = new Set(expected.resources.map((r) => fileOf(r, s)));
  const { manifest: actual, unhashed } = await serializeModel(root, {
    hashType,
    method: s.method,
    shardSize: s.shard_size,
    allowSymlinks: s.allow_symlinks,
    ignorePaths,
    recordIgnorePaths: false,
    onlyFiles: options.ignoreUnsigned ? signedFiles : undefined,
  }).catch((e: unknown) => {
    // An empty folder is not an error here: every signed file is simply missing.
    if (e instanceof BulwarkError && e.code === 'ERR_SIGNATURE' && /no regular files/.test(e.message)) {
      return { manifest: { ...expected, resources: [] as Resource[] }, unhashed: [] as string[] };
    }
    throw e;
  });
  const mismatches = compareManifests(expected, actual);
  if (mismatches.length > 0) {
    const shown = mismatches.slice(0, 10).map((m) => `${m.problem} ${m.path}`);
    const more = mismatches.length > shown.length ? ` and ${mismatches.length - shown.length} more` : '';
    throw signatureError(`the model does not match its signature: ${shown.join('; ')}${more}`, { mismatches });
  }
  const result: VerifyResult = {
    model: modelPath,
    subject: expected.modelName,
    predicateType: signed.predicateType,
    serialization: s,
    resources: expected.resources.length,
    signer,
    unsigned: unhashed,
    warnings,
  };
  if (signed.rootDigest !== undefined) result.rootDigest = signed.rootDigest;
  return result;
}

/** Step 1: the DSSE signature, by the given key, by a certificate chaining to a trusted CA, or keyless. */
async function verifySigner(bundle: BundleView, mode: VerifyMode, warnings: string[]): Promise<Signer> {
  if (mode.kind === 'keyless') {
    if (bundle.kind !== 'certificate' && bundle.kind !== 'certificate-chain') {
      throw signatureError('this signature was made with a key, not with Sigstore keyless signing: verify it with --key');
    }
    const who = await verifyKeyless(bundle.json, mode.policy);
    return { kind: 'keyless', identity: who.subjectAlternativeName, issuer: who.issuer };
  }
  if (mode.kind === 'key') {
    if (bundle.kind !== 'public-key') {
      throw signatureError(`this signature carries ${bundle.kind === 'certificate' ? 'a Sigstore certificate (verify it with --identity/--issuer)' : 'a certificate chain (verify it with --certificate-chain)'}, not a key hint`);
    }
    const hint = publicKeyHint(mode.publicKey);
    if (bundle.hint === undefined) warnings.push('the signature uses the older verification material format (no public-key hint)');
    else if (bundle.hint !== hint) {
      throw signatureError(`key mismatch: the signature was made with the key whose hint is ${bundle.hint}, the given public key's hint is ${hint}`);
    }
    checkDsse(mode.publicKey, bundle, warnings, 'the given public key');
    return { kind: 'key', hint, algorithm: keyAlgorithm(mode.publicKey).details };
  }
  if (bundle.kind !== 'certificate-chain') {
    throw signatureError(bundle.kind === 'public-key' ? 'this signature was made with a key, not a certificate: verify it with --key' : 'this is a Sigstore keyless signature: verify it with --identity/--issuer and a trust root');
  }
  const chain = bundle.certificates.map((der, i) => certificateFromDer(der, i === 0 ? 'signing certificate' : `certificate ${i}`));
  const path = verifyCertificatePath(chain, mode.trusted);
  const leaf = path[0] as X509Certificate;
  checkSigningUsage(leaf);
  checkDsse(leaf.publicKey, bundle, warnings, 'the signing certificate');
  return { kind: 'certificate', identity: identityOf(leaf), chain: path.map((c) => c.fingerprint256) };
}

function checkDsse(key: KeyObject, bundle: BundleView, warnings: string[], whose: string): void {
  keyAlgorithm(key);
  if (verifyData(key, pae(bundle.payloadType, bundle.payload), bundle.signature)) return;
  // model_signing v0.2 signed a mangled PAE; model-transparency still accepts it, and so do we, with a warning.
  if (verifyData(key, paeCompat(bundle.payload), bundle.signature)) {
    warnings.push('the signature uses the v0.2 pre-authentication encoding (re-sign with a current signer)');
    return;
  }
  throw signatureError(`the signature does not verify with ${whose}`);
}

/** The file a resource belongs to: its name, or the path part of `path:start:end`. */
function fileOf(r: Resource, s: Serialization): string {
  return s.method === 'shards' ? (parseShardName(r.name)?.path ?? r.name) : r.name;
}

/** Step 3: per file — a digest that differs, a signed file that is missing, a file on disk nobody signed. */
export function compareManifests(expected: ModelManifest, actual: ModelManifest): FileMismatch[] {
  const group = (m: ModelManifest) => {
    const out = new Map<string, Map<string, string>>();
    for (const r of m.resources) {
      const f = fileOf(r, expected.serialization);
      let g = out.get(f);
      if (!g) out.set(f, (g = new Map()));
      g.set(r.name, r.digest);
    }
    return out;
  };
  const want = group(expected);
  const have = group(actual);
  const mismatches: FileMismatch[] = [];
  for (const [path, shards] of want) {
    const got = have.get(path);
    if (!got) mismatches.push({ path, problem: 'missing' });
    else if (got.size !== shards.size || [...shards].some(([name, digest]) => got.get(name) !== digest)) mismatches.push({ path, problem: 'modified' });
  }
  for (const path of have.keys()) if (!want.has(path)) mismatches.push({ path, problem: 'unsigned' });
  return mismatches;
}

async function readSignature(path: string): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    if (st.size > MAX_BUNDLE_BYTES) throw signatureError(`the signature file ${path} is larger than ${MAX_BUNDLE_BYTES} bytes`);
    return (await fh.readFile()).toString('utf8');
  } catch (e) {
    if (e instanceof BulwarkError) throw e;
    throw new BulwarkError('ERR_IO', `cannot read signature ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { context: { path }, cause: e });
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
