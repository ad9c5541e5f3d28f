// Provider token rules for payment (Stripe, Square, Braintree) and chat platforms (Slack, Discord, Telegram, Teams).
import { charClasses } from './entropy.js';
import { lengthBetween, type TokenRule } from './rule.js';

const DIGITS_ONLY = /^[0-9]+$/;

/** Discord bot token: base64(user id) . timestamp . HMAC; the first part must decode to a 17-20 digit snowflake. */
function discordBotScore(t: string): number | null {
  const parts = t.split('.');
  if (parts.length !== 3) return null;
  const [id, ts, mac] = parts as [string, string, string];
  if (id.length < 23 || id.length > 28 || ts.length < 6 || ts.length > 7 || mac.length < 27 || mac.length > 40) return null;
  const decoded = Buffer.from(id, 'base64').toString('latin1');
  return DIGITS_ONLY.test(decoded) && decoded.length >= 17 && decoded.length <= 20 ? 0.95 : null;
}

function slackScore(t: string): number | null {
  if (t.length < 30 || t.length > 260) return null;
  const dashes = t.split('-').length - 1;
  return dashes >= 3 && charClasses(t).digit ? 0.95 : null;
}

export const PAYMENT_RULES: readonly TokenRule[] = [
  {
    id: 'stripe_secret_key',
    provider: 'stripe',
    group: 'payment',
    description: 'Stripe live secret key (sk_live_)',
    severity: 'critical',
    anchors: ['sk_live_'],
    pattern: /(?<![\w-])sk_live_[A-Za-z0-9]+/g,
    check: lengthBetween(28, 255, 0.98),
  },
  {
    id: 'stripe_restricted_key',
    provider: 'stripe',
    group: 'payment',
    description: 'Stripe live restricted key (rk_live_)',
    severity: 'critical',
    anchors: ['rk_live_'],
    pattern: /(?<![\w-])rk_live_[A-Za-z0-9]+/g,
    check: lengthBetween(28, 255, 0.97),
  },
  {
    id: 'stripe_test_key',
    provider: 'stripe',
    group: 'payment',
    description: 'Stripe test-mode secret or restricted key (sk_test_, rk_test_): no real money, still a credential',
    severity: 'low',
    anchors: ['sk_test_', 'rk_test_'],
    pattern: /(?<![\w-])[sr]k_test_[A-Za-z0-9]+/g,
    check: lengthBetween(28, 255, 0.6),
  },
  {
    id: 'stripe_publishable_key',
    provider: 'stripe',
    group: 'payment',
    description: 'Stripe live publishable key (pk_live_): public by design, reported below the default threshold',
    severity: 'info',
    anchors: ['pk_live_'],
    pattern: /(?<![\w-])pk_live_[A-Za-z0-9]+/g,
    check: lengthBetween(28, 255, 0.3),
  },
  {
    id: 'stripe_webhook_secret',
    provider: 'stripe',
    group: 'payment',
    description: 'Stripe webhook signing secret (whsec_)',
    severity: 'high',
    anchors: ['whsec_'],
    pattern: /(?<![\w-])whsec_[A-Za-z0-9+/=]+/g,
    check: lengthBetween(38, 100, 0.95),
  },
  {
    id: 'square_access_token',
    provider: 'square',
    group: 'payment',
    description: 'Square access token (EAAA... or legacy sq0atp-)',
    severity: 'critical',
    anchors: ['EAAA', 'sq0atp-'],
    pattern: /(?<![\w-])(?:EAAA|sq0atp-)[\w-]+/g,
    check: (t) => (t.startsWith('EAAA') ? (t.length === 64 ? 0.9 : null) : t.length === 29 ? 0.95 : null),
  },
  {
    id: 'square_oauth_secret',
    provider: 'square',
    group: 'payment',
    description: 'Square application (OAuth) secret (sq0csp-)',
    severity: 'critical',
    anchors: ['sq0csp-'],
    pattern: /(?<![\w-])sq0csp-[\w-]+/g,
    check: lengthBetween(50, 50, 0.95),
  },
  {
    id: 'braintree_access_token',
    provider: 'paypal',
    group: 'payment',
    description: 'PayPal / Braintree production access token (access_token$production$...)',
    severity: 'critical',
    anchors: ['access_token$production$'],
    pattern: /access_token\$production\$[a-z0-9]+\$[a-f0-9]+/g,
    check: (t) => (/^access_token\$production\$[a-z0-9]{16}\$[a-f0-9]{32}$/.test(t) ? 0.98 : null),
  },
];

