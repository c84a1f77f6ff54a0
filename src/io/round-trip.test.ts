import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Activation } from '../layers/activation.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { GRU } from '../layers/rnn/gru.js';
import { LSTM } from '../layers/rnn/lstm.js';
import { SimpleRNN } from '../layers/rnn/simple-rnn.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Adam, type Optimizer, RMSprop, SGD } from '../optimizers/index.js';
import { setRandomSeed } from '../random/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { loadModel } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 40 samples, 3 features, two classes one-hot. */
function data() {
  const x = new Float32Array(120);
  const y = new Float32Array(80);
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 3; j++) x[i * 3 + j] = Math.sin(i * 1.7 + j * 0.9);
    const c = x[i * 3]! + x[i * 3 + 2]! > 0 ? 1 : 0;
    y[i * 2 + c] = 1;
  }
  return { x: tensor(x, [40, 3]), y: tensor(y, [40, 2]) };
}

function model(optimizer: Optimizer): Sequential {
  const m = new Sequential([
    new Dense(6, { activation: 'relu', inputShape: [3] }),
    new BatchNormalization(),
    new Dense(2),
    new Activation('softmax'),
  ]);
  m.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

const values = (ts: Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

const OPTIMIZERS: [string, () => Optimizer][] = [
  ['SGD(momentum, nesterov)', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
  ['RMSprop(momentum, centered)', () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
  ['Adam(amsgrad)', () => new Adam({ learningRate: 0.01, amsgrad: true })],
  ['Adam', () => new Adam({ learningRate: 0.02 })],
];

describe.each(['keras', 'h5'])('.%s round trip', (ext) => {
  it.each(OPTIMIZERS)('%s: same predictions, then identical continued training', async (name, make) => {
    setRandomSeed(11);
    const { x, y } = data();
    const a = model(make());
    await a.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const path = join(dir, `${name.replace(/\W+/g, '_')}.${ext}`);
    await a.save(path);
    const b = await loadModel(path);

    expect(b.layers.map((l) => [l.className, l.name])).toEqual(a.layers.map((l) => [l.className, l.name]));
    expect(b.optimizer!.getConfig()).toEqual(a.optimizer!.getConfig());
    expect(b.optimizer!.iterations).toBe(a.optimizer!.iterations);
    expect(values(b.getWeights())).toEqual(values(a.getWeights()));
    expect(Array.from((b.predict(x) as Tensor).dataSync())).toEqual(Array.from(a.predict(x).dataSync()));

    setRandomSeed(5);
    const ha = await a.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0 });
    setRandomSeed(5);
    const hb = await b.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0 });
    expect(hb.history).toEqual(ha.history);
    expect(values(b.getWeights())).toEqual(values(a.getWeights()));
  });
});

describe.each(['keras', 'h5'])('recurrent models, .%s', (ext) => {
  it('Embedding, SimpleRNN, LSTM, GRU: same predictions and identical continued training', async () => {
    setRandomSeed(21);
    const tokens = new Int32Array(16 * 6).map((_, i) => (i * 7 + (i >> 3)) % 12);
    const x = tensor(tokens, [16, 6], 'int32');
    const y = tensor(
      Array.from({ length: 16 }, (_, i) => i % 2),
      [16, 1],
    );
    const a = new Sequential([
      new Embedding(12, 4, { inputShape: [6] }),
      new SimpleRNN(4, { returnSequences: true }),
      new LSTM(3, { returnSequences: true }),
      new GRU(2),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    a.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'binary_crossentropy' });
    await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const path = join(dir, `rnn.${ext}`);
    await a.save(path);
    const b = await loadModel(path);
    expect(Array.from((b.predict(x) as Tensor).dataSync())).toEqual(Array.from(a.predict(x).dataSync()));
    setRandomSeed(8);
    await a.fit(x, y, { epochs: 2, initialEpoch: 1, batchSize: 8, verbose: 0 });
    setRandomSeed(8);
    await b.fit(x, y, { epochs: 2, initialEpoch: 1, batchSize: 8, verbose: 0 });
    expect(values(b.getWeights())).toEqual(values(a.getWeights()));
  });
});

describe('weights files', () => {
  it('saveWeights/loadWeights restore weights and optimizer state into a fresh model', async () => {
    setRandomSeed(3);
    const { x, y } = data();
    const a = model(new Adam({ learningRate: 0.01 }));
    await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const path = join(dir, 'a.weights.h5');
    await a.saveWeights(path);
    const b = model(new Adam({ learningRate: 0.01 }));
    await b.loadWeights(path);
    expect(values(b.getWeights())).toEqual(values(a.getWeights()));
    expect(b.optimizer!.iterations).toBe(5);
    setRandomSeed(9);
    await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    setRandomSeed(9);
    await b.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(values(b.getWeights())).toEqual(values(a.getWeights()));
  });

  it('loadWeights also reads the weights of .keras and legacy .h5 model files', async () => {
    setRandomSeed(4);
    const a = new Sequential([new Dense(3, { inputShape: [2] }), new Dropout(0.3), new Dense(1)]);
    for (const ext of ['keras', 'h5']) {
      const path = join(dir, `plain.${ext}`);
      await a.save(path);
      const b = new Sequential([new Dense(3, { inputShape: [2] }), new Dropout(0.3), new Dense(1)]);
      await b.loadWeights(path);
      expect(values(b.getWeights())).toEqual(values(a.getWeights()));
    }
  });

  it('saves uncompiled models and models with Dropout; the optimizer is optional', async () => {
    setRandomSeed(2);
    const a = new Sequential([
      new Dense(4, { activation: 'tanh', inputShape: [3] }),
      new Dropout(0.5),
      new Dense(1),
    ]);
    const { x } = data();
    for (const ext of ['keras', 'h5']) {
      await a.save(join(dir, `uncompiled.${ext}`));
      const b = await loadModel(join(dir, `uncompiled.${ext}`));
      expect(b.optimizer).toBeNull();
      expect((b.layers[1] as Dropout).rate).toBe(0.5);
      expect(Array.from((b.predict(x) as Tensor).dataSync())).toEqual(Array.from(a.predict(x).dataSync()));
    }
  });

  it('writes slots that do not exist yet as zeros, so a compiled but untrained model round-trips', async () => {
    const a = model(new SGD({ momentum: 0.9 }));
    await a.save(join(dir, 'untrained.keras'));
    const b = await loadModel(join(dir, 'untrained.keras'));
    expect(b.optimizer!.iterations).toBe(0);
    const slot = b.optimizer!.slotsOf(b.trainableWeights[0]!)![0]!;
    expect(Array.from(slot.dataSync()).every((v) => v === 0)).toBe(true);
  });
});
