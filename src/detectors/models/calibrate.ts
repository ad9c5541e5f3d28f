// Maps a head's raw probability to a score whose 0.5 point is the decision threshold chosen on validation data.

/** Piecewise-linear: [0, t] → [0, 0.5], [t, 1] → [0.5, 1]. Monotonic, so rankings are unchanged. */
export function calibrate(p: number, threshold: number): number {
  const s = !(threshold > 0 && threshold < 1) ? p : p < threshold ? (0.5 * p) / threshold : 0.5 + (0.5 * (p - threshold)) / (1 - threshold);
  // Four decimals are plenty for a decision and keep events readable.
  return Math.round(s * 10_000) / 10_000;
}
