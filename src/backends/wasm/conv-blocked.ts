import type {
  Conv2dBackwardArgs,
  DenseGrads,
  FusedActivation,
  TensorInfo,
  WindowGeometry,
} from '../../backend/backend.js';
import type { Shape } from '../../tensor/shape.js';
import type { Heap } from './heap.js';
import { ACT_CODE } from './kernels.js';
import { gemm, operand } from './matmul.js';
import { col2imAt, im2colAt } from './window.js';

const ptr = (x: TensorInfo) => x.data as number;

/**
 * Bytes of patches plus output rows per block of images, so a block stays in L2 between im2col, the
 * GEMM, the epilogue and col2im.
 */
let blockBytes = 1 << 20;

/**
 * Convolutions whose whole-batch patches are at least this many blocks go in blocks. Why not all:
 * the blocks' products are smaller and the patches are computed twice (forward and backward), which
 * measured slower for the Fashion-MNIST CNN at batch 32 (3.7–4.2 s per quarter epoch against 4.4–4.8;
 * its largest patches are 7.2 MB); at batch 128 (29 MB) blocks were as fast (4.3–4.4 against 4.4–4.5 s)
 * and the step no longer holds the patches: peak RSS 721–730 MB against 860–862. BENCHMARKS.md has the
 * runs ("Convolutions in blocks of images").
 */
let minBlocks = 8;

/**
 * Sets the block size and the minimum number of blocks (tests use small blocks so every path crosses
 * a block boundary); returns a function that restores the previous settings.
 */
export function setConvBlocking(bytes: number, blocks = minBlocks): () => void {
  const old = [blockBytes, minBlocks] as const;
  blockBytes = Math.max(1, Math.floor(bytes));
  minBlocks = blocks;
  return () => {
    [blockBytes, minBlocks] = old;
  };
}

/**
 * Whether the backend computes this convolution of x [n, h, w, c] itself, in blocks of images: when
 * its patches are large (see minBlocks), except for 1×1 stride-1 kernels (their "patches" are the
 * input itself, read in place by the dense layer). TENSILE_CONV_BLOCKED=0 leaves every convolution to
 * im2col + dense (for A/B runs).
 */
export function useBlockedConv(g: WindowGeometry, n: number, c: number): boolean {
  if (g.kh * g.kw === 1 && g.strideH * g.strideW === 1) return false;
  if (4 * n * g.outH * g.outW * g.kh * g.kw * c < minBlocks * blockBytes) return false;
  return typeof process === 'undefined' || process.env?.TENSILE_CONV_BLOCKED !== '0';
}

interface Plan {
  n: number;
  /** One image's shape, elements, patch rows (outH·outW) and patch width (kh·kw·c). */
  image: Shape;
  imageSize: number;
  rows: number;
  width: number;
  f: number;
  /** Images per block. */
  per: number;
}

function plan(x: TensorInfo, kernel: TensorInfo, g: WindowGeometry): Plan {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const f = kernel.shape[3]!;
  const rows = g.outH * g.outW;
  const width = g.kh * g.kw * c;
  const per = Math.max(1, Math.min(n, Math.floor(blockBytes / (4 * rows * (width + f)))));
  return { n, image: [h, w, c], imageSize: h * w * c, rows, width, f, per };
}

/** The images [b0, b0 + nb) of a plan: their shape and the byte offset of their first element. */
const images = (p: Plan, b0: number, nb: number): [Shape, number] => [[nb, ...p.image], 4 * b0 * p.imageSize];

/** y [n, outH, outW, f] = act(conv2d(x, kernel) + bias): im2col, one GEMM and the epilogue per block. */
export function conv2dBlocked(
  heap: Heap,
  x: TensorInfo,
  kernel: TensorInfo,
  bias: TensorInfo | null,
  g: WindowGeometry,
  act: FusedActivation,
): number {
  const p = plan(x, kernel, g);
  const y = heap.malloc(p.n * p.rows * p.f);
  const cols = heap.malloc(p.per * p.rows * p.width);
  for (let b0 = 0; b0 < p.n; b0 += p.per) {
    const nb = Math.min(p.per, p.n - b0);
    const [shape, offset] = images(p, b0, nb);
    im2colAt(heap, ptr(x) + offset, shape, g, 0, cols);
    const m = nb * p.rows;
    const out = y + 4 * b0 * p.rows * p.f;
    gemm(
      heap,
      m,
      p.f,
      p.width,
      operand(cols, m, p.width, false),
      operand(ptr(kernel), p.width, p.f, false),
      out,
    );
    if (m * p.f > 0) heap.k.biasAct(out, bias ? ptr(bias) : 0, m, p.f, ACT_CODE[act]);
  }
  heap.free(cols);
  return y;
}

/**
 * Gradients of conv2dBlocked, block by block: dz = dy·act'(y); the patches again (recomputed, not
 * kept from the forward pass: in cache that costs less than storing them, and saves their memory);
 * dkernel += patchesᵀ·dz; dx = col2im(dz·kernelᵀ); dbias += Σ dz. The kernel gradient sums its
 * blocks in order, so a batch's result depends only on the block size, not on timing.
 */
export function conv2dBlockedBackward(heap: Heap, args: Conv2dBackwardArgs): DenseGrads {
  const { dy, x, kernel, y, geometry: g, activation: act, hasBias, needDx } = args;
  const p = plan(x, kernel, g);
  const { rows, width, f } = p;
  const dw = heap.malloc(width * f);
  if (p.n * rows === 0) heap.fill(dw, width * f, 0, 'float32');
  const db = hasBias ? heap.malloc(f) : null;
  if (db !== null) heap.fill(db, f, 0, 'float32');
  const dx = needDx ? heap.malloc(p.n * p.imageSize) : null;
  const blockRows = p.per * rows;
  const cols = heap.malloc(blockRows * width);
  const dz = act === 'linear' ? 0 : heap.malloc(blockRows * f);
  const dcols = needDx ? heap.malloc(blockRows * width) : 0;
  const colSums = hasBias ? heap.malloc(f) : 0;
  for (let b0 = 0; b0 < p.n; b0 += p.per) {
    const nb = Math.min(p.per, p.n - b0);
    const m = nb * rows;
    const at = 4 * b0 * rows * f;
    let dzb = ptr(dy) + at;
    if (dz !== 0) {
      if (m * f > 0) heap.k.actGrad(dzb, ptr(y) + at, dz, m * f, ACT_CODE[act]);
      dzb = dz;
    }
    const [shape, offset] = images(p, b0, nb);
    im2colAt(heap, ptr(x) + offset, shape, g, 0, cols);
    heap.gemm({
      ...{ m: width, n: f, k: m, a: cols, rsa: 1, csa: width, b: dzb, rsb: f, csb: 1 },
      ...{ c: dw, ldc: f, accumulate: b0 === 0 ? 0 : 1 },
    });
    if (dx !== null) {
      gemm(heap, m, width, f, operand(dzb, m, f, false), operand(ptr(kernel), f, width, true), dcols);
      col2imAt(heap, dcols, g, shape, dx + offset);
    }
    if (db !== null && m > 0) {
      heap.k.colSum(dzb, m, f, colSums);
      const sums = heap.f32;
      for (let j = 0; j < f; j++) sums[db / 4 + j]! += sums[colSums / 4 + j]!;
    }
  }
  for (const buffer of [cols, dz, dcols, colSums]) if (buffer !== 0) heap.free(buffer);
  return { dx, dw, db };
}
