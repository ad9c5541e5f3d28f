// Sink URL → SinkConfig: scheme, host and options validated with zod; errors name the problem, never a value.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BulwarkError } from '../../core/errors.js';
import { FILE_FORMATS, HTTP_FORMATS, SYSLOG_FORMATS, SinkSecret, type SinkConfig } from './sink-config.js';

const MAX_URL_LENGTH = 4096;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Query keys that would put a credential into a URL that ends up in configs, logs and the outbox cursor. */
const SECRET_KEYS = new Set(['token', 'secret', 'password', 'passwd', 'pass', 'key', 'apikey', 'api_key', 'auth', 'authorization', 'headers']);

export const SINK_SCHEMES = [
  'file',
  'syslog+udp',
  'syslog+tcp',
  'syslog+tls',
  'splunk-hec+https',
  'splunk-hec+http',
  'webhook+https',
  'webhook+http',
  'otlp+https',
  'otlp+http',
] as const;
type Scheme = (typeof SINK_SCHEMES)[number];

const DEFAULT_PORTS: Record<Exclude<Scheme, 'file'>, number> = {
  'syslog+udp': 514,
  'syslog+tcp': 601,
  'syslog+tls': 6514,
  'splunk-hec+https': 8088,
  'splunk-hec+http': 8088,
  'webhook+https': 443,
  'webhook+http': 80,
  'otlp+https': 4318,
  'otlp+http': 4318,
};

/** Syslog facility names (RFC 5424 table 1, with the usual aliases). */
const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, security: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

export const DEFAULTS = {
  fileMaxBytes: 64 * 1024 * 1024,
  fileMaxFiles: 5,
  connectTimeoutMs: 5_000,
  timeoutMs: 10_000,
  udpMaxMessageBytes: 8192,
  streamMaxMessageBytes: 256 * 1024,
  /** local0: a facility for applications, routed by the receiver's admin rather than mixed into the OS auth log. */
  facility: 16,
  appName: 'bulwark',
  source: 'bulwark',
} as const;

function configError(message: string, context: Record<string, unknown> = {}): BulwarkError {
  return new BulwarkError('ERR_SINK_CONFIG', `sink URL: ${message}`, { context });
}

/** Shows a user-supplied option name in an error: printable, short (keys are not secrets, but may be garbage). */
function showKey(key: string): string {
  const clean = key.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });
const flag = z.enum(['0', '1', 'false', 'true'], { error: 'must be 0 or 1' }).transform((v) => v === '1' || v === 'true');
const envName = z.string().regex(ENV_NAME, 'must be an environment variable name (letters, digits, _)');
const timeout = wholeNumber(1, 600_000);
const caFile = z.string().min(1).max(4096).regex(/^[^\x00-\x1f\x7f]+$/, 'must be a file path without control characters');
const facility = z.string().transform((v, ctx) => {
  const n = /^\d{1,2}$/.test(v) ? Number(v) : FACILITIES[v.toLowerCase()];
  if (n === undefined || n > 23) {
    ctx.addIssue({ code: 'custom', message: 'must be 0..23 or a facility name (auth, authpriv, local0..local7, …)' });
    return z.NEVER;
  }
  return n;
});

const fileQuery = z.strictObject({
  format: oneOf(FILE_FORMATS).default('json'),
  max_bytes: wholeNumber(1024, 2 ** 40).default(DEFAULTS.fileMaxBytes),
  max_files: wholeNumber(1, 1000).default(DEFAULTS.fileMaxFiles),
  fsync: flag.default(true),
});

const tlsOptions = { ca_file: caFile.optional(), insecure: flag.default(false) };

const syslogQuery = (maxMessage: number, defaultMessage: number) =>
  z.strictObject({
    format: oneOf(SYSLOG_FORMATS).default('cef'),
    facility: facility.default(DEFAULTS.facility),
    app_name: z.string().regex(/^[\x21-\x7e]{1,48}$/, 'must be 1-48 printable ASCII characters without spaces').default(DEFAULTS.appName),
    max_message_bytes: wholeNumber(480, maxMessage).default(defaultMessage),
    connect_timeout_ms: timeout.default(DEFAULTS.connectTimeoutMs),
    timeout_ms: timeout.default(DEFAULTS.timeoutMs),
    ...tlsOptions,
  });

const httpCommon = {
  format: oneOf(HTTP_FORMATS).default('json'),
  connect_timeout_ms: timeout.default(DEFAULTS.connectTimeoutMs),
  timeout_ms: timeout.default(DEFAULTS.timeoutMs),
  ...tlsOptions,
};

const hecQuery = z.strictObject({
    ...httpCommon,
    token_env: envName,
    index: z.string().regex(/^[a-z0-9_][a-z0-9_-]{0,79}$/, 'must be a Splunk index name (lowercase letters, digits, _ and -)').optional(),
    source: z.string().regex(/^[\x20-\x7e]{1,256}$/, 'must be 1-256 printable ASCII characters').default(DEFAULTS.source),
    sourcetype: z.string().regex(/^[\x20-\x7e]{1,256}$/, 'must be 1-256 printable ASCII characters').optional(),
});

