/**
 * Where the native GEMM beats the wasm kernel, call cost included, and where a second thread pays.
 * Run: npx tsx bench/native-gemm.ts [reps]   (TENSILE_NATIVE_LIB=openblas to time the other build)
 *
 * Both run on the same wasm heap and the same operands: the wasm kernel through its export, the addon
 * through `sgemm` on the heap's Float32Array (what src/backends/wasm/native.ts does). Sizes run from
 * tiny square products up to the MNIST MLP's layers. Each case interleaves the contenders `reps`
 * times (the machine is shared) and prints the median microseconds and the best GFLOP/s.
 */
import { cpus, loadavg } from 'node:os';
import { writeGemmArgs } from '../src/backends/wasm/generated/kernels-exports.js';
import { Heap } from '../src/backends/wasm/heap.js';
import { nativeAddon, nativeStatus } from '../src/backends/wasm/native-loader.js';

const reps = Number(process.argv[2] ?? 40);
const addon = nativeAddon();
// Signals stay held across products, as the wasm backend holds them (src/backends/wasm/native.ts).
addon?.holdSignals();
const status = nativeStatus();
if (!addon) {
  console.log(`native addon not active: ${status.reason}`);
  process.exit(0);
}
const heap = new Heap();

function upload(n: number, seed: number): number {
  const v = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
  }
  return heap.upload(v);
}

interface Contender {
  name: string;
  run: (m: number, n: number, k: number, a: number, b: number, c: number) => void;
}
const contenders: Contender[] = [
  {
    name: 'wasm',
    run: (m, n, k, a, b, c) => {
      const args = { m, n, k, a, rsa: k, csa: 1, b, rsb: n, csb: 1, c, ldc: n, accumulate: 0 };
      heap.k.gemm(writeGemmArgs(heap, heap.argBlock, args), heap.gemmScratch());
    },
  },
  {
    name: 'native 1t',
    run: (m, n, k, a, b, c) => addon.sgemm(heap.f32, 0, 0, m, n, k, 1, a, k, b, n, 0, c, n, 1),
  },
  {
    name: 'native 2t',
    run: (m, n, k, a, b, c) => addon.sgemm(heap.f32, 0, 0, m, n, k, 1, a, k, b, n, 0, c, n, 2),
  },
];

const shapes: [number, number, number, string][] = [
  [6400, 8, 16, 'SimpleRNN(8) input projection'],
  [6400, 32, 16, 'LSTM(8) input projection'],
  [6400, 16, 8, 'SimpleRNN dx'],
  [6400, 16, 32, 'LSTM dx'],
  [16, 8, 6400, 'SimpleRNN dW (untransposed stand-in)'],
  [16, 32, 6400, 'LSTM dW (untransposed stand-in)'],
];
// `--only cnn` (or any word of the "use" column) times just those rows.
const only = process.argv[3];

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
console.log(
  `# ${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model} · load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} · ${status.library} ${status.version} (${status.kernel})`,
);
console.log(
  '| m×n×k | use | wasm µs | native 1t µs | native 2t µs | 1t speed-up vs wasm | 2t speed-up vs 1t | GFLOP/s wasm / 1t / 2t |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const [m, n, k, use] of shapes.filter(([, , , use]) => !only || use.includes(only))) {
  const a = upload(m * k, 1);
  const b = upload(k * n, 2);
  const c = heap.malloc(m * n);
  const inner = Math.max(1, Math.min(2000, Math.floor(2e6 / (m * n * k)))); // ~1-2 ms per sample
  const times = contenders.map(() => [] as number[]);
  for (let r = 0; r < reps + 5; r++) {
    contenders.forEach((x, i) => {
      const t0 = process.hrtime.bigint();
      for (let j = 0; j < inner; j++) x.run(m, n, k, a, b, c);
      const us = Number(process.hrtime.bigint() - t0) / 1000 / inner;
      if (r >= 5) times[i]!.push(us); // the first runs warm up the wasm tiers and the library
    });
  }
  const med = times.map(median);
  const gflops = times.map((t) => ((2 * m * n * k) / Math.min(...t) / 1e3).toFixed(0));
  console.log(
    `| ${m}×${n}×${k} | ${use} | ${med.map((t) => t.toFixed(2)).join(' | ')} | ${(med[0]! / med[1]!).toFixed(2)}× | ${(med[1]! / med[2]!).toFixed(2)}× | ${gflops.join(' / ')} |`,
  );
  for (const p of [a, b, c]) heap.free(p);
}
