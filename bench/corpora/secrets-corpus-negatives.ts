// Hard negatives for the secrets corpus: things that look like secrets but are not (hashes, ids, examples, placeholders).
import { ALNUM, B64URL, DIGITS, HEX, LOWER, UPPER, base64, utf8, uuid, type Rng } from './secrets-corpus-random.js';

export interface NegativeKind {
  kind: string;
  make(rng: Rng): string;
}

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.';

const PROSE = [
  'How do I reset my password if I no longer have access to the recovery email?',
  'The tokenizer splits the text into tokens before the model sees it, so long words cost more tokens.',
  'Never commit your API key to git; store it in a secret manager and rotate it regularly.',
  'What is the difference between an access token and a refresh token in OAuth 2.0?',
  'Password must be at least 12 characters and contain a digit and a symbol.',
  'Our secret sauce is the onboarding flow, not the pricing.',
  'The session token expires after 15 minutes of inactivity; the user then has to log in again.',
  'Please do not share your credentials with anyone, including support staff.',
  'I forgot my password again, can you explain how password managers work?',
  'Set the API key as an environment variable called OPENAI_API_KEY and restart the shell.',
  'In JWT, the header says which algorithm signed the token; never accept alg none.',
  'Bearer tokens are sent in the Authorization header; basic auth sends a base64 user:password pair.',
];

const ID_PREFIXES = ['cus_', 'pi_', 'ch_', 'evt_', 'txn_', 'sub_', 'price_', 'acct_', 'req_', 'msg_01', 'toolu_01', 'asst_', 'thread_', 'run_', 'file-', 'org-', 'chatcmpl-', 'batch_'];

const KEY_WORDS = ['api_key', 'token', 'password', 'secret', 'client_secret', 'GITHUB_TOKEN', 'OPENAI_API_KEY', 'DB_PASSWORD'];

function pemBlock(rng: Rng, label: string, bytes: number): string {
  return `-----BEGIN ${label}-----\n${base64(rng.bytes(bytes)).match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----`;
}

