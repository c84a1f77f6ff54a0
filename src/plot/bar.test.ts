import { describe, expect, it } from 'vitest';
import { barChart, gridOfCharts } from './bar.js';
import { histogramChart } from './histogram.js';
import { lineChart } from './line.js';
import { compileSpec } from './render.js';

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
const json = (spec: unknown): any => JSON.parse(JSON.stringify(spec));

const accuracy = {
  title: 'Test accuracy',
  yLabel: 'accuracy',
  bars: [
    { label: 'mlp', value: 0.978 },
    { label: 'cnn', value: 0.991 },
    { label: 'lstm', value: 0.952 },
  ],
};

describe('barChart', () => {
  it('keeps input order, labels the value axis, leaves headroom for the printed values', () => {
    const spec = json(barChart(accuracy));
    expect(compileSpec(spec).warnings).toEqual([]);
    expect(spec.encoding.x.sort).toEqual(['mlp', 'cnn', 'lstm']);
    expect(spec.encoding.y.title).toBe('accuracy');
    expect(spec.encoding.y.scale.domainMax).toBeCloseTo(0.991 * 1.1);
    expect(spec.layer[1].encoding.text.format).toBe('.3~g');
  });

  it('draws grouped bars side by side with a legend', () => {
    const spec = json(
      barChart({
        title: 'By backend',
        yLabel: 'accuracy',
        bars: [
          { label: 'mlp', value: 0.97, group: 'ts' },
          { label: 'mlp', value: 0.971, group: 'wasm' },
          { label: 'cnn', value: 0.99, group: 'ts' },
        ],
      }),
    );
    expect(compileSpec(spec).warnings).toEqual([]);
    expect(spec.encoding.xOffset.field).toBe('group');
    expect(spec.encoding.color.scale.domain).toEqual(['ts', 'wasm']);
  });

  it('handles negative values and all-zero values', () => {
    const neg = json(
      barChart({
        ...accuracy,
        bars: [
          { label: 'a', value: -2 },
          { label: 'b', value: 1 },
        ],
      }),
    );
    expect(neg.encoding.y.scale).toEqual({ nice: false, domainMin: -2.3, domainMax: 1.3 });
    const zero = json(barChart({ ...accuracy, bars: [{ label: 'a', value: 0 }] }));
    expect(zero.encoding.y.scale).toEqual({ nice: false, domainMax: 0.1 });
  });

  it('drops a NaN bar with a note', () => {
    const spec = json(
      barChart({ ...accuracy, bars: [...accuracy.bars, { label: 'rnn', value: Number.NaN }] }),
    );
    expect(spec.data.values).toHaveLength(3);
    expect(spec.usermeta.notes).toEqual(['"rnn": 1 non-finite value dropped']);
    expect(spec.encoding.x.sort).toContain('rnn');
  });

  it('names the chart and the bar in errors', () => {
    expect(() => barChart({ ...accuracy, bars: [] })).toThrow('barChart "Test accuracy": no bars given');
    expect(() => barChart({ ...accuracy, bars: [accuracy.bars[0]!, accuracy.bars[0]!] })).toThrow(
      'barChart "Test accuracy": bar "mlp" appears twice',
    );
  });
});

describe('gridOfCharts', () => {
  const loss = lineChart({
    title: 'Loss',
    xLabel: 'epoch',
    yLabel: 'loss',
    series: [{ name: 'train', x: [1, 2], y: [1, Number.NaN] }],
  });
  const hist = histogramChart({
    title: 'Layers',
    xLabel: 'activation',
    groups: ['a', 'b', 'c', 'd'].map((name) => ({ name, values: [1, 2, 3] })),
  });

  it('concatenates line, bar and faceted charts and compiles without warnings', () => {
    const spec = json(gridOfCharts([loss, barChart(accuracy), hist], 2, 'Study'));
    expect(compileSpec(spec).warnings).toEqual([]);
    expect(spec.columns).toBe(2);
    expect(spec.concat).toHaveLength(3);
    for (const inner of spec.concat) {
      expect(inner.config).toBeUndefined();
      expect(inner.$schema).toBeUndefined();
    }
    expect(spec.usermeta.notes).toEqual(['"train": 1 non-finite value dropped']);
    expect(spec.title.text).toBe('Study');
  });

  it('rejects an empty list and a bad column count', () => {
    expect(() => gridOfCharts([], 2)).toThrow('gridOfCharts "": no charts given');
    expect(() => gridOfCharts([loss], 0)).toThrow('gridOfCharts "": columns must be an integer ≥ 1, got 0');
  });
});
