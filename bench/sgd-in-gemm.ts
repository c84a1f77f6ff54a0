/**
 * The MNIST MLP of the batchnorm study (sigmoid) with the optimizer step folded into the dense
 * weight-gradient products (default) or not (TENSILE_STEP_IN_GEMM=0): seconds per pass over
 * `--samples` synthetic samples (median of `--passes`, after one warm-up pass), wall-clock and CPU
 * time (process.cpuUsage: less disturbed by other work on a shared machine; with helper threads it
 * counts theirs too).
 *
 *   npx tsx bench/sgd-in-gemm.ts [--optimizer sgd|nesterov|adam] [--batch 4] [--samples 4000] [--passes 3]
 *     [--backend wasm|wasm-threads]      (TENSILE_NATIVE=0: without the native addon)
 *   TENSILE_STEP_IN_GEMM=0 npx tsx bench/sgd-in-gemm.ts …
 */
import { parseArgs } from 'node:util';
import { Adam, Dense, Sequential, SGD, setBackend, setRandomSeed, tensor } from '../src/index.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '4' },
    samples: { type: 'string', default: '4000' },
    passes: { type: 'string', default: '3' },
    optimizer: { type: 'string', default: 'sgd' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const batch = Number(values.batch);
const samples = Number(values.samples);
setBackend(values.backend);
setRandomSeed(1);
const model = new Sequential([
  new Dense(512, { activation: 'sigmoid', inputShape: [784] }),
  ...[256, 128, 64].map((u) => new Dense(u, { activation: 'sigmoid' })),
  new Dense(10, { activation: 'softmax' }),
]);
const optimizers = {
  sgd: () => new SGD({ learningRate: 0.01 }),
  nesterov: () => new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true }),
  adam: () => new Adam({ learningRate: 0.001 }),
};
const make = optimizers[values.optimizer as keyof typeof optimizers];
if (!make) throw new Error(`--optimizer: one of ${Object.keys(optimizers).join(', ')}`);
model.compile({ optimizer: make(), loss: 'sparse_categorical_crossentropy' });
const x = tensor(
  Float32Array.from({ length: samples * 784 }, (_, i) => ((i * 7919) % 256) / 255),
  [samples, 784],
);
const y = tensor(
  Int32Array.from({ length: samples }, (_, i) => (i * 31) % 10),
  [samples],
);
await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0 });
const times: number[] = [];
const cpu: number[] = [];
let loss = 0;
for (let p = 0; p < Number(values.passes); p++) {
  const [t0, c0] = [performance.now(), process.cpuUsage()];
  const h = await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0 });
  const c = process.cpuUsage(c0);
  times.push((performance.now() - t0) / 1000);
  cpu.push((c.user + c.system) / 1e6);
  loss = h.history.loss![0]!;
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify({
    inGemm: process.env.TENSILE_STEP_IN_GEMM !== '0',
    optimizer: values.optimizer,
    backend: values.backend,
    native: process.env.TENSILE_NATIVE !== '0',
    batch,
    samples,
    median_s: median(times),
    median_cpu_s: median(cpu),
    loss,
  }),
);
