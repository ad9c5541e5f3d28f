// Runs a request's detectors over one text, each at the stage it supports, sharing one TextAnalysis.
import { BulwarkError } from '../../core/errors.js';
import type { Finding, Stage } from '../../core/finding.js';
import type { ScanContextData } from '../../detectors/contract.js';
import { scanText, type ConfiguredDetector } from '../../detectors/runner.js';
import { analyzeText } from '../../text/analysis.js';
import { stageFor } from './registry.js';

export interface ScanOptions {
  /** The stage the text sits at (a user message is input, a generation is output...). */
  stage: Stage;
  context?: ScanContextData;
  /**
   * When true, detectors that do not support `stage` are skipped (detectors chosen by default);
   * when false, a detector the caller named runs at the closest stage it supports.
   */
  onlyMatchingStage?: boolean;
}

/**
 * Findings of all detectors. A detector that fails makes the whole call fail (ERR_DETECTOR_FAILED): the FMS wire
 * has no place for partial results, and an empty list would tell the orchestrator the text is clean.
 */
export async function scanForRequest(
  detectors: readonly ConfiguredDetector[],
  text: string,
  options: ScanOptions,
): Promise<Finding[]> {
  const groups = new Map<Stage, ConfiguredDetector[]>();
  for (const configured of detectors) {
    const supported = configured.detector.stages.includes(options.stage);
    if (!supported && options.onlyMatchingStage) continue;
    const stage = supported ? options.stage : stageFor(configured.detector, options.stage);
    const group = groups.get(stage);
    if (group) group.push(configured);
    else groups.set(stage, [configured]);
  }
  if (groups.size === 0) return [];
  const analysis = analyzeText(text);
  const findings: Finding[] = [];
  for (const [stage, group] of groups) {
    const result = await scanText(group, text, stage, options.context, analysis);
    if (result.failures.length > 0) {
      const ids = [...new Set(result.failures.map((f) => f.detector))];
      // The detectors' own messages stay out: they may quote the text.
      throw new BulwarkError('ERR_DETECTOR_FAILED', `detector ${ids.map((id) => `"${id}"`).join(', ')} failed`, {
        context: { detectors: ids },
      });
    }
    findings.push(...result.findings);
  }
  return findings;
}
