// formatEvent: one line per event in every format, no trailing newline, bounded, and JSON that is the stored
// SecurityEvent as it is (only pathological sizes are cut).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent, DECISIONS, EVENT_KINDS, type SecurityEvent } from '../../core/event.js';
import { EVENT_FORMATS, type EventFormat } from '../types.js';
import { CAPS, formatEvent } from './index.js';

const ctx = { productVersion: '0.1.0', hostname: 'gw-1' };
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;

function sample(): SecurityEvent {
  return createEvent({
    kind: 'detection',
    source: 'guard',
    decision: 'redact',
    stage: 'input',
    principal: 'team-a',
    requestId: 'r1',
    findings: [{ detector: 'pii', category: 'email', score: 0.9, severity: 'medium', evidence: '[EMAIL_1]', span: { start: 3, end: 20 }, tags: { owaspLlm: ['LLM02:2025'] }, metadata: { action: 'redact' } }],
    attributes: { route: '/v1/chat/completions', status: 200, model: 'gpt-4o', nested: { a: [1, 2, { b: 'c' }] } },
  });
}

describe('formatEvent', () => {
  it('writes Bulwark JSON as the event is', () => {
    const e = sample();
    const line = formatEvent(e, 'json', ctx);
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(e)));
  });

  it.each(EVENT_FORMATS)('%s: one line without a trailing newline', (format) => {
    const line = formatEvent(sample(), format, ctx);
    expect(line).not.toMatch(LINE_BREAK);
    expect(line.endsWith('\n')).toBe(false);
    if (format !== 'cef') expect(() => JSON.parse(line) as unknown).not.toThrow();
    else expect(line.startsWith('CEF:0|Bulwark|Bulwark|0.1.0|pii|')).toBe(true);
  });

  it('refuses an unknown format as a caller mistake', () => {
    expect(() => formatEvent(sample(), 'xml' as EventFormat, ctx)).toThrow(TypeError);
  });

  it('escapes U+2028/U+2029 in JSON formats and keeps the values', () => {
    const e = createEvent({ kind: 'detection', source: 'guard', decision: 'allow', principal: 'a\u2028b\u2029c', attributes: { note: 'x\u2028y' } });
    const line = formatEvent(e, 'json', ctx);
    expect(line).toContain('\\u2028');
    expect((JSON.parse(line) as SecurityEvent).principal).toBe('a\u2028b\u2029c');
  });

  it('keeps hostile events single-line and bounded in every format', () => {
    const nasty = fc.string({ unit: fc.oneof(fc.constantFrom('\n', '\r', '\u0000', '\u2028', '\u0085', '\ud800', '"', '\\', '|', '=', '😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 30 });
    const huge = nasty.map((s) => s.repeat(1 + Math.floor(20_000 / Math.max(1, s.length))));
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_KINDS), fc.constantFrom(...DECISIONS), nasty, huge, (kind, decision, small, big) => {
        const e = createEvent({
          kind,
          source: 'guard',
          decision,
          principal: big,
          requestId: small,
          findings: Array.from({ length: 3 }, () => ({ detector: big, category: small, score: Number.NaN, severity: 'high' as const, evidence: big, tags: { owaspLlm: [small] }, metadata: { deep: { deeper: { deepest: { x: { y: { z: big } } } } } } })),
          failures: [{ detector: small, code: small, message: big, failMode: 'open' }],
          attributes: { route: big, model: small, reason: big, [small]: big, list: Array.from({ length: 500 }, () => small) },
        });
        for (const format of EVENT_FORMATS) {
          const line = formatEvent(e, format, { productVersion: small, hostname: big });
          expect(line).not.toMatch(LINE_BREAK);
          // JSON keeps each string up to CAPS.string; the mapped formats cut much shorter.
          expect(line.length).toBeLessThan(format === 'json' ? 300 * 1024 : 96 * 1024);
          if (format !== 'cef') JSON.parse(line);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('bounds strings by their written width: control characters escape to six characters each (fast-check seed -1422862266)', () => {
    const small = '\u0000\n\n\n\n\u0000 \n';
    const big = '\u0000'.repeat(20_001);
    const e = createEvent({
      kind: 'detection',
      source: 'guard',
      decision: 'allow',
      principal: big,
      requestId: small,
      findings: Array.from({ length: 3 }, () => ({ detector: big, category: small, score: Number.NaN, severity: 'high' as const, evidence: big, tags: { owaspLlm: [small] }, metadata: { deep: { deeper: { deepest: { x: { y: { z: big } } } } } } })),
      failures: [{ detector: small, code: small, message: big, failMode: 'open' }],
      attributes: { route: big, model: small, reason: big, [small]: big, list: Array.from({ length: 500 }, () => small) },
    });
    for (const format of EVENT_FORMATS) expect(formatEvent(e, format, { productVersion: small, hostname: big }).length).toBeLessThan(format === 'json' ? 300 * 1024 : 96 * 1024);
    const back = JSON.parse(formatEvent(e, 'json', ctx)) as SecurityEvent;
    expect(JSON.stringify(back.attributes['route']).length).toBeLessThanOrEqual(CAPS.string + 2);
    expect(back.attributes['model']).toBe(small);
  });

  it('cuts only pathological sizes from the JSON format', () => {
    const e = createEvent({ kind: 'scan', source: 'scan', decision: 'flag', attributes: { blob: 'x'.repeat(CAPS.string + 10), many: Array.from({ length: CAPS.array + 5 }, (_, i) => i) } });
    const back = JSON.parse(formatEvent(e, 'json', ctx)) as SecurityEvent;
    expect((back.attributes['blob'] as string).length).toBe(CAPS.string);
    expect(back.attributes['many']).toHaveLength(CAPS.array);
    expect(back.id).toBe(e.id);
  });
});
