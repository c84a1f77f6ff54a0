/**
 * Soak test: the IMDB study's LSTM (Embedding(500,16) → LSTM(8) → Dense(1, sigmoid), RMSprop 1e-4,
 * batch 64) trained for 100 epochs in one process, recording after every epoch the process RSS, the
 * V8 heap, the wasm backend's live bytes and its linear-memory size. Memory must be flat after
 * warm-up: a leak of one tensor per step would show as a steady climb.
 * Run: TENSILE_DATA_DIR=../shared/data npx tsx bench/soak.ts [--epochs 100] [--samples 5000]
 * (`--samples` takes the first reviews of the training set, 80/20 train/validation, to keep the run
 * to minutes; the per-step work is the study's.) Writes bench/results/soak-<time>.jsonl.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { wasmBackend } from '../src/backends/wasm/index.js';
import {
  Dense,
  datasets,
  Embedding,
  LambdaCallback,
  LSTM,
  padSequences,
  RMSprop,
  Sequential,
  setBackend,
  setRandomSeed,
  tensor,
  trainTestSplit,
} from '../src/index.js';

const { values } = parseArgs({
  options: { epochs: { type: 'string', default: '100' }, samples: { type: 'string', default: '5000' } },
});
const epochs = Number(values.epochs);
const samples = Number(values.samples);

setBackend(wasmBackend);
setRandomSeed(42);
const [[xAll, yAll]] = await datasets.imdb.loadData({ numWords: 500 });
const ys = Array.from(yAll.dataSync()).slice(0, samples);
const [xTr, xVal, yTr, yVal] = trainTestSplit(xAll.slice(0, samples), ys, {
  testSize: 0.2,
  randomState: 42,
}) as [number[][], number[][], number[], number[]];
const labels = (v: number[]) => tensor(Float32Array.from(v), [v.length, 1]);

const model = new Sequential([
  new Embedding(500, 16, { inputLength: 100 }),
  new LSTM(8),
  new Dense(1, { activation: 'sigmoid' }),
]);
model.compile({
  optimizer: new RMSprop({ learningRate: 1e-4 }),
  loss: 'binary_crossentropy',
  metrics: ['accuracy'],
});

interface Sample {
  epoch: number;
  seconds: number;
  rssMB: number;
  v8HeapMB: number;
  wasmLiveMB: number;
  wasmMemoryMB: number;
  loss: number;
}
const wasm = wasmBackend as unknown as { heapBytes(): number; heap_?: { allocator: { capacity: number } } };
const MB = 2 ** 20;
const rows: Sample[] = [];
let t0 = performance.now();
const record = new LambdaCallback({
  onEpochBegin: () => {
    t0 = performance.now();
  },
  onEpochEnd: (epoch, logs) => {
    const mem = process.memoryUsage();
    const row = {
      epoch: epoch + 1,
      seconds: (performance.now() - t0) / 1000,
      rssMB: mem.rss / MB,
      v8HeapMB: mem.heapUsed / MB,
      wasmLiveMB: wasm.heapBytes() / MB,
      wasmMemoryMB: (wasm.heap_?.allocator.capacity ?? 0) / MB,
      loss: logs?.loss ?? Number.NaN,
    };
    rows.push(row);
    if (row.epoch % 10 === 0 || row.epoch === 1) {
      console.log(
        `epoch ${row.epoch}: ${row.seconds.toFixed(2)} s, RSS ${row.rssMB.toFixed(1)} MB, V8 ${row.v8HeapMB.toFixed(1)} MB, wasm live ${row.wasmLiveMB.toFixed(2)} MB of ${row.wasmMemoryMB.toFixed(1)} MB, loss ${row.loss.toFixed(4)}`,
      );
    }
  },
});
await model.fit(padSequences(xTr, { maxlen: 100 }), labels(yTr), {
  epochs,
  batchSize: 64,
  validationData: [padSequences(xVal, { maxlen: 100 }), labels(yVal)],
  verbose: 0,
  callbacks: [record],
});

/** Least-squares slope of `key` over the epochs after warm-up, per 100 epochs. */
function slope(key: keyof Sample, from: number): number {
  const pts = rows.filter((r) => r.epoch > from);
  const mx = pts.reduce((s, r) => s + r.epoch, 0) / pts.length;
  const my = pts.reduce((s, r) => s + (r[key] as number), 0) / pts.length;
  const num = pts.reduce((s, r) => s + (r.epoch - mx) * ((r[key] as number) - my), 0);
  const den = pts.reduce((s, r) => s + (r.epoch - mx) ** 2, 0);
  return (num / den) * 100;
}
// The first half is warm-up: the data set's unused test split and loading buffers are collected by
// a major GC at some point in it (about epoch 45 of 100 here), which drops RSS by ~180 MB at once.
const warm = Math.floor(epochs / 2);
const after = rows.filter((r) => r.epoch > warm);
const range = (k: keyof Sample) =>
  `${Math.min(...after.map((r) => r[k] as number)).toFixed(2)}–${Math.max(...after.map((r) => r[k] as number)).toFixed(2)}`;
const summary = {
  cpu: cpus()[0]?.model,
  epochs,
  trainSamples: xTr.length,
  warmupEpochs: warm,
  rssMB: range('rssMB'),
  rssSlopeMBPer100Epochs: slope('rssMB', warm),
  v8HeapMB: range('v8HeapMB'),
  wasmLiveMB: range('wasmLiveMB'),
  wasmMemoryMB: range('wasmMemoryMB'),
  secondsPerEpoch: after.reduce((s, r) => s + r.seconds, 0) / after.length,
};
console.log(JSON.stringify(summary, null, 1));
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/soak-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')}.jsonl`;
writeFileSync(file, `${[...rows, { summary }].map((r) => JSON.stringify(r)).join('\n')}\n`);
console.log(`per-epoch samples: ${file}`);
