// Behaviour of the secrets detector: options, false-alarm guards, masking, spans, hostile input and fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unknownTags } from '../core/taxonomy/index.js';
import type { TextAnalysis } from '../text/analysis.js';
import { maskSecret, secretsDetector, secretsOptions } from './secrets.js';
import { base62, crc32 } from './secrets/checksums.js';

// The secrets detector reads input.text only; it never looks at the shared analysis.
const ctx = { analysis: {} as TextAnalysis };
function detect(text: string, options: object = {}) {
  const out = secretsDetector.create(secretsOptions.parse(options))({ text, stage: 'input' }, ctx);
  if (out instanceof Promise) throw new Error('expected a synchronous detector');
  return out;
}

// Built from pieces at test time: no live-looking token is committed.
const GHP = (() => {
  const body = 'Zq8Lr2Vw5Tn1Kx7Pd3Hs9Gc4Bm6Jf0Ya';
  return 'ghp_' + body.slice(0, 30) + base62(crc32(body.slice(0, 30)), 6);
})();
const SLACK = ['xoxb', '240125366192', '5210982743501', 'q8Lr2Vw5Tn1Kx7Pd3Hs9Gc4B'].join('-');
const AWS_ID = 'AKIA' + 'Q3VZK7M2X5JW4RTN';

describe('secrets detector metadata and options', () => {
  it('declares id, stages and valid taxonomy tags', () => {
    expect(secretsDetector.id).toBe('secrets');
    expect(secretsDetector.stages).toEqual(['input', 'output', 'tool_call', 'tool_result']);
    expect(unknownTags(secretsDetector.tags)).toEqual([]);
  });

  it('parses {} to working defaults and rejects unknown keys, rule ids and bad regexes', () => {
    expect(secretsOptions.parse({})).toEqual({
      threshold: 0.5,
      rules: ['all'],
      exclude: [],
      entropyThreshold: 3,
      allowlist: [],
      ignoreExamples: true,
    });
    expect(secretsOptions.safeParse({ nope: 1 }).success).toBe(false);
    expect(secretsOptions.safeParse({ rules: ['no_such_rule'] }).success).toBe(false);
    expect(secretsOptions.safeParse({ allowlist: ['/(unclosed/'] }).success).toBe(false);
    expect(secretsOptions.safeParse({ rules: ['github_pat', 'llm'], exclude: ['generic'] }).success).toBe(true);
  });

  it('runs only the selected rules and groups, minus the excluded ones', () => {
    const text = `token: ${GHP}\n${SLACK}`;
    expect(detect(text).map((f) => f.category).sort()).toEqual(['github_pat', 'slack_token']);
    expect(detect(text, { rules: ['chat'] }).map((f) => f.category)).toEqual(['slack_token']);
    expect(detect(text, { exclude: ['github_pat'] }).map((f) => f.category)).toContain('slack_token');
    expect(detect(text, { exclude: ['github_pat'] }).map((f) => f.category)).not.toContain('github_pat');
  });

  it('ignores allowlisted values, exact or by regex', () => {
    expect(detect(`x ${GHP}`, { allowlist: [GHP] })).toEqual([]);
    expect(detect(`x ${GHP}`, { allowlist: ['/^ghp_Zq8/'] })).toEqual([]);
    expect(detect(`x ${GHP}`, { allowlist: ['/^ghp_nomatch/'] })).toHaveLength(1);
  });

  it('reports documentation examples only when ignoreExamples is off', () => {
    const text = 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE';
    expect(detect(text)).toEqual([]);
    expect(detect(text, { ignoreExamples: false }).map((f) => f.category)).toEqual(['aws_access_key_id']);
  });

  it('applies the threshold', () => {
    expect(detect('password = "Sunflower#2024"', { threshold: 0.95 })).toEqual([]);
    expect(detect('password = "Sunflower#2024"', { threshold: 0.5 })).toHaveLength(1);
  });

  it('uses a stricter entropy threshold for generic values when asked', () => {
    const text = 'api_key = "k3ylowmix0k3ylowmix0"';
    expect(detect(text)).toHaveLength(1);
    expect(detect(text, { entropyThreshold: 4.5 })).toEqual([]);
  });
});

