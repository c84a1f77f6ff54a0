import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { type LineChartOptions, lineChart, logTicks } from './line.js';
import { compileSpec } from './render.js';

const epochs = [1, 2, 3, 4, 5];
const base: LineChartOptions = {
  title: 'Loss',
  xLabel: 'epoch',
  yLabel: 'loss',
  series: [
    { name: 'train', x: epochs, y: [1.0, 0.6, 0.45, 0.4, 0.38] },
    { name: 'validation', x: epochs, y: [1.1, 0.8, 0.7, 0.69, 0.7], dash: true },
  ],
};

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
const json = (spec: unknown): any => JSON.parse(JSON.stringify(spec));

describe('lineChart', () => {
  it('compiles to Vega without warnings, with labelled axes and a legend', () => {
    const spec = json(lineChart(base));
    expect(compileSpec(spec).warnings).toEqual([]);
    expect(spec.encoding.x.title).toBe('epoch');
    expect(spec.encoding.y.title).toBe('loss');
    expect(spec.encoding.color.scale.domain).toEqual(['train', 'validation']);
    expect(spec.encoding.strokeDash.scale.range).toEqual([
      [1, 0],
      [6, 4],
    ]);
    expect(spec.mark.point).toBe(true);
    expect(spec.data.values).toHaveLength(10);
  });

  it('uses integer ticks for integer x and not otherwise', () => {
    expect(json(lineChart(base)).encoding.x.axis).toEqual({ tickMinStep: 1, format: 'd' });
    const steps = { ...base, series: [{ name: 'train', x: [0.5, 1.5], y: [1, 2] }] };
    expect(json(lineChart(steps)).encoding.x.axis).toEqual({});
  });

  it('has no legend for a single series and no markers for long series', () => {
    const x = Array.from({ length: 200 }, (_, i) => i);
    const spec = json(lineChart({ ...base, series: [{ name: 'train', x, y: x.map((i) => 1 / (i + 1)) }] }));
    expect(spec.encoding.color.legend).toBeNull();
    expect(spec.mark.point).toBe(false);
    expect(compileSpec(spec).warnings).toEqual([]);
  });

  it('compiles with 12 series (palette cycles) and on a log scale', () => {
    const series = Array.from({ length: 12 }, (_, k) => ({
      name: `variant ${k}`,
      x: epochs,
      y: epochs.map((e) => 2 / (e * (k + 1))),
    }));
    const spec = json(lineChart({ ...base, series, yScale: 'log' }));
    expect(compileSpec(spec).warnings).toEqual([]);
    expect(spec.encoding.y.scale.type).toBe('log');
    expect(spec.encoding.color.scale.range[10]).toBe(spec.encoding.color.scale.range[0]);
  });

  it('drops NaN and ±Infinity with a note in the subtitle and usermeta', () => {
    const spec = json(
      lineChart({
        ...base,
        series: [
          { name: 'train', x: epochs, y: [1, Number.NaN, 0.5, Number.POSITIVE_INFINITY, 0.3] },
          { name: 'validation', x: epochs, y: [1, 0.9, 0.8, 0.7, 0.6] },
        ],
      }),
    );
    expect(spec.data.values).toHaveLength(8);
    expect(spec.usermeta.notes).toEqual(['"train": 2 non-finite values dropped']);
    expect(spec.title).toEqual({ text: 'Loss', subtitle: ['note: "train": 2 non-finite values dropped'] });
    expect(compileSpec(spec).warnings).toEqual([]);
  });

  it('still builds a chart when a series is entirely NaN (a diverged run)', () => {
    const nan = epochs.map(() => Number.NaN);
    const spec = json(lineChart({ ...base, series: [...base.series, { name: 'lr=10', x: epochs, y: nan }] }));
    expect(spec.usermeta.notes).toEqual(['"lr=10": 5 non-finite values dropped']);
    expect(compileSpec(spec).warnings).toEqual([]);
  });

  it('drops values ≤ 0 on a log scale, with a note', () => {
    const spec = json(
      lineChart({ ...base, yScale: 'log', series: [{ name: 'train', x: [1, 2, 3], y: [1, 0, 0.1] }] }),
    );
    expect(spec.data.values).toHaveLength(2);
    expect(spec.usermeta.notes).toEqual(['"train": 1 non-positive (log scale) value dropped']);
  });

  it('limits the subtitle to three notes', () => {
    const series = Array.from({ length: 5 }, (_, k) => ({ name: `s${k}`, x: [1, 2], y: [1, Number.NaN] }));
    const spec = json(lineChart({ ...base, series }));
    expect(spec.title.subtitle).toHaveLength(4);
    expect(spec.title.subtitle[3]).toBe('… and 2 more notes');
    expect(spec.usermeta.notes).toHaveLength(5);
  });

  it('names the chart and the series in errors', () => {
    expect(() => lineChart({ ...base, series: [] })).toThrow(
      new ValueError('lineChart "Loss": no series given'),
    );
    expect(() => lineChart({ ...base, series: [{ name: 'val', x: [], y: [] }] })).toThrow(
      'lineChart "Loss": series "val" is empty',
    );
    expect(() => lineChart({ ...base, series: [{ name: 'val', x: [1, 2, 3], y: [1, 2] }] })).toThrow(
      'lineChart "Loss": series "val": x has 3 values but y has 2',
    );
    expect(() => lineChart({ ...base, series: [base.series[0]!, base.series[0]!] })).toThrow(
      'lineChart "Loss": series "train" appears twice; names must be unique',
    );
  });
});

describe('logTicks', () => {
  it('picks 1-2-3-5, 1-2-5, 1-3 or powers of ten by range, and [] when none fit', () => {
    expect(logTicks([0.07, 0.7])).toEqual([0.1, 0.2, 0.3, 0.5]);
    expect(logTicks([0.01, 2])).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]);
    expect(logTicks([1e-4, 5])).toEqual([1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3]);
    expect(logTicks([1e-6, 10])).toEqual([1e-6, 1e-5, 1e-4, 0.001, 0.01, 0.1, 1, 10]);
    expect(logTicks([0.31, 0.38])).toEqual([]);
  });
});
