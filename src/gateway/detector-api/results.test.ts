// Tests of Finding → FMS result conversion, including spans from a buggy detector.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/finding.js';
import { byPosition, toContentsResult, toDetectionResult } from './results.js';

const finding = (extra: Partial<Finding> = {}): Finding => ({
  detector: 'd',
  category: 'c',
  score: 0.7,
  severity: 'medium',
  tags: { owaspLlm: ['LLM01:2025'] },
  ...extra,
});

describe('toContentsResult', () => {
  it('uses the span and its text', () => {
    expect(toContentsResult(finding({ span: { start: 2, end: 5 }, evidence: 'e', metadata: { k: 1 } }), 'abcdefg')).toEqual({
      start: 2,
      end: 5,
      text: 'cde',
      detection: 'c',
      detection_type: 'd',
      score: 0.7,
      evidence: [{ name: 'excerpt', value: 'e' }],
      metadata: { k: 1, severity: 'medium', tags: { owaspLlm: ['LLM01:2025'] } },
    });
  });

  it('covers the whole content without a span', () => {
    expect(toContentsResult(finding(), 'abc')).toMatchObject({ start: 0, end: 3, text: 'abc' });
  });

  it.each([
    [{ start: -5, end: 2 }, [0, 2]],
    [{ start: 2, end: 999 }, [2, 3]],
    [{ start: 3, end: 1 }, [3, 3]],
    [{ start: Number.NaN, end: Number.POSITIVE_INFINITY }, [0, 0]],
    [{ start: 1.7, end: 2.2 }, [1, 2]],
  ])('clamps a bad span %j', (span, [start, end]) => {
    expect(toContentsResult(finding({ span }), 'abc')).toMatchObject({ start, end });
  });
});

describe('toDetectionResult', () => {
  it('has no span fields and merges extra metadata, our keys winning', () => {
    const r = toDetectionResult(finding({ metadata: { severity: 'fake' } }), { message_index: 2 });
    expect(r).toEqual({ detection: 'c', detection_type: 'd', score: 0.7, metadata: { severity: 'medium', message_index: 2, tags: { owaspLlm: ['LLM01:2025'] } } });
  });
});

describe('byPosition', () => {
  it('orders by start, then by score descending', () => {
    const rs = [toContentsResult(finding({ span: { start: 3, end: 4 } }), 'abcdef'), toContentsResult(finding({ span: { start: 1, end: 2 }, score: 0.1 }), 'abcdef'), toContentsResult(finding({ span: { start: 1, end: 2 }, score: 0.9 }), 'abcdef')];
    expect(rs.sort(byPosition).map((r) => [r.start, r.score])).toEqual([[1, 0.9], [1, 0.1], [3, 0.7]]);
  });
});
