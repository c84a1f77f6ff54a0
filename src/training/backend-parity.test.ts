import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../backend/select.js';
import { tsBackend } from '../backends/ts/index.js';
import { wasmBackend } from '../backends/wasm/index.js';
import {
  Adam,
  BatchNormalization,
  Dense,
  Embedding,
  GRU,
  type Layer,
  LSTM,
  RMSprop,
  Sequential,
  SGD,
  SimpleRNN,
  setRandomSeed,
  tensor,
} from '../index.js';
import type { Optimizer } from '../optimizers/optimizer.js';

/**
 * Each tutorial model trains for a few steps on the ts reference backend and on wasm, from the same
 * seed (so the same initial weights, shuffles and dropout masks); the per-epoch losses must agree.
 */
interface Case {
  name: string;
  layers: () => Layer[];
  optimizer: () => Optimizer;
  loss: string;
  data: () => {
    x: number[] | Float32Array;
    xShape: number[];
    xDtype: 'int32' | 'float32';
    y: Float32Array;
    yShape: number[];
  };
}

function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const sequences = () => {
  const r = lcg(3);
  const x = Array.from({ length: 32 * 20 }, () => Math.floor(r() * 50));
  const y = Float32Array.from({ length: 32 }, (_, i) =>
    x.slice(i * 20, i * 20 + 20).filter((v) => v < 10).length > 3 ? 1 : 0,
  );
  return { x, xShape: [32, 20], xDtype: 'int32' as const, y, yShape: [32, 1] };
};

const images = () => {
  const r = lcg(5);
  const x = Float32Array.from({ length: 64 * 30 }, () => r());
  const y = new Float32Array(64 * 4);
  for (let i = 0; i < 64; i++) y[i * 4 + (Math.floor(x[i * 30]! * 4) % 4)] = 1;
  return { x, xShape: [64, 30], xDtype: 'float32' as const, y, yShape: [64, 4] };
};

const rnn = (recurrent: () => Layer[]): Omit<Case, 'name'> => ({
  layers: () => [
    new Embedding(50, 8, { inputShape: [20] }),
    ...recurrent(),
    new Dense(1, { activation: 'sigmoid' }),
  ],
  optimizer: () => new RMSprop({ learningRate: 1e-2 }),
  loss: 'binary_crossentropy',
  data: sequences,
});

const mlp = (bn: boolean, optimizer: () => Optimizer): Omit<Case, 'name'> => ({
  layers: () => [
    new Dense(16, { activation: 'sigmoid', inputShape: [30] }),
    ...(bn ? [new BatchNormalization()] : []),
    new Dense(8, { activation: 'relu' }),
    new Dense(4, { activation: 'softmax' }),
  ],
  optimizer,
  loss: 'categorical_crossentropy',
  data: images,
});

const CASES: Case[] = [
  { name: 'Embedding + LSTM', ...rnn(() => [new LSTM(6)]) },
  { name: 'Embedding + GRU', ...rnn(() => [new GRU(6)]) },
  { name: 'Embedding + SimpleRNN', ...rnn(() => [new SimpleRNN(6)]) },
  {
    name: 'Embedding + 2 × LSTM(dropout)',
    ...rnn(() => [new LSTM(6, { dropout: 0.3, returnSequences: true }), new LSTM(6, { dropout: 0.3 })]),
  },
  {
    name: 'MLP + BN, SGD nesterov',
    ...mlp(true, () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })),
  },
  { name: 'MLP, Adam', ...mlp(false, () => new Adam({ learningRate: 0.01 })) },
];

async function train(c: Case, backend: typeof tsBackend): Promise<number[]> {
  // withBackend restores the previous backend when its (synchronous) callback returns, so an async
  // body switches explicitly and restores after the await.
  const previous = getBackend();
  setBackend(backend);
  try {
    setRandomSeed(11);
    const d = c.data();
    const model = new Sequential(c.layers());
    model.compile({ optimizer: c.optimizer(), loss: c.loss });
    const x = tensor(d.x, d.xShape, d.xDtype);
    const y = tensor(d.y, d.yShape);
    const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    return h.history.loss!;
  } finally {
    setBackend(previous);
  }
}

describe('a short training run gives the same losses on ts and wasm', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const ref = await train(c, tsBackend);
      const got = await train(c, wasmBackend);
      ref.forEach((l, i) => {
        const relative = Math.abs(got[i]! - l) / Math.abs(l);
        expect(relative, `epoch ${i + 1}: ts ${l} wasm ${got[i]}`).toBeLessThan(1e-4);
      });
    });
  }
});
