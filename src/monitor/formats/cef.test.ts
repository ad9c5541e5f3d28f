// CEF: header and extension escaping checked with fast-check against a small parser that follows the spec's
// escaping rules, plus the field mapping of typical events.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent, DECISIONS, EVENT_KINDS, type NewEvent } from '../../core/event.js';
import type { Finding } from '../../core/finding.js';
import { SEVERITIES } from '../../core/severity.js';
import { escapeCefHeader, escapeCefValue, toCef } from './cef.js';
import { CAPS } from './common.js';

const ctx = { productVersion: '0.1.0', hostname: 'gw-1' };

/** Splits a CEF line at its first 7 unescaped pipes: 7 header fields (unescaped) and the raw extension. */
function parseCef(line: string): { header: string[]; extension: string } {
  const header: string[] = [];
  let field = '';
  let i = 0;
  for (; i < line.length && header.length < 7; i++) {
    const c = line[i] as string;
    if (c === '\\' && (line[i + 1] === '\\' || line[i + 1] === '|')) {
      field += line[++i];
    } else if (c === '|') {
      header.push(field);
      field = '';
    } else field += c;
  }
  if (header.length < 7) throw new Error('fewer than 7 header pipes');
  return { header, extension: line.slice(i) };
}

/**
 * Parses `key=value key=value`: an unescaped `=` ends a key (the word before it, after a space); a value runs to
 * the single space before the next key. Escapes: `\\`, `\=`, `\n`, `\r`.
 */
function parseExtension(ext: string): Map<string, string> {
  const out = new Map<string, string>();
  const raw: { key: string; start: number }[] = [];
  for (let i = 0; i < ext.length; i++) {
    if (ext[i] === '\\') {
      i++;
      continue;
    }
    if (ext[i] === '=') {
      const keyStart = ext.lastIndexOf(' ', i) + 1;
      raw.push({ key: ext.slice(keyStart, i), start: i + 1 });
    }
  }
  raw.forEach(({ key, start }, n) => {
    const next = raw[n + 1];
    const end = next ? next.start - next.key.length - 2 : ext.length;
    const value = ext.slice(start, end).replace(/\\([\\=nr])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
    out.set(key, value);
  });
  return out;
}

/** What a value becomes before escaping: CR/LF kept (escaped), other controls and LS/PS spaces, lone surrogates U+FFFD. */
function normaliseValue(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd').replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

const anyText = fc.string({ unit: fc.oneof(fc.constantFrom('\\', '|', '=', '\n', '\r', ' ', '\u0000', '\u2028', '\ud800', 'é', '😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 60 });

describe('CEF escaping', () => {
  it('escapes header fields so that a line always has exactly 7 header pipes and the fields come back', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (a, b, c) => {
        const line = `CEF:0|Bulwark|Bulwark|${escapeCefHeader(a)}|${escapeCefHeader(b)}|${escapeCefHeader(c)}|5|k=v`;
        expect(line).not.toMatch(/[\r\n]/);
        const { header, extension } = parseCef(line);
        const single = (s: string): string => normaliseValue(s).replace(/[\r\n]/g, ' ');
        expect(header).toEqual(['CEF:0', 'Bulwark', 'Bulwark', single(a), single(b), single(c), '5']);
        expect(extension).toBe('k=v');
      }),
      { numRuns: 300 },
    );
  });

  it('escapes extension values so that they parse back, with no raw CR or LF', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const ext = `msg=${escapeCefValue(a)} suser=${escapeCefValue(b)} act=block`;
        expect(ext).not.toMatch(/[\r\n]/);
        const parsed = parseExtension(ext);
        expect([...parsed.keys()]).toEqual(['msg', 'suser', 'act']);
        expect(parsed.get('msg')).toBe(normaliseValue(a));
        expect(parsed.get('suser')).toBe(normaliseValue(b));
        expect(parsed.get('act')).toBe('block');
      }),
      { numRuns: 300 },
    );
  });

  it('escapes the documented characters', () => {
    expect(escapeCefHeader('a|b\\c\nd\re')).toBe('a\\|b\\\\c d e');
    expect(escapeCefValue('a=b\\c\nd\re|f')).toBe('a\\=b\\\\c\\nd\\re|f');
  });

  it('cuts before escaping, so an escape is never split, and keeps surrogate pairs whole', () => {
    expect(escapeCefValue('\\'.repeat(2000)).length).toBe(2 * (CAPS.text - 1) + 1);
    expect(escapeCefValue('\\'.repeat(2000))).toMatch(/^(\\\\)+…$/);
    const cut = escapeCefValue(`${'a'.repeat(CAPS.text - 2)}😀😀`);
    expect(cut.endsWith('a…')).toBe(true);
  });
});

