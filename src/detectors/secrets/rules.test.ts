// One realistic positive per secrets rule (tokens built at test time so the repository holds no live-looking secrets).
import { describe, expect, it } from 'vitest';
import type { TextAnalysis } from '../../text/analysis.js';
import { secretsDetector } from '../secrets.js';
import { base62, crc32 } from './checksums.js';
import { RULES } from './rules.js';

/** mulberry32, so every run builds the same tokens. */
function makeRandom(seed: number): (alphabet: string, n: number) => string {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
}

const r = makeRandom(20250101);
const DIG = '0123456789';
const HEX = '0123456789abcdef';
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LO = 'abcdefghijklmnopqrstuvwxyz';
const AN = DIG + UP + LO;
const URL64 = AN + '-_';
const b64 = (n: number): string => Buffer.from(r(AN, n)).toString('base64');

/** prefix + 30 random + base62 CRC32: the GitHub / npm format with a valid checksum. */
function checksummed(prefix: string): string {
  const body = r(AN, 30);
  return prefix + body + base62(crc32(body), 6);
}

/** age secret key with a valid Bech32 checksum (BIP-173 polymod over HRP "age-secret-key-"). */
function ageKey(): string {
  const CH = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
  const data = Array.from(r(CH, 52), (c) => CH.indexOf(c));
  const hrp = 'age-secret-key-';
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31), ...data, 0, 0, 0, 0, 0, 0]) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  chk = (chk ^ 1) >>> 0;
  const sum = [0, 1, 2, 3, 4, 5].map((i) => CH[(chk >>> (5 * (5 - i))) & 31]).join('');
  return (hrp + '1' + data.map((d) => CH[d]).join('') + sum).toUpperCase();
}

const jwt = (alg: string, sig: string): string =>
  [{ alg, typ: 'JWT' }, { sub: r(DIG, 8), iat: 1_700_000_000, exp: 1_700_003_600 }]
    .map((o) => Buffer.from(JSON.stringify(o)).toString('base64url'))
    .join('.') + '.' + sig;

const pemBody = (n: number): string => (b64(n).match(/.{1,64}/g) ?? []).join('\n');
const pem = pemBody(900);

/** [rule, secret, text containing it]; the finding's span must be exactly the secret. */
type Case = [rule: string, secret: string, text: (s: string) => string];

