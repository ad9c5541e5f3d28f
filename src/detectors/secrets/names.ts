// Reading variable names: split identifiers into words and decide whether a name holds a password, token or key.

/** What kind of secret a name announces. */
export type NameKind = 'password' | 'secret' | 'token' | 'api_key' | 'auth';

/** Splits `AWS_SECRET_ACCESS_KEY`, `secretAccessKey`, `x-api-key`, `APIKey` into lower-case words. */
export function splitWords(ident: string): string[] {
  const words: string[] = [];
  let start = -1;
  const flush = (end: number): void => {
    if (start >= 0 && end > start) words.push(ident.slice(start, end).toLowerCase());
    start = -1;
  };
  for (let i = 0; i < ident.length; i++) {
    const c = ident.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    const lowerOrDigit = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (!upper && !lowerOrDigit) {
      flush(i);
      continue;
    }
    if (upper && start >= 0) {
      const prev = ident.charCodeAt(i - 1);
      const next = ident.charCodeAt(i + 1);
      const prevLower = (prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57);
      const prevUpper = prev >= 65 && prev <= 90;
      // camelCase boundary, or the last capital of an acronym before a word ("APIKey" → api key).
      if (prevLower || (prevUpper && next >= 97 && next <= 122)) flush(i);
    }
    if (start < 0) start = i;
  }
  flush(ident.length);
  return words;
}

/** Words that contain a keyword but are not about secrets. */
const NOT_SECRET_WORDS = new Set([
  'bypass', 'compass', 'overpass', 'underpass', 'trespass', 'surpass', 'encompass', 'passport', 'passage', 'passenger',
  'passive', 'passthrough', 'passing', 'passed', 'passes', 'secretary', 'secretariat', 'secretion', 'secrets',
  'tokens', 'tokenizer', 'tokenize', 'tokenized', 'tokenization', 'keyboard', 'keyword', 'keywords', 'keys', 'keyframe',
  'keyframes', 'keystroke', 'keychain', 'author', 'authors', 'authority', 'authored', 'authoring', 'passwords',
]);

/** A last word that makes the name about something else: `token_url`, `password_hash`, `secret_name`, `max_tokens`. */
const NOT_SECRET_LAST = new Set([
  'url', 'uri', 'urls', 'endpoint', 'path', 'file', 'filename', 'dir', 'name', 'id', 'ids', 'type', 'types', 'header',
  'length', 'len', 'min', 'max', 'count', 'expiry', 'expires', 'expiration', 'expire', 'ttl', 'lifetime', 'hash',
  'hashed', 'digest', 'policy', 'field', 'label', 'placeholder', 'hint', 'prompt', 'regex', 'pattern', 'format',
  'enabled', 'required', 'rotation', 'provider', 'manager', 'ref', 'arn', 'version', 'env', 'var', 'source', 'mode',
  'method', 'usage', 'limit', 'location', 'size', 'timeout', 'prefix', 'suffix', 'store', 'algorithm', 'alg', 'kind',
  'status', 'reset', 'changed', 'updated', 'created', 'at', 'date', 'time', 'validator', 'validation', 'strength',
  'error', 'message', 'msg', 'text', 'title', 'description', 'rules', 'input', 'form', 'button', 'class', 'style',
  'index', 'column', 'schema', 'model', 'handler', 'helper', 'generator', 'callback', 'param', 'params', 'query', 'set',
  'exists', 'valid', 'invalid', 'missing', 'budget', 'price', 'cost', 'estimate', 'encoding', 'encoder',
  'decoder', 'parser', 'service', 'client', 'request', 'response', 'scope', 'scopes', 'audience', 'issuer',
  'fingerprint', 'mask', 'masked', 'visible', 'visibility', 'toggle', 'confirm', 'confirmation',
]);

/** Words before "key" that make it a credential ("api key", "ACCESS_KEY", "signingKey"). */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'app', 'application', 'client', 'master', 'admin', 'auth', 'signing', 'encryption',
  'license', 'licence', 'account', 'subscription', 'consumer', 'developer', 'dev', 'live', 'prod', 'server', 'write',
  'read', 'ingest', 'sdk', 'project', 'personal', 'rest', 'bot', 'webhook', 'hmac', 'shared', 'storage', 'mgmt',
  'management', 'service', 'search',
]);

/** First words of `*_KEY` names that are not credentials (database keys, caches, public keys, i18n). */
const KEY_NOT_CREDENTIAL_FIRST = new Set([
  'primary', 'foreign', 'partition', 'sort', 'cache', 'hash', 'lookup', 'unique', 'composite', 'idempotency', 'public',
  'pub', 'row', 'object', 'dedupe', 'dedup', 'index', 'map', 'route', 'i18n', 'translation', 'feature', 'storage',
  'query', 'react', 'list', 'group', 'sharding', 'shard', 'routing', 'message', 'event', 's3', 'kms', 'gpg', 'ssh', 'pgp',
]);

function wordKind(w: string): NameKind | null {
  if (NOT_SECRET_WORDS.has(w)) return null;
  if (w === 'pwd' || w === 'pass' || w.endsWith('password') || w.endsWith('passwd') || w.endsWith('passphrase')) return 'password';
  if (w.endsWith('pwd') || (w.endsWith('pass') && w.length <= 8)) return 'password';
  if (w.endsWith('secret') || w === 'secretkey' || w === 'secretaccesskey' || w.startsWith('credential')) return 'secret';
  if (w.endsWith('token')) return 'token';
  if (w.endsWith('apikey') || w === 'accesskey' || w === 'privatekey' || w === 'authkey' || w === 'appkey') return 'api_key';
  if (w === 'auth' || w === 'authorization') return 'auth';
  return null;
}

const RANK: Record<NameKind, number> = { password: 5, secret: 4, api_key: 3, token: 2, auth: 1 };

/**
 * The kind of secret a name such as `DB_PASSWORD`, `client_secret`, `x-api-key` or `ALGOLIA_ADMIN_KEY` announces,
 * or null for names that merely mention one (`token_url`, `password_hash`, `max_tokens`, `public_key`).
 */
export function classifyName(words: readonly string[], envStyle: boolean): NameKind | null {
  if (words.length === 0) return null;
  const last = words[words.length - 1]!;
  if (NOT_SECRET_LAST.has(last) && words.length > 1) return null;
  if (words.includes('public') || words.includes('publishable') || words.includes('pub')) return null;
  let best: NameKind | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let k = wordKind(w);
    if (k === null && w === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)) k = 'api_key';
    if (k !== null && (best === null || RANK[k] > RANK[best])) best = k;
  }
  // `ALGOLIA_ADMIN_KEY=...`, `OPENAI_KEY=...`: an upper-case env name ending in KEY is almost always a credential.
  if (best === null && envStyle && last === 'key' && words.length >= 2 && !KEY_NOT_CREDENTIAL_FIRST.has(words[0]!)) {
    best = 'api_key';
  }
  return best;
}
