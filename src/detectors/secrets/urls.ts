// Credentials embedded in URLs: database connection strings (postgres://user:pass@host) and basic auth in URLs.
import { isPlaceholder } from './examples.js';
import type { Scanner, ScanEnv } from './rule.js';

/** Schemes of data stores and brokers: a password there opens the data itself. */
const DATABASE_SCHEMES = new Set([
  'postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'amqp', 'amqps', 'mssql',
  'sqlserver', 'oracle', 'cockroachdb', 'clickhouse', 'neo4j', 'neo4j+s', 'bolt', 'couchbase', 'couchbases', 'cassandra',
  'memcached', 'nats', 'mqtt', 'mqtts', 'kafka', 'elasticsearch', 'influxdb', 'snowflake', 'db2', 'sqlite', 'jdbc',
]);
const MAX_SCHEME = 32;
const MAX_AUTHORITY = 512;
const LOCAL_HOST = /^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|db|postgres|mysql|redis|mongo|host)(?::\d+)?$/i;

function isSchemeChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** Characters that end the authority part of a URL in free text. */
function endsAuthority(c: number): boolean {
  // whitespace, / ? # " ' ` < > \ and control characters
  return c <= 32 || c === 47 || c === 63 || c === 35 || c === 34 || c === 39 || c === 96 || c === 60 || c === 62 || c === 92;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function scanUrls(env: ScanEnv): void {
  const { text } = env;
  let from = 0;
  for (let sep = text.indexOf('://', from); sep >= 0; sep = text.indexOf('://', from)) {
    from = sep + 3;
    let s = sep;
    while (s > 0 && sep - s < MAX_SCHEME && isSchemeChar(text.charCodeAt(s - 1))) s--;
    const scheme = text.slice(s, sep).toLowerCase();
    if (scheme.length === 0) continue;
    let e = from;
    let at = -1;
    while (e < text.length && e - from < MAX_AUTHORITY && !endsAuthority(text.charCodeAt(e))) {
      if (text.charCodeAt(e) === 64) at = e;
      e++;
    }
    // Any later "://" inside [from, e) shares this authority end, so without an '@' it cannot hold credentials either.
    const start = from;
    from = at < 0 ? Math.max(from, e) : at + 1;
    if (at < 0) continue;
    const colonInUserinfo = text.slice(start, at).indexOf(':');
    if (colonInUserinfo < 0) continue;
    const colon = start + colonInUserinfo;
    const user = text.slice(start, colon);
    const pass = text.slice(colon + 1, at);
    const plain = decode(pass);
    if (plain.length < 3) continue;
    if (env.ignoreExamples && (isPlaceholder(plain) || plain.toLowerCase() === decode(user).toLowerCase())) continue;
    const host = text.slice(at + 1, e);
    const database = DATABASE_SCHEMES.has(scheme) || scheme.startsWith('mongodb') || scheme.startsWith('postgres');
    const rule = database ? 'connection_string_password' : 'url_basic_auth';
    // Credentials for a local development database are usually throw-away ones.
    const local = LOCAL_HOST.test(host.split('/')[0] ?? '');
    env.emit({
      rule,
      start: colon + 1,
      end: at,
      score: (database ? 0.9 : 0.85) - (local ? 0.15 : 0),
      metadata: { scheme },
    });
  }
}

export const URL_SCANNER: Scanner = {
  name: 'url-credentials',
  anchors: ['://'],
  rules: ['connection_string_password', 'url_basic_auth'],
  scan: scanUrls,
};
