import type { DenseGrads, FusedActivation, TensorInfo, WindowGeometry } from '../../backend/backend.js';
import { type ArgBlock, writeWinogradArgs } from './generated/kernels-exports.js';
import type { Heap } from './heap.js';
import { ACT_CODE } from './kernels.js';
import { gemm, operand } from './matmul.js';
import { nativeFor } from './native.js';

const ptr = (x: TensorInfo) => x.data as number;

/**
 * Whether a convolution goes through Winograd F(2×2, 3×3) here: 3×3, stride 1, undilated, channel
 * counts that are whole vectors, and only where it measured faster than im2col + GEMM (bench/cnn-step.ts,
 * BENCHMARKS.md): products on the wasm GEMM (with the native addon, im2col + its GEMM is faster) and
 * more than a few input channels (the CNN's 1-channel first layer is a K = 9 product, cheaper as is).
 * TENSILE_WINOGRAD=0 turns it off (for A/B runs and parity tests).
 */
export function useWinograd(heap: Heap, g: WindowGeometry, c: number, f: number): boolean {
  if (g.kh !== 3 || g.kw !== 3 || g.strideH !== 1 || g.strideW !== 1) return false;
  if (g.dilationH !== 1 || g.dilationW !== 1 || c % 4 !== 0 || f % 4 !== 0 || c < 8) return false;
  if (typeof process !== 'undefined' && process.env?.TENSILE_WINOGRAD === '0') return false;
  return nativeFor(heap) === null;
}

