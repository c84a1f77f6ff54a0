/**
 * End-to-end training speed of the MNIST MLP (784-512-256-128-64-10, batch 128, SGD nesterov) on the
 * ts and wasm backends, on synthetic data so no data set is needed.
 * Run: npx tsx bench/wasm-mlp.ts [steps]
 *
 * Both backends train the same model from the same seed; the printed losses should agree to about
 * five digits (the GEMMs sum in a different order).
 */

import type { Backend } from '../src/backend/backend.js';
import { wasmBackend } from '../src/backends/wasm/index.js';
import { Dense, Sequential, SGD, setBackend, setRandomSeed, tensor, tsBackend } from '../src/index.js';

const steps = Number(process.argv[2] ?? 40);
const batch = 128;
const n = steps * batch;

function rand(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

const xs = rand(n * 784, 1);
const labels = rand(n, 2);
const ys = new Float32Array(n * 10);
for (let i = 0; i < n; i++) ys[i * 10 + Math.floor(labels[i]! * 10)] = 1;

async function train(backend: Backend): Promise<{ msPerStep: number; loss: number }> {
  setBackend(backend);
  setRandomSeed(42);
  const model = new Sequential([
    new Dense(512, { activation: 'relu', inputShape: [784] }),
    new Dense(256, { activation: 'relu' }),
    new Dense(128, { activation: 'relu' }),
    new Dense(64, { activation: 'relu' }),
    new Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({
    optimizer: new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true }),
    loss: 'categorical_crossentropy',
  });
  const x = tensor(xs, [n, 784]);
  const y = tensor(ys, [n, 10]);
  // One warm-up epoch (JIT tiers, allocator free lists), then the timed one.
  await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0 });
  const t0 = performance.now();
  const history = await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0 });
  const msPerStep = (performance.now() - t0) / steps;
  return { msPerStep, loss: history.history.loss![0]! };
}

console.log(`MNIST MLP training step, batch ${batch}, ${steps} steps (Node ${process.version})`);
const results = [];
for (const backend of [tsBackend, wasmBackend]) {
  const r = await train(backend);
  results.push(r);
  console.log(
    `${backend.name.padEnd(4)} ${r.msPerStep.toFixed(2).padStart(8)} ms/step   loss ${r.loss.toFixed(6)}`,
  );
}
console.log(`speed-up ${(results[0]!.msPerStep / results[1]!.msPerStep).toFixed(1)}×`);
