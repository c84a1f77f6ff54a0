/**
 * The benchmark workloads, shaped as in ../shared/bench (the PyTorch reference scripts):
 * A1–A4 IMDB RNNs (20,000 train + 5,000 validation sequences of length 100, batch 64, RMSprop 1e-4),
 * B1–B6 the MNIST MLP 784-512-256-128-64-10 (SGD nesterov or Adam 0.01, BN after the activation),
 * C1–C2 the Fashion-MNIST CNN of bench_cnn.py (48,000 train / 12,000 validation, Adam 1e-3, batch 32 / 128).
 */
import {
  Adam,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  datasets,
  div,
  Embedding,
  Flatten,
  GRU,
  type Layer,
  LSTM,
  MaxPooling2D,
  padSequences,
  RMSprop,
  reshape,
  Sequential,
  SGD,
  SimpleRNN,
  slice,
  tensor,
  toCategorical,
} from '../src/index.js';
import type { Tensor } from '../src/tensor/tensor.js';

export interface Workload {
  id: string;
  family: 'rnn' | 'mlp' | 'cnn';
  describe: string;
  batch: number;
  build(): Sequential;
  data(frac: number): Promise<{ x: Tensor; y: Tensor; xVal: Tensor; yVal: Tensor }>;
}

const RNN_MODELS: Record<string, [string, () => Layer[]]> = {
  A1: ['Embedding(500,16)+LSTM(8)+Dense', () => [new LSTM(8)]],
  A2: ['Embedding(500,16)+GRU(8)+Dense', () => [new GRU(8)]],
  A3: [
    'Embedding+2×LSTM(8, dropout 0.3)+Dense',
    () => [new LSTM(8, { dropout: 0.3, returnSequences: true }), new LSTM(8, { dropout: 0.3 })],
  ],
  A4: ['Embedding(500,16)+SimpleRNN(8)+Dense', () => [new SimpleRNN(8)]],
};

/** IMDB as the reference script prepares it: Keras' load_data shuffle, first 20,000 / next 5,000. */
async function imdbData(frac: number) {
  const [[xs, ys]] = await datasets.imdb.loadData({ numWords: 500 });
  const nTr = Math.floor(20000 * frac);
  const nVa = Math.floor(5000 * frac);
  const labels = ys.dataSync();
  return {
    x: padSequences(xs.slice(0, nTr), { maxlen: 100 }),
    y: tensor(Float32Array.from(labels.subarray(0, nTr)), [nTr, 1]),
    xVal: padSequences(xs.slice(20000, 20000 + nVa), { maxlen: 100 }),
    yVal: tensor(Float32Array.from(labels.subarray(20000, 20000 + nVa)), [nVa, 1]),
  };
}

/** MNIST flattened and scaled; slices are views or single copies, so peak memory stays honest. */
async function mnistData(frac: number) {
  const [[xTr, yTr], [xTe, yTe]] = await datasets.mnist.loadData();
  const nTr = Math.floor(60000 * frac);
  const nVa = Math.floor(10000 * frac);
  const rows = (t: Tensor, n: number) => slice(reshape(t, [-1, 784]), [0, 0], [n, 784]);
  const labels = (t: Tensor, n: number) => toCategorical(slice(t, [0], [n]), 10);
  return {
    x: div(rows(xTr, nTr), 255),
    y: labels(yTr, nTr),
    xVal: div(rows(xTe, nVa), 255),
    yVal: labels(yTe, nVa),
  };
}