interface Plan {
  n: number;
  inH: number;
  inW: number;
  c: number;
  f: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

function args(heap: Heap, p: Plan, x: number, t: number, y: number, bias: number, act: number, flip: number) {
  return writeWinogradArgs(heap, heap.argBlock, {
    ...p,
    act,
    flip,
    x,
    t,
    y,
    bias,
  }) as ArgBlock<'WinogradArgs'>;
}

/**
 * y [n, outH, outW, f] = act(conv(x, kernel) + bias) by Winograd: x [n, inH, inW, c] with `padTop`
 * / `padLeft` zeros before it (and as many after as the output needs), the kernel [3, 3, c, f], or
 * with `flip` [3, 3, f, c] read rotated by 180° with its channel axes swapped (the input gradient).
 */
function winograd(
  heap: Heap,
  p: Plan,
  x: number,
  kernel: number,
  flip: boolean,
  bias: number,
  act: FusedActivation,
): number {
  const tiles = p.n * ((p.outH + 1) >> 1) * ((p.outW + 1) >> 1);
  const v = heap.malloc(16 * tiles * p.c);
  const u = heap.malloc(16 * p.c * p.f);
  const m = heap.malloc(16 * tiles * p.f);
  const y = heap.malloc(p.n * p.outH * p.outW * p.f);
  // The kernel transform reads [3, 3, c, f] either way: flipped, its "c" is the stored third axis.
  const kp = flip ? { ...p, c: p.f, f: p.c } : p;
  heap.k.winogradKernel(args(heap, kp, kernel, u, 0, 0, 0, flip ? 1 : 0));
  heap.k.winogradInput(args(heap, p, x, v, 0, 0, 0, 0));
  for (let e = 0; e < 16; e++) {
    const a = operand(v + e * tiles * p.c * 4, tiles, p.c, false);
    const b = operand(u + e * p.c * p.f * 4, p.c, p.f, false);
    gemm(heap, tiles, p.f, p.c, a, b, m + e * tiles * p.f * 4);
  }
  const fusedAct = act === 'relu' ? 1 : 0;
  heap.k.winogradOutput(args(heap, p, 0, m, y, bias, fusedAct, 0));
  // sigmoid and tanh go as dense's epilogue does, after the bias was added above.
  if (act !== 'linear' && act !== 'relu') heap.k.biasAct(y, 0, p.n * p.outH * p.outW, p.f, ACT_CODE[act]);
  heap.free(v);
  heap.free(u);
  heap.free(m);
  return y;
}

/** The fused convolution act(conv2d(x, kernel) + bias) by Winograd (the caller checked useWinograd). */
export function conv2dWinograd(
  heap: Heap,
  x: TensorInfo,
  kernel: TensorInfo,
  bias: TensorInfo | null,
  g: WindowGeometry,
  act: FusedActivation,
): number {
  const [n, inH, inW, c] = x.shape as [number, number, number, number];
  const f = kernel.shape[3]!;
  const p = { n, inH, inW, c, f, padTop: g.padTop, padLeft: g.padLeft, outH: g.outH, outW: g.outW };
  return winograd(heap, p, ptr(x), ptr(kernel), false, bias ? ptr(bias) : 0, act);
}

/**
 * Gradients of conv2dWinograd: dz = dy·act'(y); dx = dz convolved with the kernel rotated by 180°
 * and transposed (a stride-1 convolution again, so Winograd again, padded by 2 - pad); dkernel by
 * Winograd as well (kernelGrad: 16 long-K GEMMs, measured 2–4 ms faster per C1 step than im2col +
 * one GEMM of 2.25× the products); dbias = Σ dz.
 */
export function conv2dWinogradBackward(
  heap: Heap,
  dy: TensorInfo,
  x: TensorInfo,
  kernel: TensorInfo,
  y: TensorInfo,
  g: WindowGeometry,
  act: FusedActivation,
  hasBias: boolean,
  needDx: boolean,
): DenseGrads {
  const [n, inH, inW, c] = x.shape as [number, number, number, number];
  const f = kernel.shape[3]!;
  const rows = n * g.outH * g.outW;
  let dz = ptr(dy);
  if (act !== 'linear') {
    dz = heap.malloc(rows * f);
    if (rows * f > 0) heap.k.actGrad(ptr(dy), ptr(y), dz, rows * f, ACT_CODE[act]);
  }
  let dx: number | null = null;
  if (needDx) {
    const p = { n, inH: g.outH, inW: g.outW, c: f, f: c, padTop: 2 - g.padTop, padLeft: 2 - g.padLeft };
    dx = winograd(heap, { ...p, outH: inH, outW: inW }, dz, ptr(kernel), true, 0, 'linear');
  }
  const p = { n, inH, inW, c, f, padTop: g.padTop, padLeft: g.padLeft, outH: g.outH, outW: g.outW };
  const dw = kernelGrad(heap, p, ptr(x), dz);
  let db: number | null = null;
  if (hasBias) {
    db = heap.malloc(f);
    heap.k.colSum(dz, rows, f, db);
  }
  if (dz !== ptr(dy)) heap.free(dz);
  return { dx, dw, db };
}

/** dkernel [3, 3, c, f] = Gᵀ[Σ_tiles (A dz Aᵀ) ⊙ (Bᵀ x B)]G: 16 long-K GEMMs over the tiles. */
function kernelGrad(heap: Heap, p: Plan, x: number, dz: number): number {
  const tiles = p.n * ((p.outH + 1) >> 1) * ((p.outW + 1) >> 1);
  const v = heap.malloc(16 * tiles * p.c);
  const z = heap.malloc(16 * tiles * p.f);
  const w = heap.malloc(16 * p.c * p.f);
  const dw = heap.malloc(9 * p.c * p.f);
  heap.k.winogradInput(args(heap, p, x, v, 0, 0, 0, 0));
  heap.k.winogradGradOutput(args(heap, p, dz, z, 0, 0, 0, 0));
  for (let e = 0; e < 16; e++) {
    const a = operand(v + e * tiles * p.c * 4, p.c, tiles, true);
    const b = operand(z + e * tiles * p.f * 4, tiles, p.f, false);
    gemm(heap, p.c, p.f, tiles, a, b, w + e * p.c * p.f * 4);
  }
  heap.k.winogradKernelGrad(args(heap, p, 0, w, dw, 0, 0, 0));
  heap.free(v);
  heap.free(z);
  heap.free(w);
  return dw;
}
