// SecurityEvent → OCSF 1.8.0 event: picks the class, and builds the parts every class shares (metadata,
// severity, security_control outcome, the `unmapped.bulwark` remainder).
//
// Which class an event becomes (first rule that matches):
//
// | event                                           | OCSF class (class_uid / category)      | activity          | profiles                      |
// |-------------------------------------------------|----------------------------------------|-------------------|-------------------------------|
// | kind `auth` (failed key/JWT, model not allowed) | Authentication (3002 / 3 IAM)          | 1 Logon           | security_control              |
// | any event with findings (detection, scan, eval, | Detection Finding (2004 / 2 Findings)  | 1 Create;         | security_control              |
// |   a request that failed upstream after a scan), |                                        | 2 Update for risk |                               |
// |   and automated responses (kind `response`: the |                                        |                   |                               |
// |   alert rule is the analytic, type Rule)        |                                        |                   |                               |
// | request events without findings (allowed,       | API Activity (6003 / 6 Application)    | 1 Create (POST),  | security_control, ai_operation|
// |   limit hits, upstream errors): have a `route`  |                                        | 2 Read (GET)      |                               |
// | anything else (clean scan/eval, risk, system)   | Base Event (0 / 0 Uncategorized)       | 99 Other          | —                             |
//
// Decision → security_control outcome (action_id / disposition_id):
//   allow → 1 Allowed / 1 Allowed · redact → 4 Modified / 99 Other ("Redacted": no disposition names a redaction)
//   flag → 3 Observed / 19 Alert · block → 2 Denied / 2 Blocked (26 Unauthorized for model_not_allowed)
//   error → 0 Unknown / 27 Error
// Severity info/low/medium/high/critical → severity_id 1..5 and risk_level_id 0..4.
// OWASP LLM (and the other non-ATLAS taxonomy) ids are finding types, so they go in `finding_info.types`; ATLAS
// technique ids become `attacks[]`; everything OCSF has no attribute for (stage, per-finding detail, detector
// failures, free attributes) goes, bounded, under `unmapped.bulwark`. No prompt text is added: only the
// already-redacted evidence excerpts the event holds.
import type { SecurityEvent } from '../../core/event.js';
import type { FormatContext } from '../types.js';
import { requestFacts } from './common.js';
import { toApiActivity, toAuthentication, toBaseEvent } from './ocsf-activity.js';
import type { OcsfEvent, OcsfParts } from './ocsf-common.js';
import { toDetectionFinding } from './ocsf-detection.js';

/** Maps a SecurityEvent to the OCSF 1.8.0 class that fits it (see the table at the top of this file). */
export function toOcsf(event: SecurityEvent, ctx: FormatContext): OcsfEvent {
  const parts: OcsfParts = { event, ctx, facts: requestFacts(event) };
  if (event.kind === 'auth') return toAuthentication(parts);
  if (event.findings.length > 0 || event.kind === 'response') return toDetectionFinding(parts);
  if (parts.facts.route !== undefined) return toApiActivity(parts);
  return toBaseEvent(parts);
}