const aws = 'AKIA' + r(UP + '234567', 16);
const CASES: Case[] = [
  ['aws_access_key_id', aws, (s) => `aws_access_key_id = ${s}`],
  ['aws_secret_access_key', r(AN + '+/', 40), (s) => `AWS_SECRET_ACCESS_KEY="${s}"`],
  ['aws_session_token', 'IQoJb3JpZ2luX2Vj' + r(AN + '+/', 300), (s) => `AWS_SESSION_TOKEN=${s}`],
  ['gcp_oauth_client_secret', 'GOCSPX-' + r(URL64, 28), (s) => `{"installed": {"client_secret": "${s}"}}`],
  ['gcp_api_key', 'AIza' + r(URL64, 35), (s) => `const firebaseConfig = { apiKey: "${s}" };`],
  ['azure_storage_key', Buffer.from(r(AN, 64)).toString('base64').slice(0, 86) + '==', (s) => `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${s};EndpointSuffix=core.windows.net`],
  ['azure_shared_access_key', b64(32), (s) => `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${s}`],
  ['azure_sas_token', encodeURIComponent(b64(32)), (s) => `https://acme.blob.core.windows.net/c/f.zip?sv=2022-11-02&sp=r&se=2026-01-01&sig=${s}`],
  ['azure_ad_client_secret', r(AN, 3) + '8Q~' + r(AN + '_~.-', 34), (s) => `AZURE_CLIENT_SECRET=${s}`],
  ['digitalocean_token', 'dop_v1_' + r(HEX, 64), (s) => `doctl auth init -t ${s}`],
  ['alibaba_access_key_id', 'LTAI' + r(AN, 12) + '7', (s) => `accessKeyId: '${s}'`],
  ['alibaba_access_key_secret', r(AN, 30), (s) => `ALIBABA_CLOUD_ACCESS_KEY_SECRET=${s}`],
  ['heroku_api_key', 'HRKU-AA' + r(URL64, 58), (s) => `heroku auth:token says ${s}`],
  ['github_pat', checksummed('ghp_'), (s) => `git remote set-url origin https://${s}@github.com/acme/api.git`],
  ['github_oauth_token', checksummed('gho_'), (s) => `token=${s}`],
  ['github_user_to_server_token', checksummed('ghu_'), (s) => `Authorization: token ${s}`],
  ['github_server_to_server_token', checksummed('ghs_'), (s) => `GITHUB_TOKEN: ${s}`],
  ['github_refresh_token', checksummed('ghr_'), (s) => `{"refresh_token":"${s}"}`],
  ['github_fine_grained_pat', 'github_pat_11' + r(UP + DIG, 20) + '_' + r(AN, 59), (s) => `export GH_TOKEN=${s}`],
  ['gitlab_token', 'glpat-' + r(URL64, 20), (s) => `curl --header "PRIVATE-TOKEN: ${s}" https://gitlab.com/api/v4/projects`],
  ['bitbucket_app_password', 'ATBB' + r(AN, 28) + r('0123456789ABCDEF', 8), (s) => `bitbucket password ${s}`],
  ['atlassian_api_token', 'ATATT3xFfGF0' + r(URL64, 168) + '=' + r('0123456789ABCDEF', 8), (s) => `JIRA_API_TOKEN=${s}`],
  ['stripe_secret_key', 'sk_live_' + r(AN, 24), (s) => `stripe.api_key = "${s}"`],
  ['stripe_restricted_key', 'rk_live_' + r(AN, 24), (s) => `key: ${s}`],
  ['stripe_test_key', 'sk_test_' + r(AN, 24), (s) => `STRIPE_KEY=${s}`],
  ['stripe_webhook_secret', 'whsec_' + r(AN, 32), (s) => `endpoint_secret = '${s}'`],
  ['square_access_token', 'EAAA' + r(URL64, 60), (s) => `SQUARE_ACCESS_TOKEN=${s}`],
  ['square_oauth_secret', 'sq0csp-' + r(URL64, 43), (s) => `app secret: ${s}`],
  ['braintree_access_token', `access_token$production$${r(LO + DIG, 16)}$${r(HEX, 32)}`, (s) => `gateway = Gateway(access_token="${s}")`],
  ['slack_token', `xoxb-${r(DIG, 12)}-${r(DIG, 13)}-${r(AN, 24)}`, (s) => `SLACK_BOT_TOKEN=${s}`],
  ['slack_app_token', `xapp-1-A${r(UP + DIG, 10)}-${r(DIG, 13)}-${r(HEX, 64)}`, (s) => `appToken: '${s}'`],
  ['slack_webhook_url', `https://hooks.slack.com/services/T${r(UP + DIG, 9)}/B${r(UP + DIG, 9)}/${r(AN, 24)}`, (s) => `curl -X POST -d '{"text":"hi"}' ${s}`],
  ['discord_bot_token', `${Buffer.from('1' + r(DIG, 17)).toString('base64')}.${r(URL64, 6)}.${r(URL64, 38)}`, (s) => `client.login('${s}')`],
  ['discord_webhook_url', `https://discord.com/api/webhooks/${r(DIG, 19)}/${r(URL64, 68)}`, (s) => `webhook: ${s}`],
  ['telegram_bot_token', `${r('123456789', 1)}${r(DIG, 8)}:AA${r(URL64, 33)}`, (s) => `bot = telebot.TeleBot("${s}")`],
  ['teams_webhook_url', `https://acme.webhook.office.com/webhookb2/${r(HEX, 8)}-1111-4111-8111-${r(HEX, 12)}@${r(HEX, 8)}-2222-4222-8222-${r(HEX, 12)}/IncomingWebhook/${r(HEX, 32)}/${r(HEX, 8)}-3333-4333-8333-${r(HEX, 12)}`, (s) => `TEAMS_URL=${s}`],
  ['openai_api_key', `sk-proj-${r(URL64, 74)}T3BlbkFJ${r(URL64, 74)}`, (s) => `client = OpenAI(api_key="${s}")`],
  ['anthropic_api_key', `sk-ant-api03-${r(URL64, 93)}AA`, (s) => `ANTHROPIC_API_KEY=${s}`],
  ['anthropic_admin_key', `sk-ant-admin01-${r(URL64, 93)}AA`, (s) => `x-api-key: ${s}`],
  ['sk_prefixed_api_key', 'sk-' + r(HEX, 32), (s) => `DEEPSEEK_API_KEY=${s}`],
  ['huggingface_token', 'hf_' + r(UP + LO, 34), (s) => `huggingface-cli login --token ${s}`],
  ['groq_api_key', 'gsk_' + r(AN, 52), (s) => `Groq(api_key="${s}")`],
  ['replicate_api_token', 'r8_' + r(AN, 37), (s) => `REPLICATE_API_TOKEN=${s}`],
  ['perplexity_api_key', 'pplx-' + r(AN, 48), (s) => `PPLX: ${s}`],
  ['xai_api_key', 'xai-' + r(AN, 80), (s) => `my grok key is ${s}`],
  ['npm_token', checksummed('npm_'), (s) => `//registry.npmjs.org/:_authToken=${s}`],
  ['pypi_token', 'pypi-AgEIcHlwaS5vcmc' + r(URL64, 140), (s) => `[pypi]\nusername = __token__\npassword = ${s}`],
  ['sendgrid_api_key', `SG.${r(URL64, 22)}.${r(URL64, 43)}`, (s) => `sg = SendGridAPIClient('${s}')`],
  ['twilio_api_key', 'SK' + r(HEX, 32), (s) => `TWILIO_API_KEY=${s}`],
  ['twilio_auth_token', r(HEX, 32), (s) => `TWILIO_AUTH_TOKEN=${s}`],
  ['mailgun_api_key', 'key-' + r(HEX, 32), (s) => `auth=("api", "${s}")`],
  ['mailchimp_api_key', `${r(HEX, 32)}-us14`, (s) => `client.setConfig({ apiKey: "${s}" })`],
  ['shopify_token', 'shpat_' + r(HEX, 32), (s) => `X-Shopify-Access-Token: ${s}`],
  ['linear_api_key', 'lin_api_' + r(AN, 40), (s) => `LINEAR_API_KEY=${s}`],
  ['datadog_api_key', r(HEX, 32), (s) => `DD_API_KEY=${s}`],
  ['cohere_api_key', r(AN, 40), (s) => `COHERE_API_KEY=${s}`],
  ['mistral_api_key', r(AN, 32), (s) => `export MISTRAL_API_KEY='${s}'`],
  ['doppler_token', 'dp.pt.' + r(AN, 43), (s) => `DOPPLER_TOKEN=${s}`],
  ['vault_token', 'hvs.' + r(URL64, 24), (s) => `VAULT_TOKEN=${s} vault kv get secret/app`],
  ['postman_api_key', `PMAK-${r(HEX, 24)}-${r(HEX, 34)}`, (s) => `X-Api-Key: ${s}`],
  ['age_secret_key', ageKey(), (s) => `# created: 2025-01-01\n# public key: age1example\n${s}`],
  ['sentry_auth_token', 'sntryu_' + r(HEX, 64), (s) => `SENTRY_AUTH_TOKEN=${s}`],
  ['grafana_token', 'glsa_' + r(AN, 32) + '_' + r(HEX, 8), (s) => `grafana token ${s}`],
  ['databricks_token', 'dapi' + r(HEX, 32), (s) => `DATABRICKS_TOKEN=${s}`],
  ['django_secret_key', 'django-insecure-' + r(LO + DIG + '!@#$%^*-_=+', 50), (s) => `SECRET_KEY = '${s}'`],
  ['docker_hub_token', 'dckr_pat_' + r(URL64, 27), (s) => `echo ${s} | docker login -u acme --password-stdin`],
  ['notion_token', 'ntn_' + r(AN, 46), (s) => `new Client({ auth: process.env.X ?? "${s}" })`],
  ['pulumi_token', 'pul-' + r(HEX, 40), (s) => `PULUMI_ACCESS_TOKEN=${s}`],
  ['mapbox_secret_token', 'sk.eyJ1IjoiYWNtZSIsImEiOiJ' + r(AN, 20) + '.' + r(URL64, 22), (s) => `MAPBOX_DOWNLOADS_TOKEN=${s}`],
  ['newrelic_api_key', 'NRAK-' + r(UP + DIG, 27), (s) => `NEW_RELIC_API_KEY=${s}`],
  ['private_key', `-----BEGIN RSA PRIVATE KEY-----\n${pem}\n-----END RSA PRIVATE KEY-----`, (s) => `here is the key:\n${s}\nthanks`],
  ['gcp_service_account_key', `-----BEGIN PRIVATE KEY-----\\n${b64(900)}\\n-----END PRIVATE KEY-----`, (s) => `{"type": "service_account", "project_id": "p", "private_key": "${s}\\n", "client_email": "a@p.iam.gserviceaccount.com"}`],
  ['jwt', jwt('HS256', r(URL64, 43)), (s) => `Authorization: Bearer ${s}`],
  ['connection_string_password', r(AN, 20), (s) => `DATABASE_URL=postgres://app:${s}@db.acme.io:5432/app`],
  ['url_basic_auth', r(AN, 18), (s) => `pip install -i https://deploy:${s}@nexus.acme.io/simple pkg`],
  ['http_basic_auth', Buffer.from(`admin:${r(AN, 16)}`).toString('base64'), (s) => `Authorization: Basic ${s}`],
  ['bearer_token', r(AN + '-._~', 48), (s) => `curl -H "Authorization: Bearer ${s}" https://api.acme.io`],
  ['password_assignment', 'Tr0ub4dor&' + r(DIG, 3), (s) => `DB_PASSWORD="${s}"`],
  ['generic_secret', r(HEX, 64), (s) => `JWT_SECRET=${s}`],
  ['generic_api_key', r(AN, 40), (s) => `"x-api-key": "${s}"`],
  ['generic_token', r(URL64, 40), (s) => `session:\n  refresh_token: ${s}`],
];

