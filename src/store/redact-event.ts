// Defence in depth before an event is stored: drops attributes named like credentials and masks values that
// are credentials (bearer headers, Bulwark API keys), however deep they sit in the attributes.
import type { SecurityEvent } from '../core/event.js';
import type { Finding } from '../core/finding.js';

export const REDACTED = '[redacted]';
/** Deeper structures are cut here (also the guard against cycles). */
export const MAX_ATTRIBUTE_DEPTH = 8;

/** Substrings of a normalised name (lowercase letters and digits only) that mark a credential. */
const SECRET_NAME_PARTS = ['authorization', 'password', 'passwd', 'passphrase', 'cookie', 'secret', 'credential', 'apikey', 'privatekey', 'accesskey', 'bearer', 'sessionid'];
/**
 * Words that mark a credential when they end the name: `access_token`, `idToken`, `x-auth-token` go, while
 * `max_tokens`, `prompt_tokens`, `tokenCount` and `tokenizer` (counts and names the events need) stay.
 */
const SECRET_LAST_WORDS = new Set(['token', 'pwd', 'jwt', 'session', 'sid']);
const NOT_ALNUM = /[^a-z0-9]/g;
const WORD_BREAK = /([a-z0-9])([A-Z])|([A-Z]+)([A-Z][a-z])/g;
const WORD_SPLIT = /[^A-Za-z0-9]+/;
const CREDENTIAL_VALUE = /^\s*(?:bearer|basic)\s+\S|bwk_[0-9A-Za-z]{16}_[0-9A-Za-z]{4}/i;

const nameVerdicts = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 4096;
/** No attribute of ours has a longer name; a longer one is dropped unread (and never reaches the word split). */
const MAX_NAME_LENGTH = 128;

/** True when an attribute with this name must not be stored. */
export function isSecretName(name: string): boolean {
  if (name.length > MAX_NAME_LENGTH) return true;
  const known = nameVerdicts.get(name);
  if (known !== undefined) return known;
  const normalised = name.toLowerCase().replace(NOT_ALNUM, '');
  const words = name.replace(WORD_BREAK, '$1$3 $2$4').split(WORD_SPLIT).filter((w) => w !== '');
  const last = words.at(-1)?.toLowerCase() ?? '';
  const secret = SECRET_NAME_PARTS.some((p) => normalised.includes(p)) || SECRET_LAST_WORDS.has(last);
  // Attribute names come from our own code, so the set stays small; the bound protects against odd callers.
  if (nameVerdicts.size < MAX_REMEMBERED_NAMES) nameVerdicts.set(name, secret);
  return secret;
}

/** The event without credential-named attributes or credential values; the same object when there are none. */
export function redactEvent(event: SecurityEvent): SecurityEvent {
  const attributes = redactValue(event.attributes, 0) as Record<string, unknown>;
  let findings: Finding[] | undefined;
  for (let i = 0; i < event.findings.length; i++) {
    const f = event.findings[i] as Finding;
    const clean = redactFinding(f);
    if (clean !== f) {
      findings ??= event.findings.slice();
      findings[i] = clean;
    }
  }
  if (attributes === event.attributes && findings === undefined) return event;
  return { ...event, attributes, findings: findings ?? event.findings };
}

function redactFinding(f: Finding): Finding {
  const evidence = f.evidence === undefined ? undefined : (redactValue(f.evidence, 0) as string);
  const metadata = f.metadata === undefined ? undefined : redactValue(f.metadata, 0);
  if (evidence === f.evidence && metadata === f.metadata) return f;
  return { ...f, evidence, metadata } as Finding;
}

/** Returns `value` itself when nothing in it needed redaction, else a redacted copy. */
export function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return CREDENTIAL_VALUE.test(value) ? REDACTED : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_ATTRIBUTE_DEPTH) return '[truncated]';
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const clean = redactValue(v, depth + 1);
      if (clean !== v) {
        copy ??= value.slice();
        copy[i] = clean;
      }
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (isSecretName(key)) {
      copy ??= { ...value };
      delete copy[key];
      continue;
    }
    const clean = redactValue(v, depth + 1);
    if (clean !== v) {
      copy ??= { ...value };
      copy[key] = clean;
    }
  }
  return copy ?? value;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
