// Bar charts (final accuracy per model) and grids of charts.
import type { TopLevelSpec } from 'vega-lite';
import type { NonNormalizedSpec } from 'vega-lite/types_unstable/spec/index.js';
import { chartError, droppedNote, titleWithNotes } from './clean.js';
import { PALETTE, themeConfig } from './theme.js';

/**
 * One bar; bars that share a `label` and differ in `group` are drawn side by side in group colours.
 *
 * @example
 * const bar = { label: 'mlp', value: 0.978, group: 'wasm' };
 */
export interface Bar {
  label: string;
  value: number;
  group?: string;
}

/**
 * Options of `barChart`; `format` is the d3-format of the value printed above each bar (default '.3~g').
 *
 * @example
 * const options = { title: 'Accuracy', yLabel: 'accuracy', bars: [{ label: 'mlp', value: 0.9781 }], format: '.2%' };
 */
export interface BarChartOptions {
  title: string;
  yLabel: string;
  bars: readonly Bar[];
  xLabel?: string;
  format?: string;
  width?: number;
  height?: number;
}

/**
 * Vega-Lite spec of vertical bars in input order with values printed on top, grouped when bars have `group`.
 *
 * @example
 * import { barChart } from 'tensile/plot';
 * const spec = barChart({ title: 'Test accuracy', yLabel: 'accuracy',
 *   bars: [{ label: 'mlp', value: 0.978 }, { label: 'cnn', value: 0.991 }] });
 */
export function barChart(options: BarChartOptions): TopLevelSpec {
  const { title, yLabel, bars, xLabel, format = '.3~g' } = options;
  const chart = 'barChart';
  if (!bars || bars.length === 0) throw chartError(chart, title, 'no bars given');
  const seen = new Set<string>();
  const rows: { label: string; value: number; group: string }[] = [];
  const dropped: string[] = [];
  for (const b of bars) {
    const key = `${b.label}\u0000${b.group ?? ''}`;
    const name = b.group === undefined ? b.label : `${b.label} / ${b.group}`;
    if (seen.has(key)) throw chartError(chart, title, `bar "${name}" appears twice`);
    seen.add(key);
    if (!Number.isFinite(b.value)) dropped.push(name);
    else rows.push({ label: b.label, value: b.value, group: b.group ?? '' });
  }
  const notes = dropped.map((name) => droppedNote(name, 1, 'non-finite')!);
  const labels = [...new Set(bars.map((b) => b.label))];
  const groups = [...new Set(bars.map((b) => b.group).filter((g) => g !== undefined))];
  const grouped = groups.length > 0;
  const longest = Math.max(...labels.map((l) => l.length));
  const width =
    options.width ?? Math.max(240, Math.min(720, labels.length * (grouped ? 28 * groups.length + 24 : 64)));
  const encoding = {
    x: {
      field: 'label',
      type: 'nominal' as const,
      sort: labels,
      title: xLabel ?? null,
      axis: { labelAngle: longest > 8 ? -35 : 0 },
    },
    // Headroom above the tallest bar (and below the lowest negative one) for the printed values.
    y: {
      field: 'value',
      type: 'quantitative' as const,
      title: yLabel,
      scale: headroom(rows.map((r) => r.value)),
    },
    ...(grouped
      ? {
          xOffset: { field: 'group', type: 'nominal' as const, sort: groups },
          color: {
            field: 'group',
            type: 'nominal' as const,
            scale: { domain: groups, range: groups.map((_, i) => PALETTE[i % PALETTE.length]!) },
            legend: { title: null, symbolType: 'square' },
          },
        }
      : {}),
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleWithNotes(title, notes),
    usermeta: { notes },
    width,
    height: options.height ?? 300,
    data: { values: rows },
    encoding,
    layer: [
      { mark: { type: 'bar', color: PALETTE[0], width: { band: grouped ? 0.9 : 0.7 } } },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: grouped ? 10 : 11, color: '#262626' },
        encoding: { text: { field: 'value', type: 'quantitative', format } },
      },
    ],
    config: themeConfig(),
  };
}

function headroom(values: readonly number[]): { nice: boolean; domainMin?: number; domainMax?: number } {
  if (values.length === 0) return { nice: true };
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const pad = 0.1 * (hi - lo || 1);
  return {
    nice: false,
    ...(lo < 0 ? { domainMin: lo - pad } : {}),
    domainMax: hi > 0 || lo === 0 ? hi + pad : 0,
  };
}

/**
 * Concatenates chart specs into a grid with `columns` per row; each keeps its own scales and legend.
 *
 * @example
 * import { barChart, gridOfCharts } from 'tensile/plot';
 * const a = barChart({ title: 'A', yLabel: 'accuracy', bars: [{ label: 'mlp', value: 0.97 }] });
 * const grid = gridOfCharts([a, a], 2);
 */
export function gridOfCharts(specs: readonly TopLevelSpec[], columns: number, title?: string): TopLevelSpec {
  if (specs.length === 0) throw chartError('gridOfCharts', title ?? '', 'no charts given');
  if (!Number.isInteger(columns) || columns < 1) {
    throw chartError('gridOfCharts', title ?? '', `columns must be an integer ≥ 1, got ${columns}`);
  }
  const notes: string[] = [];
  const concat = specs.map((s, i) => {
    // Top-level-only properties cannot appear inside a concat; the grid sets them once.
    const { $schema, config, usermeta, autosize, background, padding, params, datasets, ...inner } = s;
    if (params || datasets) {
      throw chartError(
        'gridOfCharts',
        title ?? '',
        `chart ${i} has top-level params or datasets; inline them`,
      );
    }
    const n = (usermeta as { notes?: string[] } | undefined)?.notes;
    if (n) notes.push(...n);
    return inner as NonNormalizedSpec;
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title ? { title: { text: title, fontSize: 17 } } : {}),
    usermeta: { notes },
    columns: Math.min(columns, specs.length),
    concat,
    resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent' } },
    config: themeConfig(),
  };
}