describe('toCef', () => {
  const injection: Finding = { detector: 'prompt-injection', category: 'jailbreak', score: 0.97, severity: 'critical', tags: { owaspLlm: ['LLM01:2025'], atlas: ['AML.T0051.000'] } };

  it('writes a blocked detection with the standard keys', () => {
    const e = createEvent({
      kind: 'detection',
      source: 'guard',
      decision: 'block',
      principal: 'team-a',
      requestId: 'req-1',
      findings: [injection],
      attributes: { route: '/v1/chat/completions', status: 400, model: 'gpt-4o', upstream: 'openai', promptTokens: 12, sourceIp: '10.0.0.5' },
    });
    const line = toCef(e, ctx);
    const { header, extension } = parseCef(line);
    expect(header).toEqual(['CEF:0', 'Bulwark', 'Bulwark', '0.1.0', 'prompt-injection', 'prompt-injection: jailbreak (block)', '10']);
    const ext = parseExtension(extension);
    expect(Object.fromEntries(ext)).toMatchObject({
      rt: String(Date.parse(e.time)),
      act: 'block',
      cat: 'detection',
      outcome: 'failure',
      externalId: e.id,
      suser: 'team-a',
      src: '10.0.0.5',
      request: '/v1/chat/completions',
      dvchost: 'gw-1',
      cs1: 'req-1',
      cs1Label: 'requestId',
      cs2: 'gpt-4o',
      cs2Label: 'model',
      cs4: 'LLM01:2025,AML.T0051.000',
      cs5: 'prompt-injection:jailbreak:0.97',
      cn1: '400',
      cn1Label: 'httpStatus',
      cn2: '12',
      cfp1: '0.97',
    });
    expect(ext.get('msg')).toContain('request blocked');
  });

  it('maps severities to 0-10 and names auth failures by reason', () => {
    const sev = (severity: Finding['severity'], decision: NewEvent['decision'] = 'flag'): string =>
      parseCef(toCef(createEvent({ kind: 'detection', source: 'guard', decision, findings: [{ ...injection, severity }] }), ctx)).header[6] as string;
    expect(SEVERITIES.map((s) => sev(s))).toEqual(['1', '3', '5', '8', '10']);
    expect(parseCef(toCef(createEvent({ kind: 'detection', source: 'guard', decision: 'allow' }), ctx)).header[6]).toBe('0');
    const auth = parseCef(toCef(createEvent({ kind: 'auth', source: 'guard', decision: 'block', attributes: { reason: 'expired', status: 401 } }), ctx));
    expect(auth.header.slice(4)).toEqual(['auth.expired', 'authentication failed: expired', '1']);
    expect(parseExtension(auth.extension).has('suser')).toBe(false);
  });

  it('names automated responses by rule and action', () => {
    const e = createEvent({ kind: 'response', source: 'guard', decision: 'block', principal: 'team-a', attributes: { rule: 'brute-force', action: 'block_principal', target: 'team-a' } });
    const { header, extension } = parseCef(toCef(e, ctx));
    expect(header.slice(4, 6)).toEqual(['response.block_principal', 'brute-force: block_principal team-a']);
    expect(parseExtension(extension).get('cat')).toBe('response');
  });

  it('keeps hostile events on one bounded line that parses', () => {
    const hostile = (s: string): string => `${s}|=\\\n\r\u2028`.repeat(20);
    fc.assert(
      fc.property(anyText, fc.constantFrom(...EVENT_KINDS), fc.constantFrom(...DECISIONS), (s, kind, decision) => {
        const e = createEvent({
          kind,
          source: 'guard',
          decision,
          principal: hostile(s),
          requestId: hostile(s),
          findings: [{ detector: hostile(s), category: hostile(s), score: 0.5, severity: 'medium', evidence: hostile(s), tags: {} }],
          attributes: { route: hostile(s), model: hostile(s), reason: hostile(s), sourceIp: hostile(s) },
        });
        const line = toCef(e, { productVersion: hostile(s), hostname: hostile(s) });
        expect(line).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
        expect(line.length).toBeLessThan(16 * 1024);
        const { header, extension } = parseCef(line);
        expect(header[0]).toBe('CEF:0');
        const ext = parseExtension(extension);
        expect(ext.get('act')).toBe(decision);
        expect(ext.get('externalId')).toBe(e.id);
        expect(ext.has('src')).toBe(false);
        expect(ext.get('suser')?.length).toBeLessThanOrEqual(CAPS.name);
      }),
      { numRuns: 100 },
    );
  });
});
