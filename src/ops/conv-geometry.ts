import { ShapeError, ValueError } from '../errors.js';

/** Keras' padding modes: 'valid' (none), 'same' (output = ceil(input / stride)), 'causal' (1-D, all on the left). */
export type ConvPadding = 'valid' | 'same' | 'causal';

/**
 * Where the sliding windows of a 2-D convolution or pooling sit over a [n, h, w, c] input.
 *
 * @example
 * import { convGeometry } from 'tensile';
 * const g = convGeometry('conv2d', [1, 28, 28, 1], { kernel: [3, 3], padding: 'same' });
 * console.log(g.outH, g.outW, g.padTop, g.padBottom); // 28 28 1 1
 */
export interface ConvGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * Window options of a 2-D convolution or pooling, each a pair (height, width).
 *
 * @example
 * import { convGeometry } from 'tensile';
 * const g = convGeometry('maxPool2d', [1, 4, 4, 1], { kernel: [2, 2], strides: [2, 2] });
 * console.log(g.outH); // 2
 */
export interface WindowOptions {
  readonly kernel: readonly [number, number];
  readonly strides?: readonly [number, number];
  readonly dilation?: readonly [number, number];
  readonly padding?: ConvPadding;
}

/**
 * Padding on each side of one spatial dim, as TensorFlow (and so Keras) computes it: 'same' pads
 * max((ceil(n/s) - 1)·s + effectiveK - n, 0) with the smaller half first; 'causal' pads effectiveK - 1
 * at the start only.
 */
function padsFor(padding: ConvPadding, n: number, k: number, s: number, d: number): [number, number] {
  const effective = (k - 1) * d + 1;
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [effective - 1, 0];
  const total = Math.max((Math.ceil(n / s) - 1) * s + effective - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function positivePair(op: string, what: string, v: readonly number[]): void {
  if (v.length !== 2 || v.some((x) => !Number.isInteger(x) || x < 1)) {
    throw new ValueError(`${op}: ${what} must be two positive integers, got [${v.join(', ')}]`);
  }
}

/**
 * The geometry of a 2-D window op on an input of shape [n, h, w, c] (channels last).
 *
 * @example
 * import { convGeometry } from 'tensile';
 * const g = convGeometry('conv2d', [8, 10, 10, 3], { kernel: [3, 3], strides: [2, 2] });
 * console.log(g.outH, g.outW); // 4 4
 */
export function convGeometry(op: string, inShape: readonly number[], opts: WindowOptions): ConvGeometry {
  if (inShape.length !== 4) throw new ShapeError(op, [inShape], 'expected an input of shape [n, h, w, c]');
  const [kh, kw] = opts.kernel;
  const [strideH, strideW] = opts.strides ?? [1, 1];
  const [dilationH, dilationW] = opts.dilation ?? [1, 1];
  positivePair(op, 'kernel size', opts.kernel);
  positivePair(op, 'strides', [strideH, strideW]);
  positivePair(op, 'dilation rate', [dilationH, dilationW]);
  const padding = opts.padding ?? 'valid';
  if (!['valid', 'same', 'causal'].includes(padding)) {
    throw new ValueError(`${op}: padding must be 'valid', 'same' or 'causal', got '${String(padding)}'`);
  }
  const [inH, inW] = [inShape[1]!, inShape[2]!];
  // Causal padding is a 1-D notion: a Conv1D runs as a conv2d of height 1, so only the width is causal.
  const [padTop, padBottom] = padsFor(padding === 'causal' ? 'valid' : padding, inH, kh, strideH, dilationH);
  const [padLeft, padRight] = padsFor(padding, inW, kw, strideW, dilationW);
  const outH = Math.floor((inH + padTop + padBottom - (kh - 1) * dilationH - 1) / strideH) + 1;
  const outW = Math.floor((inW + padLeft + padRight - (kw - 1) * dilationW - 1) / strideW) + 1;
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      op,
      [inShape],
      `a ${kh}×${kw} window (dilation ${dilationH}×${dilationW}) does not fit with padding '${padding}'`,
    );
  }
  return {
    inH,
    inW,
    kh,
    kw,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop,
    padBottom,
    padLeft,
    padRight,
    outH,
    outW,
  };
}

const indexCache = new Map<string, Int32Array>();

/**
 * For each output position (oh, ow) and window tap (i, j), in that order, the flat position
 * row·paddedW + col in the padded image it reads. Cached per geometry: a model reuses a handful.
 *
 * @example
 * import { convGeometry, windowIndices } from 'tensile';
 * const g = convGeometry('maxPool2d', [1, 2, 2, 1], { kernel: [2, 2] });
 * console.log(Array.from(windowIndices(g))); // [0, 1, 2, 3]
 */
export function windowIndices(g: ConvGeometry): Int32Array {
  const key = JSON.stringify(g);
  const cached = indexCache.get(key);
  if (cached) return cached;
  const paddedW = g.inW + g.padLeft + g.padRight;
  const out = new Int32Array(g.outH * g.outW * g.kh * g.kw);
  let k = 0;
  for (let oh = 0; oh < g.outH; oh++)
    for (let ow = 0; ow < g.outW; ow++)
      for (let i = 0; i < g.kh; i++)
        for (let j = 0; j < g.kw; j++)
          out[k++] = (oh * g.strideH + i * g.dilationH) * paddedW + ow * g.strideW + j * g.dilationW;
  if (indexCache.size > 64) indexCache.clear();
  indexCache.set(key, out);
  return out;
}
