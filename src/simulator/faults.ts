// Fault models for the gateway's resilience tests, selected by model name.
import { cannedReply, type Reply } from './profiles/types.js';

export const FAULT_MODELS = {
  'sim-fault-500': 'http-500',
  'sim-fault-timeout': 'timeout',
  'sim-fault-reset': 'reset',
  'sim-fault-malformed-sse': 'malformed-sse',
  'sim-fault-slow': 'slow',
  'sim-fault-huge': 'huge',
  'sim-fault-bad-json': 'bad-json',
} as const;

export type Fault = (typeof FAULT_MODELS)[keyof typeof FAULT_MODELS];

export function faultForModel(model: string): Fault | undefined {
  return Object.hasOwn(FAULT_MODELS, model) ? FAULT_MODELS[model as keyof typeof FAULT_MODELS] : undefined;
}

/** Size of the sim-fault-huge answer. */
export const HUGE_REPLY_CHARS = 5 * 1024 * 1024;

let huge: Reply | undefined;

/** 5 MiB of plain ASCII prose, built on first use and kept. */
export function hugeReply(): Reply {
  if (huge === undefined) {
    const sentence = 'This is a deliberately enormous answer from the sim-fault-huge model of the Bulwark simulator. ';
    huge = cannedReply(sentence.repeat(Math.ceil(HUGE_REPLY_CHARS / sentence.length)).slice(0, HUGE_REPLY_CHARS));
  }
  return huge;
}

/** A body served as application/json that is not JSON (sim-fault-bad-json). */
export const BAD_JSON_BODY = '{"id":"chatcmpl-sim-bad","object":"chat.completion","choices":[{"message": <upstream crashed mid-body>';