export const NEGATIVE_KINDS: readonly NegativeKind[] = [
  { kind: 'git_sha', make: (r) => `Fixed in commit ${r.str(HEX, 40)} (see also ${r.str(HEX, 7)}). Run git checkout ${r.str(HEX, 40)} to reproduce.` },
  { kind: 'sha256_digest', make: (r) => `${r.str(HEX, 64)}  release-v${r.int(1, 9)}.${r.int(0, 20)}.tar.gz\nverify with: sha256sum -c SHA256SUMS` },
  { kind: 'docker_digest', make: (r) => `image: ghcr.io/acme/api@sha256:${r.str(HEX, 64)}\nimagePullPolicy: IfNotPresent` },
  { kind: 'md5_etag', make: (r) => `${new Date(1_700_000_000_000 + r.int(0, 1e10)).toISOString()} INFO s3 put ok key=reports/${r.int(1, 999)}.csv etag="${r.str(HEX, 32)}" size=${r.int(1000, 99999)}` },
  { kind: 'uuid_ids', make: (r) => `{"request_id": "${uuid(r)}", "trace_id": "${r.str(HEX, 32)}", "span_id": "${r.str(HEX, 16)}", "status": 200}` },
  { kind: 'aws_doc_example', make: () => `From the AWS docs:\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` },
  {
    kind: 'placeholder_env',
    make: (r) =>
      r.pick([
        'OPENAI_API_KEY=your-api-key-here\nANTHROPIC_API_KEY=<your key>',
        'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'api_key: "<YOUR_API_KEY>"\nsecret: "${SECRET}"',
        'password: changeme\nusername: admin',
        'DB_PASSWORD=********',
        'token: {{ .Values.token }}',
        'AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX\nAWS_SECRET_ACCESS_KEY=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        'STRIPE_SECRET_KEY=sk_live_...\nSTRIPE_PUBLISHABLE_KEY=pk_live_...',
        'export OPENAI_API_KEY="sk-..."',
        '"password": "password123"',
        'SLACK_BOT_TOKEN=xoxb-your-token',
        'client_secret = "REPLACE_ME"',
        'HF_TOKEN=hf_********************************',
        'secret_key = "dummy-secret-for-tests"',
      ]),
  },
  { kind: 'env_read_code', make: (r) => r.pick([
    'api_key = os.environ["OPENAI_API_KEY"]\nclient = OpenAI(api_key=api_key)',
    'const token = process.env.GITHUB_TOKEN;\nif (!token) throw new Error("GITHUB_TOKEN missing");',
    '      - name: Deploy\n        env:\n          DB_PASSWORD: ${{ secrets.DB_PASSWORD }}',
    'String password = System.getenv("DB_PASSWORD");',
    'password = getpass.getpass("Password: ")\nhashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())',
    'def login(username: str, password: str) -> bool:\n    return check(username, password)',
    'token := os.Getenv("SLACK_TOKEN")',
    'secret = vault.read("secret/data/app")["data"]["api_key"]',
    'if (password !== confirmPassword) { setError("Passwords do not match"); }',
    `headers = {"Authorization": f"Bearer {token}"}`,
  ]) },
  { kind: 'data_uri_image', make: (r) => `<img alt="logo" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${base64(r.bytes(r.int(90, 300)))}">` },
  { kind: 'npm_integrity', make: (r) => `"node_modules/lodash": {\n  "version": "4.17.21",\n  "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",\n  "integrity": "sha512-${base64(r.bytes(64))}"\n}` },
  { kind: 'numeric_ids', make: (r) => `User ${r.str(DIGITS, 18)} joined channel ${r.str(DIGITS, 19)}; order #${r.str(DIGITS, 12)} shipped; chat_id=-100${r.str(DIGITS, 10)}` },
  { kind: 'prose_keywords', make: (r) => `${r.pick(PROSE)} ${r.pick(PROSE)}` },
  { kind: 'css_colours', make: (r) => `.btn { color: #${r.str(HEX, 6)}; background: #${r.str(HEX, 6)}; border: 1px solid #${r.str(HEX, 3)}; }` },
  { kind: 'lorem_ipsum', make: () => LOREM },
  { kind: 'ssh_public_key', make: (r) => `ssh-${r.pick(['rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ', 'ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI'])}${base64(r.bytes(r.pick([32, 256]))).replace(/=+$/, '')} ${r.str(LOWER, 5)}@laptop` },
  { kind: 'public_pem', make: (r) => pemBlock(r, r.pick(['PUBLIC KEY', 'CERTIFICATE', 'CERTIFICATE REQUEST']), r.int(200, 900)) },
  { kind: 'stripe_publishable', make: (r) => `const stripe = Stripe('pk_live_${r.str(ALNUM, 99)}');` },
  { kind: 'provider_object_ids', make: (r) => `created ${r.pick(ID_PREFIXES)}${r.str(ALNUM, 24)} and ${r.pick(ID_PREFIXES)}${r.str(ALNUM, 24)} for customer ${r.pick(ID_PREFIXES)}${r.str(ALNUM, 14)}` },
  { kind: 'json_event_base64', make: (r) => `{"message": {"data": "${base64(utf8(JSON.stringify({ orderId: r.int(1, 1e6), status: 'paid' })))}", "messageId": "${r.str(DIGITS, 16)}"}}` },
  { kind: 'lockfile_hashes', make: (r) => `lodash@^4.17.21:\n  version "4.17.21"\n  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#${r.str(HEX, 40)}"\n  integrity sha1-${base64(r.bytes(20))}` },
  { kind: 'jwt_io_example', make: () => 'Example from jwt.io: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c' },
  { kind: 'conn_string_placeholder', make: (r) => r.pick([
    'DATABASE_URL=postgres://user:password@localhost:5432/mydb',
    'MONGO_URI=mongodb+srv://<username>:<password>@cluster0.mongodb.net/test',
    'REDIS_URL=redis://localhost:6379/0',
    'DATABASE_URL=postgresql://postgres@localhost/app_dev',
    'DATABASE_URL=postgresql://${DB_USER}:${DB_PASS}@db:5432/app',
    'amqp://guest:guest@localhost:5672/',
  ]) },
  { kind: 'urls_with_at', make: (r) => `See https://medium.com/@${r.str(LOWER, 8)}/how-we-scaled-${r.str(LOWER, 5)} and clone git@github.com:acme/${r.str(LOWER, 6)}.git; mail ${r.str(LOWER, 5)}@acme.io` },
  { kind: 'sentry_dsn', make: (r) => `SENTRY_DSN=https://${r.str(HEX, 32)}@o${r.str(DIGITS, 6)}.ingest.sentry.io/${r.str(DIGITS, 7)}` },
  { kind: 'llm_usage', make: (r) => `{"usage": {"prompt_tokens": ${r.int(10, 5000)}, "completion_tokens": ${r.int(1, 900)}, "total_tokens": ${r.int(1000, 6000)}}, "max_tokens": 4096, "model": "gpt-4o-mini"}` },
  { kind: 'html_password_form', make: () => '<label for="password">Password</label>\n<input type="password" id="password" name="password" placeholder="Enter your password" minlength="12" required>' },
  { kind: 'aws_arns', make: (r) => `arn:aws:iam::${r.str(DIGITS, 12)}:role/${r.pick(['deploy', 'lambda-exec'])}\narn:aws:secretsmanager:us-east-1:${r.str(DIGITS, 12)}:secret:prod/db-${r.str(ALNUM, 6)}` },
  { kind: 'versions_and_addresses', make: (r) => `v${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 99)}-rc.${r.int(1, 9)} build ${r.str(HEX, 12)} on 2001:db8::${r.str(HEX, 4)}:${r.str(HEX, 4)} mac ${r.str(HEX, 2)}:${r.str(HEX, 2)}:${r.str(HEX, 2)}:${r.str(HEX, 2)}:${r.str(HEX, 2)}:${r.str(HEX, 2)}` },
  { kind: 'key_word_config', make: (r) => `${r.pick(KEY_WORDS)}_header: X-Api-Key\n${r.pick(['token_url', 'password_min_length', 'secret_name', 'token_type'])}: ${r.pick(['https://auth.acme.io/oauth/token', '12', 'prod/db', 'bearer'])}` },
  { kind: 'random_b64_blob', make: (r) => `{"thumbnail": "${base64(r.bytes(r.int(60, 200)))}", "encoding": "base64"}` },
  { kind: 'google_client_id', make: (r) => `GOOGLE_CLIENT_ID=${r.str(DIGITS, 12)}-${r.str(LOWER + DIGITS, 32)}.apps.googleusercontent.com` },
  { kind: 'bcrypt_hash', make: (r) => `password_hash: $2b$12$${r.str(ALNUM + './', 53)}` },
  { kind: 'code_identifiers', make: (r) => `const ${r.pick(['apiKeyInput', 'tokenStore', 'secretManagerClient'])} = use${r.pick(['ApiKey', 'Token', 'Secret'])}Store(${r.pick(['state', 'ctx'])}.${r.pick(['apiKeyRef', 'tokenRef'])});\nexport function mask${r.pick(['Token', 'Secret'])}(value: string) { return value.slice(0, 4) + '…'; }` },
  { kind: 'base64url_ids', make: (r) => `video https://youtu.be/${r.str(B64URL, 11)} playlist ${r.str(B64URL, 34)} and upload id ${r.str(UPPER + DIGITS, 26)}` },
  { kind: 'k8s_configmap', make: (r) => `apiVersion: v1\nkind: ConfigMap\ndata:\n  LOG_LEVEL: info\n  CACHE_TTL: "${r.int(60, 3600)}"\n  FEATURE_KEY: search-v2\n  checksum: ${r.str(HEX, 64)}` },
  { kind: 'b64_text', make: (r) => `decode this: ${base64(utf8(r.pick(['hello world, this is a test message', 'the quick brown fox jumps over the lazy dog', LOREM.slice(0, 80)])))}` },
  { kind: 'random_words_hex_mix', make: (r) => `build-${r.str(HEX, 8)} deployed to cluster ${r.pick(['eu-1', 'us-2'])} by ${r.str(LOWER, 6)}; artifact ${r.str(HEX, 16)}.zip` },
];
