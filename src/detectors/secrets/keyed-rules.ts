// Secrets without a distinctive prefix, recognised by the name they are assigned to (AWS secret key, Twilio, Datadog, ...).
import type { Severity } from '../../core/severity.js';
import { charClasses } from './entropy.js';
import { isKnownExample, looksFake } from './examples.js';
import type { RuleGroup, Scanner } from './rule.js';

/** A value shape that identifies a provider's secret once the variable name names the provider. */
export interface KeyedRule {
  readonly id: string;
  readonly provider: string;
  readonly group: RuleGroup;
  readonly description: string;
  readonly severity: Severity;
  /** The name (split into lower-case words) must contain one of these word sets. */
  readonly names: readonly (readonly string[])[];
  readonly value: RegExp;
  readonly score: number;
}

const B64_40 = /^[A-Za-z0-9/+]{40}$/;
const HEX32 = /^[a-f0-9]{32}$/;

export const KEYED_RULES: readonly KeyedRule[] = [
  {
    id: 'aws_secret_access_key',
    provider: 'aws',
    group: 'cloud',
    description: 'AWS secret access key (40 base64 characters) assigned to an AWS secret name or next to an access key id',
    severity: 'critical',
    names: [['aws', 'secret'], ['secret', 'access', 'key'], ['secretaccesskey'], ['aws', 'secretkey']],
    value: B64_40,
    score: 0.92,
  },
  {
    id: 'alibaba_access_key_secret',
    provider: 'alibaba',
    group: 'cloud',
    description: 'Alibaba Cloud AccessKey secret (30 alphanumerics) assigned to an Alibaba secret name',
    severity: 'critical',
    names: [['alibaba', 'secret'], ['alicloud', 'secret'], ['aliyun', 'secret'], ['access', 'key', 'secret']],
    value: /^[A-Za-z0-9]{30}$/,
    score: 0.88,
  },
  {
    id: 'twilio_auth_token',
    provider: 'twilio',
    group: 'saas',
    description: 'Twilio auth token (32 hex) assigned to a Twilio token name',
    severity: 'high',
    names: [['twilio', 'token'], ['twilio', 'secret'], ['twilio', 'auth']],
    value: HEX32,
    score: 0.9,
  },
  {
    id: 'datadog_api_key',
    provider: 'datadog',
    group: 'saas',
    description: 'Datadog API key (32 hex) or application key (40 hex) assigned to a Datadog name',
    severity: 'high',
    names: [['dd', 'api', 'key'], ['dd', 'app', 'key'], ['datadog', 'key'], ['datadog', 'api', 'key'], ['dd', 'apikey'], ['dd', 'appkey']],
    value: /^(?:[a-f0-9]{32}|[a-f0-9]{40})$/,
    score: 0.9,
  },
  {
    id: 'cohere_api_key',
    provider: 'cohere',
    group: 'llm',
    description: 'Cohere API key (40 alphanumerics) assigned to a Cohere name',
    severity: 'high',
    names: [['cohere'], ['co', 'api', 'key']],
    value: /^[A-Za-z0-9]{40}$/,
    score: 0.9,
  },
  {
    id: 'mistral_api_key',
    provider: 'mistral',
    group: 'llm',
    description: 'Mistral AI API key (32 alphanumerics) assigned to a Mistral name',
    severity: 'high',
    names: [['mistral']],
    value: /^[A-Za-z0-9]{32}$/,
    score: 0.9,
  },
  {
    id: 'heroku_api_key',
    provider: 'heroku',
    group: 'cloud',
    description: 'Heroku API key (UUID form) assigned to a Heroku name',
    severity: 'high',
    names: [['heroku']],
    value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    score: 0.9,
  },
  {
    id: 'mailgun_api_key',
    provider: 'mailgun',
    group: 'saas',
    description: 'Mailgun private API key (newer 32-8-8 hex form) assigned to a Mailgun name',
    severity: 'high',
    names: [['mailgun']],
    value: /^[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}$/,
    score: 0.9,
  },
];

/** The keyed rule whose name words and value shape both match, if any. */
export function matchKeyedRule(words: readonly string[], value: string): KeyedRule | undefined {
  for (const rule of KEYED_RULES) {
    if (!rule.value.test(value)) continue;
    if (rule.names.some((set) => set.every((w) => words.includes(w)))) return rule;
  }
  return undefined;
}

const AWS_ID_NEAR = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const B64_40_RUN = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const NEAR = 300;

/**
 * A bare 40-character base64 string within a few lines of an AWS access key id is almost surely its secret
 * ("here are my creds: AKIA... / wJal..."), even without a name.
 */
export const AWS_SECRET_NEAR_ID: Scanner = {
  name: 'aws-secret-near-id',
  anchors: ['AKIA', 'ASIA'],
  rules: ['aws_secret_access_key'],
  scan(env) {
    const ids: number[] = [];
    AWS_ID_NEAR.lastIndex = 0;
    for (let m = AWS_ID_NEAR.exec(env.text); m !== null; m = AWS_ID_NEAR.exec(env.text)) ids.push(m.index);
    if (ids.length === 0) return;
    B64_40_RUN.lastIndex = 0;
    let j = 0;
    for (let m = B64_40_RUN.exec(env.text); m !== null; m = B64_40_RUN.exec(env.text)) {
      const at = m.index;
      // Both position lists grow, so one pointer walks the ids once: linear even with thousands of ids.
      while (j < ids.length && ids[j]! < at - NEAR) j++;
      if (j === ids.length || ids[j]! > at + NEAR) continue;
      const cls = charClasses(m[0]);
      if (!(cls.lower && cls.upper && cls.digit)) continue;
      if (env.ignoreExamples && (isKnownExample(m[0]) || looksFake(m[0]))) continue;
      env.emit({ rule: 'aws_secret_access_key', start: at, end: at + 40, score: 0.85, metadata: { pairedWithKeyId: true } });
    }
  },
};
