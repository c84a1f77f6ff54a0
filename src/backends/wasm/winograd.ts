import type {
  Conv2dBackwardArgs,
  DenseGrads,
  FusedActivation,
  TensorInfo,
  WindowGeometry,
} from '../../backend/backend.js';
import { activationGrad } from './fused.js';
import { type ArgBlock, MAX_ARG_BLOCK_BYTES, writeWinogradArgs } from './generated/kernels-exports.js';
import type { Heap } from './heap.js';
import { ACT_CODE } from './kernels.js';
import { nativeFor } from './native.js';
import { MAX_CHUNKS } from './pool.js';
import { heapThreads, runParts } from './threads.js';
import { slices } from './threads-split.js';

const ptr = (x: TensorInfo) => x.data as number;

/**
 * Whether a convolution goes through Winograd F(2×2, 3×3) here: 3×3, stride 1, undilated, channel
 * counts that are whole vectors, and products on the wasm GEMM. Measured faster than im2col + GEMM
 * for the CNN's 32 → 64 layer (BENCHMARKS.md), on one thread and on `wasm-threads` (whose threads
 * share the blocks of tiles, see runTiles). Left out, unmeasured: the native addon (its GEMM is ~5×
 * the wasm one, so the wasm transforms would dominate), and fewer than 8 input channels (K = 4
 * products; the CNN's 1-channel first layer fails the vector rule anyway).
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

/** The buffers and flags of one call (see WinogradArgs in assembly/winograd.ts); unset ones are 0. */
interface Buffers {
  x?: number;
  t?: number;
  y?: number;
  u?: number;
  bias?: number;
  act?: number;
  flip?: number;
}

/** The argument block of one call at `at` (default the heap's), for the tiles [first, end). */
function args(heap: Heap, p: Plan, b: Buffers, at = heap.argBlock, first = 0, end = 0, gemmArgs = 0) {
  const { x = 0, t = 0, y = 0, u = 0, bias = 0, act = 0, flip = 0 } = b;
  const block = blockTiles(p);
  const fields = { x, t, y, u, bias, act, flip, block, firstTile: first, endTile: end, gemmArgs };
  return writeWinogradArgs(heap, at, { ...p, ...fields }) as ArgBlock<'WinogradArgs'>;
}

const tileCount = (p: Plan) => p.n * ((p.outH + 1) >> 1) * ((p.outW + 1) >> 1);
/** Floats of one part's work buffer: a block's transformed tiles (in and out). */
const workFloats = (p: Plan) => 16 * blockTiles(p) * (p.c + p.f);
/** Floats after a part's own work buffer: its GEMM argument block (64 bytes) and its argument block. */
const PART_EXTRA_FLOATS = 16 + MAX_ARG_BLOCK_BYTES / 4;

/**
 * Runs a blocked kernel over all tiles, in parts of whole blocks shared by the heap's threads (one
 * part on a single-threaded heap). Each thread works in the Winograd area of its own scratch when a
 * block fits there (always, unless c + f > 4096), else each part gets a work buffer of its own.
 * `b.u` of part i is `u(i)`.
 */
function runTiles(
  heap: Heap,
  p: Plan,
  name: 'winogradConv' | 'winogradFilterGrad',
  b: Buffers,
  u: (part: number) => number,
  parts = tileRanges(heap, p),
): void {
  const inScratch = 4 * workFloats(p) <= heap.k.winogradWorkBytes();
  const stride = (inScratch ? 0 : workFloats(p)) + PART_EXTRA_FLOATS;
  const buffers = heap.malloc(parts.length * stride);
  const blocks = parts.map(([first, end], i) => {
    const t = buffers + 4 * i * stride; // t = 0: the thread's scratch
    const gemmArgs = t + 4 * (stride - PART_EXTRA_FLOATS);
    return args(heap, p, { ...b, t: inScratch ? 0 : t, u: u(i) }, gemmArgs + 64, first, end, gemmArgs);
  });
  runParts(heap, name, blocks);
  heap.free(buffers);
}

