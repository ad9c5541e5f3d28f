// End to end: `bulwark sign` / `bulwark verify` / `bulwark pin` on model folders made here, in key, certificate and
// keyless mode, against every kind of tampering, and against bundles written by sigstore/model-transparency.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPinCommand } from '../src/cli/pin.js';
import { registerVerifyCommands } from '../src/cli/verify.js';
import { buildBundle, parseBundle } from '../src/scan/signing/bundle.js';
import { IN_TOTO_PAYLOAD_TYPE, pae } from '../src/scan/signing/dsse.js';
import { signData } from '../src/scan/signing/key.js';
import { issue } from '../src/scan/signing/testdata/pki.js';
import {
  MODEL_FILES_KEY,
  MODEL_FILES_SIGSTORE,
  MT_P384_PUBLIC_KEY,
  MT_SIGSTORE_IDENTITY,
  MT_SIGSTORE_ISSUER,
  MT_V110_KEY_BUNDLE,
  MT_V110_SIGSTORE_BUNDLE,
} from '../src/scan/signing/testdata/model-transparency.js';
import { writeModelCollection, writeTree } from '../src/scan/testdata/bom-fixtures.js';
import { runCommand, type CommandRun } from './fixtures/run-command.js';
import { memoryIo } from './fixtures/memory-io.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-e2e-sign-'));
  writeModelCollection(join(tmp, 'models'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  writeFileSync(join(tmp, 'signing-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(tmp, 'signing-key.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const other = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  writeFileSync(join(tmp, 'other.pub'), other.publicKey.export({ type: 'spki', format: 'pem' }));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]): Promise<CommandRun> {
  return runCommand([registerVerifyCommands, registerPinCommand], [...args], memoryIo({ cwd: tmp }));
}

const MODEL = 'models/tiny-llama';
const SIG = join(MODEL, 'model.sig');

describe('key mode, end to end', () => {
  beforeEach(async () => {
    expect((await bulwark('sign', MODEL, '--key', 'signing-key.pem')).code).toBe(0);
  });

  it('verifies the untouched model', async () => {
    const r = await bulwark('verify', MODEL, '--key', 'signing-key.pub', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ verified: true, subject: 'tiny-llama', resources: 5, signer: { kind: 'key', algorithm: 'PKIX_ECDSA_P384_SHA_384' } });
  });

  const tampering: [string, () => void, RegExp][] = [
    ['a modified file', () => writeFileSync(join(tmp, MODEL, 'config.json'), '{"model_type":"evil"}'), /modified config\.json/],
    ['an added file', () => writeFileSync(join(tmp, MODEL, 'pytorch_model.bin'), 'cos\nsystem\n'), /unsigned pytorch_model\.bin/],
    ['a removed file', () => rmSync(join(tmp, MODEL, 'onnx/model.onnx')), /missing onnx\/model\.onnx/],
    [
      'a modified payload',
      () => {
        const b = JSON.parse(readFileSync(join(tmp, SIG), 'utf8')) as { dsseEnvelope: { payload: string } };
        const text = Buffer.from(b.dsseEnvelope.payload, 'base64').toString().replace('"tiny-llama"', '"tiny-llamb"');
        b.dsseEnvelope.payload = Buffer.from(text).toString('base64');
        writeFileSync(join(tmp, SIG), JSON.stringify(b));
      },
      /the signature does not verify with the given public key/,
    ],
    [
      'a wrong digest in the subject (re-signed by an attacker who knows the key)',
      () => {
        const view = parseBundle(readFileSync(join(tmp, SIG), 'utf8'));
        const st = JSON.parse(view.payload.toString()) as { subject: { digest: { sha256: string } }[] };
        (st.subject[0] as { digest: { sha256: string } }).digest.sha256 = 'f'.repeat(64);
        const payload = Buffer.from(JSON.stringify(st));
        const key = readFileSync(join(tmp, 'signing-key.pem'));
        return import('node:crypto').then(({ createPrivateKey }) =>
          writeFileSync(join(tmp, SIG), buildBundle({ payload, signature: signData(createPrivateKey(key), pae(IN_TOTO_PAYLOAD_TYPE, payload)), hint: view.hint })),
        );
      },
      /the manifest is inconsistent: the subject digest is f{64}/,
    ],
  ];
  for (const [what, tamper, message] of tampering) {
    it(`fails (exit 1) on ${what}`, async () => {
      await tamper();
      const r = await bulwark('verify', MODEL, '--key', 'signing-key.pub');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
    });
  }

  it('fails (exit 1) with the wrong key', async () => {
    const r = await bulwark('verify', MODEL, '--key', 'other.pub');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^not verified: key mismatch: the signature was made with the key whose hint is [0-9a-f]{64}/);
  });

  it('works with pin: sign, then pin; both hold, and the lock catches a new signature', async () => {
    expect((await bulwark('pin', MODEL)).code).toBe(0);
    expect((await bulwark('verify', MODEL, '--key', 'signing-key.pub')).code).toBe(0);
    expect((await bulwark('pin', MODEL, '--check')).code).toBe(0);
    expect((await bulwark('sign', MODEL, '--key', 'signing-key.pem')).code).toBe(0); // re-signed: same manifest, new signature bytes
    const check = await bulwark('pin', MODEL, '--check');
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/^model\.sig: modified/);
  });
});

