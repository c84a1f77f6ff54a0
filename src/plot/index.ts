// Charts for study reports: Vega-Lite spec builders → SVG (vega, headless) → PNG (resvg).
export { type Bar, type BarChartOptions, barChart, gridOfCharts } from './bar.js';
export type { ChartTitle, Values } from './clean.js';
export { type FontMetrics, findFont, fontSearchPaths, type ResolvedFont, requireFont } from './fonts.js';
export {
  type Binned,
  binValues,
  type HistogramGroup,
  type HistogramOptions,
  histogramChart,
} from './histogram.js';
export { type LineChartOptions, type LineSeries, lineChart } from './line.js';
export { compileSpec, type PngOptions, renderSvg, saveFigure, svgToPng } from './render.js';
export { FONT_STACK, PALETTE, themeConfig } from './theme.js';
