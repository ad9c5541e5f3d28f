// Tests of the injectable registry helpers.
import { describe, expect, it } from 'vitest';
import { FAKE_DETECTORS, fakeInjection, fakePii, fakeRegistry } from '../../../test/fixtures/fake-detectors.js';
import { configureFrom, createRegistry, defaultDetectorIds, parseDetectorIds, shortId, stageFor } from './registry.js';

describe('registry helpers', () => {
  it('finds detectors by id, first one winning on a duplicate', () => {
    const reg = createRegistry([fakePii, { ...fakeInjection, id: 'fake-pii' }, fakeInjection]);
    expect(reg.find('fake-pii')).toBe(fakePii);
    expect(reg.find('constructor')).toBeUndefined();
  });

  it('picks default ids: stage supported and no required options', () => {
    expect(defaultDetectorIds(fakeRegistry(), 'input')).toEqual(['fake-pii', 'fake-injection', 'fake-nothreshold', 'fake-boom']);
    expect(defaultDetectorIds(fakeRegistry(), 'output')).toEqual(['fake-pii', 'fake-nothreshold', 'fake-boom', 'fake-grounded']);
    expect(defaultDetectorIds(fakeRegistry(), 'tool_call')).toEqual(['fake-pii']);
  });

  it('parses id lists', () => {
    expect(parseDetectorIds(' a, b ,,a,')).toEqual(['a', 'b']);
    expect(parseDetectorIds('')).toEqual([]);
  });

  it('chooses the closest stage a detector supports', () => {
    expect(stageFor(fakeInjection, 'output')).toBe('input');
    expect(stageFor(fakePii, 'tool_result')).toBe('tool_result');
    const grounded = FAKE_DETECTORS.find((d) => d.id === 'fake-grounded');
    expect(grounded && stageFor(grounded, 'input')).toBe('output');
  });

  it('configures with typed errors', () => {
    expect(() => configureFrom(fakeRegistry(), 'nope')).toThrow(expect.objectContaining({ code: 'ERR_DETECTOR_UNKNOWN' }));
    expect(() => configureFrom(fakeRegistry(), 'fake-pii', { threshold: 'x' })).toThrow(
      expect.objectContaining({ code: 'ERR_DETECTOR_OPTIONS', message: expect.stringContaining('threshold') }),
    );
    expect(configureFrom(fakeRegistry(), 'fake-pii', null).detector).toBe(fakePii);
  });

  it('shortens and cleans ids for messages', () => {
    expect(shortId('a\u001b\n\u202eb')).toBe('a???b');
    expect(shortId('x'.repeat(1000))).toHaveLength(65);
  });
});
