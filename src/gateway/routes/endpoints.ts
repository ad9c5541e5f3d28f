// The OpenAI endpoints the gateway guards, as data for the shared guarded path.
import { chatRequestTexts, chatResponseTexts, completionRequestTexts, completionResponseTexts, embeddingTexts } from '../openai/chat-texts.js';
import type { EndpointSpec } from './guarded.js';

const count = (v: unknown): number => (Array.isArray(v) ? v.length : v === undefined ? 0 : 1);

export const CHAT_COMPLETIONS: EndpointSpec = {
  route: '/v1/chat/completions',
  upstreamPath: '/chat/completions',
  requestTexts(body) {
    const { texts, systemPrompt } = chatRequestTexts(body);
    return { texts, context: systemPrompt === undefined ? {} : { systemPrompt } };
  },
  responseTexts: chatResponseTexts,
  streaming: true,
  format: 'chat',
  items: (body) => count(body['messages']),
  generates: true,
};

export const COMPLETIONS: EndpointSpec = {
  route: '/v1/completions',
  upstreamPath: '/completions',
  requestTexts: (body) => ({ texts: completionRequestTexts(body), context: {} }),
  responseTexts: completionResponseTexts,
  streaming: true,
  format: 'completion',
  items: (body) => count(body['prompt']),
  generates: true,
};

export const EMBEDDINGS: EndpointSpec = {
  route: '/v1/embeddings',
  upstreamPath: '/embeddings',
  requestTexts: (body) => ({ texts: embeddingTexts(body), context: {} }),
  responseTexts: () => [],
  streaming: false,
  format: 'chat',
  items: (body) => count(body['input']),
  generates: false,
};
