// An EventSink that runs every event through the rule engine before passing it on, followed by its responses.
import type { SecurityEvent } from '../../core/event.js';
import type { RuleEngine } from './engine.js';

/** The one method of the gateway's EventSink (src/gateway/deps.ts) and of EventStore. */
export interface EventAppender {
  append(event: SecurityEvent): unknown;
}

/**
 * Wraps `sink` so that each appended event is first observed (which may raise its severity), then stored,
 * then followed by the responses it triggered. Those responses are observed in turn (rules with
 * `kind: response` escalate on them), but what they trigger is only stored: no chain longer than two.
 */
export function observeRules(engine: RuleEngine, sink: EventAppender): { append(event: SecurityEvent): void } {
  return {
    append(event: SecurityEvent): void {
      const responses = engine.observe(event);
      sink.append(event);
      for (const r of responses) {
        const escalations = engine.observe(r);
        sink.append(r);
        for (const e of escalations) sink.append(e);
      }
    },
  };
}
