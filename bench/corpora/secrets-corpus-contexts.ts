// Message templates for the secrets corpus: chat, logs, code in several languages, env/YAML/JSON config, curl.
import { DIGITS, HEX, LOWER, uuid, type Rng } from './secrets-corpus-random.js';
import type { PositiveSample } from './secrets-corpus-tokens.js';

const snake = (name: string): string => name.toLowerCase();
const camel = (name: string): string => name.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const isPlainName = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);

const CHAT_OPENERS = [
  'Hey, quick question.',
  'Can you help me debug this?',
  'I keep getting a 401 and I have no idea why.',
  'Our deploy broke this morning.',
  'Not sure what I am doing wrong here.',
  '',
];
const CHAT_CLOSERS = ['Thanks!', 'Any idea?', 'What am I missing?', 'Is the format right?', 'Please fix the code.', ''];

function ts(rng: Rng): string {
  return `2025-0${rng.int(1, 9)}-1${rng.int(0, 9)}T${rng.int(10, 23)}:${rng.int(10, 59)}:${rng.int(10, 59)}.${rng.str(DIGITS, 3)}Z`;
}

/** Benign lines that surround the secret in config-like files. */
function envFiller(rng: Rng): string {
  return rng.pick(['NODE_ENV=production', 'PORT=8080', 'LOG_LEVEL=info', 'APP_NAME=orders-api', 'TZ=UTC', 'FEATURE_FLAGS=beta,search']);
}

type Template = (rng: Rng, v: string, name: string) => string;

/** Templates that put a named value somewhere. */
const NAMED: readonly Template[] = [
  (r, v, n) => `${envFiller(r)}\n${n}=${r.chance(0.3) ? `"${v}"` : v}\n${envFiller(r)}`,
  (r, v, n) => `# .env\n${envFiller(r)}\n${n}=${v}`,
  (r, v, n) => `export ${n}=${r.chance(0.5) ? `'${v}'` : v}\nnpm run deploy`,
  (r, v, n) => `services:\n  api:\n    image: acme/api:1.${r.int(0, 9)}\n    environment:\n      ${snake(n)}: ${r.chance(0.5) ? `"${v}"` : v}\n      log_level: debug`,
  (_r, v, n) => `{\n  "name": "worker",\n  "${camel(n)}": "${v}",\n  "retries": 3\n}`,
  (_r, v, n) => `import os\n\n${snake(n)} = "${v}"\nclient = Client(${snake(n)}=${snake(n)})\nprint(client.ping())`,
  (_r, v, n) => `os.environ["${n}"] = "${v}"`,
  (_r, v, n) => `const ${camel(n)} = '${v}';\nconst client = createClient({ ${camel(n)} });\nawait client.connect();`,
  (_r, v, n) => `export const config = {\n  ${camel(n)}: "${v}",\n  timeoutMs: 5000,\n};`,
  (_r, v, n) => `func main() {\n\t${camel(n)} := "${v}"\n\tlog.Fatal(run(${camel(n)}))\n}`,
  (_r, v, n) => `private static final String ${n.toUpperCase()} = "${v}";`,
  (_r, v, n) => `var ${camel(n)} = "${v}"; // TODO move to key vault`,
  (_r, v, n) => `${snake(n)} = '${v}'\nclient = Api::Client.new(${snake(n)}: ${snake(n)})`,
  (_r, v, n) => `<?php\n$${camel(n)} = '${v}';\n$client = new Client($${camel(n)});`,
  (_r, v, n) => `[default]\n${snake(n)} = "${v}"\ntimeout = 30`,
  (_r, v, n) => `ENV ${n}=${v}\nRUN ./build.sh`,
  (_r, v, n) => `docker run -e ${n}=${v} -p 8080:8080 acme/api:latest`,
  (_r, v, n) => `env:\n  - name: ${n}\n    value: "${v}"`,
  (_r, v, n) => `jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      ${n}: ${v}`,
  (r, v, n) => `${r.pick(CHAT_OPENERS)} My ${n} is ${v} and the client still says unauthorized. ${r.pick(CHAT_CLOSERS)}`,
  (r, v, n) => `${ts(r)} DEBUG config loaded ${snake(n)}=${v} region=eu-west-1`,
  (r, v, n) => `Traceback (most recent call last):\n  File "/app/main.py", line ${r.int(10, 99)}, in <module>\n    client = Client(${snake(n)}="${v}")\n  File "/app/client.py", line 41, in __init__\n    raise AuthError("invalid credentials")\nAuthError: invalid credentials`,
  (_r, v, n) => `terraform {\n}\nprovider "acme" {\n  ${snake(n)} = "${v}"\n}`,
];

