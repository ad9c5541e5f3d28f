// Provider token rules for source hosting: GitHub (with its CRC32 checksum), GitLab, Bitbucket, Atlassian.
import { hasBase62Crc32 } from './checksums.js';
import { charClasses, shannonEntropy } from './entropy.js';
import { lengthBetween, type TokenRule } from './rule.js';

/** GitHub 2021 tokens: a valid checksum makes a live token near certain; a bad one still looks like a token. */
const githubCheck = (t: string): number | null => (t.length === 40 ? (hasBase62Crc32(t.slice(4)) ? 0.99 : 0.8) : null);
const githubDescribe = (t: string): Record<string, unknown> => ({ checksum: hasBase62Crc32(t.slice(4)) ? 'valid' : 'invalid' });

function github(id: string, prefix: string, what: string): TokenRule {
  return {
    id,
    provider: 'github',
    group: 'vcs',
    description: `GitHub ${what} (${prefix}, 36 base62 characters ending in a CRC32 checksum)`,
    severity: 'high',
    anchors: [prefix],
    // One pattern per prefix keeps the rule a plain literal search.
    pattern: new RegExp(`(?<![A-Za-z0-9_])${prefix}[A-Za-z0-9]+`, 'g'),
    check: githubCheck,
    describe: githubDescribe,
  };
}

export const VCS_RULES: readonly TokenRule[] = [
  github('github_pat', 'ghp_', 'personal access token (classic)'),
  github('github_oauth_token', 'gho_', 'OAuth access token'),
  github('github_user_to_server_token', 'ghu_', 'app user-to-server token'),
  github('github_server_to_server_token', 'ghs_', 'app installation (server-to-server) token'),
  github('github_refresh_token', 'ghr_', 'app refresh token'),
  {
    id: 'github_fine_grained_pat',
    provider: 'github',
    group: 'vcs',
    description: 'GitHub fine-grained personal access token (github_pat_ + 22 + _ + 59 characters)',
    severity: 'high',
    anchors: ['github_pat_'],
    pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]+/g,
    check: (t) => (t.length === 93 && t[33] === '_' ? 0.99 : t.length >= 70 && t.length <= 120 ? 0.85 : null),
  },
  {
    id: 'gitlab_token',
    provider: 'gitlab',
    group: 'vcs',
    description: 'GitLab token (personal/project/group glpat-, deploy gldt-, runner glrt-, trigger glptt-, OAuth gloas-, ...)',
    severity: 'high',
    anchors: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'gloas-', 'glsoat-', 'glcbt-', 'glimt-', 'glffct-', 'glagent-', 'GR1348941'],
    pattern: /(?<![\w-])(?:gl(?:pat|dt|rt|ptt|oas|soat|cbt|imt|ffct|agent)-|GR1348941)[\w.-]+/g,
    check: (t) => {
      const body = t.slice(t.startsWith('GR1348941') ? 9 : t.indexOf('-') + 1);
      if (body.length < 20 || body.length > 300) return null;
      return shannonEntropy(body) >= 3.5 ? 0.95 : null;
    },
  },
  {
    id: 'bitbucket_app_password',
    provider: 'bitbucket',
    group: 'vcs',
    description: 'Bitbucket app password / API token (ATBB...)',
    severity: 'high',
    anchors: ['ATBB'],
    pattern: /(?<![A-Za-z0-9])ATBB[A-Za-z0-9]+/g,
    check: (t) => (t.length >= 30 && t.length <= 40 && charClasses(t).digit ? (t.length === 36 ? 0.92 : 0.8) : null),
  },
  {
    id: 'atlassian_api_token',
    provider: 'atlassian',
    group: 'vcs',
    description: 'Atlassian (Jira, Confluence, Bitbucket Cloud) API token (ATATT..., ATCTT...)',
    severity: 'high',
    anchors: ['ATATT', 'ATCTT'],
    pattern: /(?<![\w-])AT[AC]TT[A-Za-z0-9_=-]+/g,
    check: lengthBetween(150, 260, 0.95),
  },
];
