import type { Layer, SymbolicShape } from '../layers/layer.js';

export interface SummaryRow {
  name: string;
  className: string;
  outputShape: SymbolicShape;
  params: number;
}

export interface SummaryData {
  modelName: string;
  rows: SummaryRow[];
  total: number;
  trainable: number;
  nonTrainable: number;
}

/** '(None, 512)' as Keras prints shapes. */
export function formatShape(shape: SymbolicShape): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
}

/** Bytes as Keras prints them next to param counts (float32 = 4 bytes per param). */
function formatBytes(params: number): string {
  const bytes = params * 4;
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let u = 0;
  while (value >= 1024 && u < units.length - 1) {
    value /= 1024;
    u++;
  }
  return `${value.toFixed(2)} ${units[u]}`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Collects what the summary shows from built layers and their output shapes. */
export function summaryData(
  modelName: string,
  layers: readonly Layer[],
  outputShapes: readonly SymbolicShape[],
): SummaryData {
  const rows = layers.map((layer, i) => ({
    name: layer.name,
    className: layer.className,
    outputShape: outputShapes[i]!,
    params: layer.countParams(),
  }));
  const total = rows.reduce((n, r) => n + r.params, 0);
  const trainable = layers.reduce((n, l) => n + l.trainableWeights.reduce((m, w) => m + w.size, 0), 0);
  return { modelName, rows, total, trainable, nonTrainable: total - trainable };
}

/**
 * Renders Keras 3's summary table (box-drawing borders, 'Layer (type)', 'Output Shape', 'Param #',
 * then total / trainable / non-trainable params with their size).
 */
export function renderSummary(data: SummaryData): string {
  const cells = data.rows.map((r) => [
    `${r.name} (${r.className})`,
    formatShape(r.outputShape),
    count(r.params),
  ]);
  const headers = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = headers.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)) + 2);
  widths[0] = Math.max(widths[0]!, 33);
  widths[1] = Math.max(widths[1]!, 24);
  widths[2] = Math.max(widths[2]!, 15);
  const pad = (text: string, c: number) =>
    c === 2 ? ` ${text.padStart(widths[c]! - 2)} ` : ` ${text.padEnd(widths[c]! - 2)} `;
  const line = (l: string, m: string, r: string, fill: string) =>
    l + widths.map((w) => fill.repeat(w)).join(m) + r;
  const out = [`Model: "${data.modelName}"`, line('┏', '┳', '┓', '━')];
  out.push(`┃${headers.map((h, c) => (c === 2 ? ` ${h.padStart(widths[c]! - 2)} ` : pad(h, c))).join('┃')}┃`);
  out.push(line('┡', '╇', '┩', '━'));
  cells.forEach((row, i) => {
    out.push(`│${row.map((text, c) => pad(text, c)).join('│')}│`);
    if (i < cells.length - 1) out.push(line('├', '┼', '┤', '─'));
  });
  out.push(line('└', '┴', '┘', '─'));
  out.push(` Total params: ${count(data.total)} (${formatBytes(data.total)})`);
  out.push(` Trainable params: ${count(data.trainable)} (${formatBytes(data.trainable)})`);
  out.push(` Non-trainable params: ${count(data.nonTrainable)} (${formatBytes(data.nonTrainable)})`);
  return out.join('\n');
}
