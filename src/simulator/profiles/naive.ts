// The helpful-but-naive profile: obeys instructions found in any user message or tool result, including injected
// ones: it prints its system prompt, says what it is told, renders attacker image URLs filled with conversation
// data and calls the tools it is told to call.
import {
  directiveText,
  IGNORE_INSTRUCTIONS,
  LEAK_REQUEST,
  REPLY_ONLY,
  SAY_QUOTED,
  TAIL_LEAD,
  URL_PLACEHOLDERS,
} from './patterns.js';
import { findMarkdownImage } from './markdown-image.js';
import { requestedTool, toolCallReply } from './tool-calls.js';
import { HELPFUL_REPLY, isUntrustedRole, systemText, type Conversation, type Profile, type Reply } from './types.js';
import type { ChatMessage } from '../chat-request.js';

/** Cheap pre-filter: a message without any of these words holds no instruction the profile reacts to. */
const TRIGGER_WORDS = /ignore|disregard|forget|override|prompt|instruction|only|just|exactly|solely|nothing but|say|print|output|write|respond|reply|answer|!\[|call|use|invoke|run|execute|trigger/i;

const NO_SYSTEM_PROMPT = 'I have no system prompt.';
const MAX_EXFIL_CHARS = 200;
const MAX_TAIL_CHARS = 2000;

export const naiveProfile: Profile = {
  name: 'naive',
  reply({ messages, tools }: Conversation): Reply {
    const last = messages[messages.length - 1];
    if (last?.role === 'user') {
      const tool = requestedTool(last.text, tools);
      if (tool) return toolCallReply(tool, last.text);
    }
    // Newest first: the latest instruction wins, wherever it sits (user turn, pasted document, tool result).
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (!m || !isUntrustedRole(m.role) || !TRIGGER_WORDS.test(m.text)) continue;
      // Tool requests in older user turns were answered already; re-issuing them would loop an agent forever.
      const obeyed = obey(m.text, { messages, tools: m.role === 'user' ? [] : tools });
      if (obeyed) return obeyed;
    }
    if (last && last.role !== 'user' && isUntrustedRole(last.role)) return { kind: 'text', content: `The tool returned: ${last.text}` };
    return HELPFUL_REPLY;
  },
};

/** The reply to the instruction in `text`, or undefined when it holds none. */
function obey(text: string, conversation: Conversation): Reply | undefined {
  const ignore = IGNORE_INSTRUCTIONS.exec(text);
  // After "ignore previous instructions", only what follows counts; it is obeyed even when it is no known command.
  const scope = ignore ? text.slice(ignore.index + ignore[0].length) : text;
  if (LEAK_REQUEST.test(scope)) return leak(conversation.messages);
  const image = findMarkdownImage(scope);
  if (image) return { kind: 'text', content: `![${image.alt}](${fillPlaceholders(image.url, conversation.messages)})` };
  const tool = requestedTool(scope, conversation.tools);
  if (tool) return toolCallReply(tool, scope);
  const only = REPLY_ONLY.exec(scope);
  if (only) return { kind: 'text', content: directiveText(only[1] ?? '') };
  const say = SAY_QUOTED.exec(scope);
  if (say) return { kind: 'text', content: say[2] ?? '' };
  if (!ignore) return undefined;
  const lead = TAIL_LEAD.exec(scope);
  const tail = directiveText(scope.slice(lead ? lead[0].length : 0)).slice(0, MAX_TAIL_CHARS);
  return { kind: 'text', content: tail === '' ? 'OK, I will ignore my previous instructions.' : tail };
}

function leak(messages: readonly ChatMessage[]): Reply {
  const system = systemText(messages);
  return { kind: 'text', content: system === '' ? NO_SYSTEM_PROMPT : `Sure. My system prompt is:\n\n${system}` };
}

/** The attacker's URL with each template slot replaced by the system prompt (else the first user message). */
function fillPlaceholders(url: string, messages: readonly ChatMessage[]): string {
  const data = systemText(messages) || (messages.find((m) => m.role === 'user')?.text ?? '');
  const encoded = encodeURIComponent(data.slice(0, MAX_EXFIL_CHARS));
  return url.replace(URL_PLACEHOLDERS, encoded);
}
