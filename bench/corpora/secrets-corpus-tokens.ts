// Positive samples for the secrets corpus: provider token formats written from the providers' public docs.
// Independent of src/detectors/secrets on purpose (no shared regexes or helpers), so the benchmark is honest.
import { ALNUM, B64, B64URL, DIGITS, HEX, LOWER, UPPER, base64, utf8, uuid, type Rng } from './secrets-corpus-random.js';

/** How a secret can be placed in a message. */
export type Shape =
  | 'token' // a single-line value that fits an assignment, header or prose
  | 'url' // a URL that carries the secret
  | 'document'; // a multi-line or structured snippet shown as-is

export interface PositiveSample {
  value: string;
  /** Variable / key names a developer would plausibly give it (env style); empty = none natural. */
  names: readonly string[];
  shape: Shape;
  /** True when the value is indistinguishable from random without a name next to it. */
  needsName?: boolean;
}

export interface PositiveKind {
  kind: string;
  make(rng: Rng): PositiveSample;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) c = CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** GitHub / npm style: prefix + 30 random base62 + CRC32 of the random part in base62 (0-9A-Za-z), 6 chars. */
function checksummedToken(rng: Rng, prefix: string): string {
  const body = rng.str(ALNUM, 30);
  let n = crc32(body);
  let enc = '';
  while (n > 0) {
    enc = ALNUM[n % 62]! + enc;
    n = Math.floor(n / 62);
  }
  return prefix + body + enc.padStart(6, '0');
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

/** age secret key: Bech32 (BIP-173) of 32 random bytes with HRP "age-secret-key-", upper-cased. */
function ageSecretKey(rng: Rng): string {
  const hrp = 'age-secret-key-';
  const data: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of rng.bytes(32)) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((acc >>> bits) & 31);
    }
  }
  if (bits > 0) data.push((acc << (5 - bits)) & 31);
  const hrpExp = [...hrp].map((c) => c.charCodeAt(0) >> 5).concat([0], [...hrp].map((c) => c.charCodeAt(0) & 31));
  const mod = bech32Polymod([...hrpExp, ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  return (hrp + '1' + [...data, ...checksum].map((d) => BECH32[d]).join('')).toUpperCase();
}

const tok = (value: string, names: readonly string[], needsName = false): PositiveSample => ({
  value,
  names,
  shape: 'token',
  needsName,
});

const WORDS = ['Summer', 'Winter', 'Falcon', 'Purple', 'Monkey', 'Dragon', 'Coffee', 'Rocket', 'Sunset', 'Tiger', 'Maple', 'Harbor'];
/** A password as people choose them: half human-like, half generated. */
export function password(rng: Rng): string {
  if (rng.chance(0.5)) {
    return rng.pick(WORDS) + rng.pick(['', '_', '.']) + rng.str(DIGITS, rng.int(2, 4)) + rng.pick(['!', '#', '$', '@', '?', '']);
  }
  return rng.str(ALNUM + '!#%^*-_', rng.int(14, 24));
}

function pemBody(rng: Rng, bytes: number, lead = ''): string {
  const b = base64(rng.bytes(bytes));
  const all = lead + b.slice(lead.length);
  return all.match(/.{1,64}/g)!.join('\n');
}

function pem(label: string, body: string, extra = ''): string {
  return `-----BEGIN ${label}-----\n${extra}${body}\n-----END ${label}-----`;
}

const b64urlJson = (o: unknown): string => base64(utf8(JSON.stringify(o)), true);

export const POSITIVE_KINDS: readonly PositiveKind[] = [
  { kind: 'aws_access_key_id', make: (r) => tok(r.pick(['AKIA', 'ASIA']) + r.str(UPPER + '234567', 16), ['AWS_ACCESS_KEY_ID', 'aws_access_key_id', 'accessKeyId']) },
  {
    kind: 'aws_credentials_file',
    make: (r) => ({
      value: `[default]\naws_access_key_id = AKIA${r.str(UPPER + '234567', 16)}\naws_secret_access_key = ${r.str(ALNUM + '+/', 40)}\nregion = ${r.pick(['us-east-1', 'eu-west-1', 'ap-south-1'])}`,
      names: [],
      shape: 'document',
    }),
  },
  { kind: 'aws_secret_access_key', make: (r) => tok(r.str(ALNUM + '+/', 40), ['AWS_SECRET_ACCESS_KEY', 'aws_secret_access_key', 'secretAccessKey'], true) },
  { kind: 'gcp_api_key', make: (r) => tok('AIza' + r.str(ALNUM + '-_', 35), ['GOOGLE_API_KEY', 'GCP_API_KEY', 'apiKey', 'MAPS_API_KEY']) },
  { kind: 'gemini_api_key', make: (r) => tok('AIza' + r.str(ALNUM + '-_', 35), ['GEMINI_API_KEY', 'GOOGLE_GENAI_API_KEY']) },
  {
    kind: 'gcp_service_account_json',
    make: (r) => {
      const project = r.pick(['acme-prod', 'data-pipeline-42', 'ml-sandbox']) + '-' + r.str(DIGITS, 6);
      const key = pem('PRIVATE KEY', pemBody(r, 1190, 'MIIEv')).replace(/\n/g, '\\n') + '\\n';
      return {
        value: JSON.stringify({ type: 'service_account', project_id: project, private_key_id: r.str(HEX, 40) }).slice(0, -1) +
          `,\n  "private_key": "${key}",\n  "client_email": "svc@${project}.iam.gserviceaccount.com",\n  "client_id": "${r.str(DIGITS, 21)}"\n}`,
        names: [],
        shape: 'document',
      };
    },
  },
  {
    kind: 'azure_storage_connection_string',
    make: (r) => ({
      value: `DefaultEndpointsProtocol=https;AccountName=${r.str(LOWER + DIGITS, 12)};AccountKey=${base64(r.bytes(64))};EndpointSuffix=core.windows.net`,
      names: ['AZURE_STORAGE_CONNECTION_STRING', 'AzureWebJobsStorage'],
      shape: 'token',
    }),
  },
  {
    kind: 'azure_sas_url',
    make: (r) => {
      const sig = encodeURIComponent(base64(r.bytes(32)));
      return {
        value: `https://${r.str(LOWER, 10)}.blob.core.windows.net/${r.pick(['backups', 'uploads', 'logs'])}/file.zip?sv=2022-11-02&ss=b&srt=sco&sp=rwdlacup&se=2026-01-01T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig=${sig}`,
        names: ['SAS_URL', 'BLOB_SAS_URL'],
        shape: 'url',
      };
    },
  },
  { kind: 'azure_ad_client_secret', make: (r) => tok(r.str(ALNUM, 3) + r.str(DIGITS, 1) + 'Q~' + r.str(ALNUM + '_~.-', 34), ['AZURE_CLIENT_SECRET', 'client_secret', 'ClientSecret']) },
  { kind: 'digitalocean_token', make: (r) => tok(r.pick(['dop_v1_', 'doo_v1_']) + r.str(HEX, 64), ['DIGITALOCEAN_TOKEN', 'DO_TOKEN']) },
  { kind: 'alibaba_access_key_id', make: (r) => tok('LTAI' + r.str(ALNUM, r.pick([12, 16, 20])), ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY']) },
  { kind: 'github_classic_pat', make: (r) => tok(checksummedToken(r, 'ghp_'), ['GITHUB_TOKEN', 'GH_TOKEN', 'github_token']) },
  { kind: 'github_oauth_token', make: (r) => tok(checksummedToken(r, 'gho_'), ['GITHUB_OAUTH_TOKEN', 'access_token']) },
  { kind: 'github_app_token', make: (r) => tok(checksummedToken(r, r.pick(['ghu_', 'ghs_', 'ghr_'])), ['GITHUB_APP_TOKEN', 'INSTALLATION_TOKEN']) },
  {
    kind: 'github_fine_grained_pat',
    make: (r) => tok('github_pat_11' + r.str(UPPER + DIGITS, 20) + '_' + r.str(ALNUM, 59), ['GITHUB_PAT', 'GH_TOKEN']),
  },
  {
    kind: 'gitlab_token',
    make: (r) =>
      tok(r.chance(0.7) ? 'glpat-' + r.str(ALNUM + '-_', 20) : r.pick(['glpat-', 'gldt-', 'glrt-']) + r.str(ALNUM + '-_', 27), ['GITLAB_TOKEN', 'CI_JOB_TOKEN_OVERRIDE', 'PRIVATE-TOKEN']),
  },
  { kind: 'bitbucket_app_password', make: (r) => tok('ATBB' + r.str(ALNUM, 28) + r.str(HEX.toUpperCase(), 8), ['BITBUCKET_APP_PASSWORD', 'BB_PASSWORD']) },
  { kind: 'stripe_live_secret', make: (r) => tok('sk_live_' + r.str(ALNUM, r.pick([24, 99])), ['STRIPE_SECRET_KEY', 'STRIPE_API_KEY', 'stripe.api_key']) },
  { kind: 'stripe_restricted_key', make: (r) => tok('rk_live_' + r.str(ALNUM, r.pick([24, 99])), ['STRIPE_RESTRICTED_KEY']) },
  { kind: 'stripe_webhook_secret', make: (r) => tok('whsec_' + r.str(ALNUM, 32), ['STRIPE_WEBHOOK_SECRET', 'endpoint_secret']) },
  { kind: 'square_token', make: (r) => tok(r.chance(0.5) ? 'EAAA' + r.str(ALNUM + '-_', 60) : 'sq0atp-' + r.str(ALNUM + '-_', 22), ['SQUARE_ACCESS_TOKEN']) },
  { kind: 'square_oauth_secret', make: (r) => tok('sq0csp-' + r.str(ALNUM + '-_', 43), ['SQUARE_APPLICATION_SECRET']) },
  { kind: 'braintree_token', make: (r) => tok(`access_token$production$${r.str(LOWER + DIGITS, 16)}$${r.str(HEX, 32)}`, ['BRAINTREE_ACCESS_TOKEN', 'PAYPAL_ACCESS_TOKEN']) },
  {
    kind: 'slack_bot_token',
    make: (r) => tok(`xoxb-${r.str(DIGITS, r.int(10, 13))}-${r.str(DIGITS, r.int(10, 13))}-${r.str(ALNUM, 24)}`, ['SLACK_BOT_TOKEN', 'SLACK_TOKEN']),
  },
  {
    kind: 'slack_user_token',
    make: (r) => tok(`${r.pick(['xoxp', 'xoxa', 'xoxr'])}-${r.str(DIGITS, 12)}-${r.str(DIGITS, 12)}-${r.str(DIGITS, 13)}-${r.str(HEX, 32)}`, ['SLACK_USER_TOKEN']),
  },
  { kind: 'slack_app_token', make: (r) => tok(`xapp-1-A${r.str(UPPER + DIGITS, 10)}-${r.str(DIGITS, 13)}-${r.str(HEX, 64)}`, ['SLACK_APP_TOKEN']) },
  {
    kind: 'slack_webhook',
    make: (r) => ({
      value: `https://hooks.slack.com/services/T${r.str(UPPER + DIGITS, r.int(8, 10))}/B${r.str(UPPER + DIGITS, r.int(8, 10))}/${r.str(ALNUM, 24)}`,
      names: ['SLACK_WEBHOOK_URL', 'webhook_url'],
      shape: 'url',
    }),
  },
  {
    kind: 'discord_bot_token',
    make: (r) => {
      const id = r.pick(['1', '2', '4', '7', '8', '9']) + r.str(DIGITS, r.int(16, 18));
      return tok(`${base64(utf8(id)).replace(/=+$/, '')}.${r.str(B64URL, 6)}.${r.str(B64URL, r.pick([27, 38]))}`, ['DISCORD_TOKEN', 'BOT_TOKEN']);
    },
  },
  {
    kind: 'discord_webhook',
    make: (r) => ({
      value: `https://${r.pick(['discord.com', 'discordapp.com'])}/api/webhooks/${r.str(DIGITS, 19)}/${r.str(B64URL, 68)}`,
      names: ['DISCORD_WEBHOOK_URL'],
      shape: 'url',
    }),
  },
  { kind: 'telegram_bot_token', make: (r) => tok(`${r.int(1, 9)}${r.str(DIGITS, r.int(7, 9))}:AA${r.str(B64URL, 33)}`, ['TELEGRAM_BOT_TOKEN', 'TG_TOKEN', 'BOT_TOKEN']) },
  {
    kind: 'teams_webhook',
    make: (r) => ({
      value: `https://${r.str(LOWER, 8)}.webhook.office.com/webhookb2/${uuid(r)}@${uuid(r)}/IncomingWebhook/${r.str(HEX, 32)}/${uuid(r)}${r.chance(0.5) ? '/V2' + r.str(ALNUM + '-_', 44) : ''}`,
      names: ['TEAMS_WEBHOOK_URL'],
      shape: 'url',
    }),
  },
  {
    kind: 'teams_workflow_webhook',
    make: (r) => ({
      value: `https://prod-${r.int(10, 99)}.westeurope.logic.azure.com:443/workflows/${r.str(HEX, 32)}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${r.str(ALNUM + '-_', 43)}`,
      names: ['TEAMS_WORKFLOW_URL'],
      shape: 'url',
    }),
  },
  { kind: 'openai_legacy_key', make: (r) => tok(`sk-${r.str(ALNUM, 20)}T3BlbkFJ${r.str(ALNUM, 20)}`, ['OPENAI_API_KEY', 'openai.api_key']) },
  {
    kind: 'openai_project_key',
    make: (r) => {
      const p = r.pick(['sk-proj-', 'sk-svcacct-', 'sk-admin-']);
      const v = r.chance(0.8) ? `${p}${r.str(ALNUM + '-_', 74)}T3BlbkFJ${r.str(ALNUM + '-_', 74)}` : `${p}${r.str(ALNUM, 48)}`;
      return tok(v, ['OPENAI_API_KEY', 'OPENAI_ADMIN_KEY']);
    },
  },
  { kind: 'anthropic_api_key', make: (r) => tok(`sk-ant-api03-${r.str(ALNUM + '-_', 93)}AA`, ['ANTHROPIC_API_KEY', 'CLAUDE_API_KEY']) },
  { kind: 'anthropic_admin_key', make: (r) => tok(`sk-ant-admin01-${r.str(ALNUM + '-_', 93)}AA`, ['ANTHROPIC_ADMIN_KEY']) },
  { kind: 'huggingface_token', make: (r) => tok('hf_' + r.str(UPPER + LOWER, 34), ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HUGGINGFACEHUB_API_TOKEN']) },
  { kind: 'groq_api_key', make: (r) => tok('gsk_' + r.str(ALNUM, 52), ['GROQ_API_KEY']) },
  { kind: 'replicate_token', make: (r) => tok('r8_' + r.str(ALNUM, 37), ['REPLICATE_API_TOKEN']) },
  { kind: 'cohere_api_key', make: (r) => tok(r.str(ALNUM, 40), ['COHERE_API_KEY', 'CO_API_KEY'], true) },
  { kind: 'mistral_api_key', make: (r) => tok(r.str(ALNUM, 32), ['MISTRAL_API_KEY'], true) },
  { kind: 'perplexity_api_key', make: (r) => tok('pplx-' + r.str(ALNUM, 48), ['PERPLEXITY_API_KEY', 'PPLX_API_KEY']) },
  { kind: 'xai_api_key', make: (r) => tok('xai-' + r.str(ALNUM, 80), ['XAI_API_KEY', 'GROK_API_KEY']) },
  { kind: 'deepseek_api_key', make: (r) => tok('sk-' + r.str(HEX, 32), ['DEEPSEEK_API_KEY']) },
  { kind: 'npm_token', make: (r) => tok(checksummedToken(r, 'npm_'), ['NPM_TOKEN', '//registry.npmjs.org/:_authToken']) },
  { kind: 'pypi_token', make: (r) => tok('pypi-AgEIcHlwaS5vcmc' + r.str(B64URL, r.int(120, 170)), ['PYPI_TOKEN', 'TWINE_PASSWORD']) },
  { kind: 'sendgrid_api_key', make: (r) => tok(`SG.${r.str(B64URL, 22)}.${r.str(B64URL, 43)}`, ['SENDGRID_API_KEY']) },
  { kind: 'twilio_api_key', make: (r) => tok('SK' + r.str(HEX, 32), ['TWILIO_API_KEY', 'TWILIO_API_KEY_SID']) },
  { kind: 'twilio_auth_token', make: (r) => tok(r.str(HEX, 32), ['TWILIO_AUTH_TOKEN', 'twilio_auth_token', 'authToken'], true) },
  { kind: 'mailgun_api_key', make: (r) => tok(r.chance(0.5) ? 'key-' + r.str(HEX, 32) : `${r.str(HEX, 32)}-${r.str(HEX, 8)}-${r.str(HEX, 8)}`, ['MAILGUN_API_KEY']) },
  { kind: 'mailchimp_api_key', make: (r) => tok(`${r.str(HEX, 32)}-us${r.int(1, 21)}`, ['MAILCHIMP_API_KEY']) },
  { kind: 'shopify_token', make: (r) => tok(r.pick(['shpat_', 'shpss_', 'shpca_', 'shppa_']) + r.str(HEX, 32), ['SHOPIFY_ACCESS_TOKEN', 'SHOPIFY_API_SECRET']) },
  { kind: 'atlassian_api_token', make: (r) => tok('ATATT3xFfGF0' + r.str(ALNUM + '-_', 168) + '=' + r.str(HEX.toUpperCase(), 8), ['JIRA_API_TOKEN', 'CONFLUENCE_TOKEN']) },
  { kind: 'linear_api_key', make: (r) => tok('lin_api_' + r.str(ALNUM, 40), ['LINEAR_API_KEY']) },
  { kind: 'datadog_api_key', make: (r) => tok(r.str(HEX, 32), ['DD_API_KEY', 'DATADOG_API_KEY'], true) },
  { kind: 'doppler_token', make: (r) => tok(r.pick(['dp.pt.', 'dp.st.', 'dp.sa.']) + r.str(ALNUM, 43), ['DOPPLER_TOKEN']) },
  { kind: 'vault_token', make: (r) => tok(r.chance(0.5) ? 'hvs.' + r.str(ALNUM + '-_', 24) : 'hvs.CAESI' + r.str(ALNUM + '-_', 86), ['VAULT_TOKEN']) },
  { kind: 'postman_api_key', make: (r) => tok(`PMAK-${r.str(HEX, 24)}-${r.str(HEX, 34)}`, ['POSTMAN_API_KEY']) },
  { kind: 'age_secret_key', make: (r) => tok(ageSecretKey(r), ['SOPS_AGE_KEY', 'AGE_KEY']) },
  { kind: 'heroku_api_key', make: (r) => tok(r.chance(0.5) ? 'HRKU-AA' + r.str(ALNUM + '-_', 58) : uuid(r), ['HEROKU_API_KEY'], false) },
  { kind: 'pem_rsa', make: (r) => ({ value: pem('RSA PRIVATE KEY', pemBody(r, 1190, 'MIIEp')), names: [], shape: 'document' }) },
  { kind: 'pem_ec', make: (r) => ({ value: pem('EC PRIVATE KEY', pemBody(r, 121, 'MHcCAQEE')), names: [], shape: 'document' }) },
  { kind: 'pem_pkcs8', make: (r) => ({ value: pem('PRIVATE KEY', pemBody(r, 1216, 'MIIEv')), names: [], shape: 'document' }) },
  { kind: 'pem_openssh', make: (r) => ({ value: pem('OPENSSH PRIVATE KEY', pemBody(r, 400, 'b3BlbnNzaC1rZXktdjEAAAAA')), names: [], shape: 'document' }) },
  { kind: 'pem_encrypted', make: (r) => ({ value: pem('ENCRYPTED PRIVATE KEY', pemBody(r, 1300, 'MIIFH')), names: [], shape: 'document' }) },
  { kind: 'pem_dsa', make: (r) => ({ value: pem('DSA PRIVATE KEY', pemBody(r, 440, 'MIIBu')), names: [], shape: 'document' }) },
  {
    kind: 'pem_rsa_legacy_encrypted',
    make: (r) => ({
      value: pem('RSA PRIVATE KEY', pemBody(r, 1190), `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${r.str(HEX.toUpperCase(), 32)}\n\n`),
      names: [],
      shape: 'document',
    }),
  },
  {
    kind: 'pgp_private_key',
    make: (r) => ({ value: pem('PGP PRIVATE KEY BLOCK', pemBody(r, 900, 'lQOYBG') + '\n=' + r.str(B64, 4), '\n'), names: [], shape: 'document' }),
  },
  {
    kind: 'pem_truncated',
    make: (r) => ({ value: `-----BEGIN ${r.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY'])}-----\n${pemBody(r, 300)}\n...`, names: [], shape: 'document' }),
  },
  {
    kind: 'jwt',
    make: (r) => {
      const alg = r.pick(['HS256', 'RS256', 'ES256']);
      const h = b64urlJson(r.chance(0.5) ? { alg, typ: 'JWT' } : { alg, kid: r.str(ALNUM, 16), typ: 'JWT' });
      const now = 1_700_000_000 + r.int(0, 50_000_000);
      const p = b64urlJson({ sub: uuid(r), email: `${r.str(LOWER, 6)}@example.org`, iat: now, exp: now + 3600, scope: 'read write' });
      const sig = r.str(B64URL, alg === 'RS256' ? 342 : alg === 'ES256' ? 86 : 43);
      return tok(`${h}.${p}.${sig}`, ['ACCESS_TOKEN', 'id_token', 'SUPABASE_SERVICE_ROLE_KEY', 'token']);
    },
  },
  {
    kind: 'db_url',
    make: (r) => {
      const scheme = r.pick(['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'mongodb', 'amqp', 'mssql']);
      const host = scheme === 'mongodb+srv' ? `cluster0.${r.str(LOWER + DIGITS, 5)}.mongodb.net` : r.pick(['db.internal', '10.0.3.17', 'prod-db.acme.io']);
      const pw = encodeURIComponent(password(r));
      return { value: `${scheme}://${r.pick(['app', 'admin', 'svc_orders', 'root'])}:${pw}@${host}${scheme.startsWith('mongodb+') ? '' : ':' + r.pick(['5432', '3306', '27017', '5672'])}/${r.pick(['app', 'orders', 'prod'])}`, names: ['DATABASE_URL', 'MONGO_URI', 'AMQP_URL'], shape: 'url' };
    },
  },
  { kind: 'redis_url', make: (r) => ({ value: `redis${r.pick(['', 's'])}://${r.pick(['', 'default'])}:${r.str(ALNUM, 32)}@${r.pick(['cache.internal', 'redis-12345.c1.cloud.redislabs.com'])}:6379/0`, names: ['REDIS_URL'], shape: 'url' }) },
  {
    kind: 'jdbc_password',
    make: (r) => {
      const pw = password(r).replace(/[;&]/g, '');
      return {
        value: r.chance(0.5)
          ? `jdbc:sqlserver://db.acme.local:1433;databaseName=orders;user=sa;password=${pw};encrypt=true`
          : `jdbc:mysql://db.acme.local:3306/orders?user=app&password=${pw}&useSSL=true`,
        names: ['JDBC_URL', 'spring.datasource.url'],
        shape: 'url',
      };
    },
  },
  {
    kind: 'odbc_password',
    make: (r) => ({
      value: `Server=tcp:${r.str(LOWER, 8)}.database.windows.net,1433;Initial Catalog=app;User ID=dbadmin;Password=${password(r).replace(/;/g, '')};Encrypt=True;Connection Timeout=30;`,
      names: ['ConnectionStrings__Default', 'SQL_CONNECTION_STRING'],
      shape: 'token',
    }),
  },
  { kind: 'url_basic_auth', make: (r) => ({ value: `https://${r.pick(['deploy', 'ci-bot', 'jenkins'])}:${encodeURIComponent(password(r))}@${r.pick(['git.acme.io/org/repo.git', 'nexus.acme.io/repository/npm/', 'registry.acme.io/v2/'])}`, names: ['REPO_URL', 'REGISTRY'], shape: 'url' }) },
  { kind: 'git_url_with_token', make: (r) => ({ value: `https://x-access-token:${checksummedToken(r, 'ghs_')}@github.com/acme/${r.pick(['api', 'infra', 'web'])}.git`, names: ['REMOTE'], shape: 'url' }) },
  // Generic values are random strings: without a name next to them nobody could tell, hence needsName.
  { kind: 'generic_password', make: (r) => tok(password(r), ['DB_PASSWORD', 'password', 'MYSQL_ROOT_PASSWORD', 'PGPASSWORD', 'admin_password', 'smtpPassword', 'REDIS_PASS'], true) },
  { kind: 'generic_api_key', make: (r) => tok(r.pick(['', 'ak_', 'key_', 'live_']) + r.str(ALNUM, r.int(32, 48)), ['ACME_API_KEY', 'api_key', 'apiKey', 'X_API_KEY', 'WEATHER_API_KEY', 'PINECONE_API_KEY'], true) },
  { kind: 'generic_secret', make: (r) => tok(r.chance(0.5) ? r.str(HEX, 64) : base64(r.bytes(32)), ['JWT_SECRET', 'SESSION_SECRET', 'client_secret', 'SECRET_KEY', 'APP_SECRET', 'NEXTAUTH_SECRET'], true) },
  { kind: 'generic_token', make: (r) => tok(r.str(B64URL, r.int(32, 48)), ['token', 'access_token', 'AUTH_TOKEN', 'refreshToken', 'API_TOKEN'], true) },
  { kind: 'bearer_header', make: (r) => ({ value: `Authorization: Bearer ${r.str(ALNUM + '-._~', r.int(32, 64))}`, names: [], shape: 'document' }) },
  { kind: 'basic_auth_header', make: (r) => ({ value: `Authorization: Basic ${base64(utf8(`${r.pick(['admin', 'api', 'svc'])}:${password(r)}`))}`, names: [], shape: 'document' }) },
  { kind: 'curl_user', make: (r) => ({ value: `curl -u ${r.pick(['admin', 'elastic', 'deploy'])}:${password(r).replace(/[!$]/g, '')} https://${r.pick(['es.internal:9200/_cluster/health', 'jenkins.acme.io/api/json'])}`, names: [], shape: 'document' }) },
  {
    kind: 'docker_config_auth',
    make: (r) => ({ value: `{\n  "auths": {\n    "registry.acme.io": {\n      "auth": "${base64(utf8(`robot:${r.str(ALNUM, 32)}`))}"\n    }\n  }\n}`, names: [], shape: 'document' }),
  },
  {
    kind: 'k8s_secret_data',
    make: (r) => ({
      value: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\ndata:\n  username: ${base64(utf8('app'))}\n  password: ${base64(utf8(password(r)))}`,
      names: [],
      shape: 'document',
    }),
  },
  { kind: 'django_secret_key', make: (r) => tok('django-insecure-' + r.str(LOWER + DIGITS + '!@#$%^&*(-_=+)', 50), ['SECRET_KEY']) },
];
