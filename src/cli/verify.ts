// `bulwark sign` and `bulwark verify`: OpenSSF model signing (sigstore/model-transparency v1.0 bundles). Sign with a
// private key (optionally with its certificate chain); verify with a public key, a trusted CA, or a Sigstore
// keyless identity against a local trust root (the network only with --tuf). Exit 0 verified, 1 not, 64 usage.
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BulwarkError, isBulwarkError } from '../core/errors.js';
import type { VerifyMode as Mode } from '../scan/signing/verify.js';
import type { CommandContext } from './command-context.js';
import { positiveInt } from './command-context.js';
import { EXIT_FLAGGED, EXIT_OK } from './exit-codes.js';
import { say, usageExit } from './integrity.js';

export interface VerifyCommandOptions {
  signature?: string;
  key?: string;
  certificateChain?: string[];
  identity?: string;
  issuer?: string;
  trustRoot?: string;
  tuf?: boolean;
  tufCache?: string;
  ignoreUnsigned?: boolean;
  ignorePaths?: string[];
  json?: boolean;
}

export interface SignCommandOptions {
  key: string;
  passwordEnv?: string;
  signingCertificate?: string;
  certificateChain?: string[];
  output?: string;
  hash: 'sha256' | 'blake2';
  shardSize?: number;
  ignorePaths?: string[];
  allowSymlinks?: boolean;
}

const MAX_KEY_FILE = 1024 * 1024;

export function registerVerifyCommands(program: Command, ctx: CommandContext): void {
  program
    .command('sign')
    .description('sign a model folder (OpenSSF model signing v1.0, Sigstore bundle) with a private key, optionally with its certificate chain')
    .argument('<path>', 'model folder (or a single model file)')
    .requiredOption('--key <file>', 'PEM private key: EC P-256/P-384/P-521, Ed25519 or RSA')
    .option('--password-env <var>', 'environment variable holding the passphrase of an encrypted key')
    .option('--signing-certificate <file>', 'certificate of the key (PEM): certificate mode')
    .option('--certificate-chain <files...>', 'with --signing-certificate: intermediate certificates to include (PEM)', collect)
    .option('-o, --output <file>', 'signature file (default: PATH/model.sig, or PATH.sig for a file)')
    .addOption(new Option('--hash <algorithm>', 'digest of each file').choices(['sha256', 'blake2']).default('sha256'))
    .option('--shard-size <bytes>', 'hash files in shards of this size (method "shards") instead of whole', positiveInt)
    .option('--ignore-paths <paths...>', 'paths relative to the model to leave unsigned (.git* and the signature always are)', collect)
    .option('--allow-symlinks', 'follow symlinks to files inside the model (default: a symlink is an error)')
    .action(async (path: string, options: SignCommandOptions) => {
      ctx.setExitCode(await runSign(path, options, ctx));
    });
  program
    .command('verify')
    .description('verify a model folder against its OpenSSF model signature: signer, manifest, then every file')
    .argument('<path>', 'model folder (or a single model file)')
    .option('-s, --signature <file>', 'signature file (default: PATH/model.sig, or PATH.sig for a file)')
    .option('--key <file>', 'key mode: the signer\'s public key (PEM or DER)')
    .option('--certificate-chain <files...>', 'certificate mode: CA certificates to trust (PEM)', collect)
    .option('--identity <san>', 'keyless mode: the signer\'s exact identity (email or URI in the certificate)')
    .option('--issuer <url>', 'keyless mode: the exact OIDC issuer of that identity')
    .option('--trust-root <file>', 'keyless mode: Sigstore trusted_root.json to verify against, offline')
    .option('--tuf', 'keyless mode: fetch the trust root from the Sigstore TUF repository (network)')
    .option('--tuf-cache <dir>', 'with --tuf: where TUF metadata is cached')
    .option('--ignore-unsigned', 'accept files the signature does not list (they are reported)')
    .option('--ignore-paths <paths...>', 'paths relative to the model to leave out of the check', collect)
    .option('--json', 'print the result as JSON')
    .action(async (path: string, options: VerifyCommandOptions) => {
      ctx.setExitCode(await runVerify(path, options, ctx));
    });
}

