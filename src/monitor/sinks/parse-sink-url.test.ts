import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { parseSinkUrl } from './parse-sink-url.js';

const ENV = { SPLUNK_TOKEN: 'tok-1234-abcd', HOOK_SECRET: 'a-webhook-secret-0123456789', OTLP_AUTH: 'Bearer-xyz' };

function configError(fn: () => unknown): BulwarkError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BulwarkError);
    expect((e as BulwarkError).code).toBe('ERR_SINK_CONFIG');
    return e as BulwarkError;
  }
  throw new Error('expected ERR_SINK_CONFIG');
}

describe('parseSinkUrl: file', () => {
  it('parses defaults and keeps only identity options in the id', () => {
    const c = parseSinkUrl('file:///var/log/bulwark/events.jsonl');
    expect(c).toEqual({
      kind: 'file',
      id: 'file:///var/log/bulwark/events.jsonl',
      path: '/var/log/bulwark/events.jsonl',
      format: 'json',
      maxBytes: 64 * 1024 * 1024,
      maxFiles: 5,
      fsync: true,
    });
    const d = parseSinkUrl('file:///tmp/e.jsonl?max_files=3&format=ocsf&max_bytes=2048&fsync=0');
    expect(d).toMatchObject({ kind: 'file', format: 'ocsf', maxBytes: 2048, maxFiles: 3, fsync: false });
    expect(d.id).toBe('file:///tmp/e.jsonl?format=ocsf');
    expect(parseSinkUrl('file://localhost/tmp/e.jsonl').id).toBe('file:///tmp/e.jsonl');
  });

  it('refuses relative paths, directories, bad options', () => {
    expect(configError(() => parseSinkUrl('file://events.jsonl')).message).toMatch(/absolute path/);
    expect(configError(() => parseSinkUrl('file:///tmp/dir/')).message).toMatch(/name a file/);
    expect(configError(() => parseSinkUrl('file:///tmp/e.jsonl?format=cef')).message).toMatch(/format must be one of json, ocsf, ecs/);
    expect(configError(() => parseSinkUrl('file:///tmp/e.jsonl?max_bytes=10')).message).toMatch(/max_bytes must be at least 1024/);
    expect(configError(() => parseSinkUrl('file:///tmp/e.jsonl?max_files=x')).message).toMatch(/max_files must be a whole number/);
    expect(configError(() => parseSinkUrl('file:///tmp/e.jsonl?colour=red')).message).toMatch(/unknown option colour/);
    expect(configError(() => parseSinkUrl('file:///tmp/e.jsonl?format=json&format=ocsf')).message).toMatch(/format is given twice/);
    expect(configError(() => parseSinkUrl('file:///tmp/e.jsonl?__proto__=x')).message).toMatch(/unknown option __proto__/);
  });
});

describe('parseSinkUrl: syslog', () => {
  it('fills default ports, format cef and facility local0', () => {
    expect(parseSinkUrl('syslog+udp://logs.example.com')).toMatchObject({
      kind: 'syslog',
      id: 'syslog+udp://logs.example.com:514',
      transport: 'udp',
      host: 'logs.example.com',
      port: 514,
      format: 'cef',
      facility: 16,
      appName: 'bulwark',
      maxMessageBytes: 8192,
      insecure: false,
    });
    expect(parseSinkUrl('syslog+tcp://h')).toMatchObject({ port: 601, maxMessageBytes: 256 * 1024 });
    expect(parseSinkUrl('syslog+tls://h')).toMatchObject({ port: 6514 });
    // The same destination however it is written: case, explicit default port, option order.
    const a = parseSinkUrl('SYSLOG+TCP://LOGS.example.com:601?app_name=x&format=json');
    const b = parseSinkUrl('syslog+tcp://logs.example.com?format=json&app_name=x&timeout_ms=100');
    expect(a.id).toBe(b.id);
    expect(a.id).toBe('syslog+tcp://logs.example.com:601?app_name=x&format=json');
  });

  it('reads facility names and numbers, TLS options and IPv6 hosts', () => {
    expect(parseSinkUrl('syslog+udp://h?facility=authpriv')).toMatchObject({ facility: 10 });
    expect(parseSinkUrl('syslog+udp://h?facility=LOCAL7')).toMatchObject({ facility: 23 });
    expect(parseSinkUrl('syslog+udp://h?facility=4')).toMatchObject({ facility: 4 });
    const tls = parseSinkUrl('syslog+tls://[::1]:7000?ca_file=/etc/ca.pem&insecure=1&connect_timeout_ms=50&timeout_ms=70');
    expect(tls).toMatchObject({ host: '::1', port: 7000, caFile: '/etc/ca.pem', insecure: true, connectTimeoutMs: 50, writeTimeoutMs: 70 });
    expect(tls.id).toBe('syslog+tls://[::1]:7000');
  });

  it('refuses bad syslog options with a message naming them', () => {
    expect(configError(() => parseSinkUrl('syslog+udp://h?facility=24')).message).toMatch(/facility must be 0\.\.23/);
    expect(configError(() => parseSinkUrl('syslog+udp://h?facility=nope')).message).toMatch(/facility/);
    expect(configError(() => parseSinkUrl(`syslog+udp://h?app_name=${'a'.repeat(49)}`)).message).toMatch(/app_name/);
    expect(configError(() => parseSinkUrl('syslog+udp://h?format=ocsf')).message).toMatch(/format must be one of cef, json/);
    expect(configError(() => parseSinkUrl('syslog+udp://h?insecure=1')).message).toMatch(/only to TLS/);
    expect(configError(() => parseSinkUrl('syslog+tcp://h?ca_file=/x')).message).toMatch(/only to TLS/);
    expect(configError(() => parseSinkUrl('syslog+tls://h?insecure=yes')).message).toMatch(/insecure must be 0 or 1/);
    expect(configError(() => parseSinkUrl('syslog+udp://h?max_message_bytes=70000')).message).toMatch(/at most 65507/);
    expect(configError(() => parseSinkUrl('syslog+udp://h/path')).message).toMatch(/no path/);
    expect(configError(() => parseSinkUrl('syslog+udp://h:0')).message).toMatch(/port/);
    expect(configError(() => parseSinkUrl('syslog+udp://h:70000')).message).toMatch(/not a valid URL/);
    expect(configError(() => parseSinkUrl('syslog+udp:h')).message).toMatch(/must look like/);
    expect(configError(() => parseSinkUrl('syslog+udp://h#x')).message).toMatch(/fragment/);
  });
});

