import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import { unknownTags } from '../core/taxonomy/index.js';
import { analyzeText } from '../text/analysis.js';
import { piiDetector, type PiiOptions } from './pii.js';

const detectors = new Map<string, ReturnType<typeof piiDetector.create>>();
function scan(text: string, options: Partial<PiiOptions> = {}): Finding[] {
  const key = JSON.stringify(options);
  let detect = detectors.get(key);
  if (!detect) {
    detect = piiDetector.create(piiDetector.options.parse(options));
    detectors.set(key, detect);
  }
  const out = detect({ text, stage: 'input' }, { analysis: analyzeText(text) });
  if (out instanceof Promise) throw new Error('pii is synchronous');
  return out;
}

/** The matched values of one category, taken from the text through the spans. */
function values(text: string, category: string, options: Partial<PiiOptions> = {}): string[] {
  return scan(text, options)
    .filter((f) => f.category === category)
    .map((f) => text.slice(f.span?.start, f.span?.end));
}

describe('pii detector contract', () => {
  it('declares its id, stages and valid taxonomy tags', () => {
    expect(piiDetector.id).toBe('pii');
    expect(piiDetector.stages).toEqual(['input', 'output', 'tool_call', 'tool_result']);
    expect(piiDetector.tags).toEqual({
      owaspLlm: ['LLM02:2025'],
      atlas: ['AML.T0057'],
      nistAi600: ['NIST-600-1:2.4'],
      mlcommons: ['S7'],
    });
    expect(unknownTags(piiDetector.tags)).toEqual([]);
  });

  it('parses {} into working defaults and rejects unknown keys', () => {
    const opts = piiDetector.options.parse({});
    expect(opts.threshold).toBe(0.5);
    expect(opts.entities).toContain('person');
    expect(opts.ignoreExamples).toBe(true);
    expect(opts.includePrivateIps).toBe(true);
    expect(piiDetector.options.safeParse({ treshold: 0.4 }).success).toBe(false);
    expect(piiDetector.options.safeParse({ entities: ['emails'] }).success).toBe(false);
    expect(piiDetector.options.safeParse({ threshold: 2 }).success).toBe(false);
  });

  it('finds nothing in empty or PII-free text', () => {
    expect(scan('')).toEqual([]);
    expect(scan('Please summarise the attached report in five bullet points.')).toEqual([]);
  });

  it('builds findings with span, category, score, severity, masked evidence and metadata', () => {
    const text = 'Pay with 4111 1111 1111 1111 today';
    const [f] = scan(text);
    expect(f).toMatchObject({
      detector: 'pii',
      category: 'credit_card',
      severity: 'high',
      span: { start: 9, end: 28 },
      evidence: '**** **** **** 1111',
      metadata: { entity: 'credit_card', brand: 'visa' },
    });
    expect(f?.score).toBeGreaterThanOrEqual(0.9);
  });
});

describe('email', () => {
  it('finds addresses with their exact span and masks them', () => {
    const text = 'Write to jane.doe+news@mail.acme.io, or (bob_smith@uni.edu.au).';
    expect(values(text, 'email')).toEqual(['jane.doe+news@mail.acme.io', 'bob_smith@uni.edu.au']);
    const f = scan(text)[0];
    expect(f?.evidence).toBe('j***@m***.io');
    expect(f?.severity).toBe('medium');
  });

  it('ignores documentation domains unless asked, and asset names such as logo@2x.png', () => {
    expect(values('mail test@example.com or a@b.example.org', 'email')).toEqual([]);
    expect(values('mail test@example.com', 'email', { ignoreExamples: false })).toEqual(['test@example.com']);
    expect(values('<img src="logo@2x.png">', 'email')).toEqual([]);
    expect(values('npm i left-pad@1.3.0 and user@localhost', 'email')).toEqual([]);
  });
});

