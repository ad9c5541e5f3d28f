// The manifest, the DSSE encodings, the DER reader and key handling: known vectors, model-transparency's ordering,
// and fuzzing of everything that reads a peer's bytes.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { decodeBase64, parseBundle } from './bundle.js';
import { certificateExtensions, decodeOid, keyUsage } from './der.js';
import { encodeStatement, manifestFromStatement, pae, paeCompat, pythonBytesRepr } from './dsse.js';
import { keyAlgorithm, loadPrivateKey, loadPublicKey, publicKeyHint, signData, verifyData } from './key.js';
import { compareResources, isIgnored, normaliseIgnorePath, rootDigest, serializeModel } from './manifest.js';
import { issue } from './testdata/pki.js';
import { MT_P384_PUBLIC_KEY } from './testdata/model-transparency.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-manifest-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer): void {
  mkdirSync(join(tmp, rel, '..'), { recursive: true });
  writeFileSync(join(tmp, rel), content);
}

describe('serializeModel', () => {
  it('hashes files in model-transparency order and computes the root digest over raw digests', async () => {
    write('signme-1', 'signme-1\n');
    write('signme-2', 'signme-2');
    const { manifest } = await serializeModel(tmp);
    expect(manifest.resources).toEqual([
      { name: 'signme-1', algorithm: 'sha256', digest: 'bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc' },
      { name: 'signme-2', algorithm: 'sha256', digest: '32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028' },
    ]);
    // The subject digest of model-transparency's v1.1.0-elliptic-key fixture, which signs these two files.
    expect(rootDigest(manifest.resources)).toBe('92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4');
  });

  it('sorts by path components like PurePosixPath (a/b before a.txt), astral characters by code point', async () => {
    for (const f of ['a.txt', 'a/b', 'a-b', 'B', 'é', '\u{1F600}', '\uFB01']) write(f, f);
    const { manifest } = await serializeModel(tmp);
    expect(manifest.resources.map((r) => r.name)).toEqual(['B', 'a/b', 'a-b', 'a.txt', 'é', '\uFB01', '\u{1F600}']);
  });

  it('leaves out the default git paths, ignored paths and folders; records them', async () => {
    write('w.bin', 'w');
    write('.git/config', 'x');
    write('.gitattributes', 'x');
    write('sub/.gitkeep', '');
    write('cache/a', 'a');
    write('notes.md', 'n');
    const { manifest } = await serializeModel(tmp, { ignorePaths: ['./cache/', 'notes.md'], ignoreAllGitNames: true });
    expect(manifest.resources.map((r) => r.name)).toEqual(['w.bin']);
    expect(manifest.serialization.ignore_paths).toEqual(['.git', '.gitattributes', '.github', '.gitignore', 'cache', 'notes.md', 'sub/.gitkeep']);
    // Without ignoreAllGitNames (verification), only the default root-level git paths are left out.
    const verifying = await serializeModel(tmp, { ignorePaths: ['cache', 'notes.md'] });
    expect(verifying.manifest.resources.map((r) => r.name)).toEqual(['sub/.gitkeep', 'w.bin']);
  });

  it('hashes with blake2b and in shards, empty files giving no shard', async () => {
    write('abc', 'abc');
    write('empty', '');
    const { manifest } = await serializeModel(tmp, { hashType: 'blake2', method: 'shards', shardSize: 2 });
    expect(manifest.serialization).toMatchObject({ method: 'shards', hash_type: 'blake2', shard_size: 2 });
    expect(manifest.resources.map((r) => r.name)).toEqual(['abc:0:2', 'abc:2:3']);
    const whole = await serializeModel(join(tmp, 'abc'), { hashType: 'blake2' });
    expect(whole.manifest.resources).toEqual([
      {
        name: '.',
        algorithm: 'blake2b',
        digest: 'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
      },
    ]);
  });

  it('orders shards numerically within a file', () => {
    const r = (name: string) => ({ name, algorithm: 'sha256', digest: '' });
    const sorted = [r('a:10:20'), r('a:2:10'), r('a/b:0:1'), r('a:0:2')].sort((x, y) => compareResources(x, y, 'shards'));
    expect(sorted.map((x) => x.name)).toEqual(['a:0:2', 'a:2:10', 'a:10:20', 'a/b:0:1']);
  });

  it('refuses an empty model', async () => {
    write('.gitignore', 'x');
    await expect(serializeModel(tmp)).rejects.toThrow(/contains no regular files/);
  });

  it('normalises and matches ignore paths', () => {
    expect(normaliseIgnorePath('./a/b/')).toBe('a/b');
    expect(normaliseIgnorePath('a\\b')).toBe('a/b');
    expect(isIgnored('a/b/c', ['a/b'])).toBe(true);
    expect(isIgnored('a/bc', ['a/b'])).toBe(false);
  });
});