describe('parseSinkUrl: Splunk HEC', () => {
  it('reads the token from the environment and wraps it', () => {
    const c = parseSinkUrl('splunk-hec+https://splunk.example.com:8088?token_env=SPLUNK_TOKEN&index=security&sourcetype=bulwark', ENV);
    expect(c).toMatchObject({
      kind: 'splunk-hec',
      id: 'splunk-hec+https://splunk.example.com:8088?index=security&sourcetype=bulwark',
      origin: 'https://splunk.example.com:8088',
      path: '/services/collector/event',
      format: 'json',
      index: 'security',
      source: 'bulwark',
      sourcetype: 'bulwark',
    });
    if (c.kind !== 'splunk-hec') throw new Error('kind');
    expect(c.token.reveal()).toBe(ENV.SPLUNK_TOKEN);
    for (const shown of [JSON.stringify(c), inspect(c, { depth: 5 }), String(c.token)]) expect(shown).not.toContain(ENV.SPLUNK_TOKEN);
    expect(parseSinkUrl('splunk-hec+https://s?token_env=SPLUNK_TOKEN&format=ocsf', ENV)).toMatchObject({ sourcetype: 'bulwark:ocsf' });
    expect(parseSinkUrl('splunk-hec+https://s/proxy/hec?token_env=SPLUNK_TOKEN', ENV)).toMatchObject({ path: '/proxy/hec' });
  });

  it('refuses a missing token, an unset variable, a token in the URL and plain http off-host', () => {
    expect(configError(() => parseSinkUrl('splunk-hec+https://s', ENV)).message).toMatch(/token_env is required/);
    const unset = configError(() => parseSinkUrl('splunk-hec+https://s?token_env=NOPE', ENV));
    expect(unset.message).toMatch(/environment variable NOPE \(token_env\) is not set/);
    expect(configError(() => parseSinkUrl('splunk-hec+https://s?token=abc', ENV)).message).toMatch(/secret in the URL/);
    expect(configError(() => parseSinkUrl('splunk-hec+http://splunk.example.com?token_env=SPLUNK_TOKEN', ENV)).message).toMatch(/loopback/);
    expect(parseSinkUrl('splunk-hec+http://127.0.0.1:9?token_env=SPLUNK_TOKEN', ENV)).toMatchObject({ origin: 'http://127.0.0.1:9' });
    expect(configError(() => parseSinkUrl('splunk-hec+https://s?token_env=T', { T: 'has space' })).message).toMatch(/printable ASCII/);
    expect(configError(() => parseSinkUrl('splunk-hec+https://s?token_env=T&index=Bad!', { T: 'x' })).message).toMatch(/index/);
  });
});

