// `bulwark sign` and `bulwark verify` in-process: options, the choice of verification mode, output and exit codes
// (0 verified, 1 not verified, 64 usage).
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../../test/fixtures/run-command.js';
import { memoryIo } from '../../test/fixtures/memory-io.js';
import { registerVerifyCommands } from './verify.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-verify-cli-'));
  mkdirSync(join(tmp, 'model'));
  writeFileSync(join(tmp, 'model', 'weights.bin'), Buffer.alloc(100, 3));
  writeFileSync(join(tmp, 'model', 'config.json'), '{}');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(tmp, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(tmp, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): Promise<CommandRun> {
  return runCommand([registerVerifyCommands], [...args], memoryIo({ cwd: tmp }));
}

describe('bulwark sign / verify', () => {
  it('signs into PATH/model.sig and verifies with the public key', async () => {
    const signed = await run('sign', 'model', '--key', 'key.pem');
    expect(signed).toMatchObject({ code: 0, out: '' });
    expect(signed.err).toMatch(/^signed model: 2 resources, root sha256 [0-9a-f]{64} \(key [0-9a-f]{16}…\) → .*model\.sig\n$/);
    const bundle = JSON.parse(readFileSync(join(tmp, 'model', 'model.sig'), 'utf8')) as { mediaType: string };
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    const v = await run('verify', 'model', '--key', 'pub.pem');
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^verified: model \(2 files, root sha256 [0-9a-f]{64}\), signed by key [0-9a-f]{16}… \(PKIX_ECDSA_P256_SHA_256\)\n$/);
  });

  it('exits 1 with the files that differ, and prints JSON on request', async () => {
    await run('sign', 'model', '--key', 'key.pem', '--output', 'sig.json');
    writeFileSync(join(tmp, 'model', 'weights.bin'), Buffer.alloc(100, 4));
    const v = await run('verify', 'model', '--key', 'pub.pem', '--signature', 'sig.json');
    expect(v.code).toBe(1);
    expect(v.err).toBe('not verified: the model does not match its signature: modified weights.bin\n');
    const j = await run('verify', 'model', '--key', 'pub.pem', '--signature', 'sig.json', '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toEqual({
      verified: false,
      error: { code: 'ERR_SIGNATURE', message: 'the model does not match its signature: modified weights.bin', context: { mismatches: [{ path: 'weights.bin', problem: 'modified' }] } },
    });
  });

  it('accepts unsigned files with --ignore-unsigned and says so', async () => {
    await run('sign', 'model', '--key', 'key.pem');
    writeFileSync(join(tmp, 'model', 'extra.txt'), 'x');
    expect((await run('verify', 'model', '--key', 'pub.pem')).code).toBe(1);
    const v = await run('verify', 'model', '--key', 'pub.pem', '--ignore-unsigned');
    expect(v.code).toBe(0);
    expect(v.err).toBe('warning: extra.txt is not covered by the signature (--ignore-unsigned)\n');
  });

  it('signs with blake2 in shards, leaving given paths out', async () => {
    writeFileSync(join(tmp, 'model', 'scratch.log'), 'log');
    const s = await run('sign', 'model', '--key', 'key.pem', '--hash', 'blake2', '--shard-size', '40', '--ignore-paths', 'scratch.log');
    expect(s.err).toMatch(/ 4 resources/); // weights.bin (100 bytes) in 3 shards, config.json in 1, nothing of scratch.log
    const v = await run('verify', 'model', '--key', 'pub.pem', '--json');
    expect(JSON.parse(v.out)).toMatchObject({ verified: true, serialization: { method: 'shards', hash_type: 'blake2', shard_size: 40 } });
  });

  it('is a usage error (64) to give no mode, two modes, half a keyless policy, or no trust root', async () => {
    await run('sign', 'model', '--key', 'key.pem');
    for (const args of [
      [],
      ['--key', 'pub.pem', '--certificate-chain', 'pub.pem'],
      ['--identity', 'a@b.c'],
      ['--identity', 'a@b.c', '--issuer', 'https://issuer'],
      ['--identity', 'a@b.c', '--issuer', 'https://issuer', '--trust-root', 'x.json', '--tuf'],
    ]) {
      const v = await run('verify', 'model', ...args);
      expect(v.code, args.join(' ')).toBe(64);
      expect(v.err).toMatch(/^bulwark: /);
    }
    expect((await run('verify', 'model', '--identity', 'a@b.c', '--issuer', 'https://i')).err).toMatch(/--trust-root trusted_root\.json \(offline\), or --tuf/);
  });

  it('is a usage error to sign with a missing or bad key, or a model with a symlink', async () => {
    expect((await run('sign', 'model', '--key', 'nope.pem')).code).toBe(64);
    writeFileSync(join(tmp, 'bad.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    const bad = await run('sign', 'model', '--key', 'bad.pem');
    expect(bad.code).toBe(64);
    expect(bad.err).toMatch(/bad\.pem is not a usable private key/);
    expect((await run('sign', 'model')).code).toBe(64); // --key is required
    expect((await run('verify', 'model', '--key', 'pub.pem')).code).toBe(64); // no model.sig yet: unreadable
    symlinkSync(join(tmp, 'key.pem'), join(tmp, 'model', 'link'));
    const linked = await run('sign', 'model', '--key', 'key.pem');
    expect(linked).toMatchObject({ code: 64, err: 'bulwark: link is a symbolic link; symlinks are refused unless allowed (--allow-symlinks)\n' });
    expect((await run('sign', 'model', '--key', 'key.pem', '--allow-symlinks')).err).toMatch(/link is a symbolic link that leads outside the model/);
  });

  it('signs an encrypted key with the passphrase from an environment variable', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(tmp, 'enc.pem'), privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }));
    writeFileSync(join(tmp, 'enc.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    expect((await run('sign', 'model', '--key', 'enc.pem')).code).toBe(64);
    process.env.BULWARK_TEST_KEY_PW = 'pw';
    try {
      expect((await run('sign', 'model', '--key', 'enc.pem', '--password-env', 'BULWARK_TEST_KEY_PW')).code).toBe(0);
    } finally {
      delete process.env.BULWARK_TEST_KEY_PW;
    }
    expect((await run('verify', 'model', '--key', 'enc.pub')).code).toBe(0);
  });

  it('never prints terminal escapes from file names', async () => {
    await run('sign', 'model', '--key', 'key.pem');
    writeFileSync(join(tmp, 'model', 'evil\u001b[31m.bin'), 'x');
    const v = await run('verify', 'model', '--key', 'pub.pem');
    expect(v.code).toBe(1);
    expect(v.err).not.toContain('\u001b');
    expect(v.err).toContain('unsigned evil\\u{1b}[31m.bin');
  });
});