describe('secrets detector findings', () => {
  it('reports spans in the original text, masked evidence and metadata', () => {
    const text = `Ünïcödé 🙂 prefix, then ${GHP} and more`;
    const [f] = detect(text);
    expect(text.slice(f!.span!.start, f!.span!.end)).toBe(GHP);
    expect(f!.evidence).toBe('ghp_… (40 chars)');
    expect(f!.severity).toBe('high');
    expect(f!.metadata).toMatchObject({ rule: 'github_pat', provider: 'github', checksum: 'valid' });
    expect(f!.tags).toEqual(secretsDetector.tags);
  });

  it('masks short values harder than long ones and never shows the whole value', () => {
    expect(maskSecret('abcdefgh')).toBe('ab… (8 chars)');
    expect(maskSecret('abc')).toBe('… (3 chars)');
    expect(maskSecret('x'.repeat(100))).toBe('xxxx… (100 chars)');
  });

  it('reports one finding per region: the provider rule beats the generic assignment', () => {
    const findings = detect(`GITHUB_TOKEN="${GHP}"`);
    expect(findings.map((f) => f.category)).toEqual(['github_pat']);
  });

  it('takes the whole PEM block as the span, also when a chat cut it short', () => {
    const body = Buffer.from('k'.repeat(20) + 'Zq8Lr2Vw5Tn1Kx7Pd3Hs9Gc4Bm6Jf0Ya'.repeat(8)).toString('base64');
    const block = `-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END EC PRIVATE KEY-----`;
    const [f] = detect(`key:\n${block}\nbye`);
    expect(f!.category).toBe('private_key');
    expect(`key:\n${block}\nbye`.slice(f!.span!.start, f!.span!.end)).toBe(block);
    const cut = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}`;
    const [g] = detect(`${cut}\n...`);
    expect(g!.metadata).toMatchObject({ truncated: true, keyType: 'OPENSSH' });
  });

  it('gives the password of a connection string as the span', () => {
    const text = 'mongodb+srv://svc:Qz7%23kLm2Vw9@cluster0.abcde.mongodb.net/app';
    const [f] = detect(text);
    expect(f!.category).toBe('connection_string_password');
    expect(text.slice(f!.span!.start, f!.span!.end)).toBe('Qz7%23kLm2Vw9');
  });

  it('finds an AWS secret access key next to its key id without a name', () => {
    const secret = 'q8Lr2Vw5Tn1Kx7Pd3Hs9Gc4Bm6Jf0YaZ/W+e1R3u';
    const findings = detect(`creds:\n${AWS_ID}\n${secret}`);
    expect(findings.map((f) => f.category).sort()).toEqual(['aws_access_key_id', 'aws_secret_access_key']);
  });
});

describe('secrets detector in less common contexts', () => {
  const pw = 'Qz7kLm2Vw9Rt';
  it.each([
    ['a Telegram token inside a Bot API URL', `GET https://api.telegram.org/bot123456789:AA${'Zq8Lr2Vw5Tn1Kx7Pd3Hs9Gc4Bm6Jf0Ya_'}/getMe`, 'telegram_bot_token'],
    ['a Slack webhook in a JSON-encoded string', `{"cfg": "{\\"url\\": \\"https:\\/\\/hooks.slack.com\\/services\\/T0ABCDEFG\\/B0ABCDEFG\\/Zq8Lr2Vw5Tn1Kx7Pd3Hs9Gc4\\"}"}`, 'slack_webhook_url'],
    ['an SQL password', `CREATE USER app WITH PASSWORD '${pw}';`, 'password_assignment'],
    ['a .netrc password', `machine api.acme.io\n  login deploy\n  password ${pw}`, 'password_assignment'],
    ['a mysql -p password', `mysql -h db -u root -p${pw} orders < dump.sql`, 'password_assignment'],
    ['a password starting with %', `jdbc:sqlserver://db:1433;user=sa;password=%${pw};encrypt=true`, 'connection_string_password'],
    ['a PuTTY key file', `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 1\nAAAA\nPrivate-Lines: 1\n${'Zq8Lr2Vw5Tn1Kx7P'.repeat(4)}\nPrivate-MAC: ${'ab12'.repeat(16)}`, 'private_key'],
  ])('finds %s', (_what, text, category) => {
    expect(detect(text).map((f) => f.category)).toContain(category);
  });

  it('reads a base64 value that starts with "/" as a secret, not a file path', () => {
    expect(detect(`$jwtSecret = '/whin7kOIybp5SGgxXXT65qiNxqM6B59g4giyEgG8Vg=';`).map((f) => f.category)).toEqual(['generic_secret']);
  });

  it('does not report publishable keys under a token name', () => {
    expect(detect(`mapboxgl.accessToken = 'pk.eyJ1IjoiYWNtZSJ9.${'Zq8Lr2Vw5Tn1Kx7Pd3Hs9G'}';`)).toEqual([]);
  });
});

