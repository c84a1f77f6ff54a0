import type {
  Conv2dBackwardArgs,
  DenseGrads,
  FusedActivation,
  TensorInfo,
  WindowGeometry,
} from '../../backend/backend.js';
import { activationGrad } from './fused.js';
import type { Heap } from './heap.js';
import { ACT_CODE } from './kernels.js';
import { holdSignals, nativeFor } from './native.js';
import { type NativeAddon, nativeStatus, SPLIT_THREADS } from './native-loader.js';

/**
 * Convolutions by oneDNN's convolution primitives in the native addon (its oneDNN build), in place on
 * the wasm memory as PyTorch computes them on CPU: forward with the bias and relu fused, backward data
 * and backward weights with the bias gradient. Channels-last activations are read and written where
 * they are; sigmoid and tanh run after the forward (and their gradient before the backward) on the
 * wasm kernels, as in the other convolution paths.
 */

const FORWARD = 0;
const BACKWARD_DATA = 1;
const BACKWARD_WEIGHTS = 2;
/** The addon's "no operand" offset. */
const NONE = -1;

const ptr = (x: TensorInfo) => x.data as number;

/**
 * The addon when this heap's convolutions go to oneDNN: it is loaded, this heap may use it, the build
 * has convolutions, and TENSILE_NATIVE_CONV is not '0' (for A/B runs; the convolutions then take the
 * wasm backend's other paths, with the native GEMM).
 */
export function nativeConvFor(heap: Heap): NativeAddon | null {
  const addon = nativeFor(heap);
  if (!addon?.convolutions || !addon.conv2d) return null;
  if (typeof process !== 'undefined' && process.env?.TENSILE_NATIVE_CONV === '0') return null;
  return addon;
}

/**
 * Smallest convolution (multiply-adds per pass: n·outH·outW·f·kh·kw·c) whose batch is split between
 * the calling thread and the addon's helper thread in the default thread mode. The CNN's smallest
 * pass (batch 32, first layer: 7.2M) took 0.23 ms on one thread and 0.10-0.11 split (Xeon, 2026-12-03).
 */
export const NATIVE_CONV_SPLIT_MIN_MACS = 1_000_000;
let splitMinMacs = NATIVE_CONV_SPLIT_MIN_MACS;

/** Sets the split threshold (tests split tiny convolutions); returns a function restoring it. */
export function setNativeConvSplitMin(macs: number): () => void {
  const old = splitMinMacs;
  splitMinMacs = macs;
  return () => {
    splitMinMacs = old;
  };
}

/**
 * The addon's `threads` for one pass: TENSILE_NATIVE_THREADS's count when it fixes one (1 in a study's
 * worker: its OpenMP threads, one here), else SPLIT_THREADS (halves of the batch on the caller and the
 * helper thread, one thread each) for a batch of at least 2 and enough work, else 1. Not timed against
 * one thread as the GEMMs are: the weight gradient of a split batch is the sum of two halves, so its
 * rounding would then depend on timing; a busy helper costs little (the caller takes its half back).
 */
export function nativeConvThreads(n: number, macs: number): number {
  const s = nativeStatus();
  if (s.threadsFixed || !s.split) return s.threadsFixed ? (s.threads ?? 1) : 1;
  return n >= 2 && macs >= splitMinMacs ? SPLIT_THREADS : 1;
}

/** The addon's geometry array: n, h, w, c, f, kh, kw, strides, dilations, padTop, padLeft, outH, outW. */
function geometry(n: number, c: number, f: number, g: WindowGeometry): number[] {
  return [
    ...[n, g.inH, g.inW, c, f, g.kh, g.kw, g.strideH, g.strideW, g.dilationH, g.dilationW],
    ...[g.padTop, g.padLeft, g.outH, g.outW],
  ];
}

/** act(conv2d(x, kernel) + bias) by oneDNN; null (nothing allocated) when oneDNN has no implementation. */
export function conv2dNative(
  heap: Heap,
  addon: NativeAddon,
  x: TensorInfo,
  kernel: TensorInfo,
  bias: TensorInfo | null,
  g: WindowGeometry,
  act: FusedActivation,
): number | null {
  const [n, , , c] = x.shape as [number, number, number, number];
  const f = kernel.shape[3]!;
  const rows = n * g.outH * g.outW;
  const y = heap.malloc(rows * f);
  holdSignals(addon);
  const relu = act === 'relu' ? 1 : 0;
  const geo = geometry(n, c, f, g);
  const b = bias ? ptr(bias) : NONE;
  const threads = nativeConvThreads(n, rows * f * g.kh * g.kw * c);
  if (!addon.conv2d!(heap.f32, FORWARD, geo, ptr(x), ptr(kernel), b, y, relu, threads)) {
    heap.free(y);
    return null;
  }
  if (act !== 'linear' && act !== 'relu' && rows * f > 0) heap.k.biasAct(y, 0, rows, f, ACT_CODE[act]);
  return y;
}

/**
 * Gradients of conv2dNative: dz = dy·act'(y) on the wasm kernels, then oneDNN's backward data (dx,
 * when needed) and backward weights (dkernel and dbias). Null, having allocated nothing, when oneDNN
 * has no implementation of either pass for this geometry.
 */
export function conv2dNativeBackward(
  heap: Heap,
  addon: NativeAddon,
  args: Conv2dBackwardArgs,
): DenseGrads | null {
  const { dy, x, kernel, y, geometry: g, activation: act, hasBias, needDx } = args;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [kh, kw, , f] = kernel.shape as [number, number, number, number];
  const rows = n * g.outH * g.outW;
  const dz = activationGrad(heap, dy, y, rows * f, act);
  const dw = heap.malloc(kh * kw * c * f);
  const db = hasBias ? heap.malloc(f) : null;
  const dx = needDx ? heap.malloc(n * h * w * c) : null;
  const geo = geometry(n, c, f, g);
  const threads = nativeConvThreads(n, rows * f * kh * kw * c);
  holdSignals(addon);
  let done = addon.conv2d!(heap.f32, BACKWARD_WEIGHTS, geo, ptr(x), dz, db ?? NONE, dw, 0, threads);
  if (done && dx !== null)
    done = addon.conv2d!(heap.f32, BACKWARD_DATA, geo, dz, ptr(kernel), NONE, dx, 0, threads);
  if (dz !== ptr(dy)) heap.free(dz);
  if (!done) {
    for (const buffer of [dw, db, dx]) if (buffer !== null) heap.free(buffer);
    return null;
  }
  return { dx, dw, db };
}
