// Epoch milliseconds → OpenTelemetry HrTime ([seconds, nanoseconds]), exact to the microsecond.
import type { HrTime } from '@opentelemetry/api';

export function hrTime(epochMs: number): HrTime {
  let seconds = Math.floor(epochMs / 1000);
  let nanos = Math.round((epochMs - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}
