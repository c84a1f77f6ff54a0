// Line charts: training curves per epoch (train vs validation, or many variants on one axis).
import type { TopLevelSpec } from 'vega-lite';
import { checkNames, droppedNote, finitePairs, titleWithNotes, type Values } from './clean.js';
import { PALETTE, themeConfig } from './theme.js';

/**
 * One line: `x` and `y` of equal length; `dash` draws it dashed (e.g. validation curves).
 *
 * @example
 * const validation = { name: 'validation', x: [1, 2, 3], y: [0.7, 0.6, 0.65], dash: true };
 */
export interface LineSeries {
  name: string;
  x: Values;
  y: Values;
  dash?: boolean;
}

/**
 * Options of `lineChart`; width and height are of the plot area in pixels (default 480 × 300).
 *
 * @example
 * const options = { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: [], yScale: 'log' };
 */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  yScale?: 'linear' | 'log';
  width?: number;
  height?: number;
}

/** Above this many points per series the point markers are left off: they would merge into a thick line. */
const MAX_POINTS_WITH_MARKERS = 60;
const DASH: number[] = [6, 4];
const SOLID: number[] = [1, 0];

/**
 * Vega-Lite spec of one or more lines with point markers, a legend on the right, integer ticks for epochs.
 *
 * @example
 * import { lineChart } from 'tensile/plot';
 * const spec = lineChart({ title: 'Loss', xLabel: 'epoch', yLabel: 'loss',
 *   series: [{ name: 'train', x: [1, 2, 3], y: [0.9, 0.5, 0.4] },
 *            { name: 'validation', x: [1, 2, 3], y: [1.0, 0.7, 0.6], dash: true }] });
 */
export function lineChart(options: LineChartOptions): TopLevelSpec {
  const { title, xLabel, yLabel, series, yScale = 'linear', width = 480, height = 300 } = options;
  const chart = 'lineChart';
  checkNames(
    chart,
    title,
    'series',
    (series ?? []).map((s) => s.name),
  );
  const log = yScale === 'log';
  const rows: { series: string; x: number; y: number }[] = [];
  const notes: string[] = [];
  let integerX = true;
  let longest = 0;
  for (const s of series) {
    const p = finitePairs(chart, title, s.name, s.x, s.y, log);
    const n1 = droppedNote(s.name, p.dropped);
    const n2 = droppedNote(s.name, p.nonPositive, 'non-positive (log scale)');
    if (n1) notes.push(n1);
    if (n2) notes.push(n2);
    longest = Math.max(longest, p.x.length);
    for (let i = 0; i < p.x.length; i++) {
      integerX &&= Number.isInteger(p.x[i]);
      rows.push({ series: s.name, x: p.x[i]!, y: p.y[i]! });
    }
  }
  const names = series.map((s) => s.name);
  const yTicks = log ? logTicks(rows.map((r) => r.y)) : [];
  const legend = names.length > 1 ? { title: null, symbolType: 'stroke', symbolSize: 500 } : null;
  const colour = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]!) },
    legend,
  };
  const dash = series.some((s) => s.dash)
    ? {
        strokeDash: {
          field: 'series',
          type: 'nominal' as const,
          scale: { domain: names, range: series.map((s) => (s.dash ? DASH : SOLID)) },
          legend,
        },
      }
    : {};
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleWithNotes(title, notes),
    usermeta: { notes },
    width,
    height,
    data: { values: rows },
    mark: { type: 'line', point: longest <= MAX_POINTS_WITH_MARKERS },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: xLabel,
        scale: { zero: false, nice: !integerX, padding: integerX ? 8 : 0 },
        axis: integerX ? { tickMinStep: 1, format: 'd' } : {},
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: yLabel,
        scale: log ? { type: 'log', nice: false, padding: 8 } : { zero: false },
        axis: log ? { format: '~g', ...(yTicks.length > 0 ? { values: yTicks } : {}) } : {},
      },
      color: colour,
      ...dash,
    },
    config: themeConfig(),
  };
}

/**
 * Tick values for a log axis: 1-2-3-5 steps per decade, fewer over wide ranges, [] when none fit.
 *
 * @example
 * import { logTicks } from './line.js';
 * logTicks([0.07, 0.7]); // [0.1, 0.2, 0.3, 0.5]
 */
export function logTicks(values: readonly number[]): number[] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo > 0 && hi >= lo)) return [];
  const ratio = hi / lo;
  const steps = ratio <= 30 ? [1, 2, 3, 5] : ratio <= 1e3 ? [1, 2, 5] : ratio <= 1e5 ? [1, 3] : [1];
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const ticks: number[] = [];
  for (let e = first; e <= last; e++) {
    for (const m of steps) {
      const t = Number((m * 10 ** e).toPrecision(12));
      if (t >= lo && t <= hi) ticks.push(t);
    }
  }
  return ticks.length >= 2 ? ticks : [];
}
