/**
 * Hot kernels of the ts reference backend, as an MLP training step uses them.
 * Run: npx tsx bench/ts-kernels.ts
 *
 * gemm: the forward x·w of a 784→512 dense layer at batch 128, and the two backward products
 * (dw = xᵀ·dz, dx = dz·wᵀ), in GFLOP/s. Elementwise: the activations and arithmetic a dense
 * layer and its gradient run, in millions of elements per second.
 */
import type { BinaryOp, TensorInfo, UnaryOp } from '../src/backend/backend.js';
import { tsBackend } from '../src/backends/ts/index.js';

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const info = (shape: number[], seed: number): TensorInfo => ({
  data: rand(
    shape.reduce((p, d) => p * d, 1),
    seed,
  ),
  shape,
  dtype: 'float32',
});

/** Median seconds per call over `reps` timed calls, after warm-up. */
function time(fn: () => void, reps: number): number {
  for (let i = 0; i < 3; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const [batch, inDim, outDim] = [128, 784, 512];
const x = info([batch, inDim], 1);
const w = info([inDim, outDim], 2);
const dz = info([batch, outDim], 3);
const flops = 2 * batch * inDim * outDim;

console.log(`ts backend kernels (Node ${process.version})`);
const gemms: [string, () => unknown][] = [
  ['x·w     128×784·784×512', () => tsBackend.matmul(x, w, false, false)],
  ['xᵀ·dz   (784×128)·128×512', () => tsBackend.matmul(x, dz, true, false)],
  ['dz·wᵀ   128×512·(512×784)', () => tsBackend.matmul(dz, w, false, true)],
];
for (const [label, fn] of gemms) {
  const s = time(fn, 15);
  console.log(`gemm ${label}: ${(flops / s / 1e9).toFixed(2)} GFLOP/s (${(s * 1000).toFixed(1)} ms)`);
}

const a = info([batch, outDim], 4);
const b = info([batch, outDim], 5);
const bias = info([outDim], 6);
const n = batch * outDim;
const unaries: UnaryOp[] = ['sigmoid', 'relu', 'tanh', 'exp', 'neg', 'square'];
const binaries: BinaryOp[] = ['add', 'mul', 'sub'];
// Interleave the ops, as a training step does, so each loop sees every op (the megamorphic case).
const cases: [string, () => unknown][] = [
  ...unaries.map((op): [string, () => unknown] => [op, () => tsBackend.unary(op, a)]),
  ...binaries.map((op): [string, () => unknown] => [op, () => tsBackend.binary(op, a, b, a.shape)]),
  ['add bias [128,512]+[512]', () => tsBackend.binary('add', a, bias, a.shape)],
];
for (const [, fn] of cases) fn();
for (const [label, fn] of cases) {
  const s = time(fn, 50);
  console.log(`elementwise ${label}: ${(n / s / 1e6).toFixed(0)} M elements/s`);
}
