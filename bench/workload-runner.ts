/**
 * Runs one benchmark workload in this process and prints one JSON line: seconds per epoch
 * (training + validation) for each timed epoch after the warm-up, and the process's peak RSS.
 * Usage: tsx bench/workload-runner.ts <workload id> [--epochs 3] [--warmup 1] [--frac 1] [--backend wasm]
 */
import { parseArgs } from 'node:util';
import { nativeHelperStats } from '../src/backends/wasm/native-loader.js';
import { getBackend, setBackend, setRandomSeed } from '../src/index.js';
import { workloads } from './workloads.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    epochs: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    frac: { type: 'string', default: '1' },
    backend: { type: 'string' },
    acts: { type: 'string', default: 'sigmoid,relu' },
  },
});
const id = positionals[0];
const all = workloads(values.acts!.split(',') as ('sigmoid' | 'relu')[]);
const w = all.find((x) => x.id === id);
if (!w) {
  console.error(`unknown workload '${id}' (known: ${all.map((x) => x.id).join(', ')})`);
  process.exit(2);
}
if (values.backend) setBackend(values.backend);
setRandomSeed(1);
const data = await w.data(Number(values.frac));
const model = w.build();
const epochs: {
  total_s: number;
  cpu_s: number;
  train_s: number;
  val_s: number;
  loss: number;
  val_loss: number;
}[] = [];
const n = Number(values.warmup) + Number(values.epochs);
for (let e = 0; e < n; e++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const h = await model.fit(data.x, data.y, { epochs: 1, batchSize: w.batch, verbose: 0 });
  const t1 = performance.now();
  const [valLoss] = model.evaluate(data.xVal, data.yVal, { batchSize: w.batch });
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  epochs.push({
    total_s: (t2 - t0) / 1000,
    // CPU seconds of this process (both threads when the addon splits): steadier than wall time on a shared machine.
    cpu_s: (cpu.user + cpu.system) / 1e6,
    train_s: (t1 - t0) / 1000,
    val_s: (t2 - t1) / 1000,
    loss: h.history.loss![0]!,
    val_loss: valLoss!,
  });
}
/** The middle value, or the mean of the middle two (as Python's statistics.median, which the PyTorch side uses). */
function median(sorted: number[]): number {
  const h = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
const timed = epochs
  .slice(Number(values.warmup))
  .map((e) => e.total_s)
  .sort((a, b) => a - b);
console.log(
  JSON.stringify({
    runner: 'tensile',
    workload: w.id,
    describe: w.describe,
    backend: getBackend().name,
    batch: w.batch,
    epoch_s: { min: timed[0], median: median(timed), max: timed[timed.length - 1] },
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    epochs,
    // The row split's counters (TENSILE_NATIVE_THREADS=split), to see how often it split.
    native_helper: nativeHelperStats()?.running ? nativeHelperStats() : undefined,
  }),
);
