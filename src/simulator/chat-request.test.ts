// Lenient reading of chat requests: what is kept, what is ignored, what is a 400.
import { describe, expect, it } from 'vitest';
import { parseChatRequest } from './chat-request.js';

describe('parseChatRequest', () => {
  it('keeps model, message texts, function tools, stream flags and max tokens; ignores the rest', () => {
    const r = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'https://x' } }, { type: 'text', text: 'b' }] },
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'tool', content: 'res', tool_call_id: 'c' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }, { type: 'web_search' }, 'junk', { function: { name: '' } }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 10,
      max_completion_tokens: 7,
      logit_bias: { 1: 2 },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        model: 'm',
        messages: [
          { role: 'system', text: 'sys' },
          { role: 'user', text: 'a\nb' },
          { role: 'assistant', text: '' },
          { role: 'tool', text: 'res' },
        ],
        tools: [{ name: 'f', parameters: { type: 'object' } }],
        stream: true,
        includeUsage: true,
        maxTokens: 7,
        promptChars: 9,
      },
    });
  });

  it('treats odd flag values as absent', () => {
    const r = parseChatRequest({ model: 'm', messages: [{ role: 'user' }], stream: 'yes', stream_options: null, max_tokens: -3 });
    expect(r).toMatchObject({ ok: true, value: { stream: false, includeUsage: false, maxTokens: undefined, messages: [{ role: 'user', text: '' }] } });
  });

  it.each([
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: '', messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: 'm' }, 'messages'],
    [{ model: 'm', messages: 'hi' }, 'messages'],
    [{ model: 'm', messages: [null] }, 'messages[0]'],
    [{ model: 'm', messages: [{ role: 1 }] }, 'messages[0]'],
    [{ model: 'm', messages: [{ role: 'user', content: {} }] }, 'messages[0].content'],
    [{ model: 'm', messages: [{ role: 'user', content: [1] }] }, 'messages[0].content'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: 'f' }, 'tools'],
  ])('rejects %j naming %s', (body, param) => {
    expect(parseChatRequest(body)).toMatchObject({ ok: false, error: { status: 400, type: 'invalid_request_error', param } });
  });
});
