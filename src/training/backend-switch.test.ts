import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { getBackend, setBackend } from '../backend/select.js';
import {
  Adam,
  BatchNormalization,
  Dense,
  Dropout,
  Embedding,
  GRU,
  type Layer,
  LSTM,
  loadModel,
  type Model,
  RMSprop,
  Sequential,
  setRandomSeed,
  type Tensor,
  tensor,
} from '../index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { BACKENDS } from '../test-utils/backends.js';

/**
 * The path a user meets: build and train a model on one backend, call setBackend(other), then keep
 * going (fit with data made after the switch, predict, evaluate, layerOutputs, save .keras and .h5,
 * load). Everything must work, and give the same numbers as a run that never switched, because a
 * model computes where its weights live and data is copied there.
 */
const dir = mkdtempSync(join(tmpdir(), 'tensile-switch-'));
const selectedAtStart = getBackend();
afterEach(() => setBackend(selectedAtStart));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  name: string;
  layers: () => Layer[];
  optimizer: () => Optimizer;
  loss: string;
  /** x values, x shape and dtype, y values and y shape; made into tensors on the selected backend. */
  data: { x: Float32Array | Int32Array; xShape: number[]; y: Float32Array; yShape: number[] };
}

const mlpData = () => {
  const n = 24;
  const x = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(i * 0.37));
  const y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) y[i * 3 + (Math.floor((x[i * 6]! + 1) * 1.5) % 3)] = 1;
  return { x, xShape: [n, 6], y, yShape: [n, 3] };
};

const sequenceData = () => {
  const n = 16;
  // Some trailing zeros, so Embedding(maskZero) masks the tail of each sequence.
  const x = Int32Array.from({ length: n * 7 }, (_, i) => (i % 7 > 4 + (i % 2) ? 0 : 1 + ((i * 5) % 19)));
  const y = Float32Array.from({ length: n }, (_, i) => (x[i * 7]! > 9 ? 1 : 0));
  return { x, xShape: [n, 7], y, yShape: [n, 1] };
};

const CASES: Case[] = [
  {
    name: 'Dense + Dropout + BatchNormalization, Adam',
    layers: () => [
      new Dense(8, { activation: 'relu', inputShape: [6] }),
      new Dropout(0.25),
      new BatchNormalization(),
      new Dense(3, { activation: 'softmax' }),
    ],
    optimizer: () => new Adam({ learningRate: 0.01 }),
    loss: 'categorical_crossentropy',
    data: mlpData(),
  },
  {
    name: 'Embedding(maskZero) + LSTM(dropout) + GRU(recurrentDropout, goBackwards), RMSprop',
    layers: () => [
      new Embedding(20, 4, { inputShape: [7], maskZero: true }),
      new LSTM(5, { dropout: 0.2, returnSequences: true }),
      new GRU(4, { recurrentDropout: 0.2, goBackwards: true }),
      new Dense(1, { activation: 'sigmoid' }),
    ],
    optimizer: () => new RMSprop({ learningRate: 0.01, momentum: 0.5 }),
    loss: 'binary_crossentropy',
    data: sequenceData(),
  },
];

const values = (ts: readonly Tensor[]) => ts.map((t) => Array.from(t.dataSync()));
const slotsOf = (m: Model) => m.trainableWeights.flatMap((w) => m.optimizer!.slotsOf(w)!);

