import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { valueAndGrads } from '../../autograd/backward.js';
import type { Backend, FusedActivation, TensorInfo } from '../../backend/backend.js';
import { conv2d } from '../../ops/conv.js';
import { convGeometry } from '../../ops/conv-geometry.js';
import { tensor } from '../../ops/core.js';
import { reshape } from '../../ops/layout.js';
import { matmul } from '../../ops/matmul.js';
import { maxPool2d } from '../../ops/pool.js';
import { sum } from '../../ops/reduce.js';
import { Variable } from '../../tensor/tensor.js';
import { on } from '../../test-utils/backends.js';
import { createWasmBackend } from './index.js';
import { nativeStatus } from './native-loader.js';
import { ThreadPool } from './pool.js';
import { download, expectClose, f32, type Input, upload } from './test-utils/parity.js';
import { POOL_KERNELS } from './threads.js';
import { SPLIT_MIN_FLOATS } from './threads-split.js';

// Products stay on the wasm GEMM (no native addon), so Winograd runs on both backends.
const threaded = createWasmBackend({ threads: 2, native: false });
const single = createWasmBackend({ native: false });
afterAll(() => threaded.close());
afterEach(() => vi.restoreAllMocks());

const float = (b: Backend, data: unknown, shape: number[]) => download(b, data, shape, 'float32');
const int = (b: Backend, data: unknown, shape: number[]) => download(b, data, shape, 'int32');

/** Runs `fn` on the threaded backend, recording the pool's jobs as [kernel name, chunks]. */
function threadedJobs<T>(fn: (b: Backend) => T): { out: T; jobs: [string, number][] } {
  const spy = vi.spyOn(ThreadPool.prototype, 'run');
  const out = fn(threaded);
  const jobs = spy.mock.calls.map(([op, chunks]) => [POOL_KERNELS[op]!, chunks.length] as [string, number]);
  spy.mockRestore();
  return { out, jobs };
}

/** Results of `fn` on both backends (inputs uploaded to each), and the threaded run's jobs. */
function both(inputs: Input[], fn: (b: Backend, xs: TensorInfo[]) => number[][]) {
  const run = (b: Backend) =>
    fn(
      b,
      inputs.map((x) => upload(b, x)),
    );
  const { out, jobs } = threadedJobs(run);
  return { threaded: out, single: run(single), jobs };
}

/** Asserts bit identity, result by result (also the sign of zero). */
function expectIdentical(a: number[][], b: number[][], what: string): void {
  expect(a.length).toBe(b.length);
  for (const [i, r] of a.entries()) expectClose(r, b[i]!, `${what} #${i}`, 0, 0);
}

const geometry = (shape: number[], k: number, s: number, padding: 'same' | 'valid') =>
  convGeometry('conv2d', shape, { kernel: [k, k], strides: [s, s], padding });

describe('wasm-threads window kernels split by images', () => {
  // [n, h, w, c, kernel, stride, padding]: 7 images of the CNN's first activations (6 parts: the
  // last holds 1), a strided odd-size one with channels not a multiple of 4 (5 parts), and batch 1
  // (never split). Each job is over the split size (SPLIT_MIN_FLOATS) where n > 1.
  const cases = [
    [7, 28, 28, 32, 3, 1, 'same'],
    [5, 61, 59, 10, 3, 2, 'valid'],
    [1, 40, 40, 8, 3, 1, 'same'],
  ] as const;
  for (const [n, h, w, c, k, s, padding] of cases) {
    it(`im2col, col2im, maxPool and maxPoolBackward are bit-identical to one thread: ${n}×${h}×${w}×${c}`, () => {
      const shape = [n, h, w, c];
      const g = geometry(shape, k, s, padding);
      const pool = convGeometry('maxPool2d', shape, { kernel: [2, 2], strides: [2, 2] });
      const cols = [n, g.outH, g.outW, k * k * c];
      const pooled = [n, pool.outH, pool.outW, c];
      const inputs = [f32(shape, 1), f32(cols, 2), f32(pooled, 3)];
      const r = both(inputs, (b, [x, dcols, dy]) => {
        const patches = b.im2col!(x!, g, 0.5);
        const dx = b.col2im!(dcols!, g, shape);
        const { y, index } = b.maxPool!(x!, pool);
        const dxPool = b.maxPoolBackward!(dy!, { data: index, shape: pooled, dtype: 'int32' }, shape);
        return [float(b, patches, cols), float(b, dx, shape), float(b, y, pooled)].concat([
          int(b, index, pooled),
          float(b, dxPool, shape),
        ]);
      });
      expectIdentical(r.threaded, r.single, 'window kernels');
      const split = r.jobs.filter(([name]) =>
        ['im2col', 'col2im', 'maxPool', 'maxPoolBackward'].includes(name),
      );
      if (n === 1) expect(split, 'one image is never split').toEqual([]);
      else {
        // The images in at most 6 parts (3 per thread) of equal size, the last one partial.
        const parts = Math.ceil(n / Math.ceil(n / 6));
        for (const name of ['im2col', 'col2im', 'maxPool', 'maxPoolBackward'])
          expect(split, name).toContainEqual([name, parts]);
      }
    });
  }
});

