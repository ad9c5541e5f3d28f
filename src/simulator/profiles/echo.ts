// The echo profile: answers with the newest user (or tool result) message verbatim, for deterministic tests.
import { requestedTool, toolCallReply } from './tool-calls.js';
import { isUntrustedRole, type Conversation, type Profile, type Reply } from './types.js';

export const echoProfile: Profile = {
  name: 'echo',
  reply({ messages, tools }: Conversation): Reply {
    const last = messages[messages.length - 1];
    if (last?.role === 'user') {
      const tool = requestedTool(last.text, tools);
      if (tool) return toolCallReply(tool, last.text);
    }
    // After a tool call the newest input is the tool result: echoing it lets tests see what reached the model.
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (m && isUntrustedRole(m.role)) return { kind: 'text', content: m.text };
    }
    return { kind: 'text', content: '' };
  },
};
