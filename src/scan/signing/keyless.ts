// Keyless (Sigstore) mode: a Fulcio certificate, a Rekor entry and timestamps, verified by the `sigstore`
// packages against a trust root. Offline by default: the trust root is a local trusted_root.json; fetching it
// through TUF (network) happens only when the caller allows it.
import { readFile } from 'node:fs/promises';
import { BulwarkError } from '../../core/errors.js';
import { signatureError } from './manifest.js';

export interface KeylessPolicy {
  /** Exact subject alternative name of the signing certificate (email or URI). */
  identity: string;
  /** Exact OIDC issuer recorded in the certificate. */
  issuer: string;
  /** A Sigstore trusted_root.json (offline verification). */
  trustRootPath?: string;
  /** Fetch and update the trust root from Sigstore's TUF repository (network). */
  allowNetwork?: boolean;
  /** Where the TUF client caches metadata (default: the sigstore package's own cache folder). */
  tufCachePath?: string;
}

export interface KeylessSigner {
  subjectAlternativeName: string;
  issuer: string;
}

export const NO_TRUST_ROOT =
  'keyless verification needs a Sigstore trust root: pass --trust-root trusted_root.json (offline), or --tuf to fetch it from the Sigstore TUF repository (network)';

/** Verifies the bundle (certificate, transparency log, timestamps, DSSE signature) and the signer's identity. */
export async function verifyKeyless(bundle: unknown, policy: KeylessPolicy): Promise<KeylessSigner> {
  if (policy.identity === '' || policy.issuer === '') throw new BulwarkError('ERR_CONFIG_INVALID', 'keyless verification needs --identity and --issuer');
  // sigstore-js treats the identity as a regular expression: anchor and escape it so that it matches exactly.
  const identityPattern = `^${policy.identity.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`;
  const expected = { subjectAlternativeName: identityPattern, extensions: { issuer: policy.issuer } };
  let signer: { identity?: { subjectAlternativeName?: string; extensions?: { issuer?: string } } };
  if (policy.trustRootPath !== undefined) {
    const trustedRoot = await readTrustRoot(policy.trustRootPath);
    const [{ toTrustMaterial, Verifier, toSignedEntity }, { bundleFromJSON }] = await Promise.all([import('@sigstore/verify'), import('@sigstore/bundle')]);
    signer = sigstoreCall(() => {
      const verifier = new Verifier(toTrustMaterial(trustedRoot as Parameters<typeof toTrustMaterial>[0]));
      return verifier.verify(toSignedEntity(bundleFromJSON(bundle)), expected);
    });
  } else if (policy.allowNetwork) {
    const sigstore = await import('sigstore');
    signer = await sigstoreCallAsync(() =>
      sigstore.verify(bundle as Parameters<typeof sigstore.verify>[0], {
        certificateIdentityURI: identityPattern,
        certificateIssuer: policy.issuer,
        ...(policy.tufCachePath === undefined ? {} : { tufCachePath: policy.tufCachePath }),
      }),
    );
  } else {
    throw new BulwarkError('ERR_CONFIG_INVALID', NO_TRUST_ROOT);
  }
  // Belt and braces: the policy above is a pattern; insist on the exact strings.
  const san = signer.identity?.subjectAlternativeName;
  const iss = signer.identity?.extensions?.issuer;
  if (san !== policy.identity) throw signatureError(`the signer is ${san ?? '(no identity)'}, not ${policy.identity}`);
  if (iss !== policy.issuer) throw signatureError(`the signer's identity was issued by ${iss ?? '(unknown)'}, not ${policy.issuer}`);
  return { subjectAlternativeName: san, issuer: iss };
}

async function readTrustRoot(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BulwarkError('ERR_IO', `cannot read trust root ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { context: { path }, cause: e });
  }
  try {
    const { TrustedRoot } = await import('@sigstore/protobuf-specs');
    const root = TrustedRoot.fromJSON(JSON.parse(text));
    if (root.certificateAuthorities.length === 0 || root.tlogs.length === 0) throw new Error('it lists no certificate authority or no transparency log');
    return root;
  } catch (e) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `${path} is not a Sigstore trusted_root.json: ${(e as Error).message}`, { context: { path }, cause: e });
  }
}

function sigstoreCall<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw fromSigstore(e);
  }
}

async function sigstoreCallAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw fromSigstore(e);
  }
}

/** Sigstore's own errors become ERR_SIGNATURE with their code; a TUF (network) failure is ERR_IO. */
function fromSigstore(e: unknown): BulwarkError {
  if (e instanceof BulwarkError) return e;
  const err = e as { name?: string; code?: string; message?: string };
  if (err.name === 'TUFError') return new BulwarkError('ERR_IO', `fetching the Sigstore trust root failed: ${err.message ?? String(e)}`, { cause: e });
  const code = err.code ? ` (${err.code})` : '';
  return new BulwarkError('ERR_SIGNATURE', `Sigstore verification failed${code}: ${err.message ?? String(e)}`, { context: { sigstoreCode: err.code }, cause: e });
}
