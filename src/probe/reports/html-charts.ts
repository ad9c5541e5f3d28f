// Inline SVG charts for the HTML report (no scripts, no fonts): rate bars with Wilson error bars, and a trend line chart.
import type { Interval } from '../types.js';
import { escapeHtml, truncate } from './escape.js';

export interface BarRow {
  label: string;
  interval: Interval;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const WIDTH = 760;
const LABEL_W = 260;
const BAR_W = 380;
const ROW_H = 24;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const num = (x: number): string => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '0');
const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** Horizontal bars of rates (0–100%) with the Wilson 95% interval drawn as an error bar. */
export function intervalBarChart(title: string, rows: readonly BarRow[], color: string): string {
  const height = 30 + rows.length * ROW_H + 24;
  const x = (v: number): number => LABEL_W + clamp01(v) * BAR_W;
  const out: string[] = [`<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">`];
  out.push(`<title>${escapeHtml(title)}</title>`);
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${num(x(tick))}" y1="20" x2="${num(x(tick))}" y2="${height - 20}" class="grid"/>`);
    out.push(`<text x="${num(x(tick))}" y="${height - 6}" text-anchor="middle" class="tick">${tick * 100}%</text>`);
  }
  rows.forEach((r, i) => {
    const y = 24 + i * ROW_H;
    const { rate, low, high, n } = r.interval;
    const tip = `${r.label}: ${pct(rate)} [${pct(low)}–${pct(high)}], n=${n}`;
    out.push(`<g><title>${escapeHtml(tip)}</title>`);
    out.push(`<text x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end" class="label">${escapeHtml(truncate(r.label, 38))}</text>`);
    out.push(`<rect x="${LABEL_W}" y="${y + 4}" width="${num(clamp01(rate) * BAR_W)}" height="${ROW_H - 8}" fill="${color}" opacity="0.75"/>`);
    const yc = y + ROW_H / 2;
    out.push(`<line x1="${num(x(low))}" y1="${yc}" x2="${num(x(high))}" y2="${yc}" class="err"/>`);
    out.push(`<line x1="${num(x(low))}" y1="${yc - 5}" x2="${num(x(low))}" y2="${yc + 5}" class="err"/>`);
    out.push(`<line x1="${num(x(high))}" y1="${yc - 5}" x2="${num(x(high))}" y2="${yc + 5}" class="err"/>`);
    out.push(`<text x="${LABEL_W + BAR_W + 8}" y="${y + 15}" class="value">${pct(rate)} (n=${n})</text></g>`);
  });
  out.push('</svg>');
  return out.join('');
}

export interface TrendSeries {
  name: string;
  /** One value (0..1) per run, undefined where the category was not run. */
  values: (number | undefined)[];
}

/** Lines of a rate per category over runs (oldest left); at most PALETTE.length series. */
export function trendChart(title: string, runs: readonly string[], series: readonly TrendSeries[]): string {
  const plotX = 50;
  const plotW = WIDTH - plotX - 20;
  const plotY = 20;
  const plotH = 200;
  const legendH = Math.ceil(series.length / 2) * 18 + 10;
  const height = plotY + plotH + 40 + legendH;
  const x = (i: number): number => plotX + (runs.length <= 1 ? plotW / 2 : (i * plotW) / (runs.length - 1));
  const y = (v: number): number => plotY + (1 - clamp01(v)) * plotH;
  const out: string[] = [`<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">`];
  out.push(`<title>${escapeHtml(title)}</title>`);
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${plotX}" y1="${num(y(tick))}" x2="${plotX + plotW}" y2="${num(y(tick))}" class="grid"/>`);
    out.push(`<text x="${plotX - 6}" y="${num(y(tick) + 4)}" text-anchor="end" class="tick">${tick * 100}%</text>`);
  }
  const step = Math.max(1, Math.ceil(runs.length / 8));
  runs.forEach((label, i) => {
    if (i % step === 0 || i === runs.length - 1) out.push(`<text x="${num(x(i))}" y="${plotY + plotH + 16}" text-anchor="middle" class="tick">${escapeHtml(truncate(label, 12))}</text>`);
  });
  series.slice(0, PALETTE.length).forEach((s, k) => {
    const color = PALETTE[k] as string;
    const pts = s.values.map((v, i) => (v === undefined ? undefined : `${num(x(i))},${num(y(v))}`)).filter((p): p is string => p !== undefined);
    if (pts.length > 1) out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    s.values.forEach((v, i) => {
      if (v === undefined) return;
      out.push(`<circle cx="${num(x(i))}" cy="${num(y(v))}" r="3" fill="${color}"><title>${escapeHtml(`${s.name} · ${runs[i] ?? ''}: ${pct(v)}`)}</title></circle>`);
    });
    const lx = plotX + (k % 2) * (plotW / 2);
    const ly = plotY + plotH + 36 + Math.floor(k / 2) * 18;
    out.push(`<rect x="${num(lx)}" y="${ly - 9}" width="12" height="4" fill="${color}"/><text x="${num(lx + 18)}" y="${ly - 4}" class="label">${escapeHtml(truncate(s.name, 44))}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