describe('phone', () => {
  it.each([
    ['Call +44 20 7946 0958 now', '+44 20 7946 0958'],
    ['Call (415) 555-0132 now', '(415) 555-0132'],
    ['Call 415.555.0132 now', '415.555.0132'],
    ['Call 1-800-555-0199 now', '1-800-555-0199'],
    ['Desk: +41 (0)85 806 98 67', '+41 (0)85 806 98 67'],
    ['Mobile +447700677662', '+447700677662'],
    ['Ring 0496 46 46 70 tomorrow', '0496 46 46 70'],
    ['Tél : 01.84.17.61.18', '01.84.17.61.18'],
    ['Phone:\n780 6326', '780 6326'],
    ['Fax: 9498777106', '9498777106'],
    ['my phone number is 780 6326', '780 6326'],
    ['Call Anna at 555-0132 today', '555-0132'],
    ['(898)666-3621x0135 desk', '(898)666-3621x0135'],
  ])('finds %j', (text, value) => expect(values(text, 'phone')).toEqual([value]));

  it.each([
    'The release is version 1.2.3.4 of the tool.',
    'call me at 5pm',
    'It costs $1,234.56 in total.',
    'Order #12345678 shipped.',
    'order number 0612 345 678 is late',
    'Logged at 2024-05-01 12:00 by the job.',
    'ISBN 978-3-16-148410-0',
    'id 123e4567-e89b-12d3-a456-426614174000',
    'Between 1999 and 2004 sales doubled; 2019-2023 was flat.',
    'The population was 8,336,817 in 2019.',
    'Pi is 3.14159265358979',
    'see pages 120-135 and 200-210',
    'The date 01.05.2024 and 12/11/2023 are holidays.',
    'Is the number 1234567 prime?',
  ])('ignores %j', (text) => expect(values(text, 'phone')).toEqual([]));
});

