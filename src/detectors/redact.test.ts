import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import { analyzeText } from '../text/analysis.js';
import { piiDetector } from './pii.js';
import { createRestorer, createVault, MASK, placeholderLabel, redact, restore, type RedactionVault } from './redact.js';

function finding(category: string, start: number, end: number, severity: Severity = 'medium', score = 0.9): Finding {
  return { detector: 'test', category, score, severity, span: { start, end }, tags: {} };
}

/** Findings of the real pii detector, as a gateway would pass them. */
const detect = piiDetector.create(piiDetector.options.parse({}));
function piiFindings(text: string): Finding[] {
  const out = detect({ text, stage: 'input' }, { analysis: analyzeText(text) });
  if (out instanceof Promise) throw new Error('pii is synchronous');
  return out;
}

describe('redact', () => {
  it('replaces each value by a numbered placeholder and the vault restores it', () => {
    const text = 'Mail jane@acme.io and bob@acme.io, then jane@acme.io again.';
    const findings = piiFindings(text);
    const { text: redacted, vault } = redact(text, findings);
    expect(redacted).toBe('Mail [EMAIL_1] and [EMAIL_2], then [EMAIL_1] again.');
    expect(vault.entries).toEqual({ '[EMAIL_1]': 'jane@acme.io', '[EMAIL_2]': 'bob@acme.io' });
    expect(restore(redacted, vault)).toBe(text);
  });

  it('labels placeholders by category and numbers each label on its own', () => {
    const text = 'Patient John Smith, card 4111 1111 1111 1111, mail john@acme.io';
    const { text: redacted, vault } = redact(text, piiFindings(text));
    expect(redacted).toBe('Patient [PERSON_1], card [CREDIT_CARD_1], mail [EMAIL_1]');
    expect(restore(redacted, vault)).toBe(text);
    expect(placeholderLabel('aws-access-key')).toBe('AWS_ACCESS_KEY');
    expect(placeholderLabel('__proto__')).toBe('PROTO');
    expect(placeholderLabel('42')).toBe('REDACTED');
  });

  it('keeps placeholders stable across turns when the vault is reused', () => {
    const first = redact('from jane@acme.io', piiFindings('from jane@acme.io'));
    const second = redact('to bob@acme.io cc jane@acme.io', piiFindings('to bob@acme.io cc jane@acme.io'), { vault: first.vault });
    expect(second.text).toBe('to [EMAIL_2] cc [EMAIL_1]');
    expect(second.vault).toBe(first.vault);
  });

  it('merges overlapping spans under the label of the most serious finding', () => {
    const text = 'abcdefghij';
    const { text: redacted, vault } = redact(text, [
      finding('person', 1, 5, 'medium'),
      finding('credit_card', 3, 8, 'high'),
      finding('email', 8, 9, 'medium'),
    ]);
    expect(redacted).toBe('a[CREDIT_CARD_1][EMAIL_1]j');
    expect(vault.entries['[CREDIT_CARD_1]']).toBe('bcdefgh');
    expect(restore(redacted, vault)).toBe(text);
  });

  it('validates spans against the text and skips findings without one', () => {
    expect(() => redact('short', [finding('email', 2, 9)])).toThrow(BulwarkError);
    expect(() => redact('short', [finding('email', -1, 2)])).toThrow(/span/);
    expect(() => redact('short', [finding('email', 3, 3)])).toThrow(BulwarkError);
    expect(() => redact('short', [finding('email', 1.5, 3)])).toThrow(BulwarkError);
    const noSpan: Finding = { detector: 't', category: 'x', score: 1, severity: 'low', tags: {} };
    expect(redact('short', [noSpan]).text).toBe('short');
  });

  it('never cuts a surrogate pair in half', () => {
    const text = 'a😀b';
    const { text: redacted, vault } = redact(text, [finding('emoji', 1, 2)]);
    expect(redacted).toBe('a[EMOJI_1]b');
    expect(vault.entries['[EMOJI_1]']).toBe('😀');
  });

  it('does not reuse a placeholder that the text already contains', () => {
    const text = 'literal [EMAIL_1] and jane@acme.io';
    const { text: redacted, vault } = redact(text, piiFindings(text));
    expect(redacted).toBe('literal [EMAIL_1] and [EMAIL_2]');
    expect(restore(redacted, vault)).toBe('literal [EMAIL_1] and jane@acme.io');
  });

  it('masks irreversibly in mask mode', () => {
    const text = 'Mail jane@acme.io now';
    const { text: redacted, vault } = redact(text, piiFindings(text), { mode: 'mask' });
    expect(redacted).toBe(`Mail ${MASK} now`);
    expect(vault.entries).toEqual({});
  });

  it('hashes with a key in hash mode: stable for a key, different across keys', () => {
    const text = 'Mail jane@acme.io and jane@acme.io';
    const a = redact(text, piiFindings(text), { mode: 'hash', hashKey: 'k1' });
    const b = redact(text, piiFindings(text), { mode: 'hash', hashKey: 'k1' });
    const c = redact(text, piiFindings(text), { mode: 'hash', hashKey: 'k2' });
    expect(a.text).toMatch(/^Mail \[EMAIL_[0-9a-f]{6}\] and \[EMAIL_[0-9a-f]{6}\]$/);
    expect(a.text).toBe(b.text);
    expect(a.text).not.toBe(c.text);
    expect(restore(a.text, a.vault)).toBe(text);
    expect(() => redact(text, [], { mode: 'hash' })).toThrow(TypeError);
  });
});

