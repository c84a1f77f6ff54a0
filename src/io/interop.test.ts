import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { Activation } from '../layers/activation.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { clearSession } from '../layers/layer.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Adam, type SGD } from '../optimizers/index.js';
import { setRandomSeed } from '../random/index.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { readH5, readH5Bytes } from './hdf5.js';
import { loadModel, loadWeights } from './index.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const x = tensor([
  [0.5, -1.0, 2.0, 0.25],
  [-0.3, 0.8, 0.1, -1.5],
]);
const close = (got: Float32Array, want: number[]) => {
  for (const [i, v] of want.entries()) expect(got[i]).toBeCloseTo(v, 6);
};
const dir = mkdtempSync(join(tmpdir(), 'tensile-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Fixtures come from src/io/fixtures/make_fixtures.py (h5py + zipfile, laid out as Keras writes them);
// the expected outputs are the numpy forward passes it prints.
describe('files laid out by Keras', () => {
  // Keras 3 .keras (saving_lib): zip of metadata.json, config.json and model.weights.h5 written by
  // H5IOStore; layer variables under layers/<snake_case class>[_n]/vars/<i>, Adam state under
  // optimizer/vars: [iteration, learning_rate, m(k0), v(k0), m(b0), v(b0), ...]:
  //   with h5py.File(buf, "w") as h5:
  //       h5.create_group("vars")
  //       for path, ws in [("layers/dense", [k0, b0]), ("layers/dropout", []), ("layers/dense_1", [k1, b1])]:
  //           g = h5.create_group(path).create_group("vars")
  //           for i, w in enumerate(ws): g[str(i)] = w
  //       g = h5.create_group("optimizer").create_group("vars")
  //       for i, v in enumerate([np.int64(7), np.float32(0.001)] + slots): g[str(i)] = v
  //   with zipfile.ZipFile("keras3_mlp.keras", "w") as zf:
  //       zf.writestr("metadata.json", ...); zf.writestr("config.json", json.dumps(config))
  //       zf.writestr("model.weights.h5", buf.getvalue())
  //   h = np.maximum(x @ k0 + b0, 0) @ k1 + b1; softmax(h)
  it('Keras 3 .keras: Dense/Dropout/Dense, compiled with Adam, optimizer state in Keras order', async () => {
    const model = await loadModel(fixture('keras3_mlp.keras'));
    expect(model.layers.map((l) => `${l.className}:${l.name}`)).toEqual([
      'Dense:dense',
      'Dropout:dropout',
      'Dense:dense_1',
    ]);
    close(
      (model.predict(x) as Tensor).dataSync() as Float32Array,
      [0.6934190392494202, 0.30658090114593506, 0.6779538989067078, 0.32204607129096985],
    );
    const opt = model.optimizer as Adam;
    expect(opt).toBeInstanceOf(Adam);
    expect([opt.iterations, opt.learningRate, opt.beta2, opt.epsilon]).toEqual([
      7, 0.0010000000474974513, 0.999, 1e-7,
    ]);
    expect(model.loss!.name).toBe('categorical_crossentropy');
    expect(model.metricIds).toEqual(['accuracy']);
    model.trainableWeights.forEach((w, i) => {
      const [m, v] = opt.slotsOf(w)!;
      expect(m!.dataSync()[0]).toBeCloseTo(0.01 * (i + 1), 7);
      expect(v!.dataSync()[0]).toBeCloseTo(0.001 * (i + 1), 8);
    });
  });

  // Keras 3 model.save_weights: the same H5IOStore layout in a plain .weights.h5 file.
  it('Keras 3 .weights.h5 loads into a Tensile model of the same architecture', async () => {
    const model = new Sequential([
      new Dense(3, { activation: 'relu', inputShape: [4] }),
      new Dropout(0.5),
      new Dense(2, { activation: 'softmax' }),
    ]);
    await loadWeights(model, fixture('keras3_mlp.weights.h5'));
    close(
      model.predict(x).dataSync() as Float32Array,
      [0.6934190392494202, 0.30658090114593506, 0.6779538989067078, 0.32204607129096985],
    );
  });

  // Keras 3 legacy .h5 (legacy_h5_format.save_model_to_hdf5): JSON attrs as bytes, weight names
  // are variable paths ("dense_2/kernel"), optimizer.variables in optimizer_weights:
  //   f.attrs["model_config"] = json.dumps(model_config).encode("utf8")   # InputLayer(batch_shape) first
  //   g = f.create_group("model_weights"); g.attrs["layer_names"] = [n.encode("utf8") for n in layers]
  //   for name in sorted(layers):
  //       lg = g.create_group(name); lg.attrs["weight_names"] = [w.encode("utf8") for w, _ in layers[name]]
  //       for w, v in layers[name]: lg.create_dataset(w, v.shape, dtype=v.dtype)[:] = v
  //   g.create_group("top_level_model_weights").attrs["weight_names"] = []
  //   og = f.create_group("optimizer_weights")   # sgd/iteration, sgd/learning_rate, sgd/<var>_momentum...
  //   h = (np.tanh(x @ k2 + b2) - mean) / np.sqrt(var + 0.001) * gamma + beta; sigmoid(h @ k3 + b3)
  it('Keras 3 legacy .h5: Dense/BatchNormalization/Dense, compiled with SGD(nesterov), momentum restored', async () => {
    const model = await loadModel(fixture('keras3_legacy.h5'));
    expect(model.name).toBe('sequential_1');
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Dense']);
    close(
      (model.predict(x) as Tensor).dataSync() as Float32Array,
      [0.17934252321720123, 0.08166220039129257],
    );
    const opt = model.optimizer as SGD;
    expect([opt.className, opt.momentum, opt.nesterov, opt.iterations]).toEqual(['SGD', 0.9, true, 12]);
    expect(opt.learningRate).toBe(0.05000000074505806);
    for (const [i, w] of model.trainableWeights.entries()) {
      expect(opt.slotsOf(w)![0]!.dataSync()[0]).toBeCloseTo(-0.02 * (i + 1), 7);
    }
  });

  // Keras 2.1 .h5 (keras/engine/saving.py): `config` is a bare layer list, the first Dense carries
  // batch_input_shape, weight names end in ':0', optimizer config uses 'lr', and the optimizer
  // weights are Keras 2's [iterations] + ms + vs + vhats (keras/optimizers.py Adam.get_updates):
  //   lg.attrs["weight_names"] = [b"dense_1/kernel:0", b"dense_1/bias:0"]
  //   lg.create_dataset("dense_1/kernel:0", data=k4); lg.create_dataset("dense_1/bias:0", data=b4)
  //   h = x @ k4 + b4; softmax(h)
  it('Keras 2 .h5: loads and predicts; Keras 2.0–2.3 Adam state (ms, vs, unused vhats) is restored', async () => {
    const model = await loadModel(fixture('keras2_legacy.h5'));
    const opt = model.optimizer as Adam;
    expect(opt.iterations).toBe(3);
    const [kernel, bias] = model.trainableWeights as [Variable, Variable];
    const slot = (v: Variable, s: number) => Array.from(opt.slotsOf(v)![s]!.dataSync());
    expect([slot(kernel, 0)[5], slot(bias, 0)[2], slot(kernel, 1)[0], slot(bias, 1)[1]]).toEqual(
      [0.1, 0.2, 0.3, 0.4].map(Math.fround),
    );
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'Activation']);
    close(
      (model.predict(x) as Tensor).dataSync() as Float32Array,
      [
        0.7087945342063904, 0.14477364718914032, 0.14643177390098572, 0.13772523403167725,
        0.17504949867725372, 0.6872252821922302,
      ],
    );
    expect((model.optimizer as Adam).learningRate).toBe(0.002);
    expect(model.metricIds).toEqual(['acc']);
  });

  // Keras 2 model.save_weights("w.h5"): the legacy weights group is the file root:
  //   f.attrs["layer_names"] = [b"dense_1", b"activation_1"]
  //   lg = f.create_group("dense_1"); lg.attrs["weight_names"] = [b"dense_1/kernel:0", b"dense_1/bias:0"]
  //   lg.create_dataset("dense_1/kernel:0", data=k4); lg.create_dataset("dense_1/bias:0", data=b4)
  it('Keras 2 save_weights .h5 loads into a Tensile model', async () => {
    const model = new Sequential([new Dense(3, { inputShape: [4] }), new Activation('softmax')]);
    await loadWeights(model, fixture('keras2_weights.h5'));
    close(
      model.predict(x).dataSync() as Float32Array,
      [
        0.7087945342063904, 0.14477364718914032, 0.14643177390098572, 0.13772523403167725,
        0.17504949867725372, 0.6872252821922302,
      ],
    );
  });

  // Embedding -> SimpleRNN -> LSTM -> GRU -> Dense. Keras keeps recurrent weights in each layer's
  // cell: H5IOStore paths layers/lstm/cell/vars/<i>, legacy names "lstm/lstm_cell/kernel":
  //   for path, ws in [("layers/embedding/vars", [emb]), ("layers/simple_rnn/cell/vars", srnn),
  //                    ("layers/lstm/cell/vars", lstm), ("layers/gru/cell/vars", gru), ("layers/dense/vars", [k5, b5])]:
  //       g = h5.create_group(path)
  //       for i, w in enumerate(ws): g[str(i)] = w
  //   # RMSprop(momentum=0.9): [iteration, learning_rate] + all velocities + all momentums
  //   legacy: lg.create_dataset("lstm/lstm_cell/kernel", ...) for the same arrays
  //   expected: numpy SimpleRNN/LSTM (i,f,c,o)/GRU (z,r,h; reset_after) loops, sigmoid(h @ k5 + b5)
  it.each(['keras3_rnn.keras', 'keras3_rnn_legacy.h5'])(
    '%s: recurrent layers load from their cells',
    async (file) => {
      const model = await loadModel(fixture(file));
      expect(model.layers.map((l) => l.className)).toEqual([
        'Embedding',
        'SimpleRNN',
        'LSTM',
        'GRU',
        'Dense',
      ]);
      const tokens = tensor(
        [
          [1, 2, 3, 4, 5],
          [9, 0, 3, 3, 7],
        ],
        undefined,
        'int32',
      );
      const got = (model.predict(tokens) as Tensor).dataSync();
      close(got as Float32Array, [0.7754973808959155, 0.7781820359966158]);
      if (file.endsWith('.keras')) {
        const opt = model.optimizer!;
        expect([opt.className, opt.iterations]).toEqual(['RMSprop', 4]);
        model.trainableWeights.forEach((w, i) => {
          const [velocity, momentum] = opt.slotsOf(w)!;
          expect(velocity!.dataSync()[0]).toBeCloseTo(0.001 * (i + 1), 8);
          expect(momentum!.dataSync()[0]).toBeCloseTo(-0.01 * (i + 1), 7);
        });
      } else {
        expect(model.optimizer).toBeNull();
      }
    },
  );
});