/** Builds and trains on `build`, selects `later`, then uses the model and its files. */
async function journey(c: Case, build: Backend, later: Backend, tag: string) {
  setBackend(build);
  setRandomSeed(3);
  const model = new Sequential(c.layers());
  model.compile({ optimizer: c.optimizer(), loss: c.loss, metrics: ['accuracy'] });
  const { x: xs, xShape, y: ys, yShape } = c.data;
  const first = await model.fit(tensor(xs, xShape), tensor(ys, yShape), {
    epochs: 2,
    batchSize: 8,
    verbose: 0,
  });
  setBackend(later);
  const [x, y] = [tensor(xs, xShape), tensor(ys, yShape)]; // made after the switch: on `later`
  const second = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, validationData: [x, y] });
  const split = await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, validationSplit: 0.25 });
  const predicted = model.predict(x, { batchSize: 5 });
  const evaluated = model.evaluate(x, y, { batchSize: 5 });
  const layerOutputs = model.layerOutputs(x).map((o) => o.output);
  const files = [join(dir, `${tag}.keras`), join(dir, `${tag}.h5`)];
  for (const f of files) await model.save(f);
  const loaded = await Promise.all(files.map((f) => loadModel(f)));
  const loadedWeights = loaded.map((m) => values(m.getWeights()));
  const loadedState = loaded.map((m) => [m.optimizer!.iterations, values(slotsOf(m))]);
  const loadedPredictions = loaded.map((m) => m.predict(x) as Tensor);
  const continued = await Promise.all(
    loaded.map(
      async (m) => (await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false })).history,
    ),
  );
  return {
    model,
    histories: [first.history, second.history, split.history],
    predicted,
    evaluated,
    layerOutputs,
    loaded,
    loadedWeights,
    loadedState,
    loadedPredictions,
    continued,
    selectedAfter: getBackend(),
  };
}

describe('switching backends after building a model', () => {
  for (const c of CASES) {
    for (const build of BACKENDS) {
      const later = BACKENDS.find((b) => b !== build)!;
      it(`${c.name}: ${build.name} → ${later.name} gives the numbers of staying on ${build.name}`, async () => {
        const stay = await journey(c, build, build, `stay-${build.name}`);
        const moved = await journey(c, build, later, `moved-${build.name}`);
        expect(moved.selectedAfter).toBe(later); // nothing changed the user's choice
        // The model computed on its weights' backend throughout: the same numbers, bit for bit.
        expect(moved.histories).toEqual(stay.histories);
        expect(moved.evaluated).toEqual(stay.evaluated);
        expect(values([moved.predicted])).toEqual(values([stay.predicted]));
        expect(values(moved.layerOutputs)).toEqual(values(stay.layerOutputs));
        expect(values(moved.model.getWeights())).toEqual(values(stay.model.getWeights()));
        // Weights, optimizer slots and outputs stayed on the backend the model was built on.
        const slots = slotsOf(moved.model);
        expect(slots.length).toBeGreaterThan(0);
        for (const t of [...moved.model.weights, ...slots, moved.predicted, ...moved.layerOutputs])
          expect(t.backend.name).toBe(build.name);
        // Loading makes a new model on the selected backend, with the same weights and optimizer state.
        expect(moved.loadedWeights).toEqual(stay.loadedWeights);
        expect(moved.loadedWeights[0]).toEqual(values(stay.model.getWeights()));
        for (const state of moved.loadedState)
          expect(state).toEqual([moved.model.optimizer!.iterations, values(slotsOf(moved.model))]);
        moved.loaded.forEach((m) => {
          for (const w of m.weights) expect(w.backend).toBe(later);
          for (const w of m.trainableWeights)
            for (const s of m.optimizer!.slotsOf(w)!) expect(s.backend).toBe(later);
        });
        // The loaded copies run on `later`: the same numbers within the ts/wasm parity tolerance.
        moved.loadedPredictions.forEach((p, i) => {
          const [got, want] = [p.dataSync(), stay.loadedPredictions[i]!.dataSync()];
          expect(p.backend).toBe(later);
          expect(got.length).toBe(want.length);
          expect(Math.max(...got.map((v, j) => Math.abs(v - want[j]!)))).toBeLessThan(1e-5);
        });
        moved.continued.forEach((h, i) => {
          const [got, want] = [h.loss![0]!, stay.continued[i]!.loss![0]!];
          expect(Math.abs(got - want) / Math.abs(want), `${got} vs ${want}`).toBeLessThan(1e-4);
        });
      });
    }
  }
});