describe('parseSinkUrl: webhook and otlp', () => {
  it('parses a webhook with its secret', () => {
    const c = parseSinkUrl('webhook+https://hooks.example.com/soc/in?secret_env=HOOK_SECRET&format=ecs', ENV);
    expect(c).toMatchObject({ kind: 'webhook', id: 'webhook+https://hooks.example.com:443/soc/in?format=ecs', path: '/soc/in', format: 'ecs' });
    expect(configError(() => parseSinkUrl('webhook+https://h/x?secret_env=S', { S: 'short' })).message).toMatch(/at least 16/);
    expect(configError(() => parseSinkUrl('webhook+https://h/x', ENV)).message).toMatch(/secret_env is required/);
    expect(parseSinkUrl('webhook+http://10.0.0.5:8080/in?secret_env=HOOK_SECRET', ENV)).toMatchObject({ origin: 'http://10.0.0.5:8080' });
  });

  it('recognises otlp and resolves its *_env options', () => {
    const c = parseSinkUrl('otlp+http://127.0.0.1/v1/logs?headers_env=OTLP_AUTH&service=x', ENV);
    expect(c).toMatchObject({ kind: 'otlp', id: 'otlp+http://127.0.0.1:4318/v1/logs?service=x', endpoint: 'http://127.0.0.1:4318/v1/logs', params: { service: 'x' } });
    if (c.kind !== 'otlp') throw new Error('kind');
    expect(c.secrets.headers?.reveal()).toBe(ENV.OTLP_AUTH);
    expect(configError(() => parseSinkUrl('otlp+http://collector:4318?headers_env=OTLP_AUTH', ENV)).message).toMatch(/loopback/);
    expect(parseSinkUrl('otlp+https://collector?timeout_ms=5').id).toBe('otlp+https://collector:4318');
  });
});

describe('parseSinkUrl: hostile input', () => {
  it('refuses credentials in the URL without echoing them', () => {
    const e = configError(() => parseSinkUrl('syslog+tls://admin:hunter2-pw@h:6514'));
    expect(e.message).toMatch(/credentials in the URL are not allowed/);
    expect(JSON.stringify(e.toJSON())).not.toContain('hunter2');
    expect(configError(() => parseSinkUrl('gopher://h')).message).toMatch(/scheme must be one of/);
    expect(configError(() => parseSinkUrl('')).message).toMatch(/scheme/);
    expect(configError(() => parseSinkUrl(`file:///${'a'.repeat(5000)}`)).message).toMatch(/longer than/);
    expect(configError(() => parseSinkUrl('file:///tmp/a b')).message).toMatch(/spaces or control/);
    expect(() => parseSinkUrl(42 as unknown as string)).toThrow(TypeError);
  });

  it('never throws anything but ERR_SINK_CONFIG (fast-check)', () => {
    const scheme = fc.constantFrom('file', 'syslog+udp', 'syslog+tcp', 'syslog+tls', 'splunk-hec+https', 'webhook+http', 'otlp+https', 'http', 'x');
    const junk = fc.string({ unit: 'binary', maxLength: 40 });
    const shaped = fc.tuple(scheme, fc.constantFrom('://', ':', ':///'), junk, fc.constantFrom('', '?', '?token_env=', '?format=', '#'), junk).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(junk, shaped, fc.webUrl({ withQueryParameters: true, withFragments: true })), (url) => {
        try {
          parseSinkUrl(url, ENV);
        } catch (e) {
          expect(e).toBeInstanceOf(BulwarkError);
          expect((e as BulwarkError).code).toBe('ERR_SINK_CONFIG');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never shows a secret in an error, a sink id or a serialised config (fast-check)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{10,20}$/).map((s) => `Zq9${s}`);
    const placement = fc.constantFrom(
      (s: string) => [`syslog+tcp://user:${s}@h:601`, {}],
      (s: string) => [`splunk-hec+https://${s}@h?token_env=T`, { T: 'x' }],
      (s: string) => [`splunk-hec+https://h?token_env=T&token=${s}`, { T: 'x' }],
      (s: string) => [`webhook+https://h/p?secret_env=S&secret=${s}`, { S: 'x'.repeat(20) }],
      (s: string) => [`splunk-hec+https://h?token_env=T`, { T: s }],
      (s: string) => [`splunk-hec+http://example.com?token_env=T`, { T: s }],
      (s: string) => [`splunk-hec+https://h?token_env=T&index=BAD`, { T: s }],
      (s: string) => [`webhook+https://h/p?secret_env=S`, { S: s }],
      (s: string) => [`webhook+https://h/p?secret_env=S&format=xml`, { S: s }],
      (s: string) => [`webhook+https://h/p?secret_env=S`, { S: `${s} with space` }],
      (s: string) => [`otlp+https://h?headers_env=H&x=1`, { H: s }],
      (s: string) => [`otlp+http://example.com?headers_env=H`, { H: s }],
      (s: string) => [`file:///tmp/x?password=${s}`, {}],
    );
    fc.assert(
      fc.property(secret, placement, (s, place) => {
        const [url, env] = place(s) as [string, Record<string, string>];
        let shown: string;
        try {
          const config = parseSinkUrl(url, env);
          shown = `${config.id}\n${JSON.stringify(config)}\n${inspect(config, { depth: 5 })}`;
        } catch (e) {
          expect((e as BulwarkError).code).toBe('ERR_SINK_CONFIG');
          const err = e as BulwarkError;
          shown = `${err.message}\n${JSON.stringify(err.toJSON())}\n${inspect(err.context, { depth: 5 })}\n${String(err.cause ?? '')}`;
        }
        expect(shown).not.toContain(s);
      }),
      { numRuns: 300 },
    );
  });
});
