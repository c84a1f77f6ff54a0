import type { FusedActivation } from '../backend/backend.js';
import { makeTensor } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ConvGeometry, type ConvPadding, convGeometry, windowIndices } from './conv-geometry.js';
import { backendOf, emit, requireFloat } from './core.js';
import { gather, pad, reshape } from './layout.js';
import { dense } from './nn.js';

/**
 * Every sliding window of x [n, h, w, c] as [n, outH, outW, kh·kw, c] (im2col). Built from pad and
 * gather primitives, so its gradient (scatter-add into the padded image, then slice) comes from the
 * tape; `padValue` fills the border ('same' max pooling pads with -Infinity).
 *
 * @example
 * import { extractPatches, convGeometry, tensor } from 'tensile';
 * const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
 * const p = extractPatches(x, convGeometry('patches', x.shape, { kernel: [2, 2] }));
 * console.log(p.shape, Array.from(p.dataSync())); // [1, 1, 1, 4, 1] [1, 2, 3, 4]
 */
export function extractPatches(x: Tensor, g: ConvGeometry, padValue = 0): Tensor {
  const [n, , , c] = x.shape as [number, number, number, number];
  const shape = [n, g.outH, g.outW, g.kh * g.kw, c];
  const b = x.backend;
  // The fused kernel when the backend has one (one tape entry, its adjoint as the gradient).
  if (x.dtype === 'float32' && b.im2col && b.col2im) {
    return emit('im2col', b, b.im2col(x.info('extractPatches'), g, padValue), shape, 'float32', [x], {
      geometry: g,
    });
  }
  return composedPatches(x, g, padValue);
}

/** extractPatches from pad and gather primitives: the reference for the fused kernels. */
export function composedPatches(x: Tensor, g: ConvGeometry, padValue = 0): Tensor {
  const [n, , , c] = x.shape as [number, number, number, number];
  const padded =
    g.padTop + g.padBottom + g.padLeft + g.padRight === 0
      ? x
      : pad(
          x,
          [
            [0, 0],
            [g.padTop, g.padBottom],
            [g.padLeft, g.padRight],
            [0, 0],
          ],
          padValue,
        );
  const rows = reshape(padded, [n, padded.shape[1]! * padded.shape[2]!, c]);
  const b = x.backend;
  const indices = windowIndices(g);
  const idx = makeTensor(b, b.upload(indices), [indices.length], 'int32');
  return reshape(gather(rows, idx, 1), [n, g.outH, g.outW, g.kh * g.kw, c]);
}

/**
 * Options of `conv2d`: strides, dilation and padding as in Keras (channels last), plus a fused
 * activation.
 *
 * @example
 * import { conv2d, tensor } from 'tensile';
 * const y = conv2d(tensor(new Float32Array(16), [1, 4, 4, 1]), tensor(new Float32Array(18), [3, 3, 1, 2]), null, { padding: 'same', strides: 2 });
 * console.log(y.shape); // [1, 2, 2, 2]
 */
export interface Conv2dOptions {
  readonly strides?: number | readonly [number, number];
  readonly dilation?: number | readonly [number, number];
  readonly padding?: ConvPadding;
  readonly activation?: FusedActivation;
}

const pair = (v: number | readonly [number, number] | undefined, dflt: number): [number, number] =>
  v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/**
 * 2-D convolution (cross-correlation, as Keras and PyTorch compute it) of x [n, h, w, c] with a
 * Keras kernel [kh, kw, c, filters], plus bias [filters] and a fused activation. It is im2col then
 * one GEMM through the backend's dense/matmul kernel, so a faster GEMM speeds it up with no change.
 *
 * @example
 * import { conv2d, tensor } from 'tensile';
 * const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
 * const k = tensor([1, 1, 1, 1], [2, 2, 1, 1]);
 * console.log(Array.from(conv2d(x, k, null).dataSync())); // [10]
 */
export function conv2d(x: Tensor, kernel: Tensor, bias: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  requireFloat('conv2d', x);
  if (x.rank !== 4 || kernel.rank !== 4 || kernel.shape[2] !== x.shape[3]) {
    throw new ShapeError(
      'conv2d',
      [x.shape, kernel.shape],
      'expected x [n, h, w, c] and kernel [kh, kw, c, filters] with matching c',
    );
  }
  if (bias) backendOf('conv2d', x, kernel, bias);
  else backendOf('conv2d', x, kernel);
  const [kh, kw, c, filters] = kernel.shape as [number, number, number, number];
  const g = convGeometry('conv2d', x.shape, {
    kernel: [kh, kw],
    strides: pair(opts.strides, 1),
    dilation: pair(opts.dilation, 1),
    padding: opts.padding ?? 'valid',
  });
  const n = x.shape[0]!;
  const act = opts.activation ?? 'linear';
  const outShape = [n, g.outH, g.outW, filters];
  // The backend's whole-convolution kernel when it has a faster one for this shape (Winograd).
  if (x.dtype === 'float32' && kernel.dtype === 'float32' && x.backend.conv2d && x.backend.conv2dBackward) {
    const info = (t: Tensor) => t.info('conv2d');
    const data = x.backend.conv2d(info(x), info(kernel), bias ? info(bias) : null, g, act);
    if (data !== null) {
      const inputs = bias ? [x, kernel, bias] : [x, kernel];
      return emit('conv2d', x.backend, data, outShape, 'float32', inputs, { geometry: g, activation: act });
    }
  }
  // A 1×1 stride-1 convolution needs no patches: it is a dense layer over the channels.
  const cols = kh * kw === 1 && g.strideH * g.strideW === 1 ? x : extractPatches(x, g);
  const flat = reshape(cols, [n * g.outH * g.outW, kh * kw * c]);
  const y = dense(flat, reshape(kernel, [kh * kw * c, filters]), bias, act);
  return reshape(y, outShape);
}

/**
 * Options of `conv1d`: as `conv2d` with single numbers, plus Keras' 'causal' padding.
 *
 * @example
 * import { conv1d, tensor } from 'tensile';
 * const y = conv1d(tensor(new Float32Array(10), [1, 10, 1]), tensor(new Float32Array(3), [3, 1, 1]), null, { padding: 'causal' });
 * console.log(y.shape); // [1, 10, 1]
 */
export interface Conv1dOptions {
  readonly strides?: number;
  readonly dilation?: number;
  readonly padding?: ConvPadding;
  readonly activation?: FusedActivation;
}

/**
 * 1-D convolution of x [n, steps, c] with a Keras kernel [k, c, filters]: a conv2d of height 1.
 *
 * @example
 * import { conv1d, tensor } from 'tensile';
 * const y = conv1d(tensor([1, 2, 3], [1, 3, 1]), tensor([1, -1], [2, 1, 1]), null);
 * console.log(Array.from(y.dataSync())); // [-1, -1]
 */
export function conv1d(x: Tensor, kernel: Tensor, bias: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  if (x.rank !== 3 || kernel.rank !== 3) {
    throw new ShapeError(
      'conv1d',
      [x.shape, kernel.shape],
      'expected x [n, steps, c] and kernel [k, c, filters]',
    );
  }
  const [n, steps, c] = x.shape as [number, number, number];
  const y = conv2d(reshape(x, [n, 1, steps, c]), reshape(kernel, [1, ...kernel.shape]), bias, {
    strides: [1, opts.strides ?? 1],
    dilation: [1, opts.dilation ?? 1],
    padding: opts.padding ?? 'valid',
    activation: opts.activation ?? 'linear',
  });
  return reshape(y, [n, y.shape[2]!, y.shape[3]!]);
}
