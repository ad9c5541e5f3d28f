// The text a single-prompt target (HTTP template, command) is given for a multi-message request.
import type { ChatMessage } from '../types.js';

/** The user-side messages since the last assistant answer, joined by blank lines (a user turn plus a tool result). */
export function latestPrompt(messages: readonly ChatMessage[]): string {
  let start = messages.length;
  while (start > 0 && messages[start - 1]?.role !== 'assistant') start--;
  let text = '';
  for (let i = start; i < messages.length; i++) {
    const m = messages[i] as ChatMessage;
    if (m.role !== 'system') text = text === '' ? m.content : `${text}\n\n${m.content}`;
  }
  return text;
}
