// Known example values from vendor docs and the placeholder shapes people paste instead of real secrets.
import { longestRun, shannonEntropy } from './entropy.js';

/**
 * Values published in vendor documentation as examples (never live). Some are split so that secret scanners do
 * not flag this file. Sources: AWS IAM docs (access key examples), Stripe API docs, jwt.io default token.
 */
const KNOWN_EXAMPLES: ReadonlySet<string> = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'AKIAI44QH8DHBEXAMPLE',
  'ASIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'sk_test_' + '4eC39HqLyjWDarjtT1zdp7dc',
  'pk_test_' + 'TYooMQauvdEDq54NiTphI7jx',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.' +
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
]);

/** Passwords and secrets that documentation and tutorials use as stand-ins (compared lower-cased). */
const PLACEHOLDER_VALUES: ReadonlySet<string> = new Set([
  'password', 'passw0rd', 'password1', 'password123', 'p@ssw0rd', 'p@ssword', 'pass', 'pass123', 'passwd', 'pwd',
  'changeme', 'change_me', 'change-me', 'changeit', 'secret', 'secret123', 'mysecret', 'supersecret', 'topsecret',
  'admin', 'admin123', 'root', 'toor', 'guest', 'test', 'test123', 'testing', 'example', 'sample', 'demo', 'default',
  'qwerty', 'letmein', 'welcome', '123456', '12345678', '123456789', 'abc123', 'foobar', 'foo', 'bar', 'baz',
  'none', 'null', 'nil', 'undefined', 'true', 'false', 'empty', 'redacted', 'removed', 'hidden', 'masked', 'todo',
  'tbd', 'xxx', 'token', 'apikey', 'api_key', 'api-key', 'your_password', 'yourpassword', 'mypassword', 'userpassword',
  'dbpassword', 'db_password', 'postgres', 'mysql', 'replace_me', 'replaceme', 'insert_here', 'string', 'value',
]);

/** Words that, inside a value, mark it as a stand-in ("your-api-key-here", "REPLACE_ME", "dummy-secret"). */
const PLACEHOLDER_WORD_RE =
  /example|sample|dummy|placeholder|your[\s_-]?(?:api|secret|token|key|pass|own|app|client|access|account)|replace[\s_-]?me|insert[\s_-]?(?:your|key|here)|changeme|redacted|fake|not[_-]?a[_-]?real|for[_-]?tests?\b|xxxx|\*\*\*|\.\.\.|…/i;

const WINDOWS_ENV_REF = /^%[A-Za-z_][A-Za-z0-9_]*%$/;

export function isKnownExample(value: string): boolean {
  return KNOWN_EXAMPLES.has(value);
}

/** True for token bodies that are masks or stand-ins: placeholder words, "xxxx", long single-character runs, near-constant strings. */
export function looksFake(value: string): boolean {
  if (PLACEHOLDER_VALUES.has(value.toLowerCase())) return true;
  if (PLACEHOLDER_WORD_RE.test(value)) return true;
  if (value.length >= 8 && longestRun(value) >= Math.max(6, value.length / 3)) return true;
  return value.length >= 12 && shannonEntropy(value) < 2;
}

/**
 * True for values that stand for a secret rather than being one: template references (`${VAR}`, `{{ x }}`, `<token>`,
 * `%VAR%`, `$VAR`, `[REDACTED]`) and everything `looksFake` catches.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  const first = v.charCodeAt(0);
  // `$VAR`, `${VAR}`, `<token>`, `{{ .Values.x }}`, `[REDACTED]`, `(hidden)`; `%VAR%` only whole (passwords may start with %).
  if (first === 36 || first === 60 || first === 123 || first === 91 || first === 40) return true;
  if (WINDOWS_ENV_REF.test(v)) return true;
  if (v.includes('${') || v.includes('{{') || v.includes('#{')) return true;
  return looksFake(v);
}
