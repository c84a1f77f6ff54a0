import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Adam, type RMSprop, type SGD } from '../optimizers/index.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { writeH5 } from './hdf5.js';
import { loadModel, loadWeights } from './index.js';

// Fixtures and expected values come from src/io/fixtures/keras_generations.py, which lays each file out
// as that Keras version's saving code does (sources cited there) and writes every layer's numpy output
// to keras_generations.json.
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
type Expected = { x: number[][]; layers: unknown[] };
const expected: Record<string, Expected> = JSON.parse(
  readFileSync(fixture('keras_generations.json'), 'utf8'),
);
const dir = mkdtempSync(join(tmpdir(), 'tensile-generations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the model one layer at a time and compares each layer's output with numpy's. */
function expectLayerOutputs(model: Model, name: string, ints = false): void {
  const want = expected[name]!;
  const flat = want.x.flat();
  let h: Tensor = tensor(
    ints ? Int32Array.from(flat) : flat,
    [want.x.length, want.x[0]!.length],
    ints ? 'int32' : 'float32',
  );
  expect(model.layers.length).toBe(want.layers.length);
  for (const [i, layer] of model.layers.entries()) {
    h = layer.apply(h);
    const values = (want.layers[i] as number[]).flat(3) as number[];
    const got = h.dataSync();
    expect(got.length, `${name} layer ${i} (${layer.name})`).toBe(values.length);
    for (const [k, v] of values.entries()) expect(got[k], `${name} layer ${i} [${k}]`).toBeCloseTo(v, 5);
  }
}
const slot = (model: Model, w: number, s: number) =>
  model.optimizer!.slotsOf(model.trainableWeights[w] as Variable)![s]!.dataSync();

describe('files from each Keras generation', () => {
  it("tf.keras 2.13 .keras: _layer_checkpoint_dependencies groups, 'Custom>Adam' state", async () => {
    const model = await loadModel(fixture('tfkeras213_mlp.keras'));
    expect(model.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'dense_1']);
    expectLayerOutputs(model, 'tfkeras213_mlp');
    const opt = model.optimizer as Adam;
    expect(opt).toBeInstanceOf(Adam);
    expect(opt.iterations).toBe(5);
    // [iteration, m(k0), v(k0), m(b0), v(b0), ...] with m = 0.01 (i + 1), v = 0.001 (i + 1)
    expect([slot(model, 0, 0)[0], slot(model, 0, 1)[0], slot(model, 3, 0)[1], slot(model, 3, 1)[1]]).toEqual(
      [0.01, 0.001, 0.04, 0.004].map(Math.fround),
    );
  });

  it('tf.keras 2.15 .keras: layers/<class> groups as in Keras 3, the 2.11+ optimizer state without learning_rate', async () => {
    const model = await loadModel(fixture('tfkeras215_mlp.keras'));
    expectLayerOutputs(model, 'tfkeras213_mlp'); // the same model and weights as the 2.13 file
    expect(model.optimizer!.iterations).toBe(5);
    expect([slot(model, 0, 1)[0], slot(model, 2, 0)[0]]).toEqual([0.001, 0.03].map(Math.fround));
  });

  it('tf.keras 2.13 .weights.h5 through loadWeights', async () => {
    const model = new Sequential([
      new Dense(3, { activation: 'relu', inputShape: [4] }),
      new Dropout(0.5),
      new Dense(2, { activation: 'softmax' }),
    ]);
    await loadWeights(model, fixture('tfkeras213_mlp.weights.h5'));
    expectLayerOutputs(model, 'tfkeras213_mlp');
  });

  it("tf.keras 2.15 legacy .h5: 'Custom>RMSprop', LSTM cell weights, 2.11+ optimizer variables", async () => {
    const model = await loadModel(fixture('tfkeras215_rnn.h5'));
    expect(model.layers.map((l) => l.className)).toEqual(['Embedding', 'LSTM', 'Dense']);
    expectLayerOutputs(model, 'tfkeras215_rnn', true);
    const opt = model.optimizer as RMSprop;
    expect([opt.className, opt.momentum, opt.iterations]).toEqual(['RMSprop', 0, 9]);
    expect(model.metricIds).toEqual(['accuracy']);
    for (const w of [0, 3, 5]) expect(slot(model, w, 0)[0]).toBe(Math.fround(0.001 * (w + 1)));
  });

  it("Keras 2.4 .h5: fixed-length name lists, OptimizerV2 state, Keras 2's hard_sigmoid (0.2 x + 0.5)", async () => {
    const model = await loadModel(fixture('keras24_mlp.h5'));
    expect(model.layers.map((l) => l.name)).toEqual(['dense', 'dense_1', 'dense_2']);
    expectLayerOutputs(model, 'keras24_mlp');
    const opt = model.optimizer as RMSprop;
    expect([opt.iterations, opt.rho]).toEqual([11, 0.8999999761581421]);
    for (const w of [0, 5]) expect(slot(model, w, 0)[0]).toBe(Math.fround(0.002 * (w + 1)));
  });

  it("Keras 3.15 .keras: input_axes/output_axes, groups named by class, Keras 3's hard_sigmoid (x / 6 + 0.5)", async () => {
    const model = await loadModel(fixture('keras315_mlp.keras'));
    expect(model.layers.map((l) => l.name)).toEqual(['dense_7', 'batch_normalization_3', 'dense_8']);
    expectLayerOutputs(model, 'keras315_mlp');
    const opt = model.optimizer as SGD;
    expect([opt.className, opt.momentum, opt.iterations, opt.learningRate]).toEqual([
      'SGD',
      0,
      4,
      0.009999999776482582,
    ]);
    expect(model.loss!.name).toBe('categorical_crossentropy');
  });

  it('Keras 3 legacy .h5 with weight paths nested under the model name and no :0', async () => {
    const model = await loadModel(fixture('keras3_nested_legacy.h5'));
    expectLayerOutputs(model, 'keras3_nested_legacy');
  });

  it('detects the format from the magic bytes: an HDF5 file named .keras loads', async () => {
    const path = join(dir, 'really-hdf5.keras');
    copyFileSync(fixture('keras3_nested_legacy.h5'), path);
    expectLayerOutputs(await loadModel(path), 'keras3_nested_legacy');
  });

  it('a weights file in no known layout is refused naming the layout and what the file holds', async () => {
    const path = join(dir, 'odd.weights.h5');
    await writeH5(path, (w) => w.dataset('model/dense/kernel', new Float32Array(12), [4, 3]));
    const model = new Sequential([new Dense(3, { inputShape: [4] })]);
    await expect(loadWeights(model, path)).rejects.toThrow(
      /no weights for layer 'dense(_\d+)?' \(Dense\) at 'layers\/dense\/vars' \(Keras 3 \(and tf\.keras 2\.15\) layout: .*\); the file has top-level groups model/,
    );
  });
});

describe('hard_sigmoid in files Tensile writes (keras_version 3.6.0: Keras 3 meaning)', () => {
  for (const activation of ['hard_sigmoid', 'hard_sigmoid_keras2'] as const) {
    it(`${activation} round-trips through .keras and .h5`, async () => {
      const a = new Sequential([new Dense(2, { activation, inputShape: [3] })]);
      const x = tensor([[3, -1, 0.5]]);
      for (const ext of ['keras', 'h5']) {
        const path = join(dir, `${activation}.${ext}`);
        await a.save(path);
        const b = await loadModel(path);
        expect((b.layers[0] as Dense).activationName).toBe(activation);
        expect(Array.from((b.predict(x) as Tensor).dataSync())).toEqual(Array.from(a.predict(x).dataSync()));
      }
    });
  }
});
