// The look shared by every chart: seaborn's "whitegrid" translated to a Vega-Lite config.
// Why a config and not per-mark styling: one place to change, and specs stay short enough to read.
import type { Config } from 'vega-lite';

/**
 * Colour-blind-safe categorical palette: seaborn "colorblind" with its pale pink and yellow moved last.
 *
 * @example
 * import { PALETTE } from 'tensile/plot';
 * PALETTE[0]; // '#0173b2'
 */
export const PALETTE: readonly string[] = [
  '#0173b2',
  '#de8f05',
  '#029e73',
  '#d55e00',
  '#cc78bc',
  '#ca9161',
  '#56b4e9',
  '#555555',
  '#fbafe4',
  '#ece133',
];

/**
 * Font stack written into every spec; `renderSvg` replaces it with the font the PNG renderer really uses.
 *
 * @example
 * import { FONT_STACK } from 'tensile/plot';
 * FONT_STACK.startsWith('DejaVu Sans'); // true
 */
export const FONT_STACK = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

const INK = '#262626'; // seaborn's ".15": dark gray text, softer than black
const GRID = '#e0e0e0';
const FRAME = '#c8c8c8';

/**
 * The Vega-Lite config of the white-grid theme (white background, light grid, 12–13 px labels, 15 px titles).
 *
 * @example
 * import { themeConfig } from 'tensile/plot';
 * themeConfig().background; // 'white'
 */
export function themeConfig(font: string = FONT_STACK): Config {
  return {
    font,
    background: 'white',
    padding: 12,
    view: { stroke: FRAME, continuousWidth: 480, continuousHeight: 300 },
    title: {
      fontSize: 15,
      fontWeight: 'bold',
      color: INK,
      offset: 10,
      subtitleFontSize: 12,
      subtitleColor: '#6b6b6b',
    },
    axis: {
      grid: true,
      gridColor: GRID,
      domain: false,
      ticks: false,
      labelFontSize: 12,
      labelColor: INK,
      labelPadding: 6,
      labelLimit: 260,
      titleFontSize: 13,
      titleFontWeight: 'normal',
      titleColor: INK,
      titlePadding: 10,
    },
    axisBand: { grid: false },
    legend: {
      orient: 'right',
      labelFontSize: 12,
      labelColor: INK,
      labelLimit: 260,
      titleFontSize: 12,
      titleColor: INK,
      titleFontWeight: 'normal',
      symbolStrokeWidth: 2,
      rowPadding: 6,
    },
    header: { labelFontSize: 13, labelColor: INK, titleFontSize: 13, titleColor: INK },
    range: { category: [...PALETTE] },
    line: { strokeWidth: 2 },
    point: { size: 28, filled: true },
    bar: { stroke: null },
    concat: { spacing: 28 },
    facet: { spacing: 24 },
  };
}
