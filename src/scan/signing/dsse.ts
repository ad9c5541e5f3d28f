// DSSE pre-authentication encoding and the in-toto Statement v1 that carries a model-signing manifest
// (predicate `https://model_signing/signature/v1.0`; the v0.2 `Digests/v0.1` predicate is read for compatibility).
import { z } from 'zod';
import { compareResources, parseShardName, rootDigest, signatureError, type ModelManifest, type Resource, type Serialization } from './manifest.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
/** Predicate of model_signing v0.2 (one subject per file, no serialization section). */
export const PREDICATE_TYPE_V02 = 'https://model_signing/Digests/v0.1';

/** DSSE v1 PAE: `DSSEv1 <len(type)> <type> <len(body)> <body>`, lengths in bytes (secure-systems-lab/dsse protocol.md). */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/**
 * The encoding model_signing v0.2 signed by mistake: `DSSEV1 <len> <type> <len> ` followed by Python's `repr()` of
 * the payload bytes (`b'...'`). Verification falls back to it, as model-transparency does, for old signatures.
 */
export function paeCompat(payload: Buffer): Buffer {
  const type = IN_TOTO_PAYLOAD_TYPE;
  return Buffer.from(`DSSEV1 ${type.length} ${type} ${payload.length} ${pythonBytesRepr(payload)}`, 'utf8');
}

/** Python's `repr(bytes)`. */
export function pythonBytesRepr(data: Buffer): string {
  const quote = data.includes(0x27) && !data.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of data) {
    if (b === 0x5c) out += '\\\\';
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}${quote}`;
}

/** The in-toto statement of a manifest, as model-transparency writes it (two-space indented JSON). */
export function encodeStatement(manifest: ModelManifest): Buffer {
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: manifest.modelName, digest: { sha256: rootDigest(manifest.resources) } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      serialization: manifest.serialization,
      resources: manifest.resources.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest })),
    },
  };
  return Buffer.from(JSON.stringify(statement, null, 2), 'utf8');
}

const HEX = /^[0-9a-f]+$/;
const Digest = z.string().regex(HEX, 'expected lowercase hex').max(256);

/** Peers' payloads are parsed leniently: unknown fields pass; what we rely on is checked. */
const StatementSchema = z.looseObject({
  _type: z.string(),
  subject: z.array(z.looseObject({ name: z.string().max(4096), digest: z.looseObject({ sha256: Digest.optional() }) })).max(1_000_000),
  predicateType: z.string(),
  predicate: z.unknown(),
});

const PredicateSchema = z.looseObject({
  serialization: z.looseObject({
    method: z.enum(['files', 'shards']),
    hash_type: z.string(),
    allow_symlinks: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
    shard_size: z.number().int().positive().optional(),
    ignore_paths: z.array(z.string().max(4096)).max(100_000).optional(),
  }),
  resources: z.array(z.looseObject({ name: z.string().max(8192), algorithm: z.string().max(64), digest: Digest })).max(10_000_000),
});

export interface SignedStatement {
  manifest: ModelManifest;
  /** The subject's root digest (v1.0); undefined for v0.2 statements. */
  rootDigest?: string;
  predicateType: string;
}

/**
 * Parses the DSSE payload into a manifest and checks it is self-consistent: exactly one subject whose sha256 is
 * the root digest of the resources in the order given (step 2 of verification). Throws ERR_SIGNATURE.
 */
export function manifestFromStatement(payload: Buffer): SignedStatement {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    throw signatureError('the signed payload is not JSON');
  }
  const st = StatementSchema.safeParse(json);
  if (!st.success) throw signatureError(`the signed payload is not an in-toto statement: ${firstIssue(st.error)}`);
  const statement = st.data;
  if (statement._type !== STATEMENT_TYPE) throw signatureError(`expected an in-toto ${STATEMENT_TYPE} payload, got ${statement._type}`);
  if (statement.predicateType === PREDICATE_TYPE_V02) return manifestFromV02(statement.subject);
  if (statement.predicateType !== PREDICATE_TYPE) {
    throw signatureError(`unsupported predicate type ${statement.predicateType} (expected ${PREDICATE_TYPE})`);
  }
  if (statement.subject.length !== 1) throw signatureError(`expected exactly one subject, got ${statement.subject.length}`);
  const subject = statement.subject[0] as { name: string; digest: { sha256?: string } };
  const expected = subject.digest.sha256;
  if (expected === undefined || expected.length !== 64) throw signatureError('the subject has no sha256 digest');
  const pred = PredicateSchema.safeParse(statement.predicate);
  if (!pred.success) throw signatureError(`the model-signing predicate is invalid: ${firstIssue(pred.error)}`);
  const s = pred.data.serialization;
  const serialization: Serialization = {
    method: s.method,
    hash_type: s.hash_type,
    allow_symlinks: s.allow_symlinks === true || s.allow_symlinks === 'true',
  };
  if (s.method === 'shards') {
    if (s.shard_size === undefined) throw signatureError('the shards serialization has no shard_size');
    serialization.shard_size = s.shard_size;
  }
  if (s.ignore_paths !== undefined) serialization.ignore_paths = s.ignore_paths;
  const resources: Resource[] = pred.data.resources.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest }));
  const seen = new Set<string>();
  for (const r of resources) {
    if (seen.has(r.name)) throw signatureError(`the manifest lists ${r.name} twice`, { path: r.name });
    seen.add(r.name);
    if (s.method === 'shards' && parseShardName(r.name) === undefined) throw signatureError(`invalid shard name ${r.name}`, { path: r.name });
  }
  const actual = rootDigest(resources);
  if (actual !== expected) {
    throw signatureError(`the manifest is inconsistent: the subject digest is ${expected} but the resources hash to ${actual}`, {
      expected,
      actual,
    });
  }
  // Verification compares per name, so the order only mattered for the root digest; keep ours canonical.
  resources.sort((a, b) => compareResources(a, b, s.method));
  return { manifest: { modelName: subject.name, serialization, resources }, rootDigest: expected, predicateType: PREDICATE_TYPE };
}

function manifestFromV02(subjects: { name: string; digest: { sha256?: string } }[]): SignedStatement {
  const resources: Resource[] = [];
  for (const s of subjects) {
    if (s.digest.sha256 === undefined) throw signatureError(`subject ${s.name} has no sha256 digest`);
    resources.push({ name: s.name, algorithm: 'sha256', digest: s.digest.sha256 });
  }
  resources.sort((a, b) => compareResources(a, b, 'files'));
  return {
    manifest: { modelName: 'compat-undefined-not-present', serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false }, resources },
    predicateType: PREDICATE_TYPE_V02,
  };
}

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0];
  if (!i) return 'unexpected shape';
  return i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message;
}
