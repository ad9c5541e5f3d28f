import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Stage } from '../core/finding.js';
import { defineDetector, type DetectFn, type Detector } from '../detectors/contract.js';
import type { ConfiguredDetector } from '../detectors/runner.js';
import type { CompiledPolicy, DetectorRule } from '../policy/types.js';
import { warmUpDetectors } from './warm-up.js';

function fake(id: string, detect: DetectFn, stages: Stage[]): ConfiguredDetector {
  const detector = defineDetector({ id, description: 'test detector', stages, tags: {}, options: z.object({}), create: () => detect });
  return { detector: detector as Detector<unknown>, detect };
}

function policy(stages: Partial<Record<Stage, DetectorRule[]>>): CompiledPolicy {
  return { stages: { input: [], output: [], tool_call: [], tool_result: [], ...stages } } as unknown as CompiledPolicy;
}

describe('warmUpDetectors', () => {
  it('runs each configured detector once per round, shared rules once, and survives detectors that throw', async () => {
    const calls = new Map<string, number>();
    const counting = (id: string): DetectFn => () => {
      calls.set(id, (calls.get(id) ?? 0) + 1);
      return [];
    };
    const a = fake('a', counting('a'), ['input', 'output']);
    const b = fake('b', counting('b'), ['output']);
    const broken = fake('broken', () => {
      throw new Error('boom');
    }, ['input']);
    const rule = (c: ConfiguredDetector): DetectorRule => ({ detector: c.detector.id, options: {}, action: 'block', budgetMs: 1, failMode: 'closed', configured: c });
    const shared = rule(a);
    const result = await warmUpDetectors([policy({ input: [shared, rule(broken)], output: [rule(b)] }), policy({ input: [shared] })]);
    expect(result.rules).toBe(3);
    expect(calls.get('a')).toBe(3);
    expect(calls.get('b')).toBe(3);
  });
});