describe('DSSE', () => {
  it('encodes the PAE of the DSSE specification example', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    expect(pae('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it("reproduces Python's bytes repr for the v0.2 compatibility PAE", () => {
    expect(pythonBytesRepr(Buffer.from('{"a": "b"}\n'))).toBe(`b'{"a": "b"}\\n'`);
    expect(pythonBytesRepr(Buffer.from("it's"))).toBe(`b"it's"`);
    expect(pythonBytesRepr(Buffer.from([...Buffer.from(`both ' and "\t\r`), 0, 0x7f, 0xff, 0x5c]))).toBe(`b'both \\' and "\\t\\r\\x00\\x7f\\xff\\\\'`);
    expect(paeCompat(Buffer.from('{}')).toString()).toBe("DSSEV1 28 application/vnd.in-toto+json 2 b'{}'");
  });

  it('round-trips a manifest through the in-toto statement', async () => {
    write('x', 'x');
    const { manifest } = await serializeModel(tmp);
    const back = manifestFromStatement(encodeStatement(manifest));
    expect(back.manifest.resources).toEqual(manifest.resources);
    expect(back.rootDigest).toBe(rootDigest(manifest.resources));
  });

  it('rejects statements that are not model signatures', () => {
    const ok = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'm', digest: { sha256: rootDigest([{ name: 'f', algorithm: 'sha256', digest: 'ab' }]) } }],
      predicateType: 'https://model_signing/signature/v1.0',
      predicate: { serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false }, resources: [{ name: 'f', algorithm: 'sha256', digest: 'ab' }] },
    };
    const bad = (patch: (s: typeof ok) => unknown, message: RegExp) =>
      expect(() => manifestFromStatement(Buffer.from(JSON.stringify(patch(structuredClone(ok)))))).toThrow(message);
    expect(manifestFromStatement(Buffer.from(JSON.stringify(ok))).manifest.resources).toHaveLength(1);
    bad((s) => ({ ...s, _type: 'x' }), /expected an in-toto/);
    bad((s) => ({ ...s, predicateType: 'https://slsa.dev/provenance/v1' }), /unsupported predicate type/);
    bad((s) => ({ ...s, subject: [...s.subject, ...s.subject] }), /exactly one subject/);
    bad((s) => ({ ...s, predicate: { ...s.predicate, resources: [...s.predicate.resources, ...s.predicate.resources] } }), /lists f twice/);
    bad((s) => ({ ...s, predicate: { ...s.predicate, serialization: { method: 'tensors' } } }), /predicate is invalid/);
  });

  it('reads the v0.2 predicate (one subject per file)', () => {
    const st = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: 'b', digest: { sha256: 'bb' } },
        { name: 'a', digest: { sha256: 'aa' } },
      ],
      predicateType: 'https://model_signing/Digests/v0.1',
      predicate: {},
    };
    const { manifest, rootDigest: root } = manifestFromStatement(Buffer.from(JSON.stringify(st)));
    expect(root).toBeUndefined();
    expect(manifest.resources.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('never throws anything but ERR_SIGNATURE on random payloads and bundles', () => {
    const only = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (!(e instanceof BulwarkError) || e.code !== 'ERR_SIGNATURE') throw e;
      }
    };
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string(), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'))), (text) => {
        only(() => manifestFromStatement(Buffer.from(text)));
        only(() => parseBundle(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('keys', () => {
  it('computes the model-transparency hint of a PEM public key', () => {
    expect(publicKeyHint(loadPublicKey(Buffer.from(MT_P384_PUBLIC_KEY), 'pub.pem'))).toBe('e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e');
  });

  it('uses the curve hash for ECDSA and accepts DER and raw signatures', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(keyAlgorithm(publicKey)).toEqual({ hash: 'sha384', details: 'PKIX_ECDSA_P384_SHA_384' });
    const sig = signData(privateKey, Buffer.from('m'));
    expect(verifyData(publicKey, Buffer.from('m'), sig)).toBe(true);
    expect(verifyData(publicKey, Buffer.from('n'), sig)).toBe(false);
    expect(verifyData(publicKey, Buffer.from('m'), Buffer.from('garbage'))).toBe(false);
  });

  it('refuses weak or unsupported keys and garbage with ERR_CONFIG_INVALID', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => loadPrivateKey(Buffer.from(weak.privateKey.export({ type: 'pkcs8', format: 'pem' })), 'weak.pem')).toThrow(/too weak/);
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(() => loadPublicKey(Buffer.from(k1.publicKey.export({ type: 'spki', format: 'pem' })), 'k1.pem')).toThrow(/unsupported elliptic curve secp256k1/);
    expect(() => loadPublicKey(Buffer.from('hello'), 'x.pem')).toThrow(BulwarkError);
  });
});

describe('DER and base64', () => {
  it('reads extensions and key usage of a certificate', () => {
    const root = issue({ subject: 'r', ca: true });
    const leaf = issue({ subject: 'l', issuer: root, email: 'a@b.c' });
    expect([...certificateExtensions(leaf.cert.raw).keys()]).toEqual(['2.5.29.15', '2.5.29.17']);
    expect(keyUsage(leaf.cert.raw)).toEqual({ digitalSignature: true, keyCertSign: false });
    expect(keyUsage(root.cert.raw)).toEqual({ digitalSignature: false, keyCertSign: true });
    expect(decodeOid(Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]))).toBe('1.2.840.113549');
  });

  it('never reads out of bounds on mutated certificates', () => {
    const der = issue({ subject: 'l' }).cert.raw;
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(der.length), (pos, byte, cut) => {
        const m = Buffer.from(der.subarray(0, Math.max(cut, pos + 1)));
        m[pos] = byte;
        try {
          keyUsage(m);
        } catch (e) {
          if (!(e instanceof BulwarkError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes strict base64 only', () => {
    expect(decodeBase64('aGk=', 'x').toString()).toBe('hi');
    expect(decodeBase64('aGk', 'x').toString()).toBe('hi');
    expect(decodeBase64('-_8=', 'x')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(() => decodeBase64('a$Gk=', 'payload')).toThrow(/payload is not valid base64/);
    expect(() => decodeBase64('aGkxa', 'payload')).toThrow(/not valid base64/);
  });
});
