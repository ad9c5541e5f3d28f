// Held-out part of the secrets corpus: formats and contexts written after the rules were tuned, never tuned on.
// Kinds are prefixed "heldout:" so the benchmark can report them apart; they are plausible real-world leaks and
// near-misses that the rule set was not designed around.
import { ALNUM, B64URL, DIGITS, HEX, LOWER, UPPER, base64, utf8, type Rng } from './secrets-corpus-random.js';
import { password } from './secrets-corpus-tokens.js';

export interface HeldOutKind {
  kind: string;
  label: 0 | 1;
  make(rng: Rng): string;
}

const ghToken = (r: Rng): string => 'ghp_' + r.str(ALNUM, 36);

export const HELD_OUT_KINDS: readonly HeldOutKind[] = [
  // Contexts around formats the rules know.
  { kind: 'heldout:telegram_in_api_url', label: 1, make: (r) => `requests.get(f"https://api.telegram.org/bot${r.int(1, 9)}${r.str(DIGITS, 9)}:AA${r.str(B64URL, 33)}/sendMessage", params=p)` },
  { kind: 'heldout:json_escaped_webhook', label: 1, make: (r) => `{"config": "{\\"url\\": \\"https:\\/\\/hooks.slack.com\\/services\\/T${r.str(UPPER + DIGITS, 9)}\\/B${r.str(UPPER + DIGITS, 9)}\\/${r.str(ALNUM, 24)}\\"}"}` },
  { kind: 'heldout:sql_create_user', label: 1, make: (r) => `CREATE USER app_rw WITH PASSWORD '${password(r).replace(/'/g, '')}';\nGRANT ALL ON DATABASE app TO app_rw;` },
  { kind: 'heldout:netrc', label: 1, make: (r) => `machine api.acme.io\n  login deploy\n  password ${r.str(ALNUM, 20)}` },
  { kind: 'heldout:mysql_cli_p', label: 1, make: (r) => `mysql -h db.internal -u root -p${r.str(ALNUM, 16)} orders < dump.sql` },
  { kind: 'heldout:markdown_set_to', label: 1, make: (r) => `Then set \`DB_PASSWORD\` to \`${password(r)}\` in the dashboard and redeploy.` },
  { kind: 'heldout:powershell_env', label: 1, make: (r) => `$env:OPENAI_API_KEY = "sk-proj-${r.str(ALNUM, 48)}"\npython app.py` },
  { kind: 'heldout:pgpass', label: 1, make: (r) => `db.internal:5432:orders:app:${r.str(ALNUM, 18)}` },
  { kind: 'heldout:token_in_yaml_list', label: 1, make: (r) => `tokens:\n  - ${ghToken(r)}\n  - ${ghToken(r)}` },
  { kind: 'heldout:session_cookie', label: 1, make: (r) => `Cookie: session=${r.str(B64URL, 48)}; theme=dark` },
  { kind: 'heldout:old_github_hex_pat', label: 1, make: (r) => `GITHUB_TOKEN=${r.str(HEX, 40)}` },
  { kind: 'heldout:aws_session_token', label: 1, make: (r) => `AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE${r.str(ALNUM + '+/', 300)}` },
  // Formats the rules do not list.
  { kind: 'heldout:google_oauth_client_secret', label: 1, make: (r) => `"client_secret": "GOCSPX-${r.str(ALNUM + '-_', 28)}"` },
  { kind: 'heldout:docker_hub_pat', label: 1, make: (r) => `echo dckr_pat_${r.str(ALNUM + '-_', 27)} | docker login -u acme --password-stdin` },
  { kind: 'heldout:notion_token', label: 1, make: (r) => `const notion = new Client({ auth: "ntn_${r.str(ALNUM, 46)}" })` },
  { kind: 'heldout:airtable_pat', label: 1, make: (r) => `Authorization: Bearer pat${r.str(ALNUM, 14)}.${r.str(HEX, 64)}` },
  { kind: 'heldout:mapbox_secret', label: 1, make: (r) => `mapboxgl.accessToken = 'sk.eyJ1IjoiYWNtZSIsImEiOiJ${r.str(ALNUM, 20)}.${r.str(B64URL, 22)}';` },
  { kind: 'heldout:pulumi_token', label: 1, make: (r) => `pulumi login --access-token pul-${r.str(HEX, 40)}` },
  { kind: 'heldout:twitter_bearer', label: 1, make: (r) => `TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAA${r.str(ALNUM, 20)}%3D${r.str(ALNUM, 40)}` },
  { kind: 'heldout:putty_key', label: 1, make: (r) => `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n${base64(r.bytes(51))}\nPrivate-Lines: 1\n${base64(r.bytes(48))}\nPrivate-MAC: ${r.str(HEX, 64)}` },
  // Near-misses.
  { kind: 'heldout:neg_auth_header_docs', label: 0, make: () => 'Send the header `Authorization: Bearer <access_token>` with every request; tokens expire after one hour.' },
  { kind: 'heldout:neg_mapbox_public', label: 0, make: (r) => `mapboxgl.accessToken = 'pk.eyJ1IjoiYWNtZSIsImEiOiJ${r.str(ALNUM, 20)}.${r.str(B64URL, 22)}';` },
  { kind: 'heldout:neg_sri_hash', label: 0, make: (r) => `<script src="https://cdn.acme.io/app.js" integrity="sha384-${base64(r.bytes(48))}" crossorigin="anonymous"></script>` },
  { kind: 'heldout:neg_git_lfs_pointer', label: 0, make: (r) => `version https://git-lfs.github.com/spec/v1\noid sha256:${r.str(HEX, 64)}\nsize ${r.int(1000, 99999999)}` },
  { kind: 'heldout:neg_source_map', label: 0, make: (r) => `{"version":3,"sources":["app.ts"],"mappings":"${Array.from({ length: 12 }, () => r.str('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh', r.int(4, 6))).join(',')};AACA"}` },
  { kind: 'heldout:neg_password_reset_url', label: 0, make: (r) => `Reset link: https://app.acme.io/reset-password?email=${r.str(LOWER, 6)}%40acme.io&expires=${r.int(1e9, 2e9)}` },
  { kind: 'heldout:neg_hash_password_code', label: 0, make: () => 'digest = hashlib.sha256(password.encode("utf-8")).hexdigest()\nif hmac.compare_digest(digest, stored_hash):\n    login(user)' },
  { kind: 'heldout:neg_analytics_ids', label: 0, make: (r) => `gtag('config', 'G-${r.str(UPPER + DIGITS, 10)}'); // UA-${r.str(DIGITS, 8)}-1; recaptcha site key 6Le${r.str(ALNUM + '-_', 37)}` },
  { kind: 'heldout:neg_empty_password', label: 0, make: () => "DB_PASSWORD=\nREDIS_PASSWORD=''\nSMTP_PASSWORD=\"\"" },
  { kind: 'heldout:neg_token_counts_prose', label: 0, make: (r) => `The context window is ${r.int(8, 200)}k tokens; the key takeaway is that secret-sharing schemes split a key into ${r.int(3, 9)} shares.` },
  { kind: 'heldout:neg_base64_json_payload', label: 0, make: (r) => `payload=${base64(utf8(JSON.stringify({ user: r.str(LOWER, 6), ts: r.int(1e9, 2e9) })))}` },
];
