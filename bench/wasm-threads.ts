/**
 * One thread against two on the wasm backend (createWasmBackend({ threads: 2 })): GEMM GFLOP/s for
 * the MNIST MLP's products (784-512-256-128-64-10, batch 128: each layer's forward, and the first
 * layer's two backward products), the fused optimizer step, and the whole MLP training step.
 * Run: npx tsx bench/wasm-threads.ts [reps]
 *
 * The machine's 2 vCPUs are shared with other work: the cases run `reps` times with the two
 * backends interleaved, best and median are printed, and so is the load average (with another
 * process busy on one core, two threads cannot beat one by much).
 */
import { readFileSync } from 'node:fs';
import type { Backend, TensorInfo } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { Adam, Dense, Sequential, setBackend, setRandomSeed, tensor } from '../src/index.js';

const reps = Number(process.argv[2] ?? 40);
const one = createWasmBackend();
const two = createWasmBackend({ threads: 2 });
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** CPU seconds all processes have used (user + nice + system, /proc/stat counts 1/100 s). */
const busySeconds = () => {
  const [user, nice, system] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 4);
  return (Number(user) + Number(nice) + Number(system)) / 100;
};
const start = { wall: performance.now(), busy: busySeconds(), own: process.cpuUsage() };
/** Share of the machine (2 vCPUs = 200%) other processes used since the start: the real load. */
function othersPercent(): string {
  const wall = (performance.now() - start.wall) / 1000;
  const own = process.cpuUsage(start.own);
  const others = busySeconds() - start.busy - (own.user + own.system) / 1e6;
  return `${Math.max(0, (others / wall) * 100).toFixed(0)}% of one vCPU`;
}

function rand(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const upload = (b: Backend, shape: number[], seed: number): TensorInfo => ({
  data: b.upload(rand(shape[0]! * (shape[1] ?? 1), seed)),
  shape,
  dtype: 'float32',
});

interface Case {
  label: string;
  /** Work per run: flops for GEMMs (GFLOP/s printed), 0 for a time-only case (ms printed). */
  flops: number;
  shapes: number[][];
  run: (b: Backend, xs: TensorInfo[]) => unknown[];
}

const gemm = (label: string, m: number, k: number, n: number, ta: boolean, tb: boolean): Case => ({
  label,
  flops: 2 * m * k * n,
  shapes: [ta ? [k, m] : [m, k], tb ? [n, k] : [k, n]],
  run: (b, [x, y]) => [b.matmul(x!, y!, ta, tb)],
});

const cases: Case[] = [
  gemm('x·w   128×784·784×512', 128, 784, 512, false, false),
  gemm('xᵀ·dz (784×128)·128×512', 784, 128, 512, true, false),
  gemm('dz·wᵀ 128×512·(512×784)', 128, 512, 784, false, true),
  gemm('x·w   128×512·512×256', 128, 512, 256, false, false),
  gemm('x·w   128×256·256×128', 128, 256, 128, false, false),
  gemm('x·w   128×128·128×64', 128, 128, 64, false, false),
  {
    label: 'Adam step 784×512 (in place)',
    flops: 0,
    shapes: [
      [784, 512],
      [784, 512],
      [784, 512],
      [784, 512],
    ],
    run: (b, [w, g, m, v]) => {
      const update = {
        kind: 'adam',
        alpha: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-7,
        amsgrad: false,
      } as const;
      b.optimizerStep!(update, [w!], [g!], [[m!, v!]]);
      return [];
    },
  },
];

const ms = (b: Backend, c: Case, xs: TensorInfo[]): number => {
  const t0 = performance.now();
  const outs = c.run(b, xs);
  const t = performance.now() - t0;
  for (const o of outs) b.free(o);
  return t;
};
const pick = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
const show = (c: Case, t: number[]) =>
  c.flops > 0
    ? `${((c.flops / pick(t, 0)) * 1e-6).toFixed(1).padStart(6)} / ${((c.flops / pick(t, 0.5)) * 1e-6).toFixed(1).padStart(6)} GFLOP/s`
    : `${pick(t, 0).toFixed(3)} / ${pick(t, 0.5).toFixed(3)} ms`.padStart(22);

console.log(
  `wasm backend, 1 vs 2 threads (Node ${process.version}, ${reps} interleaved runs, best / median)`,
);
console.log(`threads: ${one.threads} and ${two.threads}; load before: ${load()}`);
for (const c of cases) {
  const inputs = [one, two].map((b) => c.shapes.map((s, i) => upload(b, s, i + 1)));
  const times: number[][] = [[], []];
  for (let r = 0; r < reps + 15; r++) {
    [one, two].forEach((b, i) => {
      const t = ms(b, c, inputs[i]!);
      if (r >= 15) times[i]!.push(t); // the first runs warm up the JIT tiers (compiled in the background)
    });
  }
  console.log(`${c.label.padEnd(30)} 1 thread ${show(c, times[0]!)}   2 threads ${show(c, times[1]!)}`);
}

// The MNIST MLP training step (Adam, batch 128, synthetic data), 10 steps per sample.
const n = 128 * 10;
const xs = rand(n * 784, 1).map((v) => v + 0.5);
const ys = Float32Array.from({ length: n * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
async function mlpStepMs(b: Backend, samples: number[]): Promise<number> {
  setBackend(b);
  setRandomSeed(42);
  const units = [512, 256, 128, 64, 10];
  const model = new Sequential(
    units.map(
      (u, i) =>
        new Dense(u, { activation: i === 4 ? 'softmax' : 'relu', ...(i === 0 ? { inputShape: [784] } : {}) }),
    ),
  );
  model.compile({ optimizer: new Adam(), loss: 'categorical_crossentropy' });
  const [x, y] = [tensor(xs, [n, 784]), tensor(ys, [n, 10])];
  let loss = 0;
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    const h = await model.fit(x, y, { epochs: 1, batchSize: 128, shuffle: false, verbose: 0 });
    if (r > 0) samples.push((performance.now() - t0) / 10);
    loss = h.history.loss![0]!;
  }
  return loss;
}
const steps: number[][] = [[], []];
const losses = [0, 0];
for (let round = 0; round < 4; round++) {
  for (const [i, b] of [one, two].entries()) losses[i] = await mlpStepMs(b, steps[i]!);
}
const stepMs = (t: number[]) => `${pick(t, 0).toFixed(2)} / ${pick(t, 0.5).toFixed(2)} ms`;
console.log(
  `MNIST MLP step (Adam, batch 128)  1 thread ${stepMs(steps[0]!)}   2 threads ${stepMs(steps[1]!)}`,
);
console.log(`last epoch loss: 1 thread ${losses[0]!.toFixed(6)}, 2 threads ${losses[1]!.toFixed(6)}`);
console.log(`load after: ${load()}; other processes used ${othersPercent()} during the run`);
two.close();
