import {
  type ArgBlock,
  type ArgMemory,
  type KernelExports,
  MAX_ARG_BLOCK_BYTES,
  readWindowArgs,
  type WindowArgs,
  writeWindowArgs,
} from './generated/kernels-exports.js';
import { MAX_CHUNKS, type ThreadPool } from './pool.js';

/**
 * The memory-bound kernels of a convolutional network split between the pool's threads: the window
 * kernels (im2col, col2im, maxPool, maxPoolBackward) by ranges of images, the dense epilogue
 * (biasAct) by ranges of rows and the activation derivative (actGrad) by ranges of elements. Every
 * part runs the single-threaded kernel on its range and no two parts write the same float, so the
 * results are bit-identical to one thread:
 * - im2col and maxPool write only their images' outputs; col2im and maxPoolBackward zero and then
 *   add into their own images only (a window never crosses images; maxPool's indexes are flat over
 *   the whole batch, which the kernels' `first` keeps).
 * - colSum (the bias gradient) goes by ranges of columns: a column's sum is the same in any range.
 *   One part per thread, each a whole number of cache lines wide (16 floats), so the threads do not
 *   read the same lines.
 * - biasAct finishes its rows with whole vectors (up to 3 floats past its last row), so a part ends
 *   on a row whose end is a whole vector (rows·cols a multiple of 4) and never touches the next part.
 */

/** Kernels this file splits, as the pool's job table names them. */
export const SPLIT_NAMES = [
  'im2col',
  'col2im',
  'maxPool',
  'maxPoolBackward',
  'biasAct',
  'actGrad',
  'colSumPart',
] as const;
type SplitName = (typeof SPLIT_NAMES)[number];
/** Kernels whose calls this file splits (colSum runs as colSumPart jobs). */
type Split = Exclude<SplitName, 'colSumPart'> | 'colSum';

/**
 * Smallest job split, in floats written (256 KB: tens of µs of a memory-bound pass). Not tuned: it
 * keeps split jobs several times longer than waking a worker (5-65 µs). The CNN's jobs are far above
 * it (batch 32: 200k-1.6M floats), the MLP's biasAct and actGrad (128 × 512) just above.
 */
export const SPLIT_MIN_FLOATS = 1 << 16;

/** What a split needs from the heap it serves (see createHeap in threads.ts). */
export interface SplitContext {
  readonly raw: KernelExports;
  pool(): ThreadPool | null;
  /** The shared memory's views, for reading and writing argument blocks. */
  mem(): ArgMemory;
  /** MAX_CHUNKS argument blocks of MAX_ARG_BLOCK_BYTES, reserved for split jobs. */
  blocks(): number;
  /** The pool's job index of a kernel. */
  op(name: SplitName): number;
  /** Parts a job of `total` units is cut into at most (a few per thread, see threads.ts). */
  parts(pool: ThreadPool): number;
}

/** [start, count] slices of `total` in at most `parts` pieces, each start a multiple of `align`. */
export function slices(total: number, parts: number, align: number): [number, number][] {
  const chunk = Math.ceil(total / parts / align) * align;
  const out: [number, number][] = [];
  for (let start = 0; start < total; start += chunk) out.push([start, Math.min(chunk, total - start)]);
  return out;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The kernels of SPLIT_NAMES routed through the pool when it is open and the job is big enough. */
export function splitMemoryBound(s: SplitContext): Pick<KernelExports, Split> {
  const { raw } = s;
  /** The pool when a job writing `floats` floats in `units` pieces is worth splitting, else null. */
  const poolFor = (floats: number, units: number): ThreadPool | null => {
    const p = s.pool();
    return p && p.size > 1 && units > 1 && floats >= SPLIT_MIN_FLOATS ? p : null;
  };
  /** A window kernel by image ranges; `perImage` is what it writes per image. */
  const window =
    (name: SplitName, perImage: (a: WindowArgs) => number) => (block: ArgBlock<'WindowArgs'>) => {
      const a = readWindowArgs(s.mem(), block);
      const p = poolFor(a.n * perImage(a), a.n);
      if (!p) {
        (raw[name] as (b: number) => void)(block);
        return;
      }
      const chunks = slices(a.n, Math.min(s.parts(p), MAX_CHUNKS), 1).map(([first, n], i) => [
        writeWindowArgs(s.mem(), s.blocks() + i * MAX_ARG_BLOCK_BYTES, { ...a, first: a.first + first, n }),
      ]);
      p.run(s.op(name), chunks);
    };
  const patches = (a: WindowArgs) => a.outH * a.outW * a.kh * a.kw * a.c;
  const image = (a: WindowArgs) => a.inH * a.inW * a.c;
  return {
    im2col: window('im2col', patches),
    col2im: window('col2im', (a) => patches(a) + image(a)),
    maxPool: window('maxPool', (a) => 2 * a.outH * a.outW * a.c),
    maxPoolBackward: window('maxPoolBackward', image),
    biasAct(y, bias, rows, cols, act) {
      const p = poolFor(rows * cols, rows);
      if (!p) {
        raw.biasAct(y, bias, rows, cols, act);
        return;
      }
      const align = 4 / gcd(cols, 4); // rows whose end is a whole vector
      const chunks = slices(rows, Math.min(s.parts(p), MAX_CHUNKS), align).map(([r, count]) => [
        y + 4 * r * cols,
        bias,
        count,
        cols,
        act,
      ]);
      p.run(s.op('biasAct'), chunks);
    },
    actGrad(dy, y, dz, n, act) {
      const p = poolFor(n, Math.ceil(n / 4));
      if (!p) {
        raw.actGrad(dy, y, dz, n, act);
        return;
      }
      const chunks = slices(n, Math.min(s.parts(p), MAX_CHUNKS), 4).map(([i, count]) => {
        const at = 4 * i;
        return [dy + at, y + at, dz + at, count, act];
      });
      p.run(s.op('actGrad'), chunks);
    },
    colSum(x, rows, cols, out) {
      const p = poolFor(rows * cols, Math.ceil(cols / 16));
      if (!p) {
        raw.colSum(x, rows, cols, out);
        return;
      }
      const chunks = slices(cols, p.size, 16).map(([first, count]) => [x, rows, cols, first, count, out]);
      p.run(s.op('colSumPart'), chunks);
    },
  };
}
