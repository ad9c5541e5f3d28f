// Verified JWT claims → Principal: which claim names the caller, and optional claims that select policy, models
// and limits. A claim that is present but malformed fails the token (fail closed) instead of being ignored.
import type { JWTPayload } from 'jose';
import { ANY_MODEL, type Principal, type PrincipalLimits } from './principal.js';

export interface ClaimMapping {
  /** Claim naming the caller (default `sub`). */
  principalClaim?: string;
  /** Claim used as display name (default: the principal claim). */
  nameClaim?: string;
  /** Claim holding a policy name. */
  policyClaim?: string;
  /** Claim holding model globs: an array of strings, or one space-separated string (like `scope`). */
  modelsClaim?: string;
  /** Claim holding `{ rpm?, tpm?, concurrency? }` (positive integers). */
  limitsClaim?: string;
  /** Used when the token does not carry the claim. */
  defaultPolicy?: string;
  /** Used when the token has no models claim (default `['*']`). */
  defaultModels?: readonly string[];
  /** Used when the token has no limits claim. */
  defaultLimits?: PrincipalLimits;
}

export type ClaimsResult = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly detail: string };

const MAX_CLAIM_STRING = 256;
const MAX_MODELS = 256;
const WHITESPACE = /\s+/;

function claimString(payload: JWTPayload, name: string): string | undefined | null {
  const v = payload[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_CLAIM_STRING ? v : null;
}

function claimModels(payload: JWTPayload, name: string): readonly string[] | undefined | null {
  const v = payload[name];
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? v.split(WHITESPACE).filter((s) => s.length > 0) : v;
  if (!Array.isArray(list) || list.length > MAX_MODELS) return null;
  for (const m of list) if (typeof m !== 'string' || m.length === 0 || m.length > MAX_CLAIM_STRING) return null;
  return Object.freeze([...(list as string[])]);
}

function positiveInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function claimLimits(payload: JWTPayload, name: string): PrincipalLimits | undefined | null {
  const v = payload[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const src = v as Record<string, unknown>;
  const out: { rpm?: number; tpm?: number; concurrency?: number } = {};
  for (const k of ['rpm', 'tpm', 'concurrency'] as const) {
    if (src[k] === undefined) continue;
    if (!positiveInt(src[k])) return null;
    out[k] = src[k] as number;
  }
  return Object.freeze(out);
}

/** The principal named by verified claims, or why the claims cannot make one. */
export function principalFromClaims(payload: JWTPayload, mapping: ClaimMapping): ClaimsResult {
  const principalClaim = mapping.principalClaim ?? 'sub';
  const subject = claimString(payload, principalClaim);
  if (subject == null) return { ok: false, detail: `claim ${principalClaim} missing or not a string` };

  let name = subject;
  if (mapping.nameClaim !== undefined) {
    const n = claimString(payload, mapping.nameClaim);
    if (n === null) return { ok: false, detail: `claim ${mapping.nameClaim} is not a string` };
    if (n !== undefined) name = n;
  }

  let policy = mapping.defaultPolicy;
  if (mapping.policyClaim !== undefined) {
    const p = claimString(payload, mapping.policyClaim);
    if (p === null) return { ok: false, detail: `claim ${mapping.policyClaim} is not a string` };
    if (p !== undefined) policy = p;
  }

  let models = mapping.defaultModels ?? ANY_MODEL;
  if (mapping.modelsClaim !== undefined) {
    const m = claimModels(payload, mapping.modelsClaim);
    if (m === null) return { ok: false, detail: `claim ${mapping.modelsClaim} is not a list of model patterns` };
    if (m !== undefined) models = m;
  }

  let limits = mapping.defaultLimits ?? {};
  if (mapping.limitsClaim !== undefined) {
    const l = claimLimits(payload, mapping.limitsClaim);
    if (l === null) return { ok: false, detail: `claim ${mapping.limitsClaim} is not {rpm, tpm, concurrency} of positive integers` };
    if (l !== undefined) limits = l;
  }

  // OAuth scopes: RFC 8693 / RFC 9068 `scope` (space-separated string), or `scp` (a list, as Entra and Okta write it).
  const scopes = claimModels(payload, payload.scope !== undefined ? 'scope' : 'scp');
  if (scopes === null) return { ok: false, detail: 'claim scope is not a space-separated string or a list of strings' };

  // The issuer is part of the id: two identity providers may both have a user "alice".
  const principal: Principal = Object.freeze({
    id: `jwt:${payload.iss ?? ''}|${subject}`,
    kind: 'jwt',
    name,
    policy,
    models: Object.isFrozen(models) ? models : Object.freeze([...models]),
    limits: Object.isFrozen(limits) ? limits : Object.freeze({ ...limits }),
    ...(scopes !== undefined ? { scopes } : {}),
  });
  return { ok: true, principal };
}