describe('wasm-threads dense epilogues split by rows, elements and columns', () => {
  // [rows, cols]: odd column counts, so row ranges end on whole vectors only at multiples of 4 rows.
  for (const [rows, cols] of [
    [333, 199],
    [129, 514],
  ] as const) {
    for (const act of ['relu', 'sigmoid', 'tanh', 'linear'] as FusedActivation[]) {
      it(`biasAct, actGrad and colSum are bit-identical to one thread: ${rows}×${cols} ${act}`, () => {
        const k = 24;
        const inputs = [f32([rows, k], 4), f32([k, cols], 5), f32([cols], 6), f32([rows, cols], 7)];
        const r = both(inputs, (b, [x, w, bias, dy]) => {
          const y = b.dense!(x!, w!, bias!, act);
          const yInfo = { data: y, shape: [rows, cols], dtype: 'float32' as const };
          const grads = b.denseBackward!(dy!, x!, w!, yInfo, act, true, true);
          const out = [float(b, y, [rows, cols]), float(b, grads.dx, [rows, k])];
          return out.concat([float(b, grads.dw, [k, cols]), float(b, grads.db, [cols])]);
        });
        expectIdentical(r.threaded, r.single, 'dense');
        expect(rows * cols).toBeGreaterThanOrEqual(SPLIT_MIN_FLOATS);
        expect(r.jobs.map(([name]) => name)).toContain('biasAct');
        expect(r.jobs, 'the bias gradient by columns, one part per thread').toContainEqual(['colSumPart', 2]);
        if (act !== 'linear') expect(r.jobs.map(([name]) => name)).toContain('actGrad');
      });
    }
  }
});

describe('wasm-threads Winograd convolution split by blocks of tiles', () => {
  // [n, h, w, c, f, act, parts]. The CNN's second layer: 9 images of 14×14 are 441 tiles, 3 blocks
  // of ≤ 168 (the last partial), one part each; 1 image (49 tiles, one block) runs whole. 256 → 256
  // channels make 32-tile blocks: 5 images of 14×12 are 210 tiles, 7 blocks (the last partial), in
  // parts of decreasing size (2, 2, 1, 1, 1 blocks).
  for (const [n, h, w, c, f, act, parts] of [
    [9, 14, 14, 32, 64, 'relu', 3],
    [1, 14, 14, 32, 64, 'sigmoid', 1],
    [5, 14, 12, 256, 256, 'linear', 5],
  ] as const) {
    it(`forward and input gradient bit-identical, kernel gradient within 2e-5 and deterministic: ${n}×${h}×${w}×${c} → ${f}`, () => {
      const shape = [n, h, w, c];
      const g = geometry(shape, 3, 1, 'same');
      const out = [n, h, w, f];
      const inputs = [f32(shape, 8), f32([3, 3, c, f], 9), f32([f], 10), f32(out, 11)];
      const run = (b: Backend, [x, k, bias, dy]: TensorInfo[]) => {
        const y = b.conv2d!(x!, k!, bias!, g, act);
        const yInfo = { data: y, shape: out, dtype: 'float32' as const };
        const args = { dy: dy!, x: x!, kernel: k!, y: yInfo, geometry: g, activation: act };
        const grads = b.conv2dBackward!({ ...args, hasBias: true, needDx: true });
        return [float(b, y, out), float(b, grads.dx, shape), float(b, grads.dw, [3, 3, c, f])];
      };
      const r = both(inputs, run);
      expectIdentical(r.threaded.slice(0, 2), r.single.slice(0, 2), 'forward and dx');
      // The kernel gradient sums the parts' sums in part order: other rounding than one thread's.
      const scale = r.single[2]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expectClose(r.threaded[2]!, r.single[2]!, 'dkernel', 2e-5, 2e-5 * scale);
      if (parts === 1) expectIdentical(r.threaded.slice(2), r.single.slice(2), 'dkernel in one part');
      const again = both(inputs, run);
      expectIdentical(again.threaded, r.threaded, 'a second threaded run');
      const winograd = r.jobs.filter(([name]) => name.startsWith('winograd'));
      if (parts === 1) expect(winograd).toEqual([]);
      else {
        expect(winograd).toContainEqual(['winogradConv', parts]);
        expect(winograd).toContainEqual(['winogradFilterGrad', parts]);
      }
    });
  }
});

describe('wasm-threads with the native addon', () => {
  const native = nativeStatus().active;
  // The addon computes the products in place on the heap's Float32Array, here a view of the shared
  // memory (a SharedArrayBuffer); the memory-bound kernels are still split between the threads.
  it.skipIf(!native)(
    'trains a conv + pool + dense stack to the same values and gradients as one thread',
    () => {
      const [twoThreads, oneThread] = [createWasmBackend({ threads: 2 }), createWasmBackend()];
      const specs = [
        f32([6, 28, 28, 4], 12),
        f32([3, 3, 4, 32], 13),
        f32([32], 14),
        f32([14 * 14 * 32, 10], 15),
      ];
      const train = (b: Backend) =>
        on(b, () => {
          const [x, k, bias, w] = specs.map((s) => new Variable(tensor(s.values as Float32Array, s.shape)));
          const loss = () => {
            const h = maxPool2d(conv2d(x!, k!, bias!, { padding: 'same', activation: 'relu' }), {
              poolSize: 2,
            });
            return sum(matmul(reshape(h, [6, -1]), w!));
          };
          const { value, grads } = valueAndGrads(loss, [x!, k!, bias!, w!]);
          return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
        });
      const spy = vi.spyOn(ThreadPool.prototype, 'run');
      const threadedResults = train(twoThreads);
      const jobs = spy.mock.calls.map(([op]) => POOL_KERNELS[op]);
      expect(twoThreads.threads).toBe(2);
      expectIdentical(threadedResults, train(oneThread), 'native, two threads against one');
      // The products (or, with an addon built with convolutions, the whole convolution) went to the
      // addon, the pooling to the pool.
      expect(jobs).not.toContain('gemm');
      for (const name of ['maxPool', 'maxPoolBackward']) expect(jobs).toContain(name);
      twoThreads.close();
    },
  );
});