const NEGATIVES: Record<string, string> = {
  gitSha: 'Fixed in commit 3f9a2c1e8b7d6f5a4c3b2a1908f7e6d5c4b3a291, see also 3f9a2c1.',
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  release.tar.gz',
  md5Etag: 'etag="9e107d9d372bb6826bd81d3542a419d6"',
  uuid: '{"request_id": "123e4567-e89b-42d3-a456-426614174000", "trace": "4bf92f3577b34da6a3ce929d0e0e4736"}',
  awsExample: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  placeholders: 'OPENAI_API_KEY=your-api-key-here\ntoken: "<token>"\nsecret: ${SECRET}\npassword: changeme\nGITHUB_TOKEN=ghp_' + 'x'.repeat(36),
  masks: 'DB_PASSWORD=********\napi_key: xxxxxxxxxxxxxxxxxxxxxxxx\nHF_TOKEN=hf_' + '*'.repeat(34),
  password123: '"password": "password123"',
  dataUri: 'src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="',
  cssColours: '.btn { color: #ff00aa; background: #1e1e1e; border-color: #abc }',
  numericIds: 'user 184467440737095516 joined channel 1133557799224466880; chat_id=-1001234567890',
  integrity: '"integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXGOVh6CsBVJqt7pv4SpVoW4onnqg=="',
  lorem: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.',
  prose: 'How do I reset my password? The tokenizer splits text into tokens. Never commit your API key; the secret is rotation.',
  envRead: 'api_key = os.environ["OPENAI_API_KEY"]\nconst token = process.env.GITHUB_TOKEN;\npassword = getpass.getpass()',
  ghaSecret: 'env:\n  DB_PASSWORD: ${{ secrets.DB_PASSWORD }}',
  publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq8Lr2Vw5Tn1Kx7Pd3Hs9Gc4Bm6Jf0YaZq8Lr2Vw5T me@laptop',
  certificate: `-----BEGIN CERTIFICATE-----\n${'MIIB'.repeat(40)}\n-----END CERTIFICATE-----`,
  jwtIoExample:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  connPlaceholder: 'postgres://user:password@localhost:5432/db\nmongodb+srv://<username>:<password>@cluster0.mongodb.net\namqp://guest:guest@localhost:5672/',
  noPasswordUrls: 'https://medium.com/@someone/post and git@github.com:acme/api.git and https://abc123@o1.ingest.sentry.io/42',
  llmUsage: '{"usage": {"prompt_tokens": 1234, "completion_tokens": 56, "total_tokens": 1290}, "max_tokens": 4096}',
  keyNames: 'token_url: https://auth.acme.io/oauth/token\npassword_min_length: 12\nsecret_name: prod/db\ntoken_type: bearer',
  htmlForm: '<input type="password" name="password" placeholder="Enter your password">',
  bcrypt: 'password_hash: $2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
  stripeObjectIds: 'created cus_NffrFeUfNV2Hib and pi_3MtwBwLkdIwHu7ix28a3tqPa for evt_1NG8Du2eZvKYlo2CUI79vXWy',
  codeIdentifiers: 'const tokenStore = useTokenStore(state.tokenRef);\nfunction maskSecret(value) { return value; }',
  typeHints: 'def login(username: str, password: str) -> bool:\n    api_key: Optional[str] = None',
  secretFiles: 'password_file: /run/secrets/db_password\ntoken: ~/.config/gh/hosts.yml\nSSL_KEY=./certs/server.key',
};

