/**
 * The GEMM time floor of one epoch of the MNIST MLP (B1–B6): every product of a training step
 * (forward, weight gradients, input gradients but the first layer's) and of validation, each timed
 * alone in the addon on 1 thread, 2 BLAS threads and the row split, best of the three. What is left of
 * an epoch for everything else follows from it (BENCHMARKS.md compares it with PyTorch's epoch).
 * Run: npx tsx bench/mlp-gemm-floor.ts [batch 128] [train rows 15000] [validation rows 2500]
 */
import { cpus, loadavg } from 'node:os';
import { Heap } from '../src/backends/wasm/heap.js';
import { nativeAddon, nativeStatus, SPLIT_THREADS } from '../src/backends/wasm/native-loader.js';

const [batch, trainRows, valRows] = [128, 15000, 2500].map((d, i) => Number(process.argv[2 + i] ?? d));
const addon = nativeAddon();
if (!addon) throw new Error(`native addon off: ${nativeStatus().reason}`);
addon.holdSignals();
const heap = new Heap();
const widths = [784, 512, 256, 128, 64, 10];

/** [transA, transB, m, n, k] of each product in one step at `rows` rows; `train` adds the backward. */
function products(rows: number, train: boolean): number[][] {
  const out: number[][] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [i, o] = [widths[l]!, widths[l + 1]!];
    out.push([0, 0, rows, o, i]); // y = x·W
    if (!train) continue;
    out.push([1, 0, i, o, rows]); // dW = xᵀ·dy
    if (l > 0) out.push([0, 1, rows, i, o]); // dx = dy·Wᵀ (the input needs none)
  }
  return out;
}

/** Best-of-threads microseconds of one product (median of `reps` after a warm-up). */
function time([ta, tb, m, n, k]: number[]): number {
  const a = heap.malloc(m! * k!);
  const b = heap.malloc(k! * n!);
  const c = heap.malloc(m! * n!);
  heap.f32.fill(0.01, a / 4, a / 4 + m! * k!);
  heap.f32.fill(0.02, b / 4, b / 4 + k! * n!);
  const lda = ta ? m! : k!;
  const ldb = tb ? k! : n!;
  let best = Infinity;
  for (const threads of [1, 2, SPLIT_THREADS]) {
    const ts: number[] = [];
    for (let r = 0; r < 60; r++) {
      const t0 = process.hrtime.bigint();
      addon!.sgemm(heap.f32, ta!, tb!, m!, n!, k!, 1, a, lda, b, ldb, 0, c, n!, threads);
      if (r >= 10) ts.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    ts.sort((p, q) => p - q);
    best = Math.min(best, ts[ts.length >> 1]!);
  }
  for (const p of [a, b, c]) heap.free(p);
  return best;
}

const sum = (ps: number[][]) => ps.reduce((s, p) => s + time(p), 0);
const steps = Math.ceil(trainRows / batch);
const trainUs = sum(products(batch, true));
const valUs = sum(products(batch, false));
const epochS = (steps * trainUs + Math.ceil(valRows / batch) * valUs) / 1e6;
const flops = (rows: number, train: boolean) =>
  products(rows, train).reduce((s, [, , m, n, k]) => s + 2 * m! * n! * k!, 0);
const gflop = (steps * flops(batch, true) + Math.ceil(valRows / batch) * flops(batch, false)) / 1e9;
console.log(
  `# ${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model} · load ${loadavg()[0]!.toFixed(2)} · ${nativeStatus().library} ${nativeStatus().kernel}`,
);
console.log(
  `batch ${batch}: one step's products ${trainUs.toFixed(0)} µs, validation batch ${valUs.toFixed(0)} µs; ` +
    `epoch of ${trainRows} + ${valRows} rows: ${gflop.toFixed(1)} GFLOP, GEMM floor ${epochS.toFixed(3)} s ` +
    `(${(gflop / epochS).toFixed(0)} GFLOP/s)`,
);