async function runSign(path: string, options: SignCommandOptions, ctx: CommandContext): Promise<number> {
  const [{ loadPrivateKey }, { parseCertificates }, { signModel }] = await Promise.all([
    import('../scan/signing/key.js'),
    import('../scan/signing/certificate.js'),
    import('../scan/signing/sign.js'),
  ]);
  const model = resolve(ctx.io.cwd, path);
  try {
    if (options.certificateChain && !options.signingCertificate) throw usage('--certificate-chain needs --signing-certificate when signing');
    const passphrase = options.passwordEnv === undefined ? undefined : process.env[options.passwordEnv];
    if (options.passwordEnv !== undefined && passphrase === undefined) throw usage(`environment variable ${options.passwordEnv} is not set`);
    const keyPath = resolve(ctx.io.cwd, options.key);
    const privateKey = loadPrivateKey(await readSmall(keyPath), keyPath, passphrase);
    let certificates;
    if (options.signingCertificate) {
      const certPath = resolve(ctx.io.cwd, options.signingCertificate);
      certificates = parseCertificates(await readSmall(certPath), certPath);
      for (const c of options.certificateChain ?? []) {
        const p = resolve(ctx.io.cwd, c);
        certificates.push(...parseCertificates(await readSmall(p), p));
      }
    }
    const signaturePath = resolve(ctx.io.cwd, options.output ?? (await defaultSignature(model)));
    const result = await signModel(model, {
      privateKey,
      certificates,
      signaturePath,
      hashType: options.hash,
      method: options.shardSize === undefined ? 'files' : 'shards',
      shardSize: options.shardSize,
      ignorePaths: options.ignorePaths,
      allowSymlinks: options.allowSymlinks === true,
    });
    await writeAtomically(signaturePath, result.bundle);
    const by = result.hint ? `key ${result.hint.slice(0, 16)}…` : 'certificate';
    say(ctx, 'stderr', `signed ${result.manifest.modelName}: ${result.manifest.resources.length} resources, root sha256 ${result.rootDigest} (${by}) → ${signaturePath}`);
    return EXIT_OK;
  } catch (e) {
    return usageExit(e, ctx, SIGN_USAGE_CODES);
  }
}

/** When signing, a symlink or an empty model is the user's to fix too. */
const SIGN_USAGE_CODES = new Set(['ERR_IO', 'ERR_CONFIG_INVALID', 'ERR_INPUT_INVALID', 'ERR_SCAN_LIMIT', 'ERR_SIGNATURE']);

async function runVerify(path: string, options: VerifyCommandOptions, ctx: CommandContext): Promise<number> {
  const model = resolve(ctx.io.cwd, path);
  let result;
  try {
    const mode = await verifyMode(options, ctx);
    const signaturePath = resolve(ctx.io.cwd, options.signature ?? (await defaultSignature(model)));
    const { verifyModel } = await import('../scan/signing/verify.js');
    result = await verifyModel(model, { signaturePath, mode, ignoreUnsigned: options.ignoreUnsigned === true, ignorePaths: options.ignorePaths });
  } catch (e) {
    if (isBulwarkError(e) && e.code === 'ERR_SIGNATURE') {
      if (options.json) ctx.io.stdout.write(`${JSON.stringify({ verified: false, error: e.toJSON() }, null, 2)}\n`);
      say(ctx, 'stderr', `not verified: ${e.message}`);
      return EXIT_FLAGGED;
    }
    return usageExit(e, ctx);
  }
  if (options.json) {
    ctx.io.stdout.write(`${JSON.stringify({ verified: true, ...result }, null, 2)}\n`);
  } else {
    const s = result.signer;
    const by =
      s.kind === 'key'
        ? `key ${s.hint.slice(0, 16)}… (${s.algorithm})`
        : s.kind === 'certificate'
          ? `certificate ${s.identity.subjectAltName ?? s.identity.subject} issued by ${s.identity.issuer}`
          : `${s.identity} (issuer ${s.issuer})`;
    const root = result.rootDigest ? `, root sha256 ${result.rootDigest}` : '';
    say(ctx, 'stdout', `verified: ${result.subject} (${result.resources} ${result.serialization.method === 'shards' ? 'shards' : 'files'}${root}), signed by ${by}`);
    for (const u of result.unsigned) say(ctx, 'stderr', `warning: ${u} is not covered by the signature (--ignore-unsigned)`);
  }
  for (const w of result.warnings) say(ctx, 'stderr', `warning: ${w}`);
  return EXIT_OK;
}


