// What a behaviour profile is: a pure function from the conversation to the assistant's reply.
import type { ChatMessage, ToolSpec } from '../chat-request.js';

export const PROFILE_NAMES = ['echo', 'naive', 'hardened'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text, as OpenAI sends them. */
  arguments: string;
}

export type Reply =
  | {
      kind: 'text';
      content: string;
      /** JSON.stringify(content), precomputed for canned replies so the hot path does not serialise them. */
      contentJson?: string;
    }
  | { kind: 'tool_calls'; calls: ToolCall[] };

export interface Conversation {
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
}

export interface Profile {
  name: ProfileName;
  reply(conversation: Conversation): Reply;
}

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/** A text reply whose JSON form is computed once, at module load. */
export function cannedReply(content: string): Reply {
  return { kind: 'text', content, contentJson: JSON.stringify(content) };
}

export const HELPFUL_REPLY = cannedReply(
  'Sure! Here is a helpful answer from the Bulwark upstream simulator. This reply is canned: the simulator runs no ' +
    'language model, it imitates the OpenAI wire format so that gateways and clients can be tested end to end.',
);

export const REFUSAL_REPLY = cannedReply("I'm sorry, but I can't help with that request.");

/** Roles whose text comes from outside the application: the user and tool results (the injection surfaces). */
export function isUntrustedRole(role: string): boolean {
  return role === 'user' || role === 'tool' || role === 'function';
}

/** The system and developer messages joined by newlines. */
export function systemText(messages: readonly ChatMessage[]): string {
  let text = '';
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') text = text === '' ? m.text : `${text}\n${m.text}`;
  }
  return text;
}