/**
 * The tile ranges [first, end) of the heap's parts, in whole blocks (so each block is computed as on
 * one thread) of decreasing size, each about 1/(2·threads) of the blocks left: big parts first, so
 * the threads finish within about a block of each other (the pool starts on the last part first).
 * Measured on the CNN's second layer at batch 128 (38 blocks): 6 equal parts left the calling thread
 * waiting 3.5 ms per step for the last ones; smaller equal parts cost their own work buffers.
 */
function tileRanges(heap: Heap, p: Plan): [number, number][] {
  const tiles = tileCount(p);
  const block = blockTiles(p);
  const threads = heapThreads(heap);
  let left = Math.ceil(tiles / block);
  if (threads <= 1 || left <= 1) return [[0, tiles]];
  const sizes: number[] = [];
  for (; left > 0; left -= sizes[sizes.length - 1]!) sizes.push(Math.max(1, Math.ceil(left / (2 * threads))));
  if (sizes.length > MAX_CHUNKS) return slices(tiles, threads, block).map(([first, n]) => [first, first + n]);
  let end = 0;
  return sizes.reverse().map((n) => {
    const first = end;
    end = Math.min(tiles, first + n * block);
    return [first, end];
  });
}

/**
 * Bytes of transformed tiles (in and out) per block, so they are still in L2 when the GEMMs and the
 * output transform read them. Measured on the CNN's second layer (Intel Xeon, 2026-12-03): 1 MB
 * blocks 14.2 ms per forward + backward, 128 KB 15.3–16.3, 384 KB 17.3, unblocked 19.9.
 */
const BLOCK_BYTES = 1 << 20;

/** Tiles per block of the blocked kernels: a multiple of 4 (the GEMM's row strips). */
function blockTiles(p: Plan): number {
  return Math.max(4, Math.floor(BLOCK_BYTES / (64 * (p.c + p.f)) / 4) * 4);
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
  const u = heap.malloc(16 * p.c * p.f);
  const y = heap.malloc(p.n * p.outH * p.outW * p.f);
  // The kernel transform reads [3, 3, c, f] either way: flipped, its "c" is the stored third axis.
  const kp = flip ? { ...p, c: p.f, f: p.c } : p;
  heap.k.winogradKernel(args(heap, kp, { x: kernel, t: u, flip: flip ? 1 : 0 }));
  const fusedAct = act === 'relu' ? 1 : 0;
  runTiles(heap, p, 'winogradConv', { x, y, bias, act: fusedAct }, () => u);
  // sigmoid and tanh go as dense's epilogue does, after the bias was added above.
  if (act !== 'linear' && act !== 'relu') heap.k.biasAct(y, 0, p.n * p.outH * p.outW, p.f, ACT_CODE[act]);
  heap.free(u);
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
export function conv2dWinogradBackward(heap: Heap, args: Conv2dBackwardArgs): DenseGrads {
  const { dy, x, kernel, y, geometry: g, activation: act, hasBias, needDx } = args;
  const [n, inH, inW, c] = x.shape as [number, number, number, number];
  const f = kernel.shape[3]!;
  const rows = n * g.outH * g.outW;
  const dz = activationGrad(heap, dy, y, rows * f, act);
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

/**
 * dkernel [3, 3, c, f] = Gᵀ[Σ_tiles (A dz Aᵀ) ⊙ (Bᵀ x B)]G: 16 long-K GEMMs, a block of tiles at a
 * time. Split between threads, each part sums its own tiles into its own Ŵ, and the parts' sums are
 * added in part order: the result depends on the number of parts, never on timing.
 */
function kernelGrad(heap: Heap, p: Plan, x: number, dz: number): number {
  const plane = 16 * p.c * p.f;
  const parts = tileRanges(heap, p);
  const w = heap.malloc(parts.length * plane);
  const dw = heap.malloc(9 * p.c * p.f);
  runTiles(heap, p, 'winogradFilterGrad', { x, y: dz }, (i) => w + 4 * i * plane, parts);
  // With no tiles (an empty batch) no GEMM wrote the sums: the gradient is zero.
  if (tileCount(p) === 0) heap.fill(w, plane, 0, 'float32');
  for (let i = 1; i < parts.length; i++) heap.k.winogradAddSums(w, w + 4 * i * plane, plane);
  heap.k.winogradKernelGrad(args(heap, p, { t: w, y: dw }));
  heap.free(w);
  return dw;
}