/** Exactly one of key, certificate and keyless mode. */
async function verifyMode(options: VerifyCommandOptions, ctx: CommandContext): Promise<Mode> {
  const keyless = options.identity !== undefined || options.issuer !== undefined || options.trustRoot !== undefined || options.tuf === true;
  const chosen = [options.key !== undefined, options.certificateChain !== undefined, keyless].filter(Boolean).length;
  if (chosen !== 1) throw usage('choose one verification mode: --key PUB, --certificate-chain CA, or --identity ID --issuer URL (--trust-root FILE | --tuf)');
  if (options.key !== undefined) {
    const { loadPublicKey } = await import('../scan/signing/key.js');
    const p = resolve(ctx.io.cwd, options.key);
    return { kind: 'key', publicKey: loadPublicKey(await readSmall(p), p) };
  }
  if (options.certificateChain !== undefined) {
    const { parseCertificates } = await import('../scan/signing/certificate.js');
    const trusted = [];
    for (const c of options.certificateChain) {
      const p = resolve(ctx.io.cwd, c);
      trusted.push(...parseCertificates(await readSmall(p), p));
    }
    return { kind: 'certificate', trusted };
  }
  if (options.identity === undefined || options.issuer === undefined) throw usage('keyless verification needs both --identity and --issuer');
  if (options.trustRoot !== undefined && options.tuf) throw usage('--trust-root and --tuf are alternatives');
  const policy: Extract<Mode, { kind: 'keyless' }>['policy'] = { identity: options.identity, issuer: options.issuer };
  if (options.trustRoot !== undefined) policy.trustRootPath = resolve(ctx.io.cwd, options.trustRoot);
  if (options.tuf) policy.allowNetwork = true;
  if (options.tufCache !== undefined) policy.tufCachePath = resolve(ctx.io.cwd, options.tufCache);
  if (options.trustRoot === undefined && !options.tuf) {
    const { NO_TRUST_ROOT } = await import('../scan/signing/keyless.js');
    throw usage(NO_TRUST_ROOT);
  }
  return { kind: 'keyless', policy };
}

/** PATH/model.sig for a folder, PATH.sig for a file. */
async function defaultSignature(model: string): Promise<string> {
  try {
    return (await stat(model)).isDirectory() ? join(model, 'model.sig') : `${model}.sig`;
  } catch (e) {
    throw new BulwarkError('ERR_IO', `cannot read ${model}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { context: { path: model } });
  }
}

async function readSmall(path: string): Promise<Buffer> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    if (st.size > MAX_KEY_FILE) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    return await readFile(path);
  } catch (e) {
    throw new BulwarkError('ERR_IO', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { context: { path }, cause: e });
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, { flag: 'w' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new BulwarkError('ERR_IO', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { context: { path }, cause: e });
  }
}

function usage(message: string): BulwarkError {
  return new BulwarkError('ERR_INPUT_INVALID', message);
}

/** Variadic and repeatable options accumulate. */
function collect(value: string, previous: string[] | undefined): string[] {
  if (value === '') throw new InvalidArgumentError('expected a value');
  return [...(previous ?? []), value];
}
