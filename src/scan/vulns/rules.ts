// Rules of the dependency scan (`bulwark scan --deps`): vulnerable and malicious packages, unpinned ones, and the
// conditions that keep a dependency scan from being called clean.
import { defineRules, TAGS_VULNERABLE_COMPONENT } from '../rules.js';

export const DEPS_RULES = defineRules(
  {
    vulnerable: {
      verdict: 'suspicious',
      severity: 'high',
      title: 'Dependency with a known vulnerability',
      help: 'A pinned dependency is in the affected range of a published advisory (OSV). The finding takes the advisory\'s severity. Upgrade to one of the fixed versions listed, or check that the vulnerable code path is unreachable and record why.',
      tags: TAGS_VULNERABLE_COMPONENT,
    },
    'malicious-package': {
      verdict: 'malicious',
      severity: 'critical',
      title: 'Known malicious package',
      help: 'The dependency matches an OSV malicious-package record (MAL-…): the published package itself carries malware, usually run at install time. Remove it, rebuild the environment from a clean state and rotate any credentials it could reach.',
      tags: TAGS_VULNERABLE_COMPONENT,
    },
    unpinned: {
      verdict: 'info',
      severity: 'info',
      title: 'Dependency without an exact version',
      help: 'A range, URL, VCS reference or editable install names no single version, so it cannot be matched against advisories. Pin exact versions (a lock file or `pip freeze` output) to have them checked.',
      tags: TAGS_VULNERABLE_COMPONENT,
    },
    'no-advisories': {
      verdict: 'error',
      severity: 'high',
      title: 'No advisories to match against',
      help: 'The advisory folder (--osv-dir) is missing, empty, or holds no records for an ecosystem in use, so dependencies cannot be reported clean. Run `bulwark osv sync` (online) or copy OSV archives into the folder.',
      tags: TAGS_VULNERABLE_COMPONENT,
    },
    'manifest-error': {
      verdict: 'error',
      severity: 'medium',
      title: 'Manifest could not be read in full',
      help: 'A dependency manifest is malformed, too large, or includes a file that could not be read; the dependencies it names were not all checked.',
      tags: TAGS_VULNERABLE_COMPONENT,
    },
    'advisories-error': {
      verdict: 'error',
      severity: 'medium',
      title: 'Advisory file could not be read',
      help: 'An advisory record or archive in the advisory folder is damaged or over a limit; vulnerabilities it describes may be missed. Run `bulwark osv sync` again.',
      tags: TAGS_VULNERABLE_COMPONENT,
    },
  },
  'deps',
);
