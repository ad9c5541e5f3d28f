// /v1/completions: prompt shapes, echo, usage and the stream's events.
import { describe, expect, it } from 'vitest';
import { echoProfile } from './profiles/echo.js';
import { completeTexts, MAX_PROMPTS, parseCompletionRequest, textCompletionBody, textCompletionEvents } from './text-completions.js';

const WHO = { id: 'cmpl-1', created: 1, modelJson: '"m"' };

describe('text completions', () => {
  it('reads a string, strings, a token array and token arrays', () => {
    const read = (prompt: unknown) => {
      const r = parseCompletionRequest({ model: 'm', prompt });
      return r.ok ? r.value.prompts : r.error.param;
    };
    expect(read('abc')).toEqual([{ text: 'abc', chars: 3 }]);
    expect(read(['a', 'bb'])).toEqual([{ text: 'a', chars: 1 }, { text: 'bb', chars: 2 }]);
    expect(read([1, 2, 3])).toEqual([{ text: '', chars: 12 }]);
    expect(read([[1], [2, 3]])).toEqual([{ text: '', chars: 4 }, { text: '', chars: 8 }]);
    for (const bad of [undefined, 3, [], ['a', 1], [[1], ['x']], Array(MAX_PROMPTS + 1).fill('a')]) expect(read(bad)).toBe('prompt');
  });

  it('echoes the prompt in front of the completion when asked, and counts usage over all prompts', () => {
    const r = parseCompletionRequest({ model: 'm', prompt: ['abcd', 'efgh'], echo: true, max_tokens: 100 });
    if (!r.ok) throw new Error('parse failed');
    const results = completeTexts(r.value, echoProfile);
    const body = JSON.parse(textCompletionBody(WHO, results)) as { choices: { text: string }[]; usage: unknown };
    expect(body.choices.map((c) => c.text)).toEqual(['abcdabcd', 'efghefgh']);
    expect(body.usage).toEqual({ prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
  });

  it('streams each choice then a finish event per choice, usage when asked, then [DONE]', () => {
    const r = parseCompletionRequest({ model: 'm', prompt: ['one two three four', 'x'], stream: true, stream_options: { include_usage: true } });
    if (!r.ok) throw new Error('parse failed');
    const events = textCompletionEvents(WHO, completeTexts(r.value, echoProfile), true);
    expect(events.at(-1)).toBe('data: [DONE]\n\n');
    const parsed = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as { choices: { text: string; index: number; finish_reason: string | null }[]; usage: unknown });
    expect(parsed.flatMap((p) => p.choices.map((c) => [c.index, c.text, c.finish_reason]))).toEqual([
      [0, 'one two three ', null],
      [0, 'four', null],
      [0, '', 'stop'],
      [1, 'x', null],
      [1, '', 'stop'],
    ]);
    expect(parsed.at(-1)?.usage).toEqual({ prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 });
    expect(parsed[0]?.usage).toBeNull();
  });
});
