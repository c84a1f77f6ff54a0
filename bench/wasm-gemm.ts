/**
 * GEMM throughput of the wasm backend against the ts reference, on the MNIST MLP's biggest layer.
 * Run: npx tsx bench/wasm-gemm.ts [reps]
 *
 * Shapes: the forward x·w of a 784→512 dense layer at batch 128, and its two backward products
 * dw = xᵀ·dz and dx = dz·wᵀ (the transposed operands are read in place), plus small batches (the
 * no-pack path) and the fused dense forward + backward. The machine is shared, so each case runs
 * `reps` times with ts and wasm interleaved, and the best and median GFLOP/s are printed.
 */
import type { Backend, TensorInfo } from '../src/backend/backend.js';
import { tsBackend } from '../src/backends/ts/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';

const reps = Number(process.argv[2] ?? 30);
const wasm = createWasmBackend();

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const upload = (b: Backend, shape: number[], seed: number): TensorInfo => ({
  data: b.upload(
    rand(
      shape.reduce((p, d) => p * d, 1),
      seed,
    ),
  ),
  shape,
  dtype: 'float32',
});

interface Case {
  label: string;
  flops: number;
  /** Runs the case once on a backend; returns the storages to free. */
  run: (b: Backend, inputs: TensorInfo[]) => unknown[];
  shapes: number[][];
}

const matmulCase = (label: string, m: number, k: number, n: number, ta: boolean, tb: boolean): Case => ({
  label,
  flops: 2 * m * k * n,
  shapes: [ta ? [k, m] : [m, k], tb ? [n, k] : [k, n]],
  run: (b, [x, y]) => [b.matmul(x!, y!, ta, tb)],
});

const cases: Case[] = [
  matmulCase('x·w     128×784·784×512  ', 128, 784, 512, false, false),
  matmulCase('xᵀ·dz   (784×128)·128×512', 784, 128, 512, true, false),
  matmulCase('dz·wᵀ   128×512·(512×784)', 128, 512, 784, false, true),
  matmulCase('x·w     16×784·784×512   ', 16, 784, 512, false, false),
  matmulCase('x·w     4×784·784×512    ', 4, 784, 512, false, false),
  matmulCase('h·u     64×8·8×32 (LSTM) ', 64, 8, 32, false, false),
  {
    label: 'dense relu fwd+bwd 128×784→512',
    flops: 3 * 2 * 128 * 784 * 512,
    shapes: [[128, 784], [784, 512], [512], [128, 512]],
    run: (b, [x, w, bias, dy]) => {
      const y = b.dense!(x!, w!, bias!, 'relu');
      const g = b.denseBackward!(
        dy!,
        x!,
        w!,
        { data: y, shape: [128, 512], dtype: 'float32' },
        'relu',
        true,
        true,
      );
      return [y, g.dx, g.dw, g.db];
    },
  },
];

function seconds(b: Backend, c: Case, inputs: TensorInfo[]): number {
  const t0 = performance.now();
  const outs = c.run(b, inputs);
  const s = (performance.now() - t0) / 1000;
  for (const o of outs) b.free(o);
  return s;
}

const fmt = (flops: number, s: number) => (flops / s / 1e9).toFixed(1).padStart(6);

console.log(`wasm vs ts GEMM (Node ${process.version}, ${reps} interleaved runs; GFLOP/s best / median)`);
for (const c of cases) {
  const inputs = new Map<Backend, TensorInfo[]>();
  for (const b of [tsBackend, wasm])
    inputs.set(
      b,
      c.shapes.map((s, i) => upload(b, s, i + 1)),
    );
  const samples = new Map<Backend, number[]>([
    [tsBackend, []],
    [wasm, []],
  ]);
  // Warm-up: wasm functions start in the baseline tier and are optimised after a few calls.
  for (let i = 0; i < 5; i++) for (const b of [tsBackend, wasm]) seconds(b, c, inputs.get(b)!);
  const tsReps = c.flops > 5e7 ? Math.max(3, Math.floor(reps / 5)) : reps;
  for (let i = 0; i < reps; i++) {
    if (i < tsReps) samples.get(tsBackend)!.push(seconds(tsBackend, c, inputs.get(tsBackend)!));
    samples.get(wasm)!.push(seconds(wasm, c, inputs.get(wasm)!));
  }
  const line = [tsBackend, wasm].map((b) => {
    const s = samples.get(b)!.sort((p, q) => p - q);
    return `${b.name.padEnd(4)} ${fmt(c.flops, s[0]!)} / ${fmt(c.flops, s[Math.floor(s.length / 2)]!)}`;
  });
  const ms = (samples.get(wasm)![0]! * 1000).toFixed(3);
  console.log(`${c.label}  ${line.join('   ')}   (wasm best ${ms} ms)`);
}