function mlp(act: 'sigmoid' | 'relu', bn: 'none' | 'first' | 'all', opt: 'sgd' | 'adam'): Sequential {
  const layers: Layer[] = [];
  [512, 256, 128, 64].forEach((units, i) => {
    layers.push(new Dense(units, { activation: act, ...(i === 0 ? { inputShape: [784] } : {}) }));
    if (bn === 'all' || (bn === 'first' && i === 0)) layers.push(new BatchNormalization());
  });
  layers.push(new Dense(10, { activation: 'softmax' }));
  const model = new Sequential(layers);
  model.compile({
    optimizer:
      opt === 'sgd'
        ? new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true })
        : new Adam({ learningRate: 0.01 }),
    loss: 'categorical_crossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/**
 * Fashion-MNIST as bench_cnn.py takes it: [n, 28, 28, 1] in [0, 1], first 48,000 / next 12,000.
 * The rows are sliced from the uint8 images before scaling: PyTorch's slices are views of its one
 * float32 copy, Tensile's slices are copies, so scaling first would hold the float32 images twice.
 */
async function fashionData(frac: number) {
  const [[xTr, yTr]] = await datasets.fashionMnist.loadData();
  const nTr = Math.floor(48000 * frac);
  const nVa = Math.floor(12000 * frac);
  const images = reshape(xTr, [-1, 28, 28, 1]);
  return {
    x: div(slice(images, [0, 0, 0, 0], [nTr, 28, 28, 1]), 255),
    y: slice(yTr, [0], [nTr]),
    xVal: div(slice(images, [48000, 0, 0, 0], [nVa, 28, 28, 1]), 255),
    yVal: slice(yTr, [48000], [nVa]),
  };
}

/** The textbook's chapter-8 CNN, as bench_cnn.py builds it. */
function cnn(): Sequential {
  const model = new Sequential([
    new Conv2D(32, 3, { activation: 'relu', padding: 'same', inputShape: [28, 28, 1] }),
    new MaxPooling2D(2),
    new Conv2D(64, 3, { activation: 'relu', padding: 'same' }),
    new MaxPooling2D(2),
    new Flatten(),
    new Dense(100, { activation: 'relu' }),
    new Dropout(0.4),
    new Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({
    optimizer: new Adam({ learningRate: 1e-3 }),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/** All workloads by id, e.g. 'A1', 'B1-sigmoid', 'B4-sigmoid-b4'. */
export function workloads(acts: readonly ('sigmoid' | 'relu')[] = ['sigmoid']): Workload[] {
  const out: Workload[] = Object.entries(RNN_MODELS).map(([id, [describe, recurrent]]) => ({
    id,
    family: 'rnn' as const,
    describe,
    batch: 64,
    build() {
      const model = new Sequential([
        new Embedding(500, 16, { inputShape: [100] }),
        ...recurrent(),
        new Dense(1, { activation: 'sigmoid' }),
      ]);
      model.compile({
        optimizer: new RMSprop({ learningRate: 1e-4 }),
        loss: 'binary_crossentropy',
        metrics: ['accuracy'],
      });
      return model;
    },
    data: imdbData,
  }));
  const configs: [string, 'none' | 'first' | 'all', number, 'sgd' | 'adam'][] = [
    ['B1', 'none', 128, 'sgd'],
    ['B2', 'first', 128, 'sgd'],
    ['B3', 'all', 128, 'sgd'],
    ...[4, 64, 256, 1024].map((b): [string, 'none', number, 'sgd'] => ['B4', 'none', b, 'sgd']),
    ...[4, 64, 256, 1024].map((b): [string, 'first', number, 'sgd'] => ['B5', 'first', b, 'sgd']),
    ['B6', 'none', 128, 'adam'],
    ['B6', 'first', 128, 'adam'],
  ];
  for (const act of acts) {
    for (const [name, bn, batch, opt] of configs) {
      const id = `${name}-${act}-bn_${bn}-${opt}-b${batch}`;
      out.push({
        id,
        family: 'mlp',
        describe: `${name} ${act} bn=${bn} ${opt} batch ${batch}`,
        batch,
        build: () => mlp(act, bn, opt),
        data: mnistData,
      });
    }
  }
  for (const [id, batch] of [
    ['C1', 32],
    ['C2', 128],
  ] as const) {
    out.push({
      id,
      family: 'cnn',
      describe: `Fashion-MNIST CNN batch ${batch}`,
      batch,
      build: cnn,
      data: fashionData,
    });
  }
  return out;
}
