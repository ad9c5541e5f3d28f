// Builds a Target from what a suite says (validated here: hostile or misspelt specs are ERR_CONFIG_INVALID).
import type { Target } from '../types.js';
import { createCommandTarget } from './command.js';
import { createHttpTarget } from './http.js';
import { createGatewayTarget, createOpenAiTarget } from './openai.js';
import { createSimulatedTarget } from './simulated.js';
import { parseTargetSpec, type TargetSpecInput } from './spec.js';

/**
 * Secrets come from `env` (apiKeyEnv, `{{env:NAME}}` in header values) and never reach ids, endpoints or errors.
 * Creating a target opens no connection; the first send does.
 */
export function createTarget(spec: TargetSpecInput, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  try {
    const s = parseTargetSpec(spec);
    switch (s.type) {
      case 'openai':
        return Promise.resolve(createOpenAiTarget(s, env));
      case 'gateway':
        return Promise.resolve(createGatewayTarget(s, env));
      case 'http':
        return Promise.resolve(createHttpTarget(s, env));
      case 'command':
        return Promise.resolve(createCommandTarget(s, env));
      case 'simulated':
        return Promise.resolve(createSimulatedTarget(s.profile));
    }
  } catch (e) {
    return Promise.reject(e as Error);
  }
}