export const CHAT_RULES: readonly TokenRule[] = [
  {
    id: 'slack_token',
    provider: 'slack',
    group: 'chat',
    description: 'Slack bot/user/workspace/refresh token (xoxb-, xoxp-, xoxa-, xoxr-, xoxe-, xoxs-)',
    severity: 'high',
    anchors: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxe-', 'xoxs-', 'xoxo-', 'xoxe.'],
    pattern: /(?<![\w.-])xox(?:e\.xox)?[bparseo]-[A-Za-z0-9-]+/g,
    check: slackScore,
    describe: (t) => ({ tokenType: t.slice(0, 4) === 'xoxe' && t[4] === '.' ? t.slice(5, 9) : t.slice(0, 4) }),
  },
  {
    id: 'slack_app_token',
    provider: 'slack',
    group: 'chat',
    description: 'Slack app-level token (xapp-)',
    severity: 'high',
    anchors: ['xapp-'],
    pattern: /(?<![\w-])xapp-[A-Za-z0-9-]+/g,
    check: lengthBetween(40, 200, 0.95),
  },
  {
    id: 'slack_webhook_url',
    provider: 'slack',
    group: 'chat',
    description: 'Slack incoming webhook or workflow trigger URL',
    severity: 'medium',
    anchors: ['hooks.slack.com'],
    // `\/` too: URLs inside JSON-encoded strings (tool arguments, logged payloads).
    pattern: /https?:\\?\/\\?\/hooks\.slack\.com\\?\/(?:services|workflows|triggers)(?:[A-Za-z0-9_]|\\?\/)+/g,
    check: (t) => {
      const u = t.replaceAll('\\/', '/');
      return /\/T[A-Z0-9]{6,}\/[AB][A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/.test(u) ? 0.95 : u.length >= 60 ? 0.8 : null;
    },
  },
  {
    id: 'discord_bot_token',
    provider: 'discord',
    group: 'chat',
    description: 'Discord bot token (base64 user id . timestamp . HMAC)',
    severity: 'high',
    anchors: [],
    pattern: /(?<![\w.-])[MNO][A-Za-z0-9]+\.[\w-]+\.[\w-]+/g,
    check: discordBotScore,
  },
  {
    id: 'discord_webhook_url',
    provider: 'discord',
    group: 'chat',
    description: 'Discord webhook URL (id and token)',
    severity: 'medium',
    anchors: ['discord.com', 'discordapp.com'],
    pattern: /https?:\\?\/\\?\/(?:[a-z]+\.)?discord(?:app)?\.com\\?\/api\\?\/(?:v\d+\\?\/)?webhooks\\?\/[0-9]+\\?\/[\w-]+/g,
    check: (t) => (t.length - t.lastIndexOf('/') - 1 >= 60 ? 0.95 : null),
  },
  {
    id: 'telegram_bot_token',
    provider: 'telegram',
    group: 'chat',
    description: 'Telegram bot token (bot id : AA + 33 characters)',
    severity: 'high',
    anchors: [':AA'],
    // Also inside Bot API URLs: https://api.telegram.org/bot<token>/sendMessage
    pattern: /(?<=^|[^\w:]|\/bot)[0-9]+:AA[\w-]+/g,
    check: (t) => {
      const colon = t.indexOf(':');
      return colon >= 8 && colon <= 10 && t.length - colon - 1 === 35 ? 0.95 : null;
    },
  },
  {
    id: 'teams_webhook_url',
    provider: 'microsoft',
    group: 'chat',
    description: 'Microsoft Teams incoming webhook URL (webhook.office.com / outlook.office.com)',
    severity: 'medium',
    anchors: ['.webhook.office.com/', 'outlook.office.com/webhook', 'outlook.office365.com/webhook'],
    pattern: /https:\/\/(?:[A-Za-z0-9-]+\.webhook\.office\.com\/webhookb2|outlook\.office(?:365)?\.com\/webhook)\/[A-Za-z0-9@/_.~-]+/g,
    check: (t) => (t.includes('/IncomingWebhook/') ? 0.95 : null),
  },
];
