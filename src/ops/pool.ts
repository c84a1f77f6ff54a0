import type { Backend } from '../backend/backend.js';
import { makeTensor } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { extractPatches } from './conv.js';
import { type ConvGeometry, type ConvPadding, convGeometry, windowIndices } from './conv-geometry.js';
import { emit, requireFloat } from './core.js';
import { add, div, mul } from './elementwise.js';
import { gather, pad, reshape } from './layout.js';
import { stopGradient } from './nn.js';
import { argmax, sum } from './reduce.js';

/**
 * Options of the pooling ops: window size, strides (default: the window size, as Keras) and padding.
 *
 * @example
 * import { maxPool2d, tensor } from 'tensile';
 * const y = maxPool2d(tensor(new Float32Array(25), [1, 5, 5, 1]), { poolSize: 2, padding: 'same' });
 * console.log(y.shape); // [1, 3, 3, 1]
 */
export interface Pool2dOptions {
  readonly poolSize?: number | readonly [number, number];
  readonly strides?: number | readonly [number, number] | null;
  readonly padding?: 'valid' | 'same';
}

const pair = (v: number | readonly [number, number]): [number, number] =>
  typeof v === 'number' ? [v, v] : [v[0], v[1]];

function geometry(op: string, x: Tensor, opts: Pool2dOptions): ConvGeometry {
  requireFloat(op, x);
  if (x.rank !== 4) throw new ShapeError(op, [x.shape], 'expected an input of shape [n, h, w, c]');
  const kernel = pair(opts.poolSize ?? 2);
  const padding: ConvPadding = opts.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw new ShapeError(op, [x.shape], `padding must be 'valid' or 'same', got '${String(padding)}'`);
  }
  return convGeometry(op, x.shape, { kernel, strides: pair(opts.strides ?? kernel), padding });
}

const intTensor = (b: Backend, values: Int32Array, shape: readonly number[]) =>
  makeTensor(b, b.upload(values), shape, 'int32');

/**
 * Max over each pooling window of x [n, h, w, c] (channels last). 'same' padding never wins a max
 * (the border is -Infinity), as in Keras. The gradient goes to the first maximum of each window, as
 * TensorFlow and PyTorch send it.
 *
 * @example
 * import { maxPool2d, tensor } from 'tensile';
 * const y = maxPool2d(tensor([1, 5, 3, 2], [1, 2, 2, 1]), { poolSize: 2 });
 * console.log(Array.from(y.dataSync())); // [5]
 */
export function maxPool2d(x: Tensor, opts: Pool2dOptions = {}): Tensor {
  const g = geometry('maxPool2d', x, opts);
  const [n, , , c] = x.shape as [number, number, number, number];
  const b = x.backend;
  if (x.dtype === 'float32' && b.maxPool && b.maxPoolBackward) {
    const shape = [n, g.outH, g.outW, c];
    const { y, index } = b.maxPool(x.info('maxPool2d'), g);
    const indexT = makeTensor(b, index, shape, 'int32');
    return emit('maxPool', b, y, shape, 'float32', [x], { index: indexT });
  }
  return composedMaxPool(x, g);
}

/** maxPool2d from pad, argmax and gather primitives: the reference for the fused kernels. */
export function composedMaxPool(x: Tensor, g: ConvGeometry): Tensor {
  const [n, , , c] = x.shape as [number, number, number, number];
  const pads = g.padTop + g.padBottom + g.padLeft + g.padRight;
  const edges: [number, number][] = [
    [0, 0],
    [g.padTop, g.padBottom],
    [g.padLeft, g.padRight],
    [0, 0],
  ];
  const xp = pads === 0 ? x : pad(x, edges, Number.NEGATIVE_INFINITY);
  // Which tap of each window holds the max: found on untracked patches, so the only recorded op is
  // the final gather, whose gradient is one scatter-add (no masks, no tie sharing).
  const tap = argmax(extractPatches(stopGradient(x), g, Number.NEGATIVE_INFINITY), 3);
  const windows = g.outH * g.outW;
  const kk = g.kh * g.kw;
  const b = x.backend;
  const taps = windowIndices(g);
  const firstTap = Int32Array.from({ length: windows }, (_, o) => o * kk);
  const key = add(reshape(tap, [n, windows, c]), intTensor(b, firstTap, [1, windows, 1]));
  const position = gather(intTensor(b, taps, [taps.length]), key, 0);
  const cells = xp.shape[1]! * xp.shape[2]!;
  const sampleBase = Int32Array.from({ length: n }, (_, i) => i * cells);
  const channel = Int32Array.from({ length: c }, (_, i) => i);
  const flat = add(
    mul(add(position, intTensor(b, sampleBase, [n, 1, 1])), c),
    intTensor(b, channel, [1, 1, c]),
  );
  return reshape(gather(reshape(xp, [xp.size]), flat, 0), [n, g.outH, g.outW, c]);
}

