/**
 * The row split (TENSILE_NATIVE_THREADS=split) against one BLAS thread and the BLAS's own two threads,
 * on the MNIST MLP's (B1's) products at batch 128: forward, weight gradient (Aᵀ) and input gradient (Bᵀ).
 * Run: npx tsx bench/native-split.ts [reps] [gapMicros,...] [spinMicros,...]
 *      (TENSILE_NATIVE_LIB=openblas times the other build)
 *
 * Between two products the main thread busy-waits `gap` µs, standing in for training's non-GEMM work:
 * with a gap longer than the helper's spin the helper sleeps and must be woken (or its part is taken
 * back). One thread and the split are interleaved product by product (the machine is shared); the
 * BLAS's two threads run afterwards, in a pass of their own, because OpenMP's threads keep spinning
 * after a product and would slow whatever runs next. Each prints the median µs per product and the
 * CPU time per product of the whole process (both cores), so a contender that wins wall time by
 * burning the other core shows it. On a machine other work keeps busy, `chrt -f 10 npx tsx ...`
 * (root) lets the bench preempt it, as if the machine were idle.
 */
import { cpus, loadavg } from 'node:os';
import { Heap } from '../src/backends/wasm/heap.js';
import { nativeAddon, nativeStatus, SPLIT_THREADS } from '../src/backends/wasm/native-loader.js';

const reps = Number(process.argv[2] ?? 60);
const gaps = (process.argv[3] ?? '0,100,500').split(',').map(Number);
const spins = (process.argv[4] ?? '100').split(',').map(Number);
const addon = nativeAddon();
addon?.holdSignals(); // as the wasm backend holds them across products
const status = nativeStatus();
if (!addon) {
  console.log(`native addon not active: ${status.reason}`);
  process.exit(0);
}
const heap = new Heap();
const upload = (n: number) => heap.upload(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)));

/** [name, m, n, k, transA, transB] of B1's products with m·n·k ≥ 1M. */
const layers: [number, number][] = [
  [784, 512],
  [512, 256],
  [256, 128],
];
const shapes: [string, number, number, number, number, number][] = [];
for (const [fanIn, fanOut] of layers) {
  shapes.push([`fwd ${fanIn}→${fanOut}`, 128, fanOut, fanIn, 0, 0]);
  shapes.push([`dW ${fanIn}×${fanOut}`, fanIn, fanOut, 128, 1, 0]);
  shapes.push([`dX ${fanOut}→${fanIn}`, 128, fanIn, fanOut, 0, 1]);
}

const busyWait = (us: number) => {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
};

console.log(
  `# ${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model} · ${status.library} ${status.version} (${status.kernel}) · load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
/** Median wall µs and mean CPU µs per product of each contender, interleaved. */
function time(
  shape: (typeof shapes)[number],
  gap: number,
  contenders: number[],
): { wall: number; cpu: number }[] {
  const [, m, n, k, ta, tb] = shape;
  const [a, b, c] = [upload(m * k), upload(k * n), upload(m * n)];
  const run = (t: number) =>
    addon!.sgemm(heap.f32, ta, tb, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, 0, c, n, t);
  for (const t of contenders) run(t); // warm-up; the first split call checks the shape
  const wall = contenders.map(() => [] as number[]);
  const cpu = contenders.map(() => 0);
  for (let r = 0; r < reps; r++) {
    contenders.forEach((t, i) => {
      busyWait(gap);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      run(t);
      wall[i]!.push((performance.now() - t0) * 1000);
      const used = process.cpuUsage(c0);
      cpu[i]! += used.user + used.system;
    });
  }
  for (const p of [a, b, c]) heap.free(p);
  return contenders.map((_, i) => ({
    wall: wall[i]!.sort((x, y) => x - y)[reps >> 1]!,
    cpu: cpu[i]! / reps,
  }));
}

const rows: { name: string; gap: number; spin: number; one: string; split: string; speedup: number }[] = [];
for (const spin of spins) {
  addon.setHelperSpin(spin);
  for (const gap of gaps) {
    for (const shape of shapes) {
      const [one, split] = time(shape, gap, [1, SPLIT_THREADS]);
      const cell = (r: { wall: number; cpu: number }) => `${r.wall.toFixed(0)} (${r.cpu.toFixed(0)})`;
      rows.push({
        name: shape[0],
        gap,
        spin,
        one: cell(one!),
        split: cell(split!),
        speedup: one!.wall / split!.wall,
      });
    }
  }
}
const stats = addon.helperStats();
// OpenMP's pass last: its threads spin on after each product.
const omp = gaps.flatMap((gap) => shapes.map((shape) => time(shape, gap, [2])[0]!));
console.log(
  '| product | gap µs | spin µs | 1 thread µs (cpu) | split µs (cpu) | split speed-up | 2 BLAS threads µs (cpu) |',
);
console.log('|---|---|---|---|---|---|---|');
rows.forEach((r, i) => {
  const o = omp[i % omp.length]!;
  console.log(
    `| ${r.name} | ${r.gap} | ${r.spin} | ${r.one} | ${r.split} | ${r.speedup.toFixed(2)}× | ${o.wall.toFixed(0)} (${o.cpu.toFixed(0)}) |`,
  );
});
console.log(JSON.stringify(stats));
