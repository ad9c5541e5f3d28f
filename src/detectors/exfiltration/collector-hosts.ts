// Public request-inspection and tunnelling services: a URL to one of them from model output is a classic exfiltration sink.
// Sources: the services' own documentation (webhook.site, RequestBin/Pipedream, ngrok, Cloudflare Tunnel "trycloudflare",
// PortSwigger Burp Collaborator "oastify.com", ProjectDiscovery interactsh default servers "oast.*", Canarytokens,
// wildcard-DNS services nip.io / sslip.io). Matching is by domain suffix.

export const COLLECTOR_DOMAINS: readonly string[] = [
  'webhook.site',
  'requestbin.com',
  'requestbin.net',
  'pipedream.net',
  'ngrok.io',
  'ngrok.app',
  'ngrok-free.app',
  'ngrok-free.dev',
  'trycloudflare.com',
  'burpcollaborator.net',
  'oastify.com',
  'oast.fun',
  'oast.me',
  'oast.pro',
  'oast.live',
  'oast.site',
  'oast.online',
  'interact.sh',
  'requestcatcher.com',
  'beeceptor.com',
  'hookbin.com',
  'postb.in',
  'canarytokens.com',
  'loca.lt',
  'serveo.net',
  'nip.io',
  'sslip.io',
];

const DOMAINS = new Set(COLLECTOR_DOMAINS);

/** True when `host` (lower-case) is one of the collector domains or a subdomain of one. */
export function isCollectorHost(host: string): boolean {
  for (let i = -1; ; ) {
    if (DOMAINS.has(host.slice(i + 1))) return true;
    i = host.indexOf('.', i + 1);
    if (i === -1) return false;
  }
}
