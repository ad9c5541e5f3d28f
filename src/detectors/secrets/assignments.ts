// Secrets found by their name: `password = "..."`, `api_key: ...`, `"secret": "..."`, `FOO_TOKEN=...`, auth headers, curl -u.
import { isIdentChar, isQuote, k8sEnvValue, readOperator, readValue, skipBlanks } from './assignment-syntax.js';
import { charClasses, isDigits, isHex, isUuid, looksLikeWords, shannonEntropy } from './entropy.js';
import { isKnownExample, isPlaceholder } from './examples.js';
import { KEYED_RULES, matchKeyedRule } from './keyed-rules.js';
import { classifyName, splitWords, type NameKind } from './names.js';
import type { Scanner, ScanEnv } from './rule.js';

/**
 * Every name we care about contains one of these. They are anchors of the shared prefilter in lower, Title and
 * UPPER case (covering snake_case, camelCase and SCREAMING_CASE names), which hands their positions to this scanner.
 */
const NAME_KEYWORDS = ['pass', 'pwd', 'secret', 'token', 'key', 'auth', 'credential', 'bearer'];
export const KEYWORD_ANCHORS: readonly string[] = NAME_KEYWORDS.flatMap((k) => [k, k[0]!.toUpperCase() + k.slice(1), k.toUpperCase()]);

const MAX_IDENT = 64;
const QUALIFIER_BEFORE_KEY = /(?:^|[^A-Za-z])(api|access|secret|private|auth|app|client|license|master|admin|cohere|mistral|datadog|openai|anthropic)$/i;
const FILE_EXTENSION = /\.(?:pem|key|json|txt|crt|cer|p12|pfx|ya?ml|env|ini|cfg|conf)$/i;
const PATH_START = /^(?:[.~]?\/|[A-Za-z]:\\)/;

/** `/run/secrets/db_password`, `~/.ssh/id_rsa`, `C:\keys\app.pfx`: a file that holds the secret, not the secret. */
function isFilePath(v: string): boolean {
  if (FILE_EXTENSION.test(v)) return true;
  // Base64 values may start with "/" too; a path's segments read as words.
  return PATH_START.test(v) && v.split(/[\\/]/).every((seg) => seg === '' || seg === '.' || seg === '..' || looksLikeWords(seg.replace(/[.]/g, '-')));
}
/** Publishable keys are public by design (Stripe pk_, Mapbox pk.). */
const PUBLISHABLE = /^pk[._]/;
const DOTTED_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const ENV_STYLE = /^[A-Z][A-Z0-9_]*_[A-Z0-9_]*$/;
const SCHEME_RE = /^(bearer|basic|token|bot)\s+/i;
const B64_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const PRINTABLE_USER_PASS = /^[\x21-\x7e]{1,128}:[\x20-\x7e]{1,256}$/;
/** `-u user:pass` / `--user user:pass` (the preceding blank is checked in code: a leading look-behind is slow). */
const USER_FLAG_RE = /-u(?=[\s=])|--user(?=[\s=])/g;
/** mysql / mysqldump / mysqladmin `-pPASSWORD` (no space: with a space the client prompts instead). */
const MYSQL_P_RE = /-p(?=[^\s=-])/g;

/** `self.api_key`, `process.env.TOKEN`, `config.secrets.db`: a dotted path of short names, not a value. */
function isCodeReference(v: string): boolean {
  return DOTTED_PATH.test(v) && v.split('.').every((part) => part.length < 16 || looksLikeWords(part));
}

/** Score for a value under a name of the given kind, or null when it is not a plausible secret. */
function judge(kind: NameKind, v: string, quoted: boolean, prose: boolean, env: ScanEnv): number | null {
  if (v.length > 256 || v.includes('://') || isFilePath(v) || PUBLISHABLE.test(v)) return null;
  if (env.ignoreExamples && (isPlaceholder(v) || isKnownExample(v))) return null;
  if (!quoted && (isCodeReference(v) || v.startsWith('!'))) return null;
  if (isDigits(v)) return null;
  const cls = charClasses(v);
  const penalty = prose ? 0.1 : 0;
  if (kind === 'password') {
    // Human passwords are short and low in entropy; what rules out prose and code is the shape, not the entropy.
    if (v.length < 6 || v.split(' ').length > 2) return null;
    if ((!quoted || prose) && looksLikeWords(v)) return null;
    if (cls.count < 2 && !(v.length >= 10 && shannonEntropy(v) >= 3)) return null;
    return Math.min(0.8, 0.6 + (cls.count >= 3 ? 0.1 : 0) + (v.length >= 12 ? 0.05 : 0) - penalty);
  }
  if (v.length < 16 || v.includes(' ') || looksLikeWords(v)) return null;
  if (isUuid(v)) return 0.55 - penalty;
  if (isHex(v)) return 0.6 - penalty;
  const h = shannonEntropy(v);
  if (h < env.entropyThreshold || cls.count < 2) return null;
  if (!cls.digit && v.length < 24) return null;
  return Math.min(0.85, 0.65 + (h >= 4 ? 0.1 : 0) + (v.length >= 24 ? 0.05 : 0) - penalty);
}

