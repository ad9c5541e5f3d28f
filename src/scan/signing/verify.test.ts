// Sign and verify model folders in all three modes, against tampering of every kind, and against bundles made
// by sigstore/model-transparency itself (key mode v1.0 and v1.1 layouts, keyless Sigstore).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { parseBundle } from './bundle.js';
import { loadPublicKey } from './key.js';
import { signModel } from './sign.js';
import { issue } from './testdata/pki.js';
import {
  MODEL_FILES_KEY,
  MODEL_FILES_SIGSTORE,
  MT_P384_PUBLIC_KEY,
  MT_SIGSTORE_IDENTITY,
  MT_SIGSTORE_ISSUER,
  MT_V101_KEY_BUNDLE,
  MT_V110_KEY_BUNDLE,
  MT_V110_SIGSTORE_BUNDLE,
} from './testdata/model-transparency.js';
import { verifyModel, type VerifyMode } from './verify.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-sign-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function makeModel(name = 'tiny-model', files: Record<string, string | Buffer> = defaultFiles()): string {
  const dir = join(tmp, name);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

function defaultFiles(): Record<string, string | Buffer> {
  return {
    'config.json': JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama' }),
    'model.safetensors': Buffer.alloc(4096, 7),
    'tokenizer/tokenizer.json': '{"version":"1.0"}',
    '.gitattributes': '*.safetensors filter=lfs',
    '.git/HEAD': 'ref: refs/heads/main',
  };
}

async function signWith(dir: string, privateKey: KeyObject, extra: Partial<Parameters<typeof signModel>[1]> = {}): Promise<string> {
  const signaturePath = join(dir, 'model.sig');
  const { bundle } = await signModel(dir, { privateKey, signaturePath, ...extra });
  writeFileSync(signaturePath, bundle);
  return signaturePath;
}

async function failure(p: Promise<unknown>): Promise<BulwarkError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BulwarkError);
  return e as BulwarkError;
}

const keyMode = (publicKey: KeyObject): VerifyMode => ({ kind: 'key', publicKey });

