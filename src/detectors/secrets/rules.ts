// The registry of secrets rules and scanners, and the one-pass anchor prefilter that decides which scanners run.
import { ASSIGNMENT_SCANNER, KEYWORD_ANCHORS, MYSQL_FLAG_SCANNER, USER_FLAG_SCANNER } from './assignments.js';
import { JWT_SCANNER } from './jwt.js';
import { AWS_SECRET_NEAR_ID, KEYED_RULES } from './keyed-rules.js';
import { PEM_SCANNER } from './pem.js';
import { PUTTY_SCANNER } from './putty.js';
import { scanTokenRule, type RuleGroup, type RuleInfo, type Scanner, type TokenRule } from './rule.js';
import { CLOUD_RULES } from './rules-cloud.js';
import { CHAT_RULES, PAYMENT_RULES } from './rules-apps.js';
import { LLM_RULES } from './rules-llm.js';
import { SAAS_RULES } from './rules-saas.js';
import { VCS_RULES } from './rules-vcs.js';
import { URL_SCANNER } from './urls.js';

export const TOKEN_RULES: readonly TokenRule[] = [
  ...CLOUD_RULES,
  ...VCS_RULES,
  ...PAYMENT_RULES,
  ...CHAT_RULES,
  ...LLM_RULES,
  ...SAAS_RULES,
];

/** Rules implemented by structural scanners rather than a prefix pattern. */
const SCANNER_RULES: readonly RuleInfo[] = [
  { id: 'private_key', provider: 'pem', group: 'private_key', severity: 'critical', description: 'Private key in PEM armour (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP) or a PuTTY .ppk file; the whole block is the span' },
  { id: 'gcp_service_account_key', provider: 'google', group: 'cloud', severity: 'critical', description: 'Google Cloud service-account key file (the private_key of a "service_account" JSON)' },
  { id: 'jwt', provider: 'jwt', group: 'jwt', severity: 'high', description: 'JSON Web Token: three base64url parts, the header JSON with an "alg"' },
  { id: 'connection_string_password', provider: 'database', group: 'connection_string', severity: 'high', description: 'Password in a database / broker connection string (postgres://user:pass@, JDBC password=, ODBC Password=;)' },
  { id: 'url_basic_auth', provider: 'url', group: 'connection_string', severity: 'high', description: 'Password in the userinfo of a URL (https://user:pass@host)' },
  { id: 'http_basic_auth', provider: 'http', group: 'generic', severity: 'high', description: 'HTTP basic credentials: Authorization: Basic header, docker "auth" entry, curl -u user:pass' },
  { id: 'bearer_token', provider: 'http', group: 'generic', severity: 'high', description: 'Opaque bearer token in an Authorization header' },
  { id: 'password_assignment', provider: 'generic', group: 'generic', severity: 'medium', description: 'Literal password assigned to a password-like name (password=, DB_PASSWORD:, "passwd": ...)' },
  { id: 'generic_secret', provider: 'generic', group: 'generic', severity: 'medium', description: 'High-entropy literal assigned to a secret-like name (client_secret, JWT_SECRET, ...)' },
  { id: 'generic_api_key', provider: 'generic', group: 'generic', severity: 'medium', description: 'High-entropy literal assigned to an API-key-like name (api_key, x-api-key, FOO_KEY=...)' },
  { id: 'generic_token', provider: 'generic', group: 'generic', severity: 'medium', description: 'High-entropy literal assigned to a token-like name (token, access_token, auth ...)' },
];

function uniqueById(rules: readonly RuleInfo[]): RuleInfo[] {
  const seen = new Map<string, RuleInfo>();
  for (const r of rules) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

/** Every rule the detector knows, one entry per finding category. */
export const RULES: readonly RuleInfo[] = uniqueById([...TOKEN_RULES, ...KEYED_RULES, ...SCANNER_RULES]);
export const RULE_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));
export const RULE_GROUPS: readonly RuleGroup[] = [...new Set(RULES.map((r) => r.group))];

export const SCANNERS: readonly Scanner[] = [
  ...TOKEN_RULES.map(
    (rule): Scanner => ({ name: rule.id, anchors: rule.anchors, rules: [rule.id], scan: (env) => scanTokenRule(rule, env) }),
  ),
  AWS_SECRET_NEAR_ID,
  PEM_SCANNER,
  PUTTY_SCANNER,
  JWT_SCANNER,
  URL_SCANNER,
  USER_FLAG_SCANNER,
  MYSQL_FLAG_SCANNER,
  ASSIGNMENT_SCANNER,
];

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const anchorSet = [...new Set(SCANNERS.flatMap((s) => s.anchors))];

interface TrieNode {
  next: Map<string, TrieNode>;
  end: boolean;
}

/**
 * The anchors as one regex shaped like a trie (`gh(?:p_|o_|...)|sk(?:-|_live_|...)`): irregexp then dispatches on
 * one character at a time instead of trying a hundred alternatives at every position (about twice as fast).
 * At each node longer continuations come before the end of a shorter anchor, so the longest anchor is reported.
 */
function trieSource(words: readonly string[]): string {
  const root: TrieNode = { next: new Map(), end: false };
  for (const w of words) {
    let n = root;
    for (const ch of w) {
      let child = n.next.get(ch);
      if (!child) n.next.set(ch, (child = { next: new Map(), end: false }));
      n = child;
    }
    n.end = true;
  }
  const emit = (n: TrieNode): string => {
    const alts = [...n.next].map(([ch, child]) => escapeRe(ch) + emit(child));
    if (alts.length === 0) return '';
    const body = alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
    return n.end ? `(?:${body})?` : body;
  };
  return emit(root);
}

/** All anchors in one pass: tells which scanners can possibly find anything in a text. */
const ANCHOR_RE = new RegExp(trieSource(anchorSet), 'g');

/** Scanner indices per anchor; an anchor also triggers the scanners of every shorter anchor it starts with. */
const SCANNERS_BY_ANCHOR = new Map<string, number[]>(
  anchorSet.map((a) => [a, SCANNERS.flatMap((s, i) => (s.anchors.some((b) => a.startsWith(b)) ? [i] : []))]),
);

/** Anchors that start with a name keyword: their positions feed the assignment scanner. */
const KEYWORD_ANCHOR = new Set(anchorSet.filter((a) => KEYWORD_ANCHORS.some((k) => a.startsWith(k))));

/** Scanners without anchors run on every text (they carry their own cheap prefilter). */
export const ALWAYS_RUN: readonly boolean[] = SCANNERS.map((s) => s.anchors.length === 0);

/** Marks in `triggered` the scanners whose anchors occur in `text`; returns the positions of name keywords. */
export function prefilter(text: string, triggered: Uint8Array): number[] {
  const keywordHits: number[] = [];
  ANCHOR_RE.lastIndex = 0;
  for (let m = ANCHOR_RE.exec(text); m !== null; m = ANCHOR_RE.exec(text)) {
    for (const i of SCANNERS_BY_ANCHOR.get(m[0])!) triggered[i] = 1;
    if (KEYWORD_ANCHOR.has(m[0])) keywordHits.push(m.index);
  }
  return keywordHits;
}
