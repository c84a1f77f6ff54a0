import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Adam,
  Add,
  Concatenate,
  clearSession,
  Dense,
  Embedding,
  Input,
  InputLayer,
  LSTM,
  Model,
  setRandomSeed,
  type Tensor,
  tensor,
} from '../index.js';
import { readH5, readH5Bytes } from './hdf5.js';
import { loadModel } from './index.js';
import { modelFromConfig } from './model-config.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-functional-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const values = (ts: readonly Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

/** Two inputs, a layer shared by both, merge layers and two outputs: every graph feature at once. */
function build(): Model {
  clearSession();
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [3], name: 'b' });
  const shared = new Dense(4, { activation: 'tanh', name: 'shared' });
  const sum = new Add().apply([shared.apply(a), shared.apply(b)]);
  // No Dropout here: its random stream is not part of a file, so continued training would differ.
  const h = new Concatenate().apply([sum, a]);
  const model = new Model({
    inputs: [a, b],
    outputs: [
      new Dense(1, { name: 'score' }).apply(h),
      new Dense(2, { activation: 'softmax', name: 'kind' }).apply(h),
    ],
    name: 'two_by_two',
  });
  model.compile({
    optimizer: new Adam({ learningRate: 0.01 }),
    loss: { score: 'mse', kind: 'sparse_categorical_crossentropy' },
    lossWeights: { score: 1, kind: 0.5 },
    metrics: { kind: ['accuracy'] },
  });
  return model;
}

function data() {
  const n = 20;
  const xa = tensor(
    Array.from({ length: n * 3 }, (_, i) => Math.sin(i * 0.7)),
    [n, 3],
  );
  const xb = tensor(
    Array.from({ length: n * 3 }, (_, i) => Math.cos(i * 1.3)),
    [n, 3],
  );
  const score = tensor(
    Array.from({ length: n }, (_, i) => Math.sin(i)),
    [n, 1],
  );
  const kind = tensor(
    Array.from({ length: n }, (_, i) => i % 2),
    [n],
  );
  return { x: [xa, xb], y: [score, kind] };
}

describe.each(['keras', 'h5'])('Functional model .%s round trip', (ext) => {
  it('loads the same graph: identical predictions, then identical continued training', async () => {
    setRandomSeed(13);
    const a = build();
    const { x, y } = data();
    await a.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const path = join(dir, `two_by_two.${ext}`);
    await a.save(path);
    const b = await loadModel(path);

    expect(b.name).toBe('two_by_two');
    expect(b.layers.map((l) => [l.className, l.name])).toEqual(a.layers.map((l) => [l.className, l.name]));
    expect(b.getLayer('shared').inboundNodes.length).toBe(2);
    expect(b.inputNames).toEqual(['a', 'b']);
    expect(b.outputNames).toEqual(['score', 'kind']);
    expect(b.lossWeights).toEqual([1, 0.5]);
    expect(b.outputMetricIds).toEqual([[], ['accuracy']]);
    expect(b.optimizer!.iterations).toBe(a.optimizer!.iterations);
    expect(values(b.getWeights())).toEqual(values(a.getWeights()));
    expect(values(b.predict(x) as Tensor[])).toEqual(values(a.predict(x) as Tensor[]));

    setRandomSeed(5);
    const ha = await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    setRandomSeed(5);
    const hb = await b.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(hb.history).toEqual(ha.history);
    expect(values(b.getWeights())).toEqual(values(a.getWeights()));
  });
});