function decodeBasic(v: string): string | undefined {
  if (v.length < 8 || !B64_TOKEN.test(v)) return undefined;
  const plain = Buffer.from(v, 'base64').toString('utf8');
  return PRINTABLE_USER_PASS.test(plain) ? plain : undefined;
}

/** `Bearer <token>` / `Basic <base64>` after an Authorization name (or a bare "Bearer"). */
function emitScheme(env: ScanEnv, scheme: string, start: number, end: number, prose: boolean): void {
  const v = env.text.slice(start, end);
  if (scheme === 'basic') {
    const plain = decodeBasic(v);
    if (!plain || (env.ignoreExamples && isPlaceholder(plain.slice(plain.indexOf(':') + 1)))) return;
    env.emit({ rule: 'http_basic_auth', start, end, score: 0.9, metadata: { scheme: 'basic' } });
    return;
  }
  const score = judge('token', v, true, prose, env);
  if (score === null || !B64_TOKEN.test(v)) return;
  env.emit({ rule: 'bearer_token', start, end, score: Math.min(0.9, score + 0.1), metadata: { scheme } });
}

const GENERIC_RULE: Record<NameKind, string> = {
  password: 'password_assignment',
  secret: 'generic_secret',
  api_key: 'generic_api_key',
  token: 'generic_token',
  auth: 'generic_token',
};

function handleName(env: ScanEnv, identStart: number, identEnd: number): void {
  const { text } = env;
  // Most keyword hits are prose or code without a literal value: check the syntax before reading the name.
  const op = readOperator(text, identStart, identEnd) ?? k8sEnvValue(text, identStart, identEnd);
  if (op === null) return;
  const ident = text.slice(identStart, identEnd);
  let words = splitWords(ident);
  // "my api key is ..." / "Cohere key: ...": take the word before a lone "key" into the name.
  if (words.length === 1 && words[0] === 'key' && text.charCodeAt(identStart - 1) === 32) {
    const q = QUALIFIER_BEFORE_KEY.exec(text.slice(Math.max(0, identStart - 20), identStart - 1));
    if (q) words = [q[1]!.toLowerCase(), 'key'];
  }
  const kind = classifyName(words, ENV_STYLE.test(ident));
  if (kind === null) return;
  const prose = op.op === 'prose' || op.op === 'space';
  let p = skipBlanks(text, op.p);
  // `Authorization: Bearer xyz`, `"Authorization": "Basic dXNlcjpwYXNz"`.
  const quoteOpen = isQuote(text.charCodeAt(p)) ? 1 : 0;
  const scheme = kind === 'auth' || kind === 'token' ? SCHEME_RE.exec(text.slice(p + quoteOpen, p + quoteOpen + 8)) : null;
  if (scheme) {
    p = p + quoteOpen + scheme[0].length;
    const v = readValue(text, p, false);
    if (v) emitScheme(env, scheme[1]!.toLowerCase(), v.start, v.end, prose);
    return;
  }
  const v = readValue(text, p, op.op === 'xml');
  if (!v || (op.op === 'xml' && !text.startsWith('</', v.end))) return;
  let end = v.end;
  if (!v.quoted) while (end > v.start && (text[end - 1] === '.' || text[end - 1] === ',')) end--;
  const value = text.slice(v.start, end);
  const keyed = matchKeyedRule(words, value);
  if (keyed && env.isEnabled(keyed.id)) {
    if (env.ignoreExamples && (isKnownExample(value) || isPlaceholder(value))) return;
    env.emit({ rule: keyed.id, start: v.start, end, score: keyed.score - (prose ? 0.1 : 0), metadata: { name: ident } });
    return;
  }
  if (kind === 'auth' && decodeBasic(value)) {
    env.emit({ rule: 'http_basic_auth', start: v.start, end, score: 0.85, metadata: { scheme: 'base64' } });
    return;
  }
  const score = judge(kind, value, v.quoted, prose, env);
  if (score === null) return;
  const prev = text.charCodeAt(identStart - 1);
  // `;Password=...;` or `?password=...&` inside a JDBC / ODBC / ADO.NET connection string.
  const inConnString = kind === 'password' && (prev === 59 || prev === 38 || prev === 63);
  const rule = inConnString ? 'connection_string_password' : GENERIC_RULE[kind];
  env.emit({ rule, start: v.start, end, score: inConnString ? Math.max(score, 0.8) : score, metadata: { name: ident } });
}