const webhookQuery = z.strictObject({ ...httpCommon, secret_env: envName });

/** Query parameters that change what a destination receives: they belong to the sink id (the outbox cursor key). */
const ID_PARAMS: Record<string, readonly string[]> = {
  file: ['format'],
  syslog: ['format', 'facility', 'app_name'],
  'splunk-hec': ['format', 'index', 'source', 'sourcetype'],
  webhook: ['format'],
};

function validate<T extends z.ZodType>(schema: T, query: Record<string, string>): z.output<T> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown option ${issue.keys.map(showKey).join(', ')}`;
    const key = issue.path.length > 0 ? showKey(String(issue.path[0])) : 'query';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    return `${key} ${message}`;
  });
  throw configError(problems.join('; '), { options: result.error.issues.map((i) => i.path.join('.')) });
}

function readSecret(name: string, option: string, env: NodeJS.ProcessEnv, minLength: number): SinkSecret {
  const value = env[name];
  if (value === undefined || value === '') throw configError(`environment variable ${name} (${option}) is not set`, { option, env: name });
  if (value.length > 4096 || !/^[\x21-\x7e]+$/.test(value)) {
    throw configError(`environment variable ${name} (${option}) must hold 1-4096 printable ASCII characters without spaces`, { option, env: name });
  }
  if (value.length < minLength) throw configError(`environment variable ${name} (${option}) must hold at least ${minLength} characters`, { option, env: name });
  return new SinkSecret(value);
}

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function queryOf(url: URL): Record<string, string> {
  // No prototype: a `__proto__` option must be an unknown key, not a prototype change.
  const query = Object.create(null) as Record<string, string>;
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(query, key)) throw configError(`option ${showKey(key)} is given twice`);
    if (SECRET_KEYS.has(key.toLowerCase())) {
      throw configError(`option ${showKey(key)} would put a secret in the URL; name an environment variable instead (token_env, secret_env)`);
    }
    query[key] = value;
  }
  return query;
}

/** Options that tune delivery without changing what arrives: never part of an otlp sink id. */
const TUNING_PARAMS = new Set(['timeout_ms', 'connect_timeout_ms']);

function idQuery(kind: string, query: Record<string, string>): string {
  const keep = ID_PARAMS[kind];
  const entries = Object.entries(query)
    .filter(([k]) => (keep ? keep.includes(k) : !k.endsWith('_env') && !TUNING_PARAMS.has(k)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function parseFile(url: string, query: Record<string, string>): SinkConfig {
  if (!url.startsWith('file:///') && !/^file:\/\/localhost\//i.test(url)) throw configError('file sinks need an absolute path: file:///path/events.jsonl');
  const parsed = tryUrl(url);
  if (!parsed) throw configError('is not a valid URL');
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch {
    throw configError('the file path is not valid');
  }
  if (path.endsWith('/') || path.includes('\0')) throw configError('the file path must name a file, not a directory');
  const q = validate(fileQuery, query);
  return {
    kind: 'file',
    id: `file://${parsed.pathname}${idQuery('file', query)}`,
    path,
    format: q.format,
    maxBytes: q.max_bytes,
    maxFiles: q.max_files,
    fsync: q.fsync,
  };
}

interface Endpoint {
  /** Host as it appears in a URL (IPv6 in brackets). */
  urlHost: string;
  /** Host as a socket wants it (IPv6 without brackets). */
  host: string;
  port: number;
  /** Normalised path, '' for the root. */
  path: string;
  loopback: boolean;
}

