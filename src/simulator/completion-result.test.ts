// Usage estimates and max_tokens truncation.
import { describe, expect, it } from 'vitest';
import { completionResult, usageJson } from './completion-result.js';
import { estimateTokens, truncateToTokens } from './tokens.js';

describe('token estimate', () => {
  it('counts one token per four UTF-16 code units, rounded up', () => {
    expect([0, 1, 4, 5, 8].map((n) => estimateTokens('x'.repeat(n)))).toEqual([0, 1, 1, 2, 2]);
  });

  it('truncates without leaving a lone surrogate', () => {
    expect(truncateToTokens('abcdefgh', 1)).toBe('abcd');
    const t = truncateToTokens('abc😀def', 1);
    expect(t).toBe('abc');
    expect(truncateToTokens('ab', 0)).toBe('');
  });
});

describe('completionResult', () => {
  it('stops on max_tokens with finish_reason length', () => {
    const r = completionResult({ kind: 'text', content: 'x'.repeat(40), contentJson: 'stale' }, 8, 3);
    expect(r).toEqual({ reply: { kind: 'text', content: 'x'.repeat(12) }, finishReason: 'length', promptTokens: 2, completionTokens: 3 });
    expect(usageJson(r)).toBe('{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}');
    expect(completionResult({ kind: 'text', content: 'abc' }, 0, 1).finishReason).toBe('stop');
  });

  it('finishes tool calls with tool_calls and counts name and arguments', () => {
    const r = completionResult({ kind: 'tool_calls', calls: [{ id: 'c', name: 'abcd', arguments: '{"a":1}' }] }, 0, 1);
    expect(r.finishReason).toBe('tool_calls');
    expect(r.completionTokens).toBe(3);
  });
});
