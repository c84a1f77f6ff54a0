/**
 * The fused optimizer step (Backend.optimizerStep) against the composed tensor-op update on the wasm
 * backend: one update of the MNIST MLP's variables (784-512-256-128-64-10, 575,050 parameters) per
 * optimizer, then whole training steps of that MLP (batch 128) with and without the fast path.
 * Run: npx tsx bench/wasm-optimizer.ts [reps]
 *
 * The machine is shared: every case runs `reps` times with the two paths interleaved, and the best
 * and median are printed with the load average.
 */
import { readFileSync } from 'node:fs';
import type { Backend } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import {
  Adam,
  Dense,
  type Optimizer,
  RMSprop,
  Sequential,
  SGD,
  scope,
  setBackend,
  setRandomSeed,
  tensor,
  Variable,
  withBackend,
} from '../src/index.js';

const reps = Number(process.argv[2] ?? 30);
const fused = createWasmBackend();
/** The same backend with the fast path hidden: the optimizer runs its composed update. */
const composed = new Proxy(fused, {
  get: (t, p) => (p === 'optimizerStep' ? undefined : Reflect.get(t, p)),
}) as Backend;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function rand(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

const LAYERS = [784, 512, 256, 128, 64, 10];
const SHAPES = LAYERS.slice(1).flatMap((n, i) => [[LAYERS[i]!, n], [n]]);

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `${s[0]!.toFixed(3)} / ${s[Math.floor(s.length / 2)]!.toFixed(3)} ms`;
}

/** Milliseconds per applyGradients over the MLP's variables, for each path, interleaved. */
function optimizerCase(make: () => Optimizer): Map<Backend, number[]> {
  const times = new Map<Backend, number[]>();
  const setups = [fused, composed].map((b) =>
    withBackend(b, () => {
      const vars = SHAPES.map((s, i) => new Variable(tensor(rand(s[0]! * (s[1] ?? 1), i), s)));
      const grads = SHAPES.map((s, i) => tensor(rand(s[0]! * (s[1] ?? 1), 99 + i, 0.01), s));
      return { b, opt: make(), vars, grads };
    }),
  );
  for (let r = 0; r < reps + 5; r++) {
    for (const { b, opt, vars, grads } of setups) {
      const t0 = performance.now();
      withBackend(b, () => scope(() => opt.applyGradients(grads, vars)));
      const ms = performance.now() - t0;
      if (r >= 5) times.set(b, [...(times.get(b) ?? []), ms]); // the first few warm up the JIT
    }
  }
  return times;
}

const n = 128 * 10;
const xs = tensor(rand(n * 784, 1), [n, 784]);
const ys = tensor(
  Float32Array.from({ length: n * 10 }, (_, i) => (i % 10 === (Math.floor(i / 10) * 7) % 10 ? 1 : 0)),
  [n, 10],
);

/** ms per MNIST MLP training step (10 steps of batch 128 per sample), and the last epoch's loss. */
async function mlpSteps(b: Backend, samples: number[]): Promise<number> {
  setBackend(b);
  setRandomSeed(42);
  const model = new Sequential(
    LAYERS.slice(1).map((units, i) =>
      i === 0
        ? new Dense(units, { activation: 'relu', inputShape: [784] })
        : new Dense(units, { activation: i === LAYERS.length - 2 ? 'softmax' : 'relu' }),
    ),
  );
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categorical_crossentropy' });
  const [x, y] = [tensor(xs.dataSync(), xs.shape), tensor(ys.dataSync(), ys.shape)];
  let loss = 0;
  for (let r = 0; r < 6; r++) {
    const t0 = performance.now();
    const h = await model.fit(x, y, { epochs: 1, batchSize: 128, shuffle: false, verbose: 0 });
    if (r > 0) samples.push((performance.now() - t0) / 10);
    loss = h.history.loss![0]!;
  }
  return loss;
}

console.log(`Fused vs composed optimizer step, wasm, MNIST MLP variables (Node ${process.version})`);
console.log(`load before: ${load()}`);
for (const [name, make] of [
  ['SGD nesterov', () => new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true })],
  ['RMSprop', () => new RMSprop()],
  ['RMSprop mom+centered', () => new RMSprop({ momentum: 0.9, centered: true })],
  ['Adam', () => new Adam()],
  ['Adam amsgrad', () => new Adam({ amsgrad: true })],
] as [string, () => Optimizer][]) {
  const t = optimizerCase(make);
  console.log(
    `${name.padEnd(21)} fused ${stats(t.get(fused)!)}   composed ${stats(t.get(composed)!)}   (best / median)`,
  );
}
const stepTimes = new Map<Backend, number[]>([
  [fused, []],
  [composed, []],
]);
const losses = new Map<Backend, number>();
for (let round = 0; round < 3; round++) {
  for (const b of [fused, composed]) losses.set(b, await mlpSteps(b, stepTimes.get(b)!));
}
console.log(
  `MLP step (Adam, batch 128)  fused ${stats(stepTimes.get(fused)!)}   composed ${stats(stepTimes.get(composed)!)}`,
);
console.log(
  `final epoch loss: fused ${losses.get(fused)!.toFixed(6)}, composed ${losses.get(composed)!.toFixed(6)}`,
);
console.log(`load after: ${load()}`);