describe('key mode', () => {
  for (const [label, make] of [
    ['P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
    ['P-521', () => generateKeyPairSync('ec', { namedCurve: 'P-521' })],
    ['Ed25519', () => generateKeyPairSync('ed25519')],
    ['RSA-2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ] as const) {
    it(`signs and verifies with ${label}`, async () => {
      const { privateKey, publicKey } = make();
      const dir = makeModel();
      const signature = await signWith(dir, privateKey);
      const r = await verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey) });
      expect(r.resources).toBe(3);
      expect(r.subject).toBe('tiny-model');
      expect(r.signer.kind).toBe('key');
      expect(r.warnings).toEqual([]);
    });
  }

  it('writes the bundle layout of model-transparency v1.1', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    const bundle = JSON.parse(readFileSync(await signWith(dir, privateKey), 'utf8')) as Record<string, unknown>;
    const reference = JSON.parse(MT_V110_KEY_BUNDLE) as Record<string, unknown>;
    const shape = (o: unknown): unknown =>
      Array.isArray(o) ? o.map(shape) : o !== null && typeof o === 'object' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shape(v)])) : typeof o;
    expect(shape(bundle)).toEqual(shape(reference));
    const view = parseBundle(JSON.stringify(bundle));
    const statement = JSON.parse(view.payload.toString('utf8')) as { predicate: { serialization: { ignore_paths: string[] }; resources: { name: string }[] } };
    expect(statement.predicate.resources.map((r) => r.name)).toEqual(['config.json', 'model.safetensors', 'tokenizer/tokenizer.json']);
    expect(statement.predicate.serialization.ignore_paths).toEqual(['.git', '.gitattributes', '.github', '.gitignore', 'bulwark.lock', 'model.sig']);
  });

  it('fails on a modified, an added and a removed file, naming each', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    const signature = await signWith(dir, privateKey);
    writeFileSync(join(dir, 'model.safetensors'), Buffer.alloc(4096, 8));
    writeFileSync(join(dir, 'extra.pkl'), 'not signed');
    rmSync(join(dir, 'tokenizer/tokenizer.json'));
    const e = await failure(verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey) }));
    expect(e.code).toBe('ERR_SIGNATURE');
    expect(e.context.mismatches).toEqual([
      { path: 'model.safetensors', problem: 'modified' },
      { path: 'tokenizer/tokenizer.json', problem: 'missing' },
      { path: 'extra.pkl', problem: 'unsigned' },
    ]);
    expect(e.message).toContain('modified model.safetensors');
  });

  it('accepts unsigned extra files with ignoreUnsigned, and reports them', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    const signature = await signWith(dir, privateKey);
    writeFileSync(join(dir, 'notes.txt'), 'added later');
    const r = await verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey), ignoreUnsigned: true });
    expect(r.unsigned).toEqual(['notes.txt']);
    // A missing signed file still fails.
    rmSync(join(dir, 'config.json'));
    const e = await failure(verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey), ignoreUnsigned: true }));
    expect(e.context.mismatches).toEqual([{ path: 'config.json', problem: 'missing' }]);
  });

  it('fails with the wrong key, naming the key hints', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    const signature = await signWith(dir, privateKey);
    const e = await failure(verifyModel(dir, { signaturePath: signature, mode: keyMode(other.publicKey) }));
    expect(e.message).toMatch(/key mismatch/);
  });

  it('fails when the payload is modified, even with a consistent root digest', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    const signature = await signWith(dir, privateKey);
    const bundle = JSON.parse(readFileSync(signature, 'utf8')) as { dsseEnvelope: { payload: string } };
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as { subject: { name: string }[] };
    (statement.subject[0] as { name: string }).name = 'other-model';
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    writeFileSync(signature, JSON.stringify(bundle));
    const e = await failure(verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey) }));
    expect(e.message).toBe('the signature does not verify with the given public key');
  });

  it('fails when the subject digest does not match the resources (signed by the attacker key, checked in step 2)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    // A statement whose resources were edited after the root digest was computed, then re-signed.
    const { signData } = await import('./key.js');
    const { pae, IN_TOTO_PAYLOAD_TYPE } = await import('./dsse.js');
    const { buildBundle } = await import('./bundle.js');
    const signature = await signWith(dir, privateKey);
    const view = parseBundle(readFileSync(signature, 'utf8'));
    const statement = JSON.parse(view.payload.toString('utf8')) as { predicate: { resources: { digest: string }[] } };
    (statement.predicate.resources[0] as { digest: string }).digest = '00'.repeat(32);
    const payload = Buffer.from(JSON.stringify(statement));
    writeFileSync(signature, buildBundle({ payload, signature: signData(privateKey, pae(IN_TOTO_PAYLOAD_TYPE, payload)), hint: view.hint }));
    const e = await failure(verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey) }));
    expect(e.message).toMatch(/manifest is inconsistent: the subject digest is [0-9a-f]{64} but the resources hash to [0-9a-f]{64}/);
  });

  it('signs a single file (resource ".") and a folder signed with blake2 and shards', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const dir = makeModel();
    const file = join(dir, 'model.safetensors');
    const sigPath = join(tmp, 'single.sig');
    const single = await signModel(file, { privateKey, signaturePath: sigPath });
    expect(single.manifest.resources.map((r) => r.name)).toEqual(['.']);
    writeFileSync(sigPath, single.bundle);
    await expect(verifyModel(file, { signaturePath: sigPath, mode: keyMode(publicKey) })).resolves.toMatchObject({ resources: 1 });

    const sharded = await signModel(dir, { privateKey, signaturePath: join(dir, 'model.sig'), hashType: 'blake2', method: 'shards', shardSize: 1000 });
    expect(sharded.manifest.resources.filter((r) => r.name.startsWith('model.safetensors:')).map((r) => r.name)).toEqual([
      'model.safetensors:0:1000',
      'model.safetensors:1000:2000',
      'model.safetensors:2000:3000',
      'model.safetensors:3000:4000',
      'model.safetensors:4000:4096',
    ]);
    expect(sharded.manifest.resources[0]?.algorithm).toBe('blake2b');
    writeFileSync(join(dir, 'model.sig'), sharded.bundle);
    await expect(verifyModel(dir, { signaturePath: join(dir, 'model.sig'), mode: keyMode(publicKey) })).resolves.toMatchObject({ resources: 7 });
    writeFileSync(join(dir, 'model.safetensors'), Buffer.alloc(4097, 7)); // grows by one byte: a new shard appears
    const e = await failure(verifyModel(dir, { signaturePath: join(dir, 'model.sig'), mode: keyMode(publicKey) }));
    expect(e.context.mismatches).toEqual([{ path: 'model.safetensors', problem: 'modified' }]);
  });

  it('refuses symlinks unless allowed, and never follows one outside the model', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    writeFileSync(join(tmp, 'outside.bin'), 'secret');
    symlinkSync(join(dir, 'config.json'), join(dir, 'alias.json'));
    await expect(signWith(dir, privateKey)).rejects.toThrow(/alias\.json is a symbolic link/);
    const signature = await signWith(dir, privateKey, { allowSymlinks: true });
    await expect(verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey) })).resolves.toMatchObject({ resources: 4 });
    symlinkSync(join(tmp, 'outside.bin'), join(dir, 'escape.bin'));
    await expect(verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey) })).rejects.toThrow(/escape\.bin is a symbolic link that leads outside the model/);
  });

  it('rejects garbage signature files with ERR_SIGNATURE', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    for (const [content, message] of [
      ['not json', /not JSON/],
      ['{}', /not a Sigstore bundle/],
      [JSON.stringify({ mediaType: 'x', verificationMaterial: {} }), /unsupported bundle media type/],
      [
        JSON.stringify({
          mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
          verificationMaterial: { publicKey: { hint: 'ab' } },
          dsseEnvelope: { payload: '!!!', payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'AA==' }] },
        }),
        /payload is not valid base64/,
      ],
    ] as const) {
      writeFileSync(join(dir, 'model.sig'), content);
      const e = await failure(verifyModel(dir, { signaturePath: join(dir, 'model.sig'), mode: keyMode(publicKey) }));
      expect(e.code).toBe('ERR_SIGNATURE');
      expect(e.message).toMatch(message);
    }
  });
});