describe('credit_card', () => {
  it.each([
    ['card 4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['card 4111-1111-1111-1111', '4111-1111-1111-1111'],
    ['card 4111111111111111.', '4111111111111111'],
    ['amex 3782 822463 10005', '3782 822463 10005'],
    ['mc 5555555555554444', '5555555555554444'],
    ['ref 12 4111 1111 1111 1111 2024', '4111 1111 1111 1111'],
  ])('finds %j', (text, value) => expect(values(text, 'credit_card')).toEqual([value]));

  it('refuses Luhn failures, unknown IINs and mixed separators', () => {
    expect(values('card 4111 1111 1111 1112', 'credit_card')).toEqual([]);
    expect(values('id 1234567812345670', 'credit_card')).toEqual([]);
    expect(values('card 4111 1111-1111 1111', 'credit_card')).toEqual([]);
  });

  it('takes an issuer outside the known ranges only after a card cue, with Luhn and a standard length', () => {
    // 3598... passes Luhn but lies outside the JCB range 3528-3589.
    const [f] = scan('my credit card 3598899323053410 has been lost');
    expect(f).toMatchObject({ category: 'credit_card', metadata: { brand: 'unknown' } });
    expect(f?.score).toBeLessThan(0.9);
    expect(values('order 3598899323053410 shipped', 'credit_card')).toEqual([]);
    expect(values('my credit card 3598899323053411', 'credit_card')).toEqual([]);
    expect(values('card number 1234567812345670', 'credit_card')).toEqual([]); // industry digit 1
  });
});

describe('iban', () => {
  it.each([
    ['IBAN GB82 WEST 1234 5698 7654 32 please', 'GB82 WEST 1234 5698 7654 32'],
    ['to DE89370400440532013000.', 'DE89370400440532013000'],
    ['my iban is gb82west12345698765432', 'gb82west12345698765432'],
    ['FR14 2004 1010 0505 0001 3M02 606', 'FR14 2004 1010 0505 0001 3M02 606'],
  ])('finds %j', (text, value) => expect(values(text, 'iban')).toEqual([value]));

  it('refuses a wrong check digit and a wrong length', () => {
    expect(values('GB83 WEST 1234 5698 7654 32', 'iban')).toEqual([]);
    expect(values('GB82 WEST 1234 5698 7654 3', 'iban')).toEqual([]);
    expect(values('GB82 WEST 1234 5698 7654 32 10', 'iban')).toEqual(['GB82 WEST 1234 5698 7654 32']);
  });
});

describe('us_ssn', () => {
  it('finds dashed numbers that follow the SSA rules', () => {
    expect(values('SSN: 536-90-4399', 'us_ssn')).toEqual(['536-90-4399']);
    expect(values('no. 536-90-4399', 'us_ssn')).toEqual(['536-90-4399']);
    for (const bad of ['000-12-3456', '666-12-3456', '912-12-3456', '123-00-4567', '123-45-0000']) {
      expect(values(`SSN ${bad}`, 'us_ssn')).toEqual([]);
    }
  });

  it('takes spaced or bare nine digits only after an SSN cue', () => {
    expect(values('my social security number is 536904399', 'us_ssn')).toEqual(['536904399']);
    expect(values('SSN 536 90 4399', 'us_ssn')).toEqual(['536 90 4399']);
    expect(values('tracking 536904399', 'us_ssn')).toEqual([]);
  });
});

describe('ip_address', () => {
  it('finds IPv4 and IPv6 addresses', () => {
    expect(values('login from 81.2.69.160 failed', 'ip_address')).toEqual(['81.2.69.160']);
    expect(values('host fe80::1ff:fe23:4567:890a.', 'ip_address')).toEqual(['fe80::1ff:fe23:4567:890a']);
    expect(values('peer 2001:4860:4860::8888 up', 'ip_address')).toEqual(['2001:4860:4860::8888']);
  });

  it('skips versions, out-of-range octets, netmasks, times and MAC addresses', () => {
    expect(values('version 1.2.3.4', 'ip_address')).toEqual([]);
    expect(values('upgrade to 10.2.3.4.5', 'ip_address')).toEqual([]);
    expect(values('see section 1.2.3.4', 'ip_address')).toEqual([]);
    expect(values('bad 999.1.1.1', 'ip_address')).toEqual([]);
    expect(values('mask 255.255.255.0', 'ip_address')).toEqual([]);
    expect(values('at 12:30:45 the MAC 00:1A:2B:3C:4D:5E', 'ip_address')).toEqual([]);
  });

  it('follows includePrivateIps and ignoreExamples', () => {
    const text = 'hosts 10.0.0.5, 192.168.1.1, dns 8.8.8.8 and 203.0.113.7, 2001:db8::1';
    expect(values(text, 'ip_address')).toEqual(['10.0.0.5', '192.168.1.1', '8.8.8.8']);
    expect(values(text, 'ip_address', { includePrivateIps: false })).toEqual(['8.8.8.8']);
    expect(values(text, 'ip_address', { ignoreExamples: false })).toEqual([
      '10.0.0.5',
      '192.168.1.1',
      '8.8.8.8',
      '203.0.113.7',
      '2001:db8::1',
    ]);
    expect(scan('from 8.8.8.8').find((f) => f.category === 'ip_address')?.severity).toBe('low');
  });
});

describe('date_of_birth', () => {
  it.each([
    ['DOB: 12/05/1987', '12/05/1987'],
    ['She was born on 2/8/1935. Her maiden name is Clark', '2/8/1935'],
    ["Please tell me your date of birth. It's 6/24/1991", '6/24/1991'],
    ['born on the 5th of May 1990', '5th of May 1990'],
    ['birthday: May 17, 1990', 'May 17, 1990'],
    ['Geburtsdatum: 17.05.1990', '17.05.1990'],
    ['geboren am 3. März 1985', '3. März 1985'],
    ['née le 12 juillet 1975', '12 juillet 1975'],
    ['fecha de nacimiento: 5 de mayo de 1990', '5 de mayo de 1990'],
    ['data di nascita 1990-05-17', '1990-05-17'],
    ['{"name": "Jo", "dob": "1985-03-02"}', '1985-03-02'],
  ])('finds %j', (text, value) => expect(values(text, 'date_of_birth')).toEqual([value]));

  it('ignores dates without a birth cue and impossible dates', () => {
    expect(values('The meeting is on 12/05/1987.', 'date_of_birth')).toEqual([]);
    expect(values('Logged at 2024-05-01 12:00', 'date_of_birth')).toEqual([]);
    expect(values('DOB: 31/02/1990', 'date_of_birth')).toEqual([]);
    expect(values('born in 1990', 'date_of_birth')).toEqual([]);
  });
});

describe('ids with a cue', () => {
  it('finds passport, driver licence and national id numbers after their names', () => {
    expect(values('My passport number is X1234567.', 'passport')).toEqual(['X1234567']);
    expect(values("my driver's license number is F162823540116", 'driver_license')).toEqual(['F162823540116']);
    expect(values('National Insurance number: QQ 12 34 56 C', 'national_id')).toEqual(['QQ 12 34 56 C']);
    expect(values('the license is MIT 2.0', 'driver_license')).toEqual([]);
    expect(values('X1234567 is a part number', 'passport')).toEqual([]);
  });
});

describe('options', () => {
  it('limits the scan to the listed entities', () => {
    const text = 'mail a.b@corp.io, card 4111 1111 1111 1111';
    expect(scan(text, { entities: ['email'] }).map((f) => f.category)).toEqual(['email']);
    expect(scan(text, { entities: ['credit_card'] }).map((f) => f.category)).toEqual(['credit_card']);
  });

  it('drops matches under the threshold', () => {
    const text = 'Met Anna Smith and wrote to a.b@corp.io';
    expect(scan(text, { threshold: 0.93 }).map((f) => f.category)).toEqual(['email']);
  });

  it('never reports allowlisted values or domains', () => {
    const text = 'mail support@corp.io or JANE@Corp.io, call +44 20 7946 0958';
    expect(values(text, 'email', { allowlist: ['@corp.io'] })).toEqual([]);
    expect(values(text, 'email', { allowlist: ['SUPPORT@corp.io'] })).toEqual(['JANE@Corp.io']);
    expect(values(text, 'phone', { allowlist: ['+44 20 7946 0958'] })).toEqual([]);
  });
});

describe('overlaps', () => {
  it('keeps the more specific entity where matches overlap', () => {
    const text = 'Contact: John Smith <john.smith@corp.io>, card 4111 1111 1111 1111';
    const found = scan(text).map((f) => [f.category, text.slice(f.span?.start, f.span?.end)]);
    expect(found).toEqual([
      ['person', 'John Smith'],
      ['email', 'john.smith@corp.io'],
      ['credit_card', '4111 1111 1111 1111'],
    ]);
    const spans = scan(text).map((f) => f.span);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });
});

describe('spans and evidence', () => {
  const sample = [
    'Dear Mrs. Sandra Trentino, your card 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00 are on file.',
    'Patient John Smith, DOB: 12/05/1987, lives at 221B Baker Street, London NW1 6XE. SSN 536-90-4399.',
    'Server 81.2.69.160 emailed jane@acme.io; call +1 (415) 555-0132; passport X1234567.',
  ];

  it('point at the exact matched text, and evidence never contains it', () => {
    for (const text of sample) {
      const findings = scan(text);
      expect(findings.length).toBeGreaterThanOrEqual(3);
      for (const f of findings) {
        const value = text.slice(f.span?.start, f.span?.end);
        expect(value.length).toBeGreaterThan(0);
        expect(value.trim()).toBe(value);
        expect(f.evidence).toBeDefined();
        expect(f.evidence).not.toContain(value);
        expect(f.evidence!.length).toBeLessThanOrEqual(48);
      }
    }
  });
});
