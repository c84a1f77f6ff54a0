import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  cast,
  Dense,
  Flatten,
  Input,
  InputLayer,
  loadModel,
  Model,
  Rescaling,
  Sequential,
  SGD,
  setRandomSeed,
  type Tensor,
  tensor,
} from '../index.js';
import { forEachBackend, on } from '../test-utils/backends.js';

/** Deterministic 6×6 "images" of bytes and labels 0..2 (a brightness band per class). */
function byteData(n: number) {
  const pixels = new Uint8Array(n * 36);
  const labels = new Uint8Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let k = 0; k < 36; k++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      pixels[i * 36 + k] = (labels[i]! * 80 + (s % 96)) & 255;
    }
  }
  return { x: tensor(pixels, [n, 6, 6]), y: tensor(labels) };
}

function model(): Sequential {
  const m = new Sequential([
    new Rescaling(1 / 255, { inputShape: [6, 6] }),
    new Flatten(),
    new Dense(8, { activation: 'relu' }),
    new Dense(3, { activation: 'softmax' }),
  ]);
  m.compile({
    optimizer: new SGD({ learningRate: 0.1, momentum: 0.9 }),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  });
  return m;
}

/** History, evaluation and predictions of one seeded run. */
async function run(x: Tensor, y: Tensor) {
  setRandomSeed(5);
  const m = model();
  const history = await m.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, verbose: 0 });
  return { history: history.history, evaluation: m.evaluate(x, y), predictions: m.predict(x).dataSync() };
}

forEachBackend('fit with uint8 data', (backend) => {
  it('equals fit on the float32 copy bit for bit (each batch is cast as Keras casts inputs)', async () => {
    const { x, y } = on(backend, () => byteData(96));
    const fromBytes = await on(backend, () => run(x, y));
    const fromFloats = await on(backend, () => run(cast(x, 'float32'), cast(y, 'int32')));
    expect(x.dtype).toBe('uint8');
    expect(fromBytes.history.loss!.length).toBe(3);
    expect(fromBytes.history.loss![2]!).toBeLessThan(fromBytes.history.loss![0]!);
    expect(fromBytes).toEqual(fromFloats);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'tensile-uint8-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The same network as `model()`, Functional, declaring its input as bytes the way Keras allows. */
function byteInputModel(): Model {
  const input = Input({ shape: [6, 6], dtype: 'uint8', name: 'pixels' });
  let h = new Rescaling(1 / 255).apply(input);
  h = new Flatten().apply(h);
  h = new Dense(8, { activation: 'relu' }).apply(h);
  const m = new Model({ inputs: input, outputs: new Dense(3, { activation: 'softmax' }).apply(h) });
  m.compile({
    optimizer: new SGD({ learningRate: 0.1, momentum: 0.9 }),
    loss: 'sparse_categorical_crossentropy',
  });
  return m;
}

forEachBackend('a uint8 Input', (backend) => {
  it('trains in float32 on bytes, and keeps its dtype through .keras and Keras configs', async () => {
    const { x, y } = on(backend, () => byteData(48));
    const train = async (data: Tensor) => {
      setRandomSeed(5);
      const m = on(backend, () => byteInputModel());
      const h = await on(backend, () => m.fit(data, y, { epochs: 2, batchSize: 16, verbose: 0 }));
      return { m, loss: h.history.loss };
    };
    const bytes = await train(x);
    const floats = await train(on(backend, () => cast(x, 'float32')));
    expect(bytes.loss).toEqual(floats.loss);
    const path = join(dir, `${backend.name}.keras`);
    await bytes.m.save(path);
    const loaded = await on(backend, () => loadModel(path));
    expect((loaded.layers[0] as InputLayer).dtype).toBe('uint8');
    const predict = (m: Model) => Array.from((m.predict(x) as Tensor).dataSync());
    expect(predict(loaded)).toEqual(predict(bytes.m));
    // Keras 3 writes the dtype as a DTypePolicy entry.
    const policy = { class_name: 'DTypePolicy', config: { name: 'uint8' } };
    expect(InputLayer.fromConfig({ batch_shape: [null, 6, 6], dtype: policy, name: 'p' }).dtype).toBe(
      'uint8',
    );
  });
});
