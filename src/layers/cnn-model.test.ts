import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/index.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Adam } from '../optimizers/index.js';
import { setRandomSeed } from '../random/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { Conv1D } from './conv1d.js';
import { Conv2D } from './conv2d.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { GlobalAveragePooling1D } from './global-pooling.js';
import { clearSession } from './layer.js';
import { AveragePooling1D, MaxPooling2D } from './pooling.js';
import { Reshape } from './reshape.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-cnn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The textbook's chapter-8 Fashion-MNIST CNN. */
function bookCnn(): Sequential {
  return new Sequential([
    new Conv2D(32, 3, { activation: 'relu', padding: 'same', inputShape: [28, 28, 1] }),
    new MaxPooling2D(2),
    new Conv2D(64, 3, { activation: 'relu', padding: 'same' }),
    new MaxPooling2D(2),
    new Flatten(),
    new Dense(100, { activation: 'relu' }),
    new Dropout(0.4),
    new Dense(10, { activation: 'softmax' }),
  ]);
}

/** Two classes of 8×8 images: a bright left half or a bright right half, with noise. */
function images(n: number) {
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let p = 0; p < 64; p++) x[i * 64 + p] = p % 8 < 4 === (i % 2 === 0) ? 1 : 0.2 * Math.sin(i + p);
  }
  return { x: tensor(x, [n, 8, 8, 1]), y: tensor(y, [n], 'int32') };
}

describe('CNN models', () => {
  it("the book's CNN has Keras' 333,526 parameters and names", () => {
    clearSession();
    const m = bookCnn();
    expect(m.countParams()).toBe(333_526);
    const text = m.summary({ print: false });
    expect(text).toMatch(/Total params: 333,526/);
    expect(text).toMatch(/conv2d_1 \(Conv2D\)\s+│ \(None, 14, 14, 64\)\s+│\s+18,496/);
    expect(text).toMatch(/flatten \(Flatten\)\s+│ \(None, 3136\)/);
  });

  it.each(['keras', 'h5'])('trains, then a .%s round trip keeps predictions and weights', async (ext) => {
    setRandomSeed(5);
    const m = new Sequential([
      new Conv2D(4, 3, { activation: 'relu', padding: 'same', inputShape: [8, 8, 1] }),
      new MaxPooling2D(2),
      new Reshape([4, 16]),
      new Conv1D(3, 2, { padding: 'causal' }),
      new AveragePooling1D(2),
      new GlobalAveragePooling1D(),
      new Dense(2, { activation: 'softmax' }),
    ]);
    m.compile({
      optimizer: new Adam({ learningRate: 0.01 }),
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    });
    const { x, y } = images(64);
    const h = await m.fit(x, y, { epochs: 8, batchSize: 16, verbose: 0 });
    const losses = h.history.loss!;
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.8);
    const path = join(dir, `cnn.${ext}`);
    await m.save(path);
    const back = await loadModel(path);
    expect(back.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
    expect(Array.from((back.predict(x) as Tensor).dataSync())).toEqual(Array.from(m.predict(x).dataSync()));
    // The saved model's InputLayer carries the input shape, so the first layer's config has none.
    const { batch_input_shape: _, ...first } = m.layers[0]!.getConfig();
    expect(back.layers[0]!.getConfig()).toEqual(first);
    expect(back.layers.map((l) => l.getConfig()).slice(1)).toEqual(
      m.layers.map((l) => l.getConfig()).slice(1),
    );
  });
});
