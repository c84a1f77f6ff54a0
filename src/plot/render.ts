// Spec → SVG (vega-lite compile + a headless vega View) → PNG (resvg), and atomic saving of both.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { TensileError } from '../errors.js';
import { type FontMetrics, findFont, requireFont } from './fonts.js';
import { FONT_STACK } from './theme.js';

/**
 * Compiles a Vega-Lite spec to a Vega spec and collects Vega-Lite's warnings instead of printing them.
 *
 * @example
 * import { compileSpec, lineChart } from 'tensile/plot';
 * const { warnings } = compileSpec(lineChart({ title: 'Loss', xLabel: 'epoch', yLabel: 'loss',
 *   series: [{ name: 'train', x: [1, 2], y: [0.5, 0.4] }] }));
 * warnings; // []
 */
export function compileSpec(spec: TopLevelSpec): {
  vega: ReturnType<typeof compile>['spec'];
  warnings: string[];
} {
  const warnings: string[] = [];
  const logger = {
    level() {
      return logger;
    },
    error: (...m: unknown[]) => warnings.push(`error: ${m.join(' ')}`) && logger,
    warn: (...m: unknown[]) => warnings.push(m.join(' ')) && logger,
    info: () => logger,
    debug: () => logger,
  };
  // biome-ignore lint/suspicious/noExplicitAny: vega-lite's LoggerInterface returns `this`; ours does too.
  const vega = compile(spec, { logger: logger as any }).spec;
  return { vega, warnings };
}

/**
 * Renders a Vega-Lite spec to an SVG string, headless (no DOM, no canvas), text measured with the chart font.
 *
 * @example
 * import { barChart, renderSvg } from 'tensile/plot';
 * const svg = await renderSvg(barChart({ title: 'Accuracy', yLabel: 'accuracy',
 *   bars: [{ label: 'mlp', value: 0.97 }, { label: 'cnn', value: 0.99 }] }));
 * svg.startsWith('<svg'); // true
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const font = findFont();
  const ours = (spec.config?.font ?? FONT_STACK) === FONT_STACK;
  const withFont =
    font && ours ? { ...spec, config: { ...spec.config, font: `${font.family}, sans-serif` } } : spec;
  const { vega: vgSpec } = compileSpec(withFont as TopLevelSpec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  const restore = font ? measureWith(font.regular, font.bold) : () => {};
  try {
    return await view.toSVG();
  } finally {
    restore();
    view.finalize();
  }
}

// Vega reads `textMetrics.width` (a module-level hook, also used by vl-convert) during layout and when
// it writes text. We install ours for the duration of a render; a counter keeps overlapping renders safe.
// vega re-exports it from vega-scenegraph, which ships no type declarations.
type MeasureWidth = (item: Record<string, unknown>, text?: unknown) => number;
const textMetrics = (vega as unknown as { textMetrics: { width: MeasureWidth } }).textMetrics;
let active = 0;
let saved: MeasureWidth | undefined;
function measureWith(regular: FontMetrics, bold: FontMetrics | undefined): () => void {
  if (active++ === 0) {
    saved = textMetrics.width;
    textMetrics.width = (item, text) => {
      const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
      const s = text == null ? '' : String(text).trim();
      const w = item.fontWeight;
      const heavy = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600);
      return (heavy && bold ? bold : regular).width(s, size);
    };
  }
  return () => {
    if (--active === 0 && saved) textMetrics.width = saved;
  };
}

/**
 * Options of `svgToPng`: `scale` multiplies the SVG's pixel size (default 2, sharp on high-DPI screens).
 *
 * @example
 * const options = { scale: 3 };
 */
export interface PngOptions {
  scale?: number;
}

/**
 * Rasterizes an SVG string to PNG bytes with resvg, using the chart font (throws if none is installed).
 *
 * @example
 * import { svgToPng } from 'tensile/plot';
 * const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>', { scale: 1 });
 * png[1] === 0x50 && png[2] === 0x4e; // true
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new TensileError(`svgToPng: scale must be > 0, got ${scale}`);
  const font = requireFont('svgToPng');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    // System fonts are not loaded: the PNG must look the same on every machine that has our font,
    // and scanning every installed font costs time on each call.
    font: {
      loadSystemFonts: false,
      fontFiles: font.files,
      defaultFontFamily: font.family,
      sansSerifFamily: font.family,
    },
  });
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * Renders `spec` and writes `<path>.svg` and `<path>.png`, each through a temporary file and a rename.
 *
 * @example
 * import { lineChart, saveFigure } from 'tensile/plot';
 * const spec = lineChart({ title: 'Loss', xLabel: 'epoch', yLabel: 'loss',
 *   series: [{ name: 'train', x: [1, 2, 3], y: [0.9, 0.5, 0.4] }] });
 * const { pngPath } = await saveFigure(spec, '/tmp/tensile-doc-loss'); // '/tmp/tensile-doc-loss.png'
 */
export async function saveFigure(
  spec: TopLevelSpec,
  pathWithoutExt: string,
  options: PngOptions = {},
): Promise<{ svgPath: string; pngPath: string }> {
  const svg = await renderSvg(spec);
  const png = svgToPng(svg, options);
  const svgPath = `${pathWithoutExt}.svg`;
  const pngPath = `${pathWithoutExt}.png`;
  await mkdir(dirname(svgPath), { recursive: true });
  await writeAtomic(svgPath, svg);
  await writeAtomic(pngPath, png);
  return { svgPath, pngPath };
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