/** Templates for a bare value (no name), used only when the format speaks for itself. */
const BARE: readonly Template[] = [
  (r, v) => `${r.pick(CHAT_OPENERS)} here is my key: ${v} ${r.pick(CHAT_CLOSERS)}`,
  (r, v) => `${r.pick(CHAT_OPENERS)} I tried ${v} but it returns 403. ${r.pick(CHAT_CLOSERS)}`,
  (r, v) => `${ts(r)} WARN auth failed token=${v} user=${r.str(LOWER, 6)} request_id=${uuid(r)}`,
  (r, v) => `curl -s -H "Authorization: Bearer ${v}" https://api.${r.pick(['acme.io', 'example.com'])}/v1/items`,
  (_r, v) => `client = Client("${v}")`,
  (_r, v) => `| service | credential |\n|---|---|\n| prod | \`${v}\` |`,
  (r, v) => `mytool login --token ${v} --profile ${r.pick(['prod', 'dev'])}`,
  (r, v) => `https://api.${r.pick(['acme.io', 'weather.dev'])}/v2/query?q=berlin&key=${v}&units=metric`,
];

const URL_TEMPLATES: readonly Template[] = [
  (_r, v, n) => `${n}=${v}`,
  (r, v) => `${r.pick(CHAT_OPENERS)} The app can't connect using ${v} — is the URL format wrong? ${r.pick(CHAT_CLOSERS)}`,
  (r, v) => `${ts(r)} ERROR connection failed url=${v} attempt=${r.int(1, 5)}`,
  (_r, v) => `requests.post("${v}", json={"text": "deploy finished"})`,
  (_r, v, n) => `spring:\n  datasource:\n    ${n.includes('.') ? 'url' : camel(n)}: ${v}`,
  (_r, v) => `Error: getaddrinfo ENOTFOUND while calling ${v}\n    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)`,
  (_r, v) => `git clone ${v}`,
];

const DOC_TEMPLATES: readonly ((r: Rng, v: string) => string)[] = [
  (r, v) => `${r.pick(CHAT_OPENERS)} Here is the file:\n\`\`\`\n${v}\n\`\`\`\n${r.pick(CHAT_CLOSERS)}`,
  (_r, v) => v,
  (r, v) => `$ cat ${r.pick(['config', 'secrets.txt', 'creds'])}\n${v}\n$ ./run.sh`,
  (r, v) => `${ts(r)} INFO dumping request for support ticket #${r.str(HEX, 6)}\n${v}`,
];

/** Embeds a positive sample into a realistic message. */
export function embedPositive(rng: Rng, s: PositiveSample): string {
  if (s.shape === 'document') return rng.pick(DOC_TEMPLATES)(rng, s.value);
  const name = s.names.length > 0 ? rng.pick(s.names) : 'TOKEN';
  if (s.shape === 'url') return rng.pick(URL_TEMPLATES)(rng, s.value, name);
  if (!isPlainName(name)) return `${name}=${s.value}`;
  const useBare = !s.needsName && rng.chance(0.3);
  return useBare ? rng.pick(BARE)(rng, s.value, name) : rng.pick(NAMED)(rng, s.value, name);
}
