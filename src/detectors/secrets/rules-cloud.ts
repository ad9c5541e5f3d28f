// Provider token rules for cloud platforms: AWS, Google Cloud, Azure, DigitalOcean, Alibaba, Heroku.
import { charClasses } from './entropy.js';
import { lengthBetween, type TokenRule } from './rule.js';

const AWS_ID_PREFIXES = ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AIPA', 'ANPA', 'ANVA', 'APKA', 'AROA', 'ASCA'];
const AWS_BODY = /^[A-Z0-9]{16}$/;
const BASE32_BODY = /^[A-Z2-7]{16}$/;

/** Azure SAS signatures: URL-encoded base64 of an HMAC-SHA256 (32 bytes → 43-44 base64 chars). */
function sasSignatureScore(token: string, text: string, start: number): number | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(token);
  } catch {
    return null;
  }
  if (decoded.length < 43 || decoded.length > 46) return null;
  // A SAS URL also carries a signed version (sv=) and usually permissions / expiry; look inside the same URL.
  let from = start;
  while (from > 0 && start - from < 600 && !/\s/.test(text[from - 1]!)) from--;
  const url = text.slice(from, start);
  return /[?&]sv=/.test(url) ? (/[?&](?:sp|se|sig|srt|ss)=/.test(url) ? 0.95 : 0.85) : null;
}

export const CLOUD_RULES: readonly TokenRule[] = [
  {
    id: 'aws_access_key_id',
    provider: 'aws',
    group: 'cloud',
    description: 'AWS access key id (AKIA long-term, ASIA temporary, and other IAM unique-id prefixes)',
    severity: 'high',
    anchors: AWS_ID_PREFIXES,
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Za-z0-9]+/g,
    check: (t) => {
      const body = t.slice(4);
      if (!AWS_BODY.test(body)) return null;
      // Real ids are base32 and almost always carry a digit; an all-letter body is more likely a word in caps.
      const base = BASE32_BODY.test(body) ? 0.95 : 0.85;
      return charClasses(body).digit ? base : base - 0.25;
    },
  },
  {
    id: 'aws_session_token',
    provider: 'aws',
    group: 'cloud',
    description: 'AWS STS session token (base64 starting IQoJb3JpZ2luX2Vj or FwoGZXIvYXdzE)',
    severity: 'high',
    anchors: ['IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdzE'],
    pattern: /(?<![A-Za-z0-9+/])(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/]+={0,2}/g,
    check: lengthBetween(100, 4000, 0.95),
  },
  {
    id: 'gcp_api_key',
    provider: 'google',
    group: 'cloud',
    description: 'Google API key (Google Cloud, Maps, Firebase, Gemini): AIza + 35 characters',
    severity: 'high',
    anchors: ['AIza'],
    pattern: /(?<![\w-])AIza[\w-]+/g,
    check: lengthBetween(39, 39, 0.95),
  },
  {
    id: 'gcp_oauth_client_secret',
    provider: 'google',
    group: 'cloud',
    description: 'Google OAuth client secret (GOCSPX- + 28 characters)',
    severity: 'high',
    anchors: ['GOCSPX-'],
    pattern: /(?<![\w-])GOCSPX-[\w-]+/g,
    check: lengthBetween(35, 35, 0.95),
  },
  {
    id: 'azure_storage_key',
    provider: 'azure',
    group: 'cloud',
    description: 'Azure storage / Cosmos DB account key in a connection string (AccountKey=...)',
    severity: 'critical',
    anchors: ['AccountKey='],
    pattern: /(?<=AccountKey=)[A-Za-z0-9+/]+={0,2}/g,
    check: (t) => (t.length === 88 ? 0.97 : t.length >= 40 && t.length <= 100 ? 0.8 : null),
  },
  {
    id: 'azure_shared_access_key',
    provider: 'azure',
    group: 'cloud',
    description: 'Azure Service Bus / Event Hubs / IoT Hub shared access key (SharedAccessKey=...)',
    severity: 'high',
    anchors: ['SharedAccessKey='],
    pattern: /(?<=SharedAccessKey=)[A-Za-z0-9+/]+={0,2}/g,
    check: lengthBetween(40, 48, 0.92),
  },
  {
    id: 'azure_sas_token',
    provider: 'azure',
    group: 'cloud',
    description: 'Azure shared access signature: the sig= of a SAS URL (also Logic Apps / Teams workflow URLs)',
    severity: 'high',
    anchors: ['sig='],
    pattern: /(?<=[?&;]sig=)[A-Za-z0-9%+/=_-]+/g,
    check: sasSignatureScore,
  },
  {
    id: 'azure_ad_client_secret',
    provider: 'azure',
    group: 'cloud',
    description: 'Microsoft Entra ID (Azure AD) application client secret (xxxNQ~...)',
    severity: 'high',
    anchors: ['Q~'],
    pattern: /(?<![\w~.-])[\w~.-]{3}\dQ~[\w~.-]+/g,
    check: (t) => (t.length >= 37 && t.length <= 40 && charClasses(t).digit ? 0.9 : null),
  },
  {
    id: 'digitalocean_token',
    provider: 'digitalocean',
    group: 'cloud',
    description: 'DigitalOcean personal access / OAuth / refresh token (dop_v1_, doo_v1_, dor_v1_)',
    severity: 'high',
    anchors: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    pattern: /(?<![\w-])do[por]_v1_[A-Za-z0-9]+/g,
    check: (t) => (t.length === 71 && /^[a-f0-9]+$/.test(t.slice(7)) ? 0.97 : null),
  },
  {
    id: 'alibaba_access_key_id',
    provider: 'alibaba',
    group: 'cloud',
    description: 'Alibaba Cloud AccessKey id (LTAI...)',
    severity: 'high',
    anchors: ['LTAI'],
    pattern: /(?<![A-Za-z0-9])LTAI[A-Za-z0-9]+/g,
    check: (t) => {
      const c = charClasses(t.slice(4));
      return t.length >= 16 && t.length <= 24 && (c.digit || (c.upper && c.lower)) ? 0.85 : null;
    },
  },
  {
    id: 'heroku_api_key',
    provider: 'heroku',
    group: 'cloud',
    description: 'Heroku platform API key (HRKU- format; older UUID keys are found by name)',
    severity: 'high',
    anchors: ['HRKU-'],
    pattern: /(?<![\w-])HRKU-[\w-]+/g,
    check: lengthBetween(40, 80, 0.95),
  },
];
