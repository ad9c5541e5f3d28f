// One event in one wire format, as a single line of text (no trailing newline). Placeholder: only `json` so far;
// the OCSF, ECS and CEF mappings live beside this file.
import { BulwarkError } from '../../core/errors.js';
import type { SecurityEvent } from '../../core/event.js';
import type { EventFormat, FormatContext } from '../types.js';

export function formatEvent(event: SecurityEvent, format: EventFormat, _ctx: FormatContext): string {
  if (format === 'json') return JSON.stringify(event);
  throw new BulwarkError('ERR_SINK_CONFIG', `format ${format} is not implemented yet`);
}