describe('files Tensile writes have the layout Keras reads', () => {
  async function trained() {
    clearSession();
    setRandomSeed(1);
    const model = new Sequential([
      new Dense(4, { activation: 'relu', inputShape: [3] }),
      new BatchNormalization(),
      new Dense(2),
      new Activation('softmax'),
    ]);
    model.compile({ optimizer: new Adam(), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const xs = tensor(
      Array.from({ length: 24 }, (_, i) => Math.cos(i)),
      [8, 3],
    );
    const ys = tensor(
      Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      [8, 2],
    );
    await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
    return model;
  }

  it('.keras: zip members, config.json and the H5IOStore groups', async () => {
    const model = await trained();
    const path = join(dir, 'layout.keras');
    await model.save(path);
    const members = unzipSync(readFileSync(path));
    expect(Object.keys(members)).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    const config = JSON.parse(strFromU8(members['config.json']!));
    expect(config.class_name).toBe('Sequential');
    expect(config.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual([
      'InputLayer',
      'Dense',
      'BatchNormalization',
      'Dense',
      'Activation',
    ]);
    expect(config.config.layers[0].config.batch_shape).toEqual([null, 3]);
    expect(config.config.layers[1].build_config).toEqual({ input_shape: [null, 3] });
    expect(config.compile_config.optimizer.class_name).toBe('Adam');
    await readH5Bytes(members['model.weights.h5']!, 'weights', (r) => {
      expect(r.isGroup('vars')).toBe(true);
      expect(r.keys('layers')).toEqual(['activation', 'batch_normalization', 'dense', 'dense_1']);
      expect(r.shapeOf('layers/dense/vars/0')).toEqual([3, 4]);
      expect(r.keys('layers/batch_normalization/vars')).toEqual(['0', '1', '2', '3']);
      expect(r.shapeOf('layers/dense_1/vars/1')).toEqual([2]);
      expect(r.keys('layers/activation/vars')).toEqual([]);
      // iteration, learning_rate, then momentum/velocity per trainable weight (6 of them).
      expect(r.keys('optimizer/vars')).toHaveLength(2 + 12);
      expect(r.array('optimizer/vars/0').data).toEqual(BigInt64Array.of(2n));
      expect(r.array('optimizer/vars/1').data).toEqual(Float32Array.of(0.001));
      expect(r.shapeOf('optimizer/vars/2')).toEqual([3, 4]);
      expect(r.shapeOf('optimizer/vars/3')).toEqual([3, 4]);
    });
  });

  it('legacy .h5: root attributes, model_weights and optimizer_weights', async () => {
    const model = await trained();
    const path = join(dir, 'layout.h5');
    await model.save(path);
    await readH5(path, path, (r) => {
      expect([r.text('', 'keras_version'), r.text('', 'backend')]).toEqual(['3.6.0', 'tensorflow']);
      const config = JSON.parse(r.text('', 'model_config')!);
      expect(config.config.layers[0]).toEqual({
        class_name: 'InputLayer',
        config: {
          batch_input_shape: [null, 3],
          dtype: 'float32',
          sparse: false,
          ragged: false,
          name: 'input_layer',
        },
      });
      expect(config.config.layers[1].config.kernel_initializer).toEqual({
        class_name: 'GlorotUniform',
        config: { seed: null },
      });
      expect(JSON.parse(r.text('', 'training_config')!).optimizer_config.class_name).toBe('Adam');
      expect(r.strings('model_weights', 'layer_names')).toEqual([
        'dense',
        'batch_normalization',
        'dense_1',
        'activation',
      ]);
      expect(r.strings('model_weights/batch_normalization', 'weight_names')).toEqual([
        'batch_normalization/gamma:0',
        'batch_normalization/beta:0',
        'batch_normalization/moving_mean:0',
        'batch_normalization/moving_variance:0',
      ]);
      expect(r.shapeOf('model_weights/dense/dense/kernel:0')).toEqual([3, 4]);
      expect(r.strings('model_weights/activation', 'weight_names')).toEqual([]);
      expect(r.strings('model_weights/top_level_model_weights', 'weight_names')).toEqual([]);
      const names = r.strings('optimizer_weights', 'weight_names')!;
      expect(names.slice(0, 4)).toEqual([
        'adam/iteration:0',
        'adam/learning_rate:0',
        'adam/dense_kernel_momentum:0',
        'adam/dense_kernel_velocity:0',
      ]);
      for (const n of names) expect(r.has(`optimizer_weights/${n}`)).toBe(true);
    });
  });
});
