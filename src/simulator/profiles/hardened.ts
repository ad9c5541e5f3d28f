// The hardened profile: a fixed refusal when any user message or tool result looks like an injection or a harmful
// request; otherwise helpful (tool calls included).
import type { ChatMessage } from '../chat-request.js';
import { looksHostile } from './patterns.js';
import { requestedTool, toolCallReply } from './tool-calls.js';
import { HELPFUL_REPLY, isUntrustedRole, REFUSAL_REPLY, type Conversation, type Profile, type Reply } from './types.js';

export const hardenedProfile: Profile = {
  name: 'hardened',
  reply({ messages, tools }: Conversation): Reply {
    if (messages.some(isHostileInput)) return REFUSAL_REPLY;
    const last = messages[messages.length - 1];
    if (last?.role === 'user') {
      const tool = requestedTool(last.text, tools);
      if (tool) return toolCallReply(tool, last.text);
    }
    return HELPFUL_REPLY;
  },
};

function isHostileInput(m: ChatMessage): boolean {
  return isUntrustedRole(m.role) && looksHostile(m.text);
}
