// Splits OpenAI-style chat messages into the texts to scan, each with its stage and position in the conversation.
import type { Stage } from '../../core/finding.js';
import type { ChatMessage } from './schemas.js';

export interface ChatText {
  text: string;
  stage: Stage;
  /** Where the text came from, reported back in each result's metadata. */
  where: { message_index: number; role: string; part_index?: number; tool_call_index?: number };
}

export function stageOfRole(role: string): Stage {
  if (role === 'assistant') return 'output';
  if (role === 'tool' || role === 'function') return 'tool_result';
  return 'input'; // user, system, developer and anything unknown: text going into the model
}

/** Every text of the conversation: string contents, text parts of content arrays, and tool-call arguments. */
export function chatTexts(messages: readonly ChatMessage[]): ChatText[] {
  const texts: ChatText[] = [];
  messages.forEach((m, message_index) => {
    const stage = stageOfRole(m.role);
    const role = m.role.slice(0, 32);
    if (typeof m.content === 'string') {
      texts.push({ text: m.content, stage, where: { message_index, role } });
    } else if (Array.isArray(m.content)) {
      m.content.forEach((part, part_index) => {
        // Image, audio and file parts carry no text for us to scan.
        if (typeof part.text === 'string' && (part.type === undefined || part.type === 'text')) {
          texts.push({ text: part.text, stage, where: { message_index, role, part_index } });
        }
      });
    }
    m.tool_calls?.forEach((call, tool_call_index) => {
      const args = call.function?.arguments;
      if (typeof args === 'string') texts.push({ text: args, stage: 'tool_call', where: { message_index, role, tool_call_index } });
    });
  });
  return texts;
}
