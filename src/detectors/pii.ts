// The pii detector: personal data in any stage (e-mail, phone, cards, IBAN, SSN, IP, birth dates, addresses, names).
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import { defineDetector } from './contract.js';
import { scanAddresses } from './pii/addresses.js';
import { scanDatesOfBirth } from './pii/dates.js';
import { scanEmails } from './pii/email.js';
import { scanCards, scanIbans } from './pii/financial.js';
import { scanContextIds, scanSsns } from './pii/identifiers.js';
import { maskPii } from './pii/mask.js';
import { nameLexicon } from './pii/names/lexicon.js';
import { scanIps } from './pii/network.js';
import { scanPersons } from './pii/persons.js';
import { scanPhones } from './pii/phone.js';
import { resolveOverlaps } from './pii/resolve.js';
import { PII_ENTITIES, type PiiCandidate, type PiiEntity, type ScanSettings } from './pii/types.js';

const TAGS: TaxonomyTags = {
  owaspLlm: ['LLM02:2025'],
  atlas: ['AML.T0057'],
  nistAi600: ['NIST-600-1:2.4'],
  mlcommons: ['S7'],
};

const SEVERITY: Readonly<Record<PiiEntity, Severity>> = {
  email: 'medium',
  phone: 'medium',
  credit_card: 'high',
  iban: 'high',
  us_ssn: 'high',
  ip_address: 'low',
  date_of_birth: 'medium',
  street_address: 'medium',
  person: 'medium',
  passport: 'high',
  driver_license: 'high',
  national_id: 'high',
};

export const piiOptions = z
  .object({
    /** Score at or above which a match becomes a finding. */
    threshold: z.number().min(0).max(1).default(0.5),
    /** Entity kinds to look for; all by default. */
    entities: z.array(z.enum(PII_ENTITIES)).min(1).default([...PII_ENTITIES]),
    /** Values never reported (compared case-insensitively); an entry "@corp.example" exempts a whole mail domain. */
    allowlist: z.array(z.string().min(1).max(512)).max(10_000).default([]),
    /**
     * Ignore documentation values: e-mail at example.com/.org/.net and *.test/.example/.invalid/.localhost,
     * IPs in 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32.
     */
    ignoreExamples: z.boolean().default(true),
    /** Report loopback, private and link-local IP addresses too. */
    includePrivateIps: z.boolean().default(true),
  })
  .strict();
export type PiiOptions = z.infer<typeof piiOptions>;

type Scanner = (text: string, settings: ScanSettings, out: PiiCandidate[]) => void;

interface ScannerEntry {
  entities: readonly PiiEntity[];
  /** Cheap test on the whole text that must hold for the scanner to find anything. */
  needs: 'at' | 'digit' | 'none';
  scan: Scanner;
}

const SCANNERS: readonly ScannerEntry[] = [
  { entities: ['email'], needs: 'at', scan: scanEmails },
  { entities: ['credit_card'], needs: 'digit', scan: (t, _s, o) => scanCards(t, o) },
  { entities: ['iban'], needs: 'digit', scan: (t, _s, o) => scanIbans(t, o) },
  { entities: ['us_ssn'], needs: 'digit', scan: (t, _s, o) => scanSsns(t, o) },
  { entities: ['passport', 'driver_license', 'national_id'], needs: 'digit', scan: (t, _s, o) => scanContextIds(t, o) },
  { entities: ['ip_address'], needs: 'digit', scan: scanIps },
  { entities: ['phone'], needs: 'digit', scan: (t, _s, o) => scanPhones(t, o) },
  { entities: ['date_of_birth'], needs: 'digit', scan: (t, _s, o) => scanDatesOfBirth(t, o) },
  { entities: ['street_address'], needs: 'digit', scan: (t, _s, o) => scanAddresses(t, o) },
  { entities: ['person'], needs: 'none', scan: (t, _s, o) => scanPersons(t, o) },
];

const HAS_DIGIT = /\d/;

export const piiDetector = defineDetector<PiiOptions>({
  id: 'pii',
  description:
    'Finds personal data: e-mail addresses, phone numbers, payment cards, IBANs, US SSNs, IP addresses, ' +
    'dates of birth, street addresses, person names and id numbers.',
  stages: ['input', 'output', 'tool_call', 'tool_result'],
  tags: TAGS,
  options: piiOptions,
  create(opts) {
    const wanted = new Set<PiiEntity>(opts.entities);
    const scanners = SCANNERS.filter((s) => s.entities.some((e) => wanted.has(e)));
    if (wanted.has('person')) nameLexicon(); // read the name lists now, not during the first scan
    const allow = new Set(opts.allowlist.map((a) => a.trim().toLowerCase()));
    const allowDomains = [...allow].filter((a) => a.startsWith('@'));
    const settings: ScanSettings = { ignoreExamples: opts.ignoreExamples, includePrivateIps: opts.includePrivateIps };

    const allowed = (entity: PiiEntity, value: string): boolean => {
      if (allow.size === 0) return false;
      const v = value.trim().toLowerCase();
      return allow.has(v) || (entity === 'email' && allowDomains.some((d) => v.endsWith(d)));
    };

    return (input) => {
      const text = input.text;
      if (text.length === 0) return [];
      const hasAt = text.includes('@');
      const hasDigit = HAS_DIGIT.test(text);
      const candidates: PiiCandidate[] = [];
      for (const s of scanners) {
        if ((s.needs === 'at' && !hasAt) || (s.needs === 'digit' && !hasDigit)) continue;
        s.scan(text, settings, candidates);
      }
      const kept = candidates.filter(
        (c) => wanted.has(c.entity) && c.score >= opts.threshold && !allowed(c.entity, text.slice(c.start, c.end)),
      );
      return resolveOverlaps(kept).map((c): Finding => {
        const value = text.slice(c.start, c.end);
        return {
          detector: 'pii',
          category: c.entity,
          score: Math.round(c.score * 100) / 100,
          severity: SEVERITY[c.entity],
          span: { start: c.start, end: c.end },
          evidence: maskPii(c.entity, value),
          tags: TAGS,
          metadata: { entity: c.entity, ...c.detail },
        };
      });
    };
  },
});