describe('certificate mode, end to end', () => {
  it('signs with a certificate chain and verifies against the root CA, naming the signer', async () => {
    const root = issue({ subject: 'Example Root CA', ca: true });
    const intermediate = issue({ subject: 'Example ML Signing CA', ca: true, issuer: root });
    const leaf = issue({ subject: 'release-bot', issuer: intermediate, email: 'release-bot@example.com', codeSigning: true });
    writeFileSync(join(tmp, 'leaf.key'), leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(tmp, 'leaf.pem'), leaf.pem);
    writeFileSync(join(tmp, 'intermediate.pem'), intermediate.pem);
    writeFileSync(join(tmp, 'root.pem'), root.pem);
    const signed = await bulwark('sign', MODEL, '--key', 'leaf.key', '--signing-certificate', 'leaf.pem', '--certificate-chain', 'intermediate.pem');
    expect(signed.code).toBe(0);
    const r = await bulwark('verify', MODEL, '--certificate-chain', 'root.pem');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/signed by certificate email:release-bot@example\.com issued by CN=Example ML Signing CA/);
    // Another CA with the same name does not do.
    writeFileSync(join(tmp, 'impostor.pem'), issue({ subject: 'Example Root CA', ca: true }).pem);
    const wrong = await bulwark('verify', MODEL, '--certificate-chain', 'impostor.pem');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/does not chain to a trusted certificate/);
  });
});

describe('interoperability with sigstore/model-transparency', () => {
  it('verifies its v1.1 key-mode bundle through the CLI', async () => {
    writeTree(join(tmp, 'v1.1.0-elliptic-key'), { ...MODEL_FILES_KEY, 'ignore-me': 'x' });
    writeFileSync(join(tmp, 'mt.sig'), MT_V110_KEY_BUNDLE);
    writeFileSync(join(tmp, 'mt.pub'), MT_P384_PUBLIC_KEY);
    const r = await bulwark('verify', 'v1.1.0-elliptic-key', '--signature', 'mt.sig', '--key', 'mt.pub');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('root sha256 92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4');
  });

  it('verifies its keyless bundle offline with --trust-root, and fails for another identity', async () => {
    writeTree(join(tmp, 'v1.1.0-sigstore'), MODEL_FILES_SIGSTORE);
    writeFileSync(join(tmp, 'mt.sig'), MT_V110_SIGSTORE_BUNDLE);
    const require = createRequire(import.meta.url);
    const seeds = require('@sigstore/tuf/seeds.json') as Record<string, { targets: Record<string, string> }>;
    writeFileSync(join(tmp, 'trusted_root.json'), Buffer.from(seeds['https://tuf-repo-cdn.sigstore.dev']?.targets['trusted_root.json'] ?? '', 'base64'));
    const args = ['verify', 'v1.1.0-sigstore', '--signature', 'mt.sig', '--issuer', MT_SIGSTORE_ISSUER, '--trust-root', 'trusted_root.json'];
    const ok = await bulwark(...args, '--identity', MT_SIGSTORE_IDENTITY);
    expect(ok.code).toBe(0);
    expect(ok.out).toBe(`verified: v1.1.0-sigstore (2 files, root sha256 61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226), signed by ${MT_SIGSTORE_IDENTITY} (issuer ${MT_SIGSTORE_ISSUER})\n`);
    const other = await bulwark(...args, '--identity', 'someone@example.com');
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/certificate identity error/);
  });
});