describe('Functional configs in Keras layout', () => {
  it('.keras: Keras 3 config.json with {args, kwargs} inbound nodes and weight groups per class', async () => {
    const model = build();
    const path = join(dir, 'layout.keras');
    await model.save(path);
    const zip = unzipSync(readFileSync(path));
    const config = JSON.parse(strFromU8(zip['config.json']!));
    expect(config.module).toBe('keras.src.models.functional');
    expect(config.class_name).toBe('Functional');
    expect(config.registered_name).toBe('Functional');
    expect(config.build_config).toEqual({ input_shape: null });
    expect(config.compile_config.loss).toEqual({
      score: 'mean_squared_error',
      kind: 'sparse_categorical_crossentropy',
    });
    expect(config.compile_config.loss_weights).toEqual({ score: 1, kind: 0.5 });
    expect(config.config.input_layers).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    expect(config.config.output_layers).toEqual([
      ['score', 0, 0],
      ['kind', 0, 0],
    ]);
    const layers = config.config.layers as Record<string, unknown>[];
    // Keras' order: depth from the outputs, deepest first (both inputs feed the shared layer).
    expect(layers.map((l) => l.name)).toEqual(['a', 'b', 'shared', 'add', 'concatenate', 'score', 'kind']);
    const kt = (name: string, node: number, shape: (number | null)[]) => ({
      class_name: '__keras_tensor__',
      config: { shape, dtype: 'float32', keras_history: [name, node, 0] },
    });
    expect(layers[0]).toEqual({
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'a' },
      registered_name: null,
      name: 'a',
      inbound_nodes: [],
    });
    expect(layers[2]!.inbound_nodes).toEqual([
      { args: [kt('a', 0, [null, 3])], kwargs: {} },
      { args: [kt('b', 0, [null, 3])], kwargs: {} },
    ]);
    expect(layers[3]!.inbound_nodes).toEqual([
      { args: [[kt('shared', 0, [null, 4]), kt('shared', 1, [null, 4])]], kwargs: {} },
    ]);
    expect(layers[4]!.build_config).toEqual({
      input_shape: [
        [null, 4],
        [null, 3],
      ],
    });
    expect(layers[4]!.config).toEqual({ name: 'concatenate', trainable: true, dtype: 'float32', axis: -1 });
    // Keras 3 names weight groups after the class with a per-class counter, InputLayers included.
    const groups = await readH5Bytes(zip['model.weights.h5']!, 'weights', (r) => r.keys('layers'));
    expect(groups.sort()).toEqual(
      ['add', 'concatenate', 'dense', 'dense_1', 'dense_2', 'input_layer', 'input_layer_1'].sort(),
    );
  });

  it('.h5: Keras 2 model_config with [[[layer, node, tensor, {}]]] inbound nodes', async () => {
    const model = build();
    const path = join(dir, 'layout.h5');
    await model.save(path);
    const config = await readH5(path, path, (r) => JSON.parse(r.text('', 'model_config')!));
    expect(config.class_name).toBe('Functional');
    const layers = config.config.layers as Record<string, unknown>[];
    expect(layers[0]).toEqual({
      class_name: 'InputLayer',
      config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'a' },
      name: 'a',
      inbound_nodes: [],
    });
    expect(layers[2]!.inbound_nodes).toEqual([[['a', 0, 0, {}]], [['b', 0, 0, {}]]]);
    expect(layers[3]!.inbound_nodes).toEqual([
      [
        ['shared', 0, 0, {}],
        ['shared', 1, 0, {}],
      ],
    ]);
    expect(config.config.input_layers).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    const layerNames = await readH5(path, path, (r) => r.strings('model_weights', 'layer_names'));
    expect(layerNames).toEqual(['a', 'b', 'shared', 'add', 'concatenate', 'score', 'kind']);
  });

  it('loads Keras 2 (tf.keras) and Keras 3 node formats written by Keras itself', () => {
    // tf.keras 2.x get_config of: x = Input((5,)); h = Dense(3)(x); y = Dense(3)(h) ... Add()([h, y])
    const legacy = {
      class_name: 'Functional',
      config: {
        name: 'model',
        layers: [
          {
            class_name: 'InputLayer',
            config: {
              batch_input_shape: [null, 5],
              dtype: 'float32',
              sparse: false,
              ragged: false,
              name: 'input_1',
            },
            name: 'input_1',
            inbound_nodes: [],
          },
          {
            class_name: 'Dense',
            config: {
              name: 'dense',
              trainable: true,
              dtype: 'float32',
              units: 3,
              activation: 'relu',
              use_bias: true,
            },
            name: 'dense',
            inbound_nodes: [[['input_1', 0, 0, {}]]],
          },
          {
            class_name: 'Dense',
            config: {
              name: 'dense_1',
              trainable: true,
              dtype: 'float32',
              units: 3,
              activation: 'linear',
              use_bias: true,
            },
            name: 'dense_1',
            inbound_nodes: [[['dense', 0, 0, {}]]],
          },
          {
            class_name: 'Add',
            config: { name: 'add', trainable: true, dtype: 'float32' },
            name: 'add',
            inbound_nodes: [
              [
                ['dense', 0, 0, {}],
                ['dense_1', 0, 0, {}],
              ],
            ],
          },
        ],
        input_layers: [['input_1', 0, 0]],
        output_layers: [['add', 0, 0]],
      },
    };
    const m2 = modelFromConfig(legacy, 'keras2.h5');
    expect(m2.layers.map((l) => l.name)).toEqual(['input_1', 'dense', 'dense_1', 'add']);
    expect(m2.outputs[0]!.shape).toEqual([null, 3]);
    // Keras 3 writes a single (non-list) input as one triple, and layers in any order it likes.
    const kt = (name: string) => ({
      class_name: '__keras_tensor__',
      config: { shape: [null, 5], dtype: 'float32', keras_history: [name, 0, 0] },
    });
    const k3 = {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'functional',
        trainable: true,
        layers: [
          {
            module: 'keras.layers',
            class_name: 'Dense',
            config: { name: 'late', units: 2 },
            registered_name: null,
            name: 'late',
            inbound_nodes: [{ args: [kt('early')], kwargs: {} }],
          },
          {
            module: 'keras.layers',
            class_name: 'Dense',
            config: { name: 'early', units: 5 },
            registered_name: null,
            name: 'early',
            inbound_nodes: [{ args: [kt('input_layer')], kwargs: {} }],
          },
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            config: { batch_shape: [null, 5], dtype: 'float32', sparse: false, name: 'input_layer' },
            registered_name: null,
            name: 'input_layer',
            inbound_nodes: [],
          },
        ],
        input_layers: ['input_layer', 0, 0],
        output_layers: ['late', 0, 0],
      },
    };
    // A call written as layer(inputs=x) and a DTypePolicy dtype, as newer Keras 3 releases write them.
    k3.config.layers[0]!.inbound_nodes = [{ args: [], kwargs: { inputs: kt('early') } } as never];
    (k3.config.layers[2]!.config as Record<string, unknown>).dtype = {
      module: 'keras',
      class_name: 'DTypePolicy',
      config: { name: 'float32' },
    };
    const m3 = modelFromConfig(k3, 'keras3.keras');
    const tokens = InputLayer.fromConfig({
      batch_shape: [null, 4],
      dtype: { class_name: 'DTypePolicy', config: { name: 'int32' } },
    });
    expect(tokens.dtype).toBe('int32');
    expect(m3.inputsAreList).toBe(false);
    expect(m3.layers.map((l) => l.name)).toEqual(['input_layer', 'early', 'late']);
    expect((m3.predict(tensor([[1, 2, 3, 4, 5]])) as Tensor).shape).toEqual([1, 2]);
  });

  it('names the problem in a broken Functional config', () => {
    const broken = (inbound: unknown, outputs: unknown = ['d', 0, 0]) => ({
      class_name: 'Functional',
      config: {
        name: 'm',
        layers: [
          {
            class_name: 'InputLayer',
            config: { batch_input_shape: [null, 2], name: 'in' },
            name: 'in',
            inbound_nodes: [],
          },
          { class_name: 'Dense', config: { name: 'd', units: 1 }, name: 'd', inbound_nodes: inbound },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: outputs,
      },
    });
    expect(() => modelFromConfig(broken([[['ghost', 0, 0, {}]]]), 'f.h5')).toThrow(
      "f.h5: layer 'd' refers to layer 'ghost', which the config does not define",
    );
    expect(() => modelFromConfig(broken([[['d', 0, 0, {}]]]), 'f.h5')).toThrow(
      "f.h5: the Functional graph has loops or calls of missing layers; unresolved: 'd'",
    );
    expect(() => modelFromConfig(broken([[['in', 0, 0, {}]]], ['d', 3, 0]), 'f.h5')).toThrow(
      "f.h5: output_layers refers to call 3 of layer 'd', which does not exist",
    );
    expect(() => modelFromConfig(broken([{ nodes: 1 }]), 'f.keras')).toThrow(
      /layer 'd' has an inbound node Tensile cannot read/,
    );
  });

  it('re-indexes the calls of a layer shared with another model, as Keras does', async () => {
    clearSession();
    const shared = new Dense(2, { name: 'shared' });
    const first = Input({ shape: [3], name: 'first' });
    new Model({ inputs: first, outputs: shared.apply(first) }); // call 0 belongs to another model
    const second = Input({ shape: [3], name: 'second' });
    const model = new Model({
      inputs: second,
      outputs: new Dense(1, { name: 'head' }).apply(shared.apply(second)),
    });
    expect(model.outputs[0]!.node.inputs[0]!.toString()).toBe('shared[1][0]');
    const path = join(dir, 'reindexed.keras');
    await model.save(path);
    const config = JSON.parse(strFromU8(unzipSync(readFileSync(path))['config.json']!));
    const head = config.config.layers.find((l: { name: string }) => l.name === 'head');
    expect(head.inbound_nodes[0].args[0].config.keras_history).toEqual(['shared', 0, 0]);
    expect(config.config.layers.map((l: { name: string }) => l.name)).toEqual(['second', 'shared', 'head']);
    const loaded = await loadModel(path);
    const x = tensor([[1, 2, 3]]);
    expect(values([loaded.predict(x) as Tensor])).toEqual(values([model.predict(x) as Tensor]));
  });

  it('keeps Embedding masks working after a round trip', async () => {
    setRandomSeed(2);
    const tokens = Input({ shape: [5], dtype: 'int32', name: 'tokens' });
    const model = new Model({
      inputs: tokens,
      outputs: new LSTM(2).apply(new Embedding(10, 3, { maskZero: true }).apply(tokens)),
    });
    const path = join(dir, 'masked.keras');
    await model.save(path);
    const loaded = await loadModel(path);
    const x = tensor([[0, 0, 1, 2, 3]], undefined, 'int32');
    expect(values([loaded.predict(x) as Tensor])).toEqual(values([model.predict(x) as Tensor]));
    const config = JSON.parse(strFromU8(unzipSync(readFileSync(path))['config.json']!));
    expect(config.config.layers[0].config.dtype).toBe('int32');
  });
});
