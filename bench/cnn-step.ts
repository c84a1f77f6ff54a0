/**
 * Times training steps of the Fashion-MNIST CNN (bench_cnn.py's model) on synthetic data, so the
 * per-step cost can be measured without loading the data set; it prints wall and CPU time per step
 * (bench/cnn_step_torch.py prints the same for PyTorch). Usage:
 *   tsx bench/cnn-step.ts [--batch 32] [--steps 40] [--backend wasm]
 */
import { parseArgs } from 'node:util';
import { getBackend, setBackend, setRandomSeed, tensor } from '../src/index.js';
import { workloads } from './workloads.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '40' },
    backend: { type: 'string' },
  },
});
if (values.backend) setBackend(values.backend);
setRandomSeed(1);
const batch = Number(values.batch);
const n = batch * Number(values.steps);
const model = workloads()
  .find((w) => w.id === 'C1')!
  .build();
const x = tensor(
  Float32Array.from({ length: n * 784 }, (_, i) => (i % 29) / 29),
  [n, 28, 28, 1],
);
const y = tensor(
  Int32Array.from({ length: n }, (_, i) => i % 10),
  [n],
  'int32',
);
await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 }); // warm-up
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 });
const steps = Number(values.steps);
const ms = (performance.now() - t0) / steps;
// CPU time is what to compare on a shared machine: wall time there includes waiting for a core.
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
// 48,000 samples per epoch in bench_cnn.py.
const epoch = (perStep: number) => ((perStep * 48000) / batch / 1000).toFixed(1);
console.log(
  `${getBackend().name} batch ${batch}: ${ms.toFixed(2)} ms/step wall, ${cpuMs.toFixed(2)} ms/step CPU → ${epoch(cpuMs)} CPU-s per 48k-sample epoch (training only)`,
);
