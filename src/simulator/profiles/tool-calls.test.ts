// Which declared tool a text asks for, and the arguments guessed for it.
import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../chat-request.js';
import { requestedTool, toolArguments, toolCallReply } from './tool-calls.js';

const tool = (name: string, parameters?: unknown): ToolSpec => ({ name, parameters });
const TOOLS = [tool('get_weather'), tool('get_weather_v2'), tool('search')];

describe('requestedTool', () => {
  it('finds a named tool next to a use-verb, by exact name or with spaces for underscores', () => {
    expect(requestedTool('Use get_weather for Paris', TOOLS)?.name).toBe('get_weather');
    expect(requestedTool('please call get weather', TOOLS)?.name).toBe('get_weather');
    expect(requestedTool('invoke GET_WEATHER_V2 now', TOOLS)?.name).toBe('get_weather_v2');
    expect(requestedTool('run search, then get_weather', TOOLS)?.name).toBe('search');
  });

  it('takes the first tool on a generic request, and none without a use-verb or a match', () => {
    expect(requestedTool('use one of your tools', TOOLS)?.name).toBe('get_weather');
    expect(requestedTool('what does get_weather return?', TOOLS)).toBeUndefined();
    expect(requestedTool('use the force', TOOLS)).toBeUndefined();
    expect(requestedTool('use get_weather', [])).toBeUndefined();
    expect(requestedTool('use research', [tool('search')])).toBeUndefined();
  });

  it('stays fast on long hostile text', () => {
    const text = `use ${'get_weathe'.repeat(100_000)}`;
    expect(requestedTool(text, TOOLS)).toBeUndefined();
  });
});

describe('toolArguments', () => {
  it('uses a JSON object written in the text', () => {
    expect(toolArguments(tool('t'), 'call t with {"a": [1, 2], "b": "x"} thanks')).toBe('{"a":[1,2],"b":"x"}');
  });

  it('guesses a value per required property from its type', () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        country: { type: 'string' },
        days: { type: 'integer' },
        metric: { type: 'boolean' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        tags: { type: 'array' },
        extra: { type: 'object' },
        ignored: { type: 'string' },
      },
      required: ['city', 'country', 'days', 'metric', 'unit', 'tags', 'extra'],
    };
    expect(JSON.parse(toolArguments(tool('t', schema), 'use t for "Lyon" in \'France\' over 4.5 days'))).toEqual({
      city: 'Lyon',
      country: 'France',
      days: 4.5,
      metric: true,
      unit: 'celsius',
      tags: [],
      extra: {},
    });
  });

  it('falls back to every property, the text, zero, and {} without a schema', () => {
    const schema = { properties: { q: { type: 'string' }, n: { type: 'number' } } };
    expect(JSON.parse(toolArguments(tool('t', schema), 'use t'))).toEqual({ q: 'use t', n: 0 });
    expect(toolArguments(tool('t', 'not a schema'), 'use t')).toBe('{}');
    expect(toolArguments(tool('t'), 'use t with {not json}')).toBe('{}');
  });

  it('survives JSON nested far too deep inside the text, and ignores written objects over 64 KiB', () => {
    expect(toolArguments(tool('t'), `use t ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)).toBe('{}');
    expect(toolArguments(tool('t'), `use t {"a":"${'x'.repeat(70_000)}"}`)).toBe('{}');
  });
});

describe('toolCallReply', () => {
  it('derives the call id from the call, so that the same request gets the same id', () => {
    const search = tool('search', { properties: { q: { type: 'string' } } });
    const a = toolCallReply(search, 'use search "x"');
    const b = toolCallReply(search, 'use search "x"');
    const c = toolCallReply(search, 'use search "y"');
    expect(a).toEqual(b);
    if (a.kind !== 'tool_calls' || c.kind !== 'tool_calls') throw new Error('expected tool calls');
    expect(a.calls[0]?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(a.calls[0]?.id).not.toBe(c.calls[0]?.id);
  });
});
