// One event in one wire format, as a single line of text (no trailing newline): Bulwark's own JSON, OCSF 1.8.0,
// Elastic ECS or ArcSight CEF. The mappings live beside this file; caps on sizes are in common.ts (CAPS).
import type { SecurityEvent } from '../../core/event.js';
import type { EventFormat, FormatContext } from '../types.js';
import { toCef } from './cef.js';
import { boundedJson, stringifyLine } from './common.js';
import { toEcs } from './ecs.js';
import { toOcsf } from './ocsf.js';

export { escapeCefHeader, escapeCefValue, toCef } from './cef.js';
export { CAPS } from './common.js';
export { ECS_VERSION, toEcs, type EcsDocument } from './ecs.js';
export { toOcsf } from './ocsf.js';
export { OCSF_VERSION, type OcsfEvent, type OcsfMetadata } from './ocsf-common.js';

/**
 * Bulwark's SecurityEvent as stored (already redacted). It is written as is; only pathological sizes are cut:
 * strings over CAPS.string, more than CAPS.array findings/items, nesting deeper than CAPS.depth.
 */
export function toJson(event: SecurityEvent): SecurityEvent {
  // Starts two levels up so that attributes keep the depth the store allows (src/store/redact-event.ts).
  return boundedJson(event, -2) as SecurityEvent;
}

/** The event as one line of `format`. Throws TypeError for an unknown format (a caller mistake). */
export function formatEvent(event: SecurityEvent, format: EventFormat, ctx: FormatContext): string {
  switch (format) {
    case 'json':
      return stringifyLine(toJson(event));
    case 'ocsf':
      return stringifyLine(toOcsf(event, ctx));
    case 'ecs':
      return stringifyLine(toEcs(event, ctx));
    case 'cef':
      return toCef(event, ctx);
    default:
      throw new TypeError(`unknown event format: ${String(format as unknown)}`);
  }
}
