/**
 * Speed of the fused recurrent kernels and of the IMDB study's LSTM model on the ts and wasm backends.
 * Run: npx tsx bench/wasm-rnn.ts [--rounds 7] [--no-fit] [--no-ts]
 *
 * 1. Kernels: ms per forward and per forward + backward of LSTM(8), GRU(8) (resetAfter) and
 *    SimpleRNN(8) over batch 64 × 100 steps × 16 inputs, called on the wasm backend's fused
 *    sequence directly (no tape, no scope; the ts backend runs the composed cell loop, timed in 2). Each round times a batch of calls; best and median of the rounds are printed, because
 *    the machine is shared (the load average is printed too).
 * 2. Model: the study's A1 model (Embedding(500, 16) → LSTM(8) → Dense(1, sigmoid), RMSprop 1e-4,
 *    binary cross-entropy, accuracy, batch 64) trained through `model.fit` on synthetic reviews: ms
 *    per training step, and one full epoch of 20,000 training + 5,000 validation sequences on wasm
 *    (PyTorch 1.13 on CPU needs ~4.8 s for this epoch).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Backend, RnnCellKind, RnnSequenceArgs, TensorInfo } from '../src/backend/backend.js';
import { wasmBackend } from '../src/backends/wasm/index.js';
import {
  Dense,
  Embedding,
  LSTM,
  RMSprop,
  Sequential,
  setBackend,
  setRandomSeed,
  tensor,
  tsBackend,
} from '../src/index.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    'no-fit': { type: 'boolean', default: false },
    'no-ts': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const [B, T, I, U] = [64, 100, 16, 8];

function rand(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg()[0]!.toFixed(2);

/** ms per call of `fn`: `rounds` rounds of `reps` calls, best and median. */
function time(fn: () => void, reps: number): { best: number; median: number } {
  fn(); // warm-up: JIT tiers, allocator free lists
  fn();
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    per.push((performance.now() - t0) / reps);
  }
  return { best: Math.min(...per), median: median(per) };
}

type Cell = 'lstm' | 'gru' | 'simple';
const GATES: Record<Cell, number> = { lstm: 4, gru: 3, simple: 1 };

/** One forward (and optionally its backward) on `backend`, freeing what it made. */
function kernelCall(backend: Backend, cell: Cell, backward: boolean): () => void {
  const G = GATES[cell];
  const up = (v: Float32Array, shape: number[]): TensorInfo => ({
    data: backend.upload(v),
    shape,
    dtype: 'float32',
  });
  const args = {
    x: up(rand(B * T * I, 1), [B, T, I]),
    kernel: up(rand(I * G * U, 2, -0.3, 0.3), [I, G * U]),
    recurrentKernel: up(rand(U * G * U, 3, -0.3, 0.3), [U, G * U]),
    bias: up(rand((cell === 'gru' ? 2 : 1) * G * U, 4), cell === 'gru' ? [2, G * U] : [G * U]),
    mask: null,
    inputDropout: null,
    recurrentDropout: null,
    goBackwards: false,
    initialH: null,
    initialC: null,
  };
  const dy = up(rand(B * T * U, 5), [B, T, U]);
  const dh = up(rand(B * U, 6), [B, U]);
  const dc = up(rand(B * U, 7), [B, U]);
  const kind: Record<Cell, RnnCellKind> = {
    lstm: { cell: 'lstm' },
    gru: { cell: 'gru', resetAfter: true },
    simple: { cell: 'simpleRnn', activation: 'tanh' },
  };
  const full: RnnSequenceArgs = { ...args, ...kind[cell] };
  return () => {
    const r = backend.rnnSequence!(full);
    const made: unknown[] = [r.y, r.h, r.c, r.workspace];
    if (backward) {
      const g = backend.rnnSequenceBackward!(full, {
        y: { data: r.y, shape: [B, T, U], dtype: 'float32' },
        workspace:
          r.workspace === null ? null : { data: r.workspace, shape: [r.workspaceSize], dtype: 'float32' },
        dy,
        dh,
        dc: cell === 'lstm' ? dc : null,
      });
      made.push(g.dx, g.dKernel, g.dRecurrentKernel, g.dBias);
    }
    for (const d of made) if (d !== null) backend.free(d);
  };
}

console.log(
  `Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `Fused kernels, batch ${B}, ${T} steps, ${I} → ${U}: ms per call, best / median of ${rounds} rounds`,
);
for (const cell of ['lstm', 'gru', 'simple'] as Cell[]) {
  const row: string[] = [];
  for (const backend of [wasmBackend]) {
    for (const backward of [false, true]) {
      const t = time(kernelCall(backend, cell, backward), 50);
      row.push(
        `${backend.name} ${backward ? 'fwd+bwd' : 'fwd'} ${t.best.toFixed(3)} / ${t.median.toFixed(3)}`,
      );
    }
  }
  console.log(`${cell.padEnd(6)} ${row.join('   ')}   (load ${load()})`);
}

/** Synthetic reviews: token ids in [1, 500), labels 0/1. */
function data(n: number, seed: number) {
  const ids = Int32Array.from(rand(n * T, seed, 1, 500), Math.floor);
  const labels = Float32Array.from(rand(n, seed + 1, 0, 1), (v) => (v < 0.5 ? 0 : 1));
  return [tensor(ids, [n, T], 'int32'), tensor(labels, [n, 1])] as const;
}

function model() {
  setRandomSeed(42);
  const m = new Sequential([
    new Embedding(500, 16, { inputLength: T }),
    new LSTM(U),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  m.compile({
    optimizer: new RMSprop({ learningRate: 1e-4 }),
    loss: 'binary_crossentropy',
    metrics: ['accuracy'],
  });
  return m;
}

async function fitSteps(backend: Backend, steps: number): Promise<{ best: number; median: number }> {
  setBackend(backend);
  const m = model();
  const [x, y] = data(steps * B, 11);
  await m.fit(x, y, { epochs: 1, batchSize: B, shuffle: false, verbose: 0 });
  const per: number[] = [];
  for (let r = 0; r < Math.min(rounds, backend === tsBackend ? 2 : rounds); r++) {
    const t0 = performance.now();
    await m.fit(x, y, { epochs: 1, batchSize: B, shuffle: false, verbose: 0 });
    per.push((performance.now() - t0) / steps);
  }
  return { best: Math.min(...per), median: median(per) };
}

if (!values['no-fit']) {
  console.log('\nA1 model (Embedding(500,16) → LSTM(8) → Dense(1)), RMSprop, batch 64, model.fit:');
  for (const backend of values['no-ts'] ? [wasmBackend] : [tsBackend, wasmBackend]) {
    const t = await fitSteps(backend, backend === tsBackend ? 10 : 60);
    console.log(
      `${backend.name.padEnd(4)} ${t.best.toFixed(2)} / ${t.median.toFixed(2)} ms per training step (best / median, load ${load()})`,
    );
  }
  setBackend(wasmBackend);
  const m = model();
  const [x, y] = data(20_000, 21);
  const [xv, yv] = data(5_000, 31);
  await m.fit(x, y, { epochs: 1, batchSize: B, validationData: [xv, yv], verbose: 0 }); // warm-up
  const seconds: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await m.fit(x, y, { epochs: 1, batchSize: B, validationData: [xv, yv], verbose: 0 });
    seconds.push((performance.now() - t0) / 1000);
  }
  console.log(
    `wasm epoch (20,000 train + 5,000 validation): ${Math.min(...seconds).toFixed(2)} s best, ${median(seconds).toFixed(2)} s median (PyTorch 1.13 CPU ~4.8 s; load ${load()})`,
  );
}
