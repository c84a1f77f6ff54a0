import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dense } from '../layers/dense.js';
import { Input } from '../layers/input-layer.js';
import { LSTM } from '../layers/rnn/lstm.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { SGD } from '../optimizers/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { readH5, readH5Bytes, writeH5 } from './hdf5.js';
import { loadModel } from './index.js';
import { readKerasZip } from './keras-format.js';

// keras3_nested.keras and keras2_nested.h5 come from fixtures/make_nested_fixtures.py, which lays
// them out as Keras 3's saving_lib and tf.keras 2's hdf5_format do (sources cited there) and writes
// numpy's forward pass to nested_expected.json.
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const golden = JSON.parse(readFileSync(fixture('nested_expected.json'), 'utf8')) as Record<
  string,
  number[][]
>;
const dir = mkdtempSync(join(tmpdir(), 'tensile-nested-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const values = (t: Tensor | Tensor[]) => Array.from((t as Tensor).dataSync());
const closeTo = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i]!, 5);
};

describe('nested models in Keras files', () => {
  for (const file of ['keras3_nested.keras', 'keras2_nested.h5']) {
    it(`loads ${file} (nested Sequential and Functional) and predicts numpy's outputs`, async () => {
      const model = await loadModel(fixture(file));
      expect(model.layers.map((l) => l.className)).toEqual([
        'InputLayer',
        'Sequential',
        'Functional',
        'Dense',
      ]);
      const extractor = model.getLayer('feature_extractor') as Sequential;
      expect(extractor.layers.map((l) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Dense']);
      // The Keras 3 file saved the extractor frozen; the Keras 2 one trainable.
      expect(extractor.trainable).toBe(file.endsWith('.h5'));
      const [y, p] = model.predict(tensor(golden.x!)) as Tensor[];
      closeTo(values(y!), golden.output!.flat());
      closeTo(values(p!), golden.projection!.flat());
      closeTo(values(extractor.predict(tensor(golden.x!))), golden.features!.flat());
    });
  }

  it('round-trips a Functional model with a frozen Sequential, a nested Functional and optimizer state', async () => {
    const extractor = new Sequential(
      [new Dense(4, { activation: 'relu', inputShape: [3] }), new BatchNormalization(), new Dense(3)],
      { name: 'extractor' },
    );
    extractor.trainable = false;
    const a = Input({ shape: [3] });
    const projector = new Model({
      inputs: a,
      outputs: new Dense(2, { activation: 'tanh' }).apply(a),
      name: 'proj',
    });
    const x = Input({ shape: [3], name: 'x' });
    const model = new Model({
      inputs: x,
      outputs: new Dense(1, { name: 'head' }).apply(projector.apply(extractor.apply(x))),
      name: 'outer',
    });
    model.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9 }), loss: 'mse' });
    const xs = tensor([
      [1, 2, 3],
      [-1, 0, 2],
    ]);
    await model.fit(xs, tensor([[1], [-1]]), { epochs: 2, verbose: 0 });
    for (const ext of ['keras', 'h5']) {
      const path = join(dir, `outer.${ext}`);
      await model.save(path);
      const back = await loadModel(path);
      expect(back.layers.map((l) => `${l.name}:${l.className}:${l.trainable}`)).toEqual([
        'x:InputLayer:true',
        'extractor:Sequential:false',
        'proj:Functional:true',
        'head:Dense:true',
      ]);
      expect(values(back.predict(xs))).toEqual(values(model.predict(xs)));
      expect(back.trainableWeights.length).toBe(4);
      expect(back.optimizer!.iterations).toBe(model.optimizer!.iterations);
      expect(back.getWeights().map(values)).toEqual(model.getWeights().map(values));
    }
  });

  it("writes Keras 3's config entry and weight groups for nested models", async () => {
    const inner = new Sequential([new Dense(2, { inputShape: [3], name: 'inner_dense' })], { name: 'inner' });
    const a = Input({ shape: [2] });
    const fn = new Model({ inputs: a, outputs: new Dense(2, { name: 'fn_dense' }).apply(a), name: 'fn' });
    const x = Input({ shape: [3], name: 'x' });
    const h = fn.apply(inner.apply(x));
    const model = new Model({ inputs: x, outputs: [new Dense(1, { name: 'top' }).apply(h), h], name: 'm' });
    const path = join(dir, 'layout.keras');
    await model.save(path);
    const members = readKerasZip(path);
    const config = JSON.parse(strFromU8(members['config.json']!)).config;
    const [, innerEntry, fnEntry] = config.layers;
    expect(innerEntry).toMatchObject({ module: 'keras', class_name: 'Sequential', name: 'inner' });
    expect(innerEntry.build_config).toEqual({ input_shape: [null, 3] });
    expect(innerEntry.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual([
      'InputLayer',
      'Dense',
    ]);
    expect(fnEntry).toMatchObject({ class_name: 'Functional', registered_name: 'Functional', name: 'fn' });
    expect(fnEntry.inbound_nodes[0].args[0].config.keras_history).toEqual(['inner', 0, 0]);
    // Keras counts a nested Functional's calls from 1 in output_layers (functional.py get_config).
    expect(config.output_layers).toEqual([
      ['top', 0, 0],
      ['fn', 1, 0],
    ]);
    const groups = await readH5Bytes(members['model.weights.h5']!, path, (r) =>
      ['layers/sequential/vars', 'layers/functional/vars', 'layers/functional/layers/input_layer/vars'].map(
        (g) => [g, r.isGroup(g), r.keys(g).length],
      ),
    );
    expect(groups).toEqual([
      ['layers/sequential/vars', true, 0],
      ['layers/functional/vars', true, 0],
      ['layers/functional/layers/input_layer/vars', true, 0],
    ]);
    const datasets = await readH5Bytes(members['model.weights.h5']!, path, (r) =>
      ['layers/sequential/layers/dense/vars', 'layers/functional/layers/dense/vars', 'layers/dense/vars'].map(
        (g) => r.keys(g).length,
      ),
    );
    expect(datasets).toEqual([2, 2, 2]);
    const back = await loadModel(path);
    const [y] = back.predict(tensor([[1, 2, 3]])) as Tensor[];
    expect(values(y!)).toEqual(values((model.predict(tensor([[1, 2, 3]])) as Tensor[])[0]!));
  });

  it('writes a nested model as one legacy .h5 group, trainable weights first, named by inner layer', async () => {
    const inner = new Sequential(
      [
        new Dense(3, { inputShape: [2], name: 'd1' }),
        new BatchNormalization({ name: 'bn' }),
        new Dense(2, { name: 'd2' }),
      ],
      { name: 'block' },
    );
    const outer = new Sequential([inner, new Dense(1, { name: 'out' })], { name: 'stack' });
    const path = join(dir, 'stack.h5');
    await outer.save(path);
    const names = await readH5(path, path, (r) => r.strings('model_weights/block', 'weight_names'));
    expect(names).toEqual([
      'd1/kernel:0',
      'd1/bias:0',
      'bn/gamma:0',
      'bn/beta:0',
      'd2/kernel:0',
      'd2/bias:0',
      'bn/moving_mean:0',
      'bn/moving_variance:0',
    ]);
    const back = (await loadModel(path)) as Sequential;
    expect(back.layers.map((l) => l.className)).toEqual(['Sequential', 'Dense']);
    const xs = tensor([
      [1, 2],
      [0.5, -1],
    ]);
    expect(values(back.predict(xs))).toEqual(values(outer.predict(xs)));
    const keras = join(dir, 'stack.keras');
    await outer.save(keras);
    expect(values((await loadModel(keras)).predict(xs))).toEqual(values(outer.predict(xs)));
  });

  it('round-trips a model applied twice (shared weights, two calls in the config)', async () => {
    const shared = new Sequential([new LSTM(3, { inputShape: [4, 2] })], { name: 'encoder' });
    const a = Input({ shape: [4, 2], name: 'a' });
    const b = Input({ shape: [4, 2], name: 'b' });
    const model = new Model({ inputs: [a, b], outputs: [shared.apply(a), shared.apply(b)] });
    const path = join(dir, 'shared.keras');
    await model.save(path);
    const back = await loadModel(path);
    expect(back.layers.map((l) => l.name)).toEqual(['a', 'b', 'encoder']);
    expect(back.weights.length).toBe(3);
    const xa = tensor(
      Array.from({ length: 16 }, (_, i) => Math.sin(i)),
      [2, 4, 2],
    );
    const xb = tensor(
      Array.from({ length: 16 }, (_, i) => Math.cos(i)),
      [2, 4, 2],
    );
    const want = (model.predict([xa, xb]) as Tensor[]).map(values);
    expect((back.predict([xa, xb]) as Tensor[]).map(values)).toEqual(want);
  });

  it('round-trips a nested model with two outputs, both used, in both formats', async () => {
    const a = Input({ shape: [3] });
    const heads = new Model({
      inputs: a,
      outputs: [new Dense(1).apply(a), new Dense(2, { activation: 'tanh' }).apply(a)],
      name: 'heads',
    });
    const x = Input({ shape: [3], name: 'x' });
    const [score, pair] = heads.apply(x) as SymbolicTensor[];
    const model = new Model({ inputs: x, outputs: [new Dense(1).apply(pair!), score!] });
    const data = tensor([
      [1, 2, 3],
      [-1, 0.5, 2],
    ]);
    const want = (model.predict(data) as Tensor[]).map(values);
    for (const ext of ['keras', 'h5']) {
      const path = join(dir, `two-heads.${ext}`);
      await model.save(path);
      const back = await loadModel(path);
      expect(back.layers.map((l) => l.name)).toEqual(['x', 'heads', expect.stringMatching(/^dense/)]);
      expect((back.predict(data) as Tensor[]).map(values)).toEqual(want);
    }
  });

  it('round-trips three levels of nesting in both formats', async () => {
    const innermost = new Sequential([new Dense(3, { inputShape: [2], activation: 'relu' })], {
      name: 'level3',
    });
    const middle = new Sequential([innermost, new Dense(2)], { name: 'level2' });
    const outer = new Sequential([middle, new Dense(1)], { name: 'level1' });
    const xs = tensor([
      [0.5, -1],
      [2, 1],
    ]);
    const keras = join(dir, 'deep.keras');
    await outer.save(keras);
    const groups = await readH5Bytes(readKerasZip(keras)['model.weights.h5']!, keras, (r) =>
      r.keys('layers/sequential/layers/sequential/layers/dense/vars'),
    );
    expect(groups).toEqual(['0', '1']);
    for (const path of [keras, join(dir, 'deep.h5')]) {
      if (path.endsWith('.h5')) await outer.save(path);
      const back = (await loadModel(path)) as Sequential;
      expect(((back.layers[0] as Sequential).layers[0] as Sequential).name).toBe('level3');
      expect(values(back.predict(xs))).toEqual(values(outer.predict(xs)));
    }
  });

  it('names the nested model in errors about its own config', async () => {
    const config = JSON.parse(strFromU8(readKerasZip(fixture('keras3_nested.keras'))['config.json']!));
    config.config.layers[1].config.layers[1].class_name = 'RandomFlip';
    const members = readKerasZip(fixture('keras3_nested.keras'));
    const path = join(dir, 'augment.keras');
    writeFileSync(
      path,
      zipSync({ ...members, 'config.json': strToU8(JSON.stringify(config)) }, { level: 0 }),
    );
    await expect(loadModel(path)).rejects.toThrow(
      /augment\.keras \(nested model 'feature_extractor'\): unknown layer class 'RandomFlip' \(layer 'dense'\)/,
    );
    delete config.config.layers[2].config.layers;
    config.config.layers[1].config.layers[1].class_name = 'Dense';
    writeFileSync(
      path,
      zipSync({ ...members, 'config.json': strToU8(JSON.stringify(config)) }, { level: 0 }),
    );
    await expect(loadModel(path)).rejects.toThrow(
      /augment\.keras \(nested model 'projector'\): the Functional config has no layer list/,
    );
  });

  it('loads a nested model with two outputs of which the outer model uses one', async () => {
    const config = JSON.parse(strFromU8(readKerasZip(fixture('keras3_nested.keras'))['config.json']!));
    // The projector also outputs its input: the outer model still reads output 0 (dense_2).
    const projector = config.config.layers[2];
    projector.config.output_layers = [
      ['dense_2', 0, 0],
      ['input_layer_1', 0, 0],
    ];
    const members = readKerasZip(fixture('keras3_nested.keras'));
    const path = join(dir, 'two-outputs.keras');
    writeFileSync(
      path,
      zipSync({ ...members, 'config.json': strToU8(JSON.stringify(config)) }, { level: 0 }),
    );
    const twoOut = await loadModel(path);
    const original = await loadModel(fixture('keras3_nested.keras'));
    const x = tensor(golden.x!);
    const outputs = (m: typeof original) => (m.predict(x) as Tensor[]).map(values);
    expect(outputs(twoOut)).toEqual(outputs(original));
    closeTo(outputs(twoOut)[1]!, golden.projection!.flat());
  });

  it('refuses nesting it does not support, naming the class and the path', async () => {
    const members = readKerasZip(fixture('keras3_nested.keras'));
    // Weights that are not where Keras 3 puts a nested model's layers, and tf.keras 2.12–2.14 groups.
    const layouts: [string, string, RegExp][] = [
      [
        'layers/dense/vars/0',
        'flat',
        /no weights for layer 'dense' \(Dense\) at 'layers\/sequential\/layers\/dense\/vars'/,
      ],
      [
        '_layer_checkpoint_dependencies/dense/vars/0',
        'tfkeras',
        /nested model 'feature_extractor' \(Sequential\) at '_layer_checkpoint_dependencies\/sequential': Tensile does not read nested models/,
      ],
    ];
    for (const [dataset, name, error] of layouts) {
      const h5 = join(dir, `${name}.weights.h5`);
      await writeH5(h5, (w) => {
        w.group('vars');
        w.dataset(dataset, new Float32Array(12), [4, 3]);
      });
      const file = join(dir, `${name}.keras`);
      writeFileSync(file, zipSync({ ...members, 'model.weights.h5': readFileSync(h5) }, { level: 0 }));
      await expect(loadModel(file)).rejects.toThrow(error);
    }
  });
});