describe('mutated bundles', () => {
  it('reject every one-character change with a BulwarkError, never another exception', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const dir = makeModel();
    const signature = await signWith(dir, privateKey);
    const good = readFileSync(signature, 'utf8');
    const alphabet = 'Aa0+/={}[]",:x\\';
    await fc.assert(
      fc.asyncProperty(fc.nat(good.length - 1), fc.nat(alphabet.length - 1), async (pos, c) => {
        const mutated = good.slice(0, pos) + alphabet[c] + good.slice(pos + 1);
        writeFileSync(signature, mutated);
        const outcome = await verifyModel(dir, { signaturePath: signature, mode: keyMode(publicKey) }).then(
          () => 'verified',
          (e: unknown) => (e instanceof BulwarkError ? e.code : e),
        );
        // A change that keeps the bundle equivalent (e.g. the keyid, or base64 padding) may still verify.
        expect(['verified', 'ERR_SIGNATURE']).toContain(outcome);
      }),
      { numRuns: 150 },
    );
  });
});

describe('certificate mode', () => {
  it('verifies a chain to a trusted root and reports the identity', async () => {
    const root = issue({ subject: 'root-ca', ca: true });
    const intermediate = issue({ subject: 'intermediate-ca', ca: true, issuer: root });
    const leaf = issue({ subject: 'ml-signer', issuer: intermediate, email: 'ml@example.com' });
    const dir = makeModel();
    const signature = await signWith(dir, leaf.privateKey, { certificates: [leaf.cert, intermediate.cert] });
    const r = await verifyModel(dir, { signaturePath: signature, mode: { kind: 'certificate', trusted: [root.cert] } });
    expect(r.signer).toMatchObject({ kind: 'certificate', identity: { subject: 'CN=ml-signer', subjectAltName: 'email:ml@example.com' } });
    if (r.signer.kind === 'certificate') expect(r.signer.chain).toHaveLength(3);
  });

  it('fails for an untrusted root, a certificate not fit for signing, an expired intermediate and a wrong key', async () => {
    const root = issue({ subject: 'root-ca', ca: true });
    const stranger = issue({ subject: 'root-ca', ca: true });
    const leaf = issue({ subject: 'ml-signer', issuer: root });
    const dir = makeModel();
    let signature = await signWith(dir, leaf.privateKey, { certificates: [leaf.cert] });
    await expect(verifyModel(dir, { signaturePath: signature, mode: { kind: 'certificate', trusted: [stranger.cert] } })).rejects.toThrow(
      /does not chain to a trusted certificate/,
    );

    const noUsage = issue({ subject: 'no-usage', issuer: root, keyUsage: 'keyCertSign' });
    await expect(signWith(dir, noUsage.privateKey, { certificates: [noUsage.cert] })).rejects.toThrow(/may not be used for signing/);
    const codeSigning = issue({ subject: 'code-signer', issuer: root, keyUsage: 'none', codeSigning: true });
    signature = await signWith(dir, codeSigning.privateKey, { certificates: [codeSigning.cert] });
    await expect(verifyModel(dir, { signaturePath: signature, mode: { kind: 'certificate', trusted: [root.cert] } })).resolves.toBeDefined();

    const old = issue({ subject: 'old-ca', ca: true, issuer: root, notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
    const late = issue({ subject: 'late-signer', issuer: old });
    signature = await signWith(dir, late.privateKey, { certificates: [late.cert, old.cert] });
    await expect(verifyModel(dir, { signaturePath: signature, mode: { kind: 'certificate', trusted: [root.cert] } })).rejects.toThrow(/does not chain/);

    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(signWith(dir, other.privateKey, { certificates: [leaf.cert] })).rejects.toThrow(/does not belong to the private key/);
  });

  it('tells the user which mode a bundle needs', async () => {
    const root = issue({ subject: 'root-ca', ca: true });
    const leaf = issue({ subject: 'ml-signer', issuer: root });
    const dir = makeModel();
    const signature = await signWith(dir, leaf.privateKey, { certificates: [leaf.cert] });
    await expect(verifyModel(dir, { signaturePath: signature, mode: keyMode(leaf.publicKey) })).rejects.toThrow(/certificate chain \(verify it with --certificate-chain\)/);
  });
});

describe('bundles made by model-transparency', () => {
  function fixtureFolder(name: string, files: Record<string, string>, bundle: string): { dir: string; signature: string } {
    const dir = makeModel(name, { ...files, 'ignore-me': 'listed in ignore_paths' });
    const signature = join(tmp, `${name}.sig`);
    writeFileSync(signature, bundle);
    return { dir, signature };
  }

  it('verifies a v1.1 key-mode bundle (P-384, hint, ignore_paths) and rejects a tampered file', async () => {
    const key = loadPublicKey(Buffer.from(MT_P384_PUBLIC_KEY), 'p384.pem');
    const { dir, signature } = fixtureFolder('v1.1.0-elliptic-key', MODEL_FILES_KEY, MT_V110_KEY_BUNDLE);
    const r = await verifyModel(dir, { signaturePath: signature, mode: keyMode(key) });
    expect(r).toMatchObject({ subject: 'v1.1.0-elliptic-key', resources: 2, rootDigest: '92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4' });
    expect(r.warnings).toEqual([]);
    writeFileSync(join(dir, 'signme-2'), 'signme-3');
    await expect(verifyModel(dir, { signaturePath: signature, mode: keyMode(key) })).rejects.toThrow(/modified signme-2/);
  });

  it('verifies a v1.0 key-mode bundle (publicKey.rawBytes, keyid null) with a warning', async () => {
    const key = loadPublicKey(Buffer.from(MT_P384_PUBLIC_KEY), 'p384.pem');
    const { dir, signature } = fixtureFolder('v1.0.1-elliptic-key', MODEL_FILES_KEY, MT_V101_KEY_BUNDLE);
    // v1.0 signatures record no ignore_paths: `ignore-me` is an unsigned file there.
    await expect(verifyModel(dir, { signaturePath: signature, mode: keyMode(key) })).rejects.toThrow(/unsigned ignore-me/);
    rmSync(join(dir, 'ignore-me'));
    const r = await verifyModel(dir, { signaturePath: signature, mode: keyMode(key) });
    expect(r.warnings).toEqual(['the signature uses the older verification material format (no public-key hint)']);
  });

  it('verifies a keyless Sigstore bundle offline against the public-good trust root', async () => {
    const trustRoot = join(tmp, 'trusted_root.json');
    writeFileSync(trustRoot, publicGoodTrustedRoot());
    const { dir, signature } = fixtureFolder('v1.1.0-sigstore', MODEL_FILES_SIGSTORE, MT_V110_SIGSTORE_BUNDLE);
    const mode = (identity: string, issuer = MT_SIGSTORE_ISSUER): VerifyMode => ({ kind: 'keyless', policy: { identity, issuer, trustRootPath: trustRoot } });
    const r = await verifyModel(dir, { signaturePath: signature, mode: mode(MT_SIGSTORE_IDENTITY) });
    expect(r.signer).toEqual({ kind: 'keyless', identity: MT_SIGSTORE_IDENTITY, issuer: MT_SIGSTORE_ISSUER });
    // The identity is matched exactly, not as a pattern.
    await expect(verifyModel(dir, { signaturePath: signature, mode: mode('stefanb@us.ibm.co') })).rejects.toThrow(/certificate identity error/);
    await expect(verifyModel(dir, { signaturePath: signature, mode: mode('stefanb.us.ibm.com') })).rejects.toThrow(/certificate identity error/);
    await expect(verifyModel(dir, { signaturePath: signature, mode: mode(MT_SIGSTORE_IDENTITY, 'https://accounts.google.com') })).rejects.toThrow(
      /invalid certificate extension/,
    );
    writeFileSync(join(dir, 'signme-1'), 'tampered');
    await expect(verifyModel(dir, { signaturePath: signature, mode: mode(MT_SIGSTORE_IDENTITY) })).rejects.toThrow(/modified signme-1/);
  });

  it('refuses keyless verification without a trust root, fetching nothing', async () => {
    const { dir, signature } = fixtureFolder('v1.1.0-sigstore', MODEL_FILES_SIGSTORE, MT_V110_SIGSTORE_BUNDLE);
    const e = await failure(
      verifyModel(dir, { signaturePath: signature, mode: { kind: 'keyless', policy: { identity: MT_SIGSTORE_IDENTITY, issuer: MT_SIGSTORE_ISSUER } } }),
    );
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.message).toMatch(/--trust-root trusted_root.json/);
  });
});

/** The public-good trusted_root.json that the installed @sigstore/tuf package seeds its cache with. */
function publicGoodTrustedRoot(): string {
  const require = createRequire(import.meta.url);
  const seeds = require('@sigstore/tuf/seeds.json') as Record<string, { targets: Record<string, string> }>;
  const target = seeds['https://tuf-repo-cdn.sigstore.dev']?.targets['trusted_root.json'];
  if (!target) throw new Error('the @sigstore/tuf seeds hold no trusted_root.json');
  return Buffer.from(target, 'base64').toString('utf8');
}