/** Reported only when the threshold is lowered (public or identifying values). */
const BELOW_DEFAULT: Case[] = [
  ['stripe_publishable_key', 'pk_live_' + r(AN, 24), (s) => `Stripe('${s}')`],
  ['twilio_account_sid', 'AC' + r(HEX, 32), (s) => `TWILIO_ACCOUNT_SID=${s}`],
];

// The secrets detector reads input.text only; it never looks at the shared analysis.
const ctx = { analysis: {} as TextAnalysis };
function detect(text: string, options: object = {}) {
  const out = secretsDetector.create(secretsDetector.options.parse(options))({ text, stage: 'input' }, ctx);
  if (out instanceof Promise) throw new Error('expected a synchronous detector');
  return out;
}

describe('secrets rules: one positive per rule', () => {
  it('covers every rule', () => {
    const covered = new Set([...CASES, ...BELOW_DEFAULT].map(([rule]) => rule));
    expect(RULES.map((x) => x.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(CASES)('%s', (rule, secret, text) => {
    const t = text(secret);
    const findings = detect(t);
    const f = findings.find((x) => x.category === rule);
    expect(f, `${rule} not found in ${JSON.stringify(t.slice(0, 120))}; got ${findings.map((x) => x.category).join(',')}`).toBeDefined();
    expect(t.slice(f!.span!.start, f!.span!.end)).toBe(secret);
    expect(f!.evidence).not.toContain(secret.slice(4, 12));
    expect(f!.metadata).toMatchObject({ rule });
  });

  it.each(BELOW_DEFAULT)('%s only below the default threshold', (rule, secret, text) => {
    expect(detect(text(secret)).find((x) => x.category === rule)).toBeUndefined();
    expect(detect(text(secret), { threshold: 0.2 }).find((x) => x.category === rule)).toBeDefined();
  });

  it('scores a GitHub token with a valid checksum above one with a broken checksum', () => {
    const good = checksummed('ghp_');
    const bad = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    const [g] = detect(`t=${good}`);
    const [b] = detect(`t=${bad}`);
    expect(g!.metadata).toMatchObject({ checksum: 'valid' });
    expect(b!.metadata).toMatchObject({ checksum: 'invalid' });
    expect(g!.score).toBeGreaterThan(b!.score);
  });
});
