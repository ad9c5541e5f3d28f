// `bulwark sign`: serializes a model folder into a model-signing v1.0 manifest, signs the DSSE PAE of its in-toto
// statement with a private key (key mode) or a key plus its certificate chain (certificate mode), and returns the
// Sigstore bundle in the layout model-transparency writes.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { BulwarkError } from '../../core/errors.js';
import { LOCK_FILE_NAME } from '../lock.js';
import { buildBundle } from './bundle.js';
import { checkSigningUsage } from './certificate.js';
import { encodeStatement, IN_TOTO_PAYLOAD_TYPE, pae } from './dsse.js';
import { publicKeyHint, signData } from './key.js';
import { rootDigest, serializeModel, type HashType, type ModelManifest } from './manifest.js';

export interface SignOptions {
  privateKey: KeyObject;
  /** Certificate mode: the signing certificate (matching the private key) first, then its chain. */
  certificates?: X509Certificate[];
  /** Where the signature will be written; left out of the manifest when it lies inside the model. */
  signaturePath: string;
  hashType?: HashType;
  method?: 'files' | 'shards';
  shardSize?: number;
  /** Extra paths (relative to the model) to leave unsigned; `.git*`, `bulwark.lock` and the signature always are. */
  ignorePaths?: readonly string[];
  allowSymlinks?: boolean;
}

export interface SignResult {
  /** The bundle JSON to write to the signature file. */
  bundle: string;
  manifest: ModelManifest;
  rootDigest: string;
  /** Key mode: the public-key hint recorded in the bundle. */
  hint?: string;
}

export async function signModel(modelPath: string, options: SignOptions): Promise<SignResult> {
  const root = resolve(modelPath);
  // The lockfile of `bulwark pin` describes the folder, it is no part of the model: re-pinning must not break the
  // signature (pin after signing, so that the lock covers model.sig too).
  const ignorePaths = [...(options.ignorePaths ?? []), LOCK_FILE_NAME];
  const signatureRel = await relativeInside(root, options.signaturePath);
  if (signatureRel !== undefined) ignorePaths.push(signatureRel);
  const leaf = options.certificates?.[0];
  if (leaf) {
    if (!leaf.checkPrivateKey(options.privateKey)) {
      throw new BulwarkError('ERR_CONFIG_INVALID', 'the signing certificate does not belong to the private key');
    }
    checkSigningUsage(leaf);
  }
  const { manifest } = await serializeModel(root, {
    hashType: options.hashType,
    method: options.method,
    shardSize: options.shardSize,
    allowSymlinks: options.allowSymlinks,
    ignorePaths,
    ignoreAllGitNames: true,
  });
  const payload = encodeStatement(manifest);
  const signature = signData(options.privateKey, pae(IN_TOTO_PAYLOAD_TYPE, payload));
  const result: SignResult = { bundle: '', manifest, rootDigest: rootDigest(manifest.resources) };
  if (options.certificates && options.certificates.length > 0) {
    result.bundle = buildBundle({ payload, signature, certificates: options.certificates.map((c) => c.raw) });
  } else {
    result.hint = publicKeyHint(options.privateKey);
    result.bundle = buildBundle({ payload, signature, hint: result.hint });
  }
  return result;
}

/** The POSIX path of `path` relative to the model folder, when it lies inside it. */
export async function relativeInside(root: string, path: string): Promise<string | undefined> {
  let isDir = false;
  try {
    isDir = (await stat(root)).isDirectory();
  } catch {
    return undefined;
  }
  if (!isDir) return undefined;
  const rel = relative(root, resolve(path));
  if (rel === '' || isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return undefined;
  return rel.split(sep).join('/');
}