describe('secrets detector hard negatives', () => {
  it.each(Object.entries(NEGATIVES))('%s', (_name, text) => {
    expect(detect(text)).toEqual([]);
  });
});

describe('secrets detector on hostile input', () => {
  const MB = 1 << 20;
  const rep = (s: string): string => s.repeat(Math.ceil(MB / s.length)).slice(0, MB);
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const HOSTILE: Record<string, string> = {
    empty: '',
    short: 'sk-',
    loneSurrogates: `a\uD800b\uDC00 ${GHP} \uDBFF`,
    base64Alphabet: rep(b64),
    begin: rep('-----BEGIN'),
    beginPrivateKey: rep('-----BEGIN PRIVATE KEY-----\n'),
    skPrefix: rep('sk-'),
    nestedQuotes: rep('"\'`"password="'),
    assignments: rep('token: '),
    urls: rep('a://b:'),
    jwtLike: rep('eyJ'),
    userFlags: rep(' -u '),
    longRun: 'A'.repeat(200_000),
    keywordRun: 'key'.repeat(200_000),
  };

  it.each(Object.entries(HOSTILE))('%s: terminates with findings inside the text', (_name, text) => {
    const findings = detect(text);
    for (const f of findings) {
      expect(f.span!.start).toBeGreaterThanOrEqual(0);
      expect(f.span!.end).toBeLessThanOrEqual(text.length);
    }
    if (text.length < 100 && text.includes(GHP)) expect(findings.map((f) => f.category)).toEqual(['github_pat']);
  });
});

describe('secrets detector properties', () => {
  const fragment = fc.constantFrom(
    'ghp_', 'sk-', 'sk-ant-api03-', 'AKIA', 'xoxb-', '-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----',
    'password=', 'token: ', '"secret": "', 'Authorization: Bearer ', 'Basic ', '://', 'user:pw@', 'eyJ', '.', ':AA',
    '\n', ' ', '"', "'", '=', 'AccountKey=', 'sig=', '?sv=1&', '-u ', '\uD800', '\\"', GHP, SLACK,
  );
  const piece = fc.oneof(fragment, fc.string({ maxLength: 40 }), fc.stringMatching(/^[A-Za-z0-9+/=_-]{1,60}$/));
  const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));

  it('never throws, keeps spans in bounds and never puts the whole secret in the evidence', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const f of detect(t, { threshold: 0 })) {
          expect(f.span!.start).toBeGreaterThanOrEqual(0);
          expect(f.span!.end).toBeGreaterThan(f.span!.start);
          expect(f.span!.end).toBeLessThanOrEqual(t.length);
          const secret = t.slice(f.span!.start, f.span!.end);
          if (secret.length >= 8) expect(f.evidence).not.toContain(secret);
          expect(f.score).toBeGreaterThanOrEqual(0);
          expect(f.score).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('reports non-overlapping findings', () => {
    fc.assert(
      fc.property(text, (t) => {
        const spans = detect(t, { threshold: 0 }).map((f) => f.span!);
        for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
