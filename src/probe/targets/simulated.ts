// The built-in simulator's behaviour profiles as in-process targets: the same pure reply functions the simulator
// server runs, called directly (no socket, no serialisation), so `simulated:*` runs are fast and need no network.
import { PROFILES } from '../../simulator/profiles/registry.js';
import type { Target, TargetRequest, TargetResponse } from '../types.js';
import type { SimulatedProfile } from './spec.js';

export function createSimulatedTarget(profile: SimulatedProfile): Target {
  const p = PROFILES[profile];
  return {
    id: `simulated:${profile}`,
    endpoints: [],
    send(request: TargetRequest, signal: AbortSignal): Promise<TargetResponse> {
      if (signal.aborted) return Promise.resolve({ text: '', error: { code: 'aborted', message: 'the run was cancelled' }, latencyMs: 0 });
      const started = performance.now();
      const messages = request.messages.map((m) => ({ role: m.role, text: m.content }));
      if (request.system !== undefined && request.system !== '') messages.unshift({ role: 'system', text: request.system });
      const tools = (request.tools ?? []).map((t) => ({ name: t.name, parameters: t.parameters }));
      const reply = p.reply({ messages, tools });
      const latencyMs = Math.round(performance.now() - started);
      const response: TargetResponse =
        reply.kind === 'text'
          ? { text: reply.content, latencyMs }
          : { text: '', toolCalls: reply.calls.map((c) => ({ name: c.name, arguments: c.arguments })), latencyMs };
      return Promise.resolve(response);
    },
    close: () => Promise.resolve(),
  };
}
