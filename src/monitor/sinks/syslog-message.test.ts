import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent } from '../../core/event.js';
import { parseSinkUrl } from './parse-sink-url.js';
import type { SyslogSinkConfig } from './sink-config.js';
import {
  buildSyslogMessage,
  headerField,
  octetCountedFrame,
  syslogEventMessage,
  syslogPri,
  syslogTimestamp,
  truncateUtf8,
} from './syslog-message.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const base = { facility: 16, severity: 4, timestamp: '2025-03-01T10:20:30.123Z', hostname: 'gw-1', appName: 'bulwark', procId: '42', msgId: 'detection', msg: 'hello' };

describe('RFC 5424 header', () => {
  it('builds <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG', () => {
    expect(buildSyslogMessage(base, 8192).toString()).toBe('<132>1 2025-03-01T10:20:30.123Z gw-1 bulwark 42 detection - hello');
    expect(buildSyslogMessage({ ...base, msg: '' }, 8192).toString()).toBe('<132>1 2025-03-01T10:20:30.123Z gw-1 bulwark 42 detection -');
  });

  it('PRI is facility*8+severity within 0..191 and refuses anything else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 7 }), (facility, severity) => {
        const pri = syslogPri(facility, severity);
        expect(pri).toBe(facility * 8 + severity);
        expect(pri).toBeGreaterThanOrEqual(0);
        expect(pri).toBeLessThanOrEqual(191);
        expect(buildSyslogMessage({ ...base, facility, severity }, 8192).toString()).toMatch(new RegExp(`^<${pri}>1 `));
      }),
    );
    expect(() => syslogPri(24, 0)).toThrow(TypeError);
    expect(() => syslogPri(0, 8)).toThrow(TypeError);
    expect(() => syslogPri(-1, 0)).toThrow(TypeError);
    expect(() => syslogPri(1.5, 0)).toThrow(TypeError);
  });

  it('caps fields, keeps printable ASCII only, uses NILVALUE for empty', () => {
    expect(headerField('a'.repeat(300), 255)).toHaveLength(255);
    expect(headerField('my app name', 48)).toBe('myappname');
    expect(headerField('ünï cødé', 48)).toBe('ncd');
    expect(headerField('', 48)).toBe('-');
    expect(headerField('   \t\n', 48)).toBe('-');
    expect(headerField(undefined, 48)).toBe('-');
    const msg = buildSyslogMessage({ ...base, hostname: 'h'.repeat(400), appName: 'a'.repeat(60), procId: 'p'.repeat(200), msgId: 'm'.repeat(40) }, 8192);
    const [, , host, app, proc, msgId, sd] = msg.toString().split(' ');
    expect([host?.length, app?.length, proc?.length, msgId?.length, sd]).toEqual([255, 48, 128, 32, '-']);
  });

  it('header fields are always 7 space-free tokens whatever the input (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 60 }), (host, app, msgId) => {
        const text = buildSyslogMessage({ ...base, hostname: host, appName: app, msgId, msg: 'x y' }, 8192).toString('latin1');
        const tokens = text.split(' ');
        expect(tokens).toHaveLength(9);
        for (const token of tokens.slice(0, 7)) expect(token).toMatch(/^[\x21-\x7e]+$/);
        expect(tokens[2]?.length).toBeLessThanOrEqual(255);
        expect(tokens[3]?.length).toBeLessThanOrEqual(48);
        expect(tokens[5]?.length).toBeLessThanOrEqual(32);
      }),
      { numRuns: 100 },
    );
  });

  it('timestamps are RFC 3339 with at most 6 fractional digits, else NILVALUE', () => {
    expect(syslogTimestamp('2025-03-01T10:20:30Z')).toBe('2025-03-01T10:20:30Z');
    expect(syslogTimestamp('2025-03-01T10:20:30.123456789+02:00')).toBe('2025-03-01T10:20:30.123456+02:00');
    expect(syslogTimestamp('2025-03-01 10:20:30')).toBe('-');
    expect(syslogTimestamp('2025-13-45T10:20:30Z')).toBe('-');
    expect(syslogTimestamp(undefined)).toBe('-');
  });
});

describe('UTF-8 safe truncation', () => {
  it('never exceeds the limit, never splits a sequence, keeps a prefix (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 600 }), (text, max) => {
        const full = Buffer.from(text, 'utf8');
        const cut = truncateUtf8(full, max);
        expect(cut.length).toBeLessThanOrEqual(Math.max(max, 0));
        expect(full.subarray(0, cut.length).equals(cut)).toBe(true);
        expect(() => strictUtf8.decode(cut)).not.toThrow();
        if (full.length <= max) expect(cut.length).toBe(full.length);
        else expect(cut.length).toBeGreaterThan(max - 4);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts the MSG, never the header, and the result stays valid UTF-8', () => {
    const msg = '€'.repeat(1000); // 3 bytes each
    const out = buildSyslogMessage({ ...base, msg }, 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out.length).toBeGreaterThan(496);
    const text = strictUtf8.decode(out);
    expect(text.startsWith('<132>1 2025-03-01T10:20:30.123Z gw-1 bulwark 42 detection - €')).toBe(true);
    expect(buildSyslogMessage({ ...base, msg: `${'a'.repeat(600)}\u{1F600}` }, 8192).toString()).toContain('\u{1F600}');
    // A lone surrogate (malformed event text) is replaced, never emitted as invalid UTF-8.
    expect(() => strictUtf8.decode(buildSyslogMessage({ ...base, msg: 'a\ud800b' }, 8192))).not.toThrow();
  });
});

describe('octet counting and events', () => {
  it('prefixes the byte length and a space', () => {
    const msg = Buffer.from('<1>1 - - - - - - héllo', 'utf8');
    const frame = octetCountedFrame(msg);
    expect(frame.toString('utf8')).toBe(`${msg.length} <1>1 - - - - - - héllo`);
    expect(msg.length).toBe(23);
  });

  it('maps Bulwark severity to syslog severity and the kind to MSGID', () => {
    const config = parseSinkUrl('syslog+tcp://h?format=json&facility=auth&app_name=bw') as SyslogSinkConfig;
    const event = createEvent({
      kind: 'detection',
      source: 'guard',
      decision: 'block',
      findings: [{ detector: 'd', category: 'c', score: 0.99, severity: 'critical', tags: {} }],
      time: new Date('2025-01-02T03:04:05.678Z'),
    });
    const text = syslogEventMessage(event, config, { productVersion: '0.1.0', hostname: 'my host' }).toString();
    const [pri, ts, host, app, pid, msgId, sd, ...rest] = text.split(' ');
    expect([pri, ts, host, app, pid, msgId, sd]).toEqual(['<34>1', '2025-01-02T03:04:05.678Z', 'myhost', 'bw', String(process.pid), 'detection', '-']);
    expect(JSON.parse(rest.join(' '))).toEqual(JSON.parse(JSON.stringify(event)));
    const info = createEvent({ kind: 'auth', source: 'guard', decision: 'allow' });
    expect(syslogEventMessage(info, config, { productVersion: '0', hostname: 'h' }).toString()).toMatch(/^<38>1 /);
  });
});
