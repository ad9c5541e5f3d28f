// Tests of dotted --text-field paths.
import { describe, expect, it } from 'vitest';
import { getField, parseFieldPath } from './field-path.js';

describe('parseFieldPath', () => {
  it('splits on dots', () => {
    expect(parseFieldPath('messages.0.content')).toEqual(['messages', '0', 'content']);
    expect(parseFieldPath('text')).toEqual(['text']);
  });

  it.each(['', '.', 'a.', '.a', 'a..b'])('refuses %j', (path) => {
    expect(() => parseFieldPath(path)).toThrow(/not a valid dotted path/);
  });
});

describe('getField', () => {
  const record = { text: 't', messages: [{ content: 'c0' }, { content: 'c1' }], nested: { 'x-y': { z: 1 } } };

  it('walks objects and arrays', () => {
    expect(getField(record, ['text'])).toBe('t');
    expect(getField(record, ['messages', '1', 'content'])).toBe('c1');
    expect(getField(record, ['nested', 'x-y', 'z'])).toBe(1);
  });

  it('returns undefined for missing steps, bad indexes and primitives', () => {
    expect(getField(record, ['messages', '2', 'content'])).toBeUndefined();
    expect(getField(record, ['messages', '01'])).toBeUndefined();
    expect(getField(record, ['messages', '-1'])).toBeUndefined();
    expect(getField(record, ['messages', 'length'])).toBeUndefined();
    expect(getField(record, ['text', 'length'])).toBeUndefined();
    expect(getField(null, ['a'])).toBeUndefined();
  });

  it('never reads inherited properties', () => {
    expect(getField({}, ['constructor'])).toBeUndefined();
    expect(getField({}, ['__proto__'])).toBeUndefined();
    expect(getField({}, ['toString'])).toBeUndefined();
    expect(getField(JSON.parse('{"__proto__": {"a": "own"}}'), ['__proto__', 'a'])).toBe('own');
  });
});
