// Histograms of layer activations. Values are binned here, so a spec for 10⁶ activations holds only
// `bins` rows per group instead of the raw numbers.
import type { TopLevelSpec } from 'vega-lite';
import { chartError, checkNames, droppedNote, titleWithNotes, type Values } from './clean.js';
import { PALETTE, themeConfig } from './theme.js';

/**
 * One set of values to histogram (e.g. the activations of one layer).
 *
 * @example
 * const group = { name: 'dense_1', values: new Float32Array([0, 0.2, 1.3]) };
 */
export interface HistogramGroup {
  name: string;
  values: Values;
}

/**
 * Options of `histogramChart`: overlaid on shared bins (≤ 3 groups) or faceted with per-group bins.
 *
 * `layout` overrides that default; `normalize` plots the fraction of each group's values instead of
 * counts; `columns` is the number of facets per row (default up to 3); width and height are per facet.
 *
 * @example
 * const options = { title: 'Activations', xLabel: 'activation', groups: [], bins: 40, layout: 'facet' };
 */
export interface HistogramOptions {
  title: string;
  xLabel: string;
  groups: readonly HistogramGroup[];
  bins?: number;
  layout?: 'overlay' | 'facet';
  normalize?: boolean;
  columns?: number;
  width?: number;
  height?: number;
}

/**
 * Bin edges (`counts.length + 1` of them), counts per bin, and how many non-finite values were skipped.
 *
 * @example
 * import { binValues } from 'tensile/plot';
 * binValues([0, 1, NaN], 1); // { edges: [0, 1], counts: [2], dropped: 1 }
 */
export interface Binned {
  edges: number[];
  counts: number[];
  dropped: number;
}

/**
 * Equal-width histogram like `numpy.histogram(values, bins, range)`, skipping NaN and ±Infinity.
 *
 * @example
 * import { binValues } from 'tensile/plot';
 * binValues([0, 1, 1, 2, 4], 4).counts; // [1, 2, 1, 1]
 */
export function binValues(values: Values, bins = 30, range?: readonly [number, number]): Binned {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`binValues: bins must be an integer ≥ 1, got ${bins}`);
  let [lo, hi] = range ?? finiteRange(values);
  const counts = new Array<number>(bins).fill(0);
  let dropped = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) dropped++;
  if (!(lo <= hi)) return { edges: [], counts: [], dropped };
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  // Porting Note: numpy/lib/_histograms_impl.py `histogram` (uniform bins) and `linspace`: edges are
  // start + i·step with the last one set to stop; the index is fixed up by one where rounding put a
  // value on the wrong side of an edge, and the last bin includes its right edge.
  const step = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : i * step + lo));
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) continue;
    let k = Math.trunc(((v - lo) / span) * bins);
    if (k === bins) k--;
    if (v < edges[k]!) k--;
    else if (v >= edges[k + 1]! && k !== bins - 1) k++;
    counts[k]!++;
  }
  return { edges, counts, dropped };
}

/** [min, max] over the finite values; [NaN, NaN] when there are none. */
function finiteRange(values: Values): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo && v !== Number.NEGATIVE_INFINITY) lo = v;
    if (v > hi && v !== Number.POSITIVE_INFINITY) hi = v;
  }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}

/**
 * Vega-Lite spec of pre-binned histograms, overlaid on shared bins or faceted one per group.
 *
 * @example
 * import { histogramChart } from 'tensile/plot';
 * const spec = histogramChart({ title: 'Dense 1 activations', xLabel: 'activation',
 *   groups: [{ name: 'dense_1', values: new Float32Array([0, 0.1, 0.5, 0.7, 1.2]) }], bins: 10 });
 */
export function histogramChart(options: HistogramOptions): TopLevelSpec {
  const { title, xLabel, groups, bins = 30, normalize = false } = options;
  const chart = 'histogramChart';
  checkNames(
    chart,
    title,
    'group',
    (groups ?? []).map((g) => g.name),
  );
  if (!Number.isInteger(bins) || bins < 1)
    throw chartError(chart, title, `bins must be an integer ≥ 1, got ${bins}`);
  const layout = options.layout ?? (groups.length <= 3 ? 'overlay' : 'facet');
  for (const g of groups) {
    if (g.values.length === 0) throw chartError(chart, title, `group "${g.name}" is empty`);
  }
  // Overlaid groups share one set of edges so their bars line up; facets each get their own range.
  let shared: [number, number] | undefined;
  if (layout === 'overlay') {
    const ranges = groups.map((g) => finiteRange(g.values)).filter(([lo]) => !Number.isNaN(lo));
    if (ranges.length > 0)
      shared = [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))];
  }
  const rows: { group: string; start: number; end: number; y: number }[] = [];
  const notes: string[] = [];
  for (const g of groups) {
    const b = binValues(g.values, bins, shared);
    const note = droppedNote(g.name, b.dropped);
    if (note) notes.push(note);
    const kept = g.values.length - b.dropped;
    for (let i = 0; i < b.counts.length; i++) {
      // Empty bins are left out: they draw nothing, and the spec of a long-tailed histogram shrinks.
      if (b.counts[i] === 0) continue;
      const y = normalize ? b.counts[i]! / kept : b.counts[i]!;
      rows.push({ group: g.name, start: b.edges[i]!, end: b.edges[i + 1]!, y });
    }
  }
  const names = groups.map((g) => g.name);
  const many = names.length > 1;
  const encoding = {
    x: {
      field: 'start',
      type: 'quantitative' as const,
      title: xLabel,
      scale: { zero: false, nice: false },
      axis: { labelFlush: false },
    },
    x2: { field: 'end' },
    y2: { datum: 0 },
    y: {
      field: 'y',
      type: 'quantitative' as const,
      title: normalize ? 'fraction of values' : 'count',
      stack: null,
      // Flush labels keep the top label inside the plot, so facet headers line up across columns.
      axis: { labelFlush: true, ...(normalize ? { format: '.0%' } : {}) },
    },
    color: {
      field: 'group',
      type: 'nominal' as const,
      scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]!) },
      legend: many && layout === 'overlay' ? { title: null } : null,
    },
  };
  const mark = {
    type: 'bar' as const,
    opacity: many && layout === 'overlay' ? 0.5 : 0.85,
    ...(many && layout === 'overlay' ? {} : { stroke: 'white', strokeWidth: 0.5 }),
  };
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    usermeta: { notes },
    config: themeConfig(),
  };
  if (layout === 'overlay') {
    return {
      ...common,
      title: titleWithNotes(title, notes),
      width: options.width ?? 480,
      height: options.height ?? 300,
      data: { values: rows },
      mark,
      encoding,
    };
  }
  return {
    ...common,
    title: titleWithNotes(title, notes),
    data: { values: rows },
    columns: options.columns ?? Math.min(3, names.length),
    facet: { field: 'group', type: 'nominal', title: null, sort: names },
    spec: { width: options.width ?? 220, height: options.height ?? 140, mark, encoding },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}
