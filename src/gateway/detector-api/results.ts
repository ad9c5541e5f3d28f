// Finding → FMS detector API result objects (`/text/contents` with spans, the other endpoints without).
import type { Finding } from '../../core/finding.js';

/** FMS evidence object; we carry the detector's already-masked excerpt as one named value. */
export interface FmsEvidence {
  name: string;
  value: string;
}

export interface FmsDetectionResult {
  detection: string;
  detection_type: string;
  score: number;
  evidence?: FmsEvidence[];
  metadata: Record<string, unknown>;
}

export interface FmsContentsResult extends FmsDetectionResult {
  start: number;
  end: number;
  text: string;
}

/**
 * A `/text/contents` result. `text` is the span's own text: the orchestrator asked for it (it masks PII with it),
 * so for pii and secrets it is the sensitive value. A finding without a span covers the whole content.
 */
export function toContentsResult(finding: Finding, content: string): FmsContentsResult {
  const { start, end } = clampSpan(finding, content.length);
  return {
    start,
    end,
    text: content.slice(start, end),
    ...toDetectionResult(finding),
  };
}

/** A span-less result (`/text/generation`, `/text/chat`, `/text/context/doc`); extra goes into metadata. */
export function toDetectionResult(finding: Finding, extra: Record<string, unknown> = {}): FmsDetectionResult {
  const result: FmsDetectionResult = {
    detection: finding.category,
    detection_type: finding.detector,
    score: finding.score,
    metadata: { ...finding.metadata, ...extra, severity: finding.severity, tags: finding.tags },
  };
  if (finding.evidence !== undefined) result.evidence = [{ name: 'excerpt', value: finding.evidence }];
  return result;
}

/** Spans from a buggy detector must not make us slice garbage or leak past the content. */
function clampSpan(finding: Finding, length: number): { start: number; end: number } {
  if (!finding.span) return { start: 0, end: length };
  const start = clampIndex(finding.span.start, length);
  return { start, end: Math.max(start, clampIndex(finding.span.end, length)) };
}

function clampIndex(n: number, length: number): number {
  if (!Number.isFinite(n)) return 0;
  return Math.min(Math.max(Math.trunc(n), 0), length);
}

/** Stable order for clients and tests: by position, then by descending score. */
export function byPosition(a: FmsContentsResult, b: FmsContentsResult): number {
  return a.start - b.start || b.score - a.score;
}
