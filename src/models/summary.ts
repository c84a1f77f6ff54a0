import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { Variable } from '../tensor/tensor.js';
import type { LayerGraph } from './graph.js';

export interface SummaryRow {
  name: string;
  className: string;
  /** One shape, or one per output of a multi-output layer (an LSTM with returnState). */
  outputShape: SymbolicShape | readonly SymbolicShape[];
  params: number;
}

export interface SummaryData {
  modelName: string;
  rows: SummaryRow[];
  total: number;
  trainable: number;
  nonTrainable: number;
}

const isShapeList = (s: SymbolicShape | readonly SymbolicShape[]): s is readonly SymbolicShape[] =>
  s.length > 0 && Array.isArray(s[0]);

/**
 * '(None, 512)' as Keras prints shapes; a multi-output layer's shapes as Keras' `format_layer_shape`
 * prints its list of outputs: '[(None, 4), (None, 4), (None, 4)]'.
 */
export function formatShape(shape: SymbolicShape | readonly SymbolicShape[]): string {
  if (isShapeList(shape)) return `[${shape.map((s) => formatShape(s)).join(', ')}]`;
  const parts = (shape as SymbolicShape).map((d) => (d === null ? 'None' : String(d)));
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
  outputShapes: readonly (SymbolicShape | readonly SymbolicShape[])[],
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

/** Greedy word wrap as rich does it: words move to the next line whole; longer words are chopped. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length <= width) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    line = word;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  lines.push(line);
  return lines;
}

/**
 * Keras 3's four-column table for non-linear Functional models. Keras sizes it for a line of 76
 * characters when not printing to a terminal (min(108, 80 - 4)); rich then narrows the columns to
 * these widths (padding included) and wraps cells that do not fit.
 */
const CONNECTED_WIDTHS = [21, 19, 12, 19];

function renderConnected(modelName: string, rows: string[][], totals: string[]): string {
  const headers = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const w = CONNECTED_WIDTHS;
  const cell = (text: string, c: number) =>
    ` ${c === 2 ? text.padStart(w[c]! - 2) : text.padEnd(w[c]! - 2)} `;
  const line = (l: string, m: string, r: string, fill: string) =>
    l + w.map((x) => fill.repeat(x)).join(m) + r;
  const out = [`Model: "${modelName}"`, line('┏', '┳', '┓', '━')];
  out.push(`┃${headers.map(cell).join('┃')}┃`);
  out.push(line('┡', '╇', '┩', '━'));
  rows.forEach((row, i) => {
    const wrapped = row.map((text, c) => wrap(text, w[c]! - 2));
    const height = Math.max(...wrapped.map((l) => l.length));
    for (let k = 0; k < height; k++) out.push(`│${wrapped.map((l, c) => cell(l[k] ?? '', c)).join('│')}│`);
    if (i < rows.length - 1) out.push(line('├', '┼', '┤', '─'));
  });
  out.push(line('└', '┴', '┘', '─'));
  return [...out, ...totals].join('\n');
}

/**
 * Keras' test for printing a Functional model like a Sequential one: one node per depth, each with
 * one input, and no layer called twice.
 */
function sequentialLike(graph: LayerGraph): boolean {
  const perDepth = new Map<number, number>();
  for (const [node, d] of graph.depth) {
    perDepth.set(d, (perDepth.get(d) ?? 0) + 1);
    if (node.inputs.length > 1) return false;
  }
  if ([...perDepth.values()].some((n) => n > 1)) return false;
  return graph.layers.every((l) => l.inboundNodes.filter((n) => graph.depth.has(n)).length <= 1);
}

/**
 * The summary of a Functional model: Keras 3's table with the InputLayers listed, and the
 * "Connected to" column (`layer[node][tensor]` per input) unless the graph is a simple chain.
 *
 * @example
 * import { Input, Dense, Add, Model } from 'tensile';
 * const x = Input({ shape: [4] });
 * const model = new Model({ inputs: x, outputs: new Add().apply([new Dense(4).apply(x), x]) });
 * console.log(model.summary({ print: false }).includes('Connected to')); // true
 */
export function graphSummary(
  modelName: string,
  graph: LayerGraph,
  trainableWeights: readonly Variable[],
): string {
  const layers = graph.layers;
  // Keras shows the shape of a layer's latest call, as `format_layer_shape` does (all its outputs).
  const shapes = layers.map((l) => {
    const outputs = l.inboundNodes[l.inboundNodes.length - 1]!.outputs;
    return outputs.length === 1 ? outputs[0]!.shape : outputs.map((t) => t.shape);
  });
  const data = summaryData(modelName, layers, shapes);
  const unique = new Set(layers.flatMap((l) => l.weights));
  data.total = [...unique].reduce((n, w) => n + w.size, 0);
  data.trainable = [...new Set(trainableWeights)].reduce((n, w) => n + w.size, 0);
  data.nonTrainable = data.total - data.trainable;
  const table = renderSummary(data);
  if (sequentialLike(graph)) return table;
  const connections = layers.map((layer) => {
    const inputs = layer.inboundNodes.filter((n) => graph.depth.has(n)).flatMap((n) => n.inputs);
    return inputs.length === 0 ? '-' : inputs.map(String).join(', ');
  });
  const rows = data.rows.map((r, i) => [
    `${r.name} (${r.className})`,
    formatShape(r.outputShape),
    count(r.params),
    connections[i]!,
  ]);
  const totals = table.split('\n').slice(-3);
  return renderConnected(modelName, rows, totals);
}