function parseEndpoint(url: string, scheme: Exclude<Scheme, 'file'>): Endpoint {
  const rest = url.slice(scheme.length + 1);
  if (!rest.startsWith('//')) throw configError(`must look like ${scheme}://host:port`);
  // The scheme is not special to WHATWG URL, so ports stay as written; re-parsing as http(s) normalises the host.
  const raw = tryUrl(url);
  const web = tryUrl(`${scheme.endsWith('https') || scheme.endsWith('tls') ? 'https' : 'http'}:${rest}`);
  if (!raw || !web) throw configError('is not a valid URL');
  if (raw.username !== '' || raw.password !== '') {
    throw configError('credentials in the URL are not allowed; name an environment variable instead (token_env, secret_env)');
  }
  if (raw.hash !== '') throw configError('a #fragment is not allowed');
  if (web.hostname === '') throw configError('the host is missing');
  const port = raw.port === '' ? DEFAULT_PORTS[scheme] : Number(raw.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw configError('the port must be 1..65535');
  const host = web.hostname.startsWith('[') ? web.hostname.slice(1, -1) : web.hostname;
  return { urlHost: web.hostname, host, port, path: web.pathname === '/' ? '' : web.pathname, loopback: isLoopback(web.hostname) };
}

/**
 * Parses and validates a sink URL. Secrets come only from the environment (`token_env`, `secret_env`, `*_env`),
 * are read here from `env`, and are wrapped in SinkSecret. Throws BulwarkError ERR_SINK_CONFIG naming the problem
 * (option names, environment variable names) but never a value from the URL or the environment.
 */
export function parseSinkUrl(url: string, env: NodeJS.ProcessEnv = process.env): SinkConfig {
  if (typeof url !== 'string') throw new TypeError('parseSinkUrl: url must be a string');
  if (url.length > MAX_URL_LENGTH) throw configError(`is longer than ${MAX_URL_LENGTH} characters`);
  if (/[\x00-\x20\x7f]/.test(url)) throw configError('must not contain spaces or control characters');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase() as Scheme | undefined;
  if (scheme === undefined || !SINK_SCHEMES.includes(scheme)) throw configError(`the scheme must be one of ${SINK_SCHEMES.join(', ')}`);
  const normalized = `${scheme}${url.slice(scheme.length)}`;
  const parsed = tryUrl(normalized);
  if (!parsed) throw configError('is not a valid URL');
  const query = queryOf(parsed);
  if (scheme === 'file') return parseFile(normalized, query);

  const ep = parseEndpoint(normalized, scheme);
  const [family, transport] = scheme.split('+') as [string, string];
  const base = `${scheme}://${ep.urlHost}:${ep.port}`;
  const tls = transport === 'https' || transport === 'tls';
  const origin = `${tls ? 'https' : 'http'}://${ep.urlHost}:${ep.port}`;
  if (!tls && family !== 'otlp' && ('ca_file' in query || 'insecure' in query)) {
    throw configError('ca_file and insecure apply only to TLS transports (syslog+tls, +https)');
  }

  if (family === 'syslog') {
    if (ep.path !== '') throw configError('syslog URLs take no path');
    const udp = transport === 'udp';
    const q = validate(
      syslogQuery(udp ? 65507 : 16 * 1024 * 1024, udp ? DEFAULTS.udpMaxMessageBytes : DEFAULTS.streamMaxMessageBytes),
      query,
    );
    return {
      kind: 'syslog',
      id: `${base}${idQuery('syslog', query)}`,
      transport: transport as 'udp' | 'tcp' | 'tls',
      host: ep.host,
      port: ep.port,
      format: q.format,
      facility: q.facility,
      appName: q.app_name,
      maxMessageBytes: q.max_message_bytes,
      connectTimeoutMs: q.connect_timeout_ms,
      writeTimeoutMs: q.timeout_ms,
      caFile: q.ca_file,
      insecure: q.insecure,
    };
  }
  if (family === 'splunk-hec') {
    // The token travels in a header: in clear text only to this machine.
    if (!tls && !ep.loopback) throw configError('splunk-hec+http is only for a loopback host; use splunk-hec+https');
    const q = validate(hecQuery, query);
    return {
      kind: 'splunk-hec',
      id: `${base}${ep.path}${idQuery('splunk-hec', query)}`,
      origin,
      path: ep.path === '' ? '/services/collector/event' : ep.path,
      token: readSecret(q.token_env, 'token_env', env, 1),
      format: q.format,
      index: q.index,
      source: q.source,
      sourcetype: q.sourcetype ?? `bulwark:${q.format}`,
      connectTimeoutMs: q.connect_timeout_ms,
      timeoutMs: q.timeout_ms,
      caFile: q.ca_file,
      insecure: q.insecure,
    };
  }
  if (family === 'webhook') {
    // Only the HMAC leaves Bulwark, never the key, so plain http is allowed (events travel unencrypted, as with syslog+tcp).
    const q = validate(webhookQuery, query);
    return {
      kind: 'webhook',
      id: `${base}${ep.path}${idQuery('webhook', query)}`,
      origin,
      path: ep.path === '' ? '/' : ep.path,
      secret: readSecret(q.secret_env, 'secret_env', env, 16),
      format: q.format,
      connectTimeoutMs: q.connect_timeout_ms,
      timeoutMs: q.timeout_ms,
      caFile: q.ca_file,
      insecure: q.insecure,
    };
  }
  const params: Record<string, string> = {};
  const secrets: Record<string, SinkSecret> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!key.endsWith('_env')) {
      params[key] = value;
      continue;
    }
    if (!ENV_NAME.test(value)) throw configError(`${showKey(key)} must be an environment variable name (letters, digits, _)`);
    secrets[key.slice(0, -4)] = readSecret(value, showKey(key), env, 1);
  }
  if (!tls && !ep.loopback && Object.keys(secrets).length > 0) {
    throw configError('otlp+http with credentials is only for a loopback host; use otlp+https');
  }
  return { kind: 'otlp', id: `${base}${ep.path}${idQuery('otlp', query)}`, endpoint: `${origin}${ep.path}`, params, secrets };
}
