import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { barChart, gridOfCharts } from './bar.js';
import { findFont } from './fonts.js';
import { histogramChart } from './histogram.js';
import { lineChart } from './line.js';
import { renderSvg, saveFigure, svgToPng } from './render.js';

const loss = lineChart({
  title: 'MNIST loss',
  xLabel: 'epoch',
  yLabel: 'cross-entropy',
  series: [
    { name: 'train', x: [1, 2, 3], y: [0.9, 0.5, 0.4] },
    { name: 'validation', x: [1, 2, 3], y: [1.0, 0.7, 0.6], dash: true },
  ],
});

function svgSize(svg: string): [number, number] {
  const m = svg.match(/^<svg[^>]* width="(\d+)" height="(\d+)"/);
  expect(m).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('renderSvg', () => {
  it('writes the title, axis titles, tick labels and legend as text in the chart font', async () => {
    const svg = await renderSvg(loss);
    for (const text of ['MNIST loss', 'epoch', 'cross-entropy', 'train', 'validation', '>2<']) {
      expect(svg).toContain(text.startsWith('>') ? text : `>${text}</text>`);
    }
    expect(svg).toContain(`font-family="${findFont()!.family}, sans-serif"`);
  });

  it('lays text out with real font metrics, tighter than vega’s 0.8 em guess', async () => {
    const spec = lineChart({
      title: 'T',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        { name: 'a rather long series name for the legend', x: [1, 2], y: [1, 2] },
        { name: 'b', x: [1, 2], y: [2, 1] },
      ],
    });
    const ours = svgSize(await renderSvg(spec))[0];
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    const guessed = svgSize(await view.toSVG())[0];
    view.finalize();
    expect(ours).toBeLessThan(guessed);
  });

  it('renders concurrently with the same result and restores vega’s own text metrics', async () => {
    const metrics = (vega as unknown as { textMetrics: { width: unknown; estimateWidth: unknown } })
      .textMetrics;
    const before = metrics.width;
    const one = await renderSvg(loss);
    const bars = barChart({ title: 'B', yLabel: 'v', bars: [{ label: 'a', value: 1 }] });
    const many = await Promise.all([renderSvg(loss), renderSvg(bars), renderSvg(loss)]);
    expect(many[0]).toBe(one);
    expect(many[2]).toBe(one);
    expect(metrics.width).toBe(before);
  });
});

describe('svgToPng', () => {
  it('produces a PNG of the SVG size times the scale', async () => {
    const svg = await renderSvg(loss);
    const [w, h] = svgSize(svg);
    for (const scale of [1, 2]) {
      const png = svgToPng(svg, { scale });
      expect([...png.slice(0, 8)]).toEqual(PNG_MAGIC);
      expect(pngSize(png)).toEqual([w * scale, h * scale]);
    }
    expect(pngSize(svgToPng(svg))).toEqual([2 * w, 2 * h]);
  });

  it('draws the text (a chart with text has more ink than the same chart without)', async () => {
    const svg = await renderSvg(loss);
    const noText = svg.replace(/<text[^>]*>[^<]*<\/text>/g, '');
    expect(svgToPng(svg, { scale: 1 }).length).toBeGreaterThan(svgToPng(noText, { scale: 1 }).length * 1.2);
  });

  it('rejects a bad scale', () => {
    expect(() =>
      svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>', { scale: 0 }),
    ).toThrow('svgToPng: scale must be > 0, got 0');
  });
});

describe('saveFigure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensile-plot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the SVG and PNG, creating the folder, and leaves no temporary files', async () => {
    const spec = gridOfCharts(
      [
        loss,
        histogramChart({
          title: 'Acts',
          xLabel: 'activation',
          groups: [{ name: 'd', values: [0, 1, 1, 2] }],
        }),
      ],
      2,
    );
    const { svgPath, pngPath } = await saveFigure(spec, join(dir, 'figs', 'study'), { scale: 1 });
    expect(svgPath).toBe(join(dir, 'figs', 'study.svg'));
    expect(pngPath).toBe(join(dir, 'figs', 'study.png'));
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const png = new Uint8Array(readFileSync(pngPath));
    expect([...png.slice(0, 8)]).toEqual(PNG_MAGIC);
    expect(pngSize(png)).toEqual(svgSize(svg));
    expect(readdirSync(join(dir, 'figs')).sort()).toEqual(['study.png', 'study.svg']);
  });

  it('overwrites an existing figure', async () => {
    const path = join(dir, 'again');
    await saveFigure(loss, path, { scale: 1 });
    const small = readFileSync(`${path}.png`).length;
    await saveFigure(loss, path, { scale: 2 });
    expect(readFileSync(`${path}.png`).length).toBeGreaterThan(small);
  });
});
