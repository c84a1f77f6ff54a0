import { describe, expect, it } from 'vitest';
import { binValues, histogramChart } from './histogram.js';
import { compileSpec } from './render.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
const json = (spec: unknown): any => JSON.parse(JSON.stringify(spec));

describe('binValues matches numpy.histogram', () => {
  // Golden values from NumPy 2.4.6:
  //   np.histogram([0, 1, 1, 2, 4], 4)
  //   b = [-1.5, -0.3, 0.0, 0.1, 0.1, 0.25, 0.7, 2.0, 3.3, 3.3]
  //   np.histogram(b, 5); np.histogram(b, 3, range=(-1, 1))
  //   np.histogram([2.5, 2.5, 2.5], 4)
  //   np.histogram([0.1 * i for i in range(11)], 10)
  //   np.histogram(np.arange(1000) / 999, 7)
  it('counts and edges', () => {
    expect(binValues([0, 1, 1, 2, 4], 4)).toEqual({
      edges: [0, 1, 2, 3, 4],
      counts: [1, 2, 1, 1],
      dropped: 0,
    });
    const b = [-1.5, -0.3, 0.0, 0.1, 0.1, 0.25, 0.7, 2.0, 3.3, 3.3];
    const five = binValues(b, 5);
    expect(five.counts).toEqual([1, 5, 1, 1, 2]);
    expect(five.edges).toEqual([-1.5, -0.54, 0.41999999999999993, 1.38, 2.34, 3.3]);
    const ranged = binValues(b, 3, [-1, 1]);
    expect(ranged.counts).toEqual([0, 5, 1]);
    expect(ranged.edges).toEqual([-1.0, -0.33333333333333337, 0.33333333333333326, 1.0]);
  });

  it('widens an empty range by ±0.5 like numpy', () => {
    expect(binValues([2.5, 2.5, 2.5], 4)).toEqual({
      edges: [2, 2.25, 2.5, 2.75, 3],
      counts: [0, 0, 3, 0],
      dropped: 0,
    });
  });

  it('puts values on inexact edges in the same bin as numpy', () => {
    const tenths = Array.from({ length: 11 }, (_, i) => 0.1 * i);
    expect(binValues(tenths, 10).counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    const grid = Float64Array.from({ length: 1000 }, (_, i) => i / 999);
    expect(binValues(grid, 7).counts).toEqual([143, 143, 143, 142, 143, 143, 143]);
  });

  it('skips NaN and ±Infinity and reports how many', () => {
    const r = binValues([Number.NaN, 0, 1, Number.POSITIVE_INFINITY, 1, Number.NEGATIVE_INFINITY], 2);
    expect(r).toEqual({ edges: [0, 0.5, 1], counts: [1, 2], dropped: 3 });
    expect(binValues([Number.NaN], 3)).toEqual({ edges: [], counts: [], dropped: 1 });
  });

  it('rejects a bad bin count', () => {
    expect(() => binValues([1], 0)).toThrow('binValues: bins must be an integer ≥ 1, got 0');
  });
});

describe('histogramChart', () => {
  it('overlays up to three groups on shared bins and compiles without warnings', () => {
    const spec = json(
      histogramChart({
        title: 'Activations',
        xLabel: 'activation',
        groups: [
          { name: 'dense_1', values: [0, 0.5, 1, 1.5, 2] },
          { name: 'dense_2', values: new Float32Array([1, 2, 3, 4]) },
        ],
        bins: 4,
      }),
    );
    expect(compileSpec(spec).warnings).toEqual([]);
    expect(spec.encoding.x.title).toBe('activation');
    expect(spec.encoding.y.title).toBe('count');
    expect(spec.encoding.y.stack).toBeNull();
    const starts = (g: string) => spec.data.values.filter((r: { group: string }) => r.group === g);
    // Shared edges 0, 1, 2, 3, 4; empty bins are left out.
    expect(starts('dense_1').map((r: { start: number; y: number }) => [r.start, r.y])).toEqual([
      [0, 2],
      [1, 2],
      [2, 1],
    ]);
    expect(starts('dense_2').map((r: { start: number; y: number }) => [r.start, r.y])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
    ]);
  });

  it('facets more than three groups with per-group bins and independent scales', () => {
    const groups = ['a', 'b', 'c', 'd'].map((name, k) => ({ name, values: [k, k + 1, k + 2] }));
    const spec = json(histogramChart({ title: 'Layers', xLabel: 'activation', groups, bins: 2 }));
    expect(compileSpec(spec).warnings).toEqual([]);
    expect(spec.facet.sort).toEqual(['a', 'b', 'c', 'd']);
    expect(spec.columns).toBe(3);
    expect(spec.resolve.scale).toEqual({ x: 'independent', y: 'independent' });
    expect(spec.data.values.filter((r: { group: string }) => r.group === 'd')[0].start).toBe(3);
  });

  it('normalizes to fractions of each group', () => {
    const spec = json(
      histogramChart({
        title: 'T',
        xLabel: 'v',
        groups: [{ name: 'g', values: [0, 0, 0, 1] }],
        bins: 2,
        normalize: true,
      }),
    );
    expect(spec.data.values.map((r: { y: number }) => r.y)).toEqual([0.75, 0.25]);
    expect(spec.encoding.y.title).toBe('fraction of values');
  });

  it('keeps the spec small for a million values', () => {
    const values = new Float32Array(1_000_000);
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i) * 3;
    const t0 = performance.now();
    const spec = histogramChart({
      title: 'Big',
      xLabel: 'activation',
      groups: [{ name: 'big', values }],
      bins: 50,
    });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(JSON.stringify(spec).length).toBeLessThan(20_000);
    const total = json(spec).data.values.reduce((s: number, r: { y: number }) => s + r.y, 0);
    expect(total).toBe(1_000_000);
  });

  it('drops non-finite values with a note and still draws the rest', () => {
    const spec = json(
      histogramChart({ title: 'Diverged', xLabel: 'v', groups: [{ name: 'g', values: [1, Number.NaN, 2] }] }),
    );
    expect(spec.usermeta.notes).toEqual(['"g": 1 non-finite value dropped']);
    expect(spec.title.subtitle).toEqual(['note: "g": 1 non-finite value dropped']);
    const allNaN = json(
      histogramChart({ title: 'All NaN', xLabel: 'v', groups: [{ name: 'g', values: [Number.NaN] }] }),
    );
    expect(allNaN.data.values).toEqual([]);
    expect(compileSpec(allNaN).warnings).toEqual([]);
  });

  it('names the chart and the group in errors', () => {
    const opts = { title: 'Acts', xLabel: 'v' };
    expect(() => histogramChart({ ...opts, groups: [] })).toThrow('histogramChart "Acts": no group given');
    expect(() => histogramChart({ ...opts, groups: [{ name: 'dense_1', values: [] }] })).toThrow(
      'histogramChart "Acts": group "dense_1" is empty',
    );
    expect(() => histogramChart({ ...opts, groups: [{ name: 'g', values: [1] }], bins: 2.5 })).toThrow(
      'histogramChart "Acts": bins must be an integer ≥ 1, got 2.5',
    );
  });
});