/** How many real (unpadded) input cells each output window covers, [1, outH, outW, 1]. */
function windowCounts(g: ConvGeometry): Float32Array {
  const counts = new Float32Array(g.outH * g.outW);
  const covered = (o: number, s: number, k: number, before: number, n: number) =>
    Math.min(o * s - before + k, n) - Math.max(o * s - before, 0);
  for (let oh = 0; oh < g.outH; oh++) {
    const rows = covered(oh, g.strideH, g.kh, g.padTop, g.inH);
    for (let ow = 0; ow < g.outW; ow++)
      counts[oh * g.outW + ow] = rows * covered(ow, g.strideW, g.kw, g.padLeft, g.inW);
  }
  return counts;
}

/**
 * Mean over each pooling window of x [n, h, w, c]. With 'same' padding the padded cells are left out
 * of the count, as Keras (TensorFlow) does: a corner window of 2×2 that covers one real cell averages
 * just that one.
 *
 * @example
 * import { avgPool2d, tensor } from 'tensile';
 * const y = avgPool2d(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), { poolSize: 2, padding: 'same' });
 * console.log(Array.from(y.dataSync())); // [3, 4.5, 7.5, 9]
 */
export function avgPool2d(x: Tensor, opts: Pool2dOptions = {}): Tensor {
  const g = geometry('avgPool2d', x, opts);
  const total = sum(extractPatches(x, g, 0), 3);
  const padded = g.padTop + g.padBottom + g.padLeft + g.padRight > 0;
  if (!padded) return div(total, g.kh * g.kw);
  const b = x.backend;
  return div(total, makeTensor(b, b.upload(windowCounts(g)), [1, g.outH, g.outW, 1], 'float32'));
}

/**
 * Options of the 1-D pooling ops (windows along the steps axis of [n, steps, c]).
 *
 * @example
 * import { maxPool1d, tensor } from 'tensile';
 * console.log(maxPool1d(tensor([1, 3, 2, 0], [1, 4, 1]), { poolSize: 2 }).shape); // [1, 2, 1]
 */
export interface Pool1dOptions {
  readonly poolSize?: number;
  readonly strides?: number | null;
  readonly padding?: 'valid' | 'same';
}

function as2d(pool: (x: Tensor, o: Pool2dOptions) => Tensor, x: Tensor, opts: Pool1dOptions): Tensor {
  if (x.rank !== 3) throw new ShapeError('pool1d', [x.shape], 'expected an input of shape [n, steps, c]');
  const [n, steps, c] = x.shape as [number, number, number];
  const poolSize = opts.poolSize ?? 2;
  const y = pool(reshape(x, [n, 1, steps, c]), {
    poolSize: [1, poolSize],
    strides: [1, opts.strides ?? poolSize],
    padding: opts.padding ?? 'valid',
  });
  return reshape(y, [n, y.shape[2]!, c]);
}

/**
 * Max over windows along the steps axis of x [n, steps, c].
 *
 * @example
 * import { maxPool1d, tensor } from 'tensile';
 * console.log(Array.from(maxPool1d(tensor([1, 3, 2, 0], [1, 4, 1])).dataSync())); // [3, 2]
 */
export const maxPool1d = (x: Tensor, opts: Pool1dOptions = {}): Tensor => as2d(maxPool2d, x, opts);

/**
 * Mean over windows along the steps axis of x [n, steps, c] ('same' excludes padding from the count).
 *
 * @example
 * import { avgPool1d, tensor } from 'tensile';
 * console.log(Array.from(avgPool1d(tensor([1, 3, 2], [1, 3, 1]), { padding: 'same' }).dataSync())); // [2, 2]
 */
export const avgPool1d = (x: Tensor, opts: Pool1dOptions = {}): Tensor => as2d(avgPool2d, x, opts);