describe('restore', () => {
  const vault: RedactionVault = { entries: { '[EMAIL_1]': 'jane@acme.io', '[PERSON_1]': 'Jane $& Doe' }, counters: {} };

  it('restores repeated placeholders, leaves unknown ones and missing ones alone', () => {
    expect(restore('[PERSON_1] <[EMAIL_1]>, again [EMAIL_1]; [EMAIL_9] [email_1] [EMAIL_1', vault)).toBe(
      'Jane $& Doe <jane@acme.io>, again jane@acme.io; [EMAIL_9] [email_1] [EMAIL_1',
    );
    expect(restore('nothing here', vault)).toBe('nothing here');
  });

  it('ignores inherited properties of a vault revived from JSON', () => {
    const revived = JSON.parse('{"entries":{"[A_1]":"x"},"counters":{}}') as RedactionVault;
    expect(restore('[A_1] [CONSTRUCTOR_1] [TO_STRING_1]', revived)).toBe('x [CONSTRUCTOR_1] [TO_STRING_1]');
  });

  it('round-trips random text with embedded e-mail addresses', () => {
    const local = fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}[a-z0-9]$/);
    const domain = fc.stringMatching(/^[a-z]{2,8}\.(?:com|io|de|co\.uk)$/);
    const email = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);
    const filler = fc.string({ maxLength: 20 }).map((s) => s.replace(/[@[\]]/g, ' '));
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, email), { minLength: 1, maxLength: 8 }), fc.string({ maxLength: 10 }), (parts, tail) => {
        const text = `${parts.map(([f, e]) => `${f} ${e} `).join('')}${tail.replace(/[@[\]]/g, ' ')}`;
        const findings = piiFindings(text).filter((f) => f.category === 'email');
        const { text: redacted, vault } = redact(text, findings);
        for (const f of findings) expect(redacted).not.toContain(text.slice(f.span!.start, f.span!.end));
        expect(restore(redacted, vault)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('redact and restore on arbitrary input', () => {
  it('round-trips any text and any spans, placeholder-like text included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'B', '[', ']', '_', '1', 'E', 'M', 'A', 'I', 'L', ' ', '😀'), maxLength: 60 });
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(60), fc.nat(12), fc.constantFrom('email', 'person', 'secret')), { maxLength: 6 }), (t, raw) => {
        const findings = raw
          .map(([start, length, category]) => finding(category, Math.min(start, t.length), Math.min(start + length + 1, t.length)))
          .filter((f) => f.span!.start < f.span!.end);
        const { text: redacted, vault } = redact(t, findings);
        expect(restore(redacted, vault)).toBe(t);
        const r = createRestorer(vault);
        const half = Math.floor(redacted.length / 2);
        expect(r.push(redacted.slice(0, half)) + r.push(redacted.slice(half)) + r.flush()).toBe(t);
      }),
      { numRuns: 500 },
    );
  });

  it('stays linear on hostile input', () => {
    const vault: RedactionVault = { entries: { '[EMAIL_1]': 'x' }, counters: { EMAIL: 1 } };
    for (const text of ['['.repeat(1 << 20), '[A'.repeat(1 << 19), `[${'A'.repeat(1 << 20)}`, '[EMAIL_'.repeat(100_000)]) {
      expect(restore(text, vault)).toBe(text);
      const r = createRestorer(vault);
      expect(r.push(text) + r.flush()).toBe(text);
    }
    // 50,000 distinct values: building the vault must not rescan the text for each new placeholder.
    const big = Array.from({ length: 50_000 }, (_, i) => `u${String(i).padStart(5, '0')}@b.io `).join('');
    const findings = Array.from({ length: 50_000 }, (_, i) => finding('email', i * 12, i * 12 + 11));
    const { text: redacted, vault: v } = redact(big, findings);
    expect(restore(redacted, v)).toBe(big);
  });
});

describe('createRestorer', () => {
  const text = 'Dear Jane Doe, your card 4111 1111 1111 1111 and jane@acme.io are saved. Mail jane@acme.io [X] [EMAIL';
  const { text: redacted, vault } = redact(text, piiFindings(text));

  it('restores the same text whatever the chunking, split at every possible boundary', () => {
    expect(redacted).toContain('[EMAIL_1]');
    for (let i = 0; i <= redacted.length; i++) {
      for (const j of [i, Math.min(redacted.length, i + 3), Math.min(redacted.length, i + 11)]) {
        const r = createRestorer(vault);
        const outputs = [r.push(redacted.slice(0, i)), r.push(redacted.slice(i, j)), r.push(redacted.slice(j)), r.flush()];
        expect(outputs.join('')).toBe(text);
        // No pushed chunk ends inside a placeholder (the text's own "[EMAIL" comes out at flush).
        for (const o of outputs.slice(0, 3)) expect(o).not.toMatch(/\[(?:EMAIL|PERSON|CREDIT_CARD)(?:_\d*)?$/);
      }
    }
  });

  it('restores a stream of one-character chunks', () => {
    const r = createRestorer(vault);
    let out = '';
    for (const c of redacted) out += r.push(c);
    expect(out + r.flush()).toBe(text);
  });

  it('does not hold back brackets that cannot start a placeholder', () => {
    const r = createRestorer(vault);
    expect(r.push('array [1, 2')).toBe('array [1, 2');
    expect(r.push(' and [lower')).toBe(' and [lower');
    expect(r.push(' then [EMA')).toBe(' then ');
    expect(r.push('IL_1] done')).toBe('[EMAIL_1] done'.replace('[EMAIL_1]', vault.entries['[EMAIL_1]'] ?? ''));
    expect(r.flush()).toBe('');
  });

  it('passes text through when the vault is empty', () => {
    const r = createRestorer(createVault());
    expect(r.push('[EMAIL_')).toBe('[EMAIL_');
    expect(r.flush()).toBe('');
  });
});
