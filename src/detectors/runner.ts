// Runs a set of configured detectors over one text: options parsed once, one shared TextAnalysis, errors captured.
import { BulwarkError, toBulwarkError } from '../core/errors.js';
import type { DetectorFailure } from '../core/event.js';
import type { Finding, Stage } from '../core/finding.js';
import { analyzeText, type TextAnalysis } from '../text/analysis.js';
import type { DetectFn, Detector, ScanContextData } from './contract.js';
import { findDetector } from './index.js';

export interface ConfiguredDetector {
  readonly detector: Detector<unknown>;
  readonly detect: DetectFn;
}

/** Parses the options of detector `id` and builds it; throws BulwarkError on an unknown id or bad options. */
export function configureDetector(id: string, rawOptions: unknown = {}): ConfiguredDetector {
  const detector = findDetector(id);
  if (!detector) throw new BulwarkError('ERR_DETECTOR_UNKNOWN', `unknown detector "${id}"`, { context: { detector: id } });
  const parsed = detector.options.safeParse(rawOptions ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BulwarkError('ERR_DETECTOR_OPTIONS', `invalid options for detector "${id}": ${issues.join('; ')}`, {
      context: { detector: id, issues },
    });
  }
  return { detector, detect: detector.create(parsed.data) };
}

export interface ScanResult {
  findings: Finding[];
  failures: DetectorFailure[];
}

/** Runs every detector that supports `stage`; a detector that throws becomes a failure, never an exception. */
export async function scanText(
  detectors: readonly ConfiguredDetector[],
  text: string,
  stage: Stage,
  context?: ScanContextData,
  analysis: TextAnalysis = analyzeText(text),
): Promise<ScanResult> {
  const findings: Finding[] = [];
  const failures: DetectorFailure[] = [];
  const input = { text, stage, context };
  const ctx = { analysis };
  for (const { detector, detect } of detectors) {
    if (!detector.stages.includes(stage)) continue;
    try {
      findings.push(...(await detect(input, ctx)));
    } catch (e) {
      const err = toBulwarkError(e, 'ERR_DETECTOR_FAILED', { detector: detector.id });
      failures.push({ detector: detector.id, code: err.code, message: err.message, failMode: 'open' });
    }
  }
  return { findings, failures };
}