function scanAssignments(env: ScanEnv): void {
  const { text, keywordHits } = env;
  let done = 0;
  for (const hit of keywordHits) {
    if (hit < done) continue;
    let s = hit;
    while (s > 0 && hit - s <= MAX_IDENT && isIdentChar(text.charCodeAt(s - 1))) s--;
    let e = hit;
    while (e < text.length && e - hit <= MAX_IDENT && isIdentChar(text.charCodeAt(e))) e++;
    // Each name is examined once, however many keywords it holds (AWS_SECRET_ACCESS_KEY has two).
    done = e;
    if (hit - s > MAX_IDENT || e - hit > MAX_IDENT) continue;
    while (e > s && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    if (e - s === 6 && text.charCodeAt(e) === 32 && (text.charCodeAt(s) | 32) === 98 && text.slice(s, e).toLowerCase() === 'bearer') {
      const v = readValue(text, e + 1, false);
      if (v) emitScheme(env, 'bearer', v.start, v.end, false);
      continue;
    }
    handleName(env, s, e);
  }
}

/** `curl -u user:password` / `--user user:password`: the span is the password. */
function scanUserFlags(env: ScanEnv): void {
  const { text } = env;
  USER_FLAG_RE.lastIndex = 0;
  for (let m = USER_FLAG_RE.exec(text); m !== null; m = USER_FLAG_RE.exec(text)) {
    const before = text.charCodeAt(m.index - 1);
    if (before !== 32 && before !== 9) continue;
    let p = m.index + m[0].length;
    if (text.charCodeAt(p) === 61) p++;
    const v = readValue(text, skipBlanks(text, p), false);
    if (!v) continue;
    const colon = v.start + text.slice(v.start, v.end).indexOf(':');
    if (colon < v.start || colon >= v.end - 1) continue;
    const score = judge('password', text.slice(colon + 1, v.end), true, false, env);
    if (score === null) continue;
    env.emit({ rule: 'http_basic_auth', start: colon + 1, end: v.end, score: Math.max(score, 0.75), metadata: { scheme: 'cli' } });
  }
}

/** The command line that holds position `p`, at most 300 characters back. */
function lineBefore(text: string, p: number): string {
  const nl = text.lastIndexOf('\n', p);
  return text.slice(Math.max(nl + 1, p - 300), p);
}

function scanMysqlPasswords(env: ScanEnv): void {
  const { text } = env;
  MYSQL_P_RE.lastIndex = 0;
  for (let m = MYSQL_P_RE.exec(text); m !== null; m = MYSQL_P_RE.exec(text)) {
    const before = text.charCodeAt(m.index - 1);
    if ((before !== 32 && before !== 9) || !lineBefore(text, m.index).includes('mysql')) continue;
    const v = readValue(text, m.index + 2, false);
    if (!v) continue;
    const score = judge('password', text.slice(v.start, v.end), v.quoted, false, env);
    if (score !== null) env.emit({ rule: 'password_assignment', start: v.start, end: v.end, score, metadata: { name: '-p' } });
  }
}

export const MYSQL_FLAG_SCANNER: Scanner = {
  name: 'mysql-flag',
  anchors: [' -p', '\t-p'],
  rules: ['password_assignment'],
  scan: scanMysqlPasswords,
};

export const USER_FLAG_SCANNER: Scanner = {
  name: 'user-flag',
  anchors: ['-u ', '-u\t', '-u=', '--user'],
  rules: ['http_basic_auth'],
  scan: scanUserFlags,
};

export const ASSIGNMENT_SCANNER: Scanner = {
  name: 'assignments',
  anchors: KEYWORD_ANCHORS,
  rules: [
    'password_assignment', 'generic_secret', 'generic_api_key', 'generic_token', 'connection_string_password',
    'bearer_token', 'http_basic_auth', ...KEYED_RULES.map((r) => r.id),
  ],
  scan: scanAssignments,
};
