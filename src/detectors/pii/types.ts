// The PII entity kinds the pii detector knows, and the candidate shape its scanners hand to the resolver.

export const PII_ENTITIES = [
  'email',
  'phone',
  'credit_card',
  'iban',
  'us_ssn',
  'ip_address',
  'date_of_birth',
  'street_address',
  'person',
  'passport',
  'driver_license',
  'national_id',
] as const;
export type PiiEntity = (typeof PII_ENTITIES)[number];

/** One possible match, before overlap resolution and thresholding. Offsets index the original text. */
export interface PiiCandidate {
  entity: PiiEntity;
  start: number;
  end: number;
  score: number;
  /** Small extras that explain the match (card brand, IBAN country); never the raw value. */
  detail?: Record<string, string>;
}

/** What the scanners need to know from the detector options. */
export interface ScanSettings {
  ignoreExamples: boolean;
  includePrivateIps: boolean;
}
