/**
 * The textbook's chapter-8 Fashion-MNIST CNN, written line by line like the Keras script:
 * Conv2D(32, 3, relu, same) → MaxPooling2D(2) → Conv2D(64, 3, relu, same) → MaxPooling2D(2) → Flatten →
 * Dense(100, relu) → Dropout(0.4) → Dense(10, softmax); Adam, sparse categorical cross-entropy, an 80/20
 * split with randomState 42, batch 32, ModelCheckpoint (best only) and EarlyStopping(patience 2,
 * restoreBestWeights). Then it plots the first layer's 32 filters and one image's 32 feature maps,
 * as the book does.
 *
 * Written with the Functional API, as the book does: Input, layer.apply, Model; the feature maps come
 * from a sub-model whose output is the first Conv2D layer's output.
 *
 * Run: npx tsx examples/fashion-cnn.ts [--epochs 20] [--out runs/fashion-cnn] [--backend wasm]
 * Data: TENSILE_DATA_DIR (e.g. ../shared/data), else ~/.tensile/datasets, else downloaded.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Conv2D,
  Dense,
  Dropout,
  datasets,
  div,
  EarlyStopping,
  Flatten,
  Input,
  loadModel,
  MaxPooling2D,
  Model,
  ModelCheckpoint,
  reshape,
  setBackend,
  setRandomSeed,
  slice,
  type Tensor,
  trainTestSplit,
} from '../src/index.js';
import { saveFigure } from '../src/plot/index.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '20' },
    out: { type: 'string', default: 'runs/fashion-cnn' },
    seed: { type: 'string', default: '42' },
    backend: { type: 'string' },
    plot: { type: 'boolean', default: true },
    /** Train on the first N images only (a quick smoke run); all 60,000 by default. */
    samples: { type: 'string' },
  },
});
if (values.backend) setBackend(values.backend);
setRandomSeed(Number(values.seed));
mkdirSync(values.out!, { recursive: true });

const [[xTrainFull, yTrainFull], [xTestRaw, yTestRaw]] = await datasets.fashionMnist.loadData();
// Add the channel axis and scale pixels to [0, 1], as the book does.
const n = values.samples ? Number(values.samples) : xTrainFull.shape[0]!;
const xAll = div(reshape(slice(xTrainFull, [0, 0, 0], [n, 28, 28]), [-1, 28, 28, 1]), 255);
const yAll = slice(yTrainFull, [0], [n]);
const [xTrain, xVal, yTrain, yVal] = trainTestSplit(xAll, yAll, { testSize: 0.2, randomState: 42 });
const xTest = div(reshape(xTestRaw, [-1, 28, 28, 1]), 255);
console.log(`train ${JSON.stringify(xTrain.shape)}, validation ${JSON.stringify(xVal.shape)}`);

const inputs = Input({ shape: [28, 28, 1] });
let x = new Conv2D(32, 3, { activation: 'relu', padding: 'same' }).apply(inputs);
x = new MaxPooling2D(2).apply(x);
x = new Conv2D(64, 3, { activation: 'relu', padding: 'same' }).apply(x);
x = new MaxPooling2D(2).apply(x);
x = new Flatten().apply(x);
x = new Dense(100, { activation: 'relu' }).apply(x);
x = new Dropout(0.4).apply(x);
const outputs = new Dense(10, { activation: 'softmax' }).apply(x);
const model = new Model({ inputs, outputs });
model.summary();
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });

const best = join(values.out!, 'best-cnn-model.keras');
const history = await model.fit(xTrain, yTrain, {
  epochs: Number(values.epochs),
  batchSize: 32,
  validationData: [xVal, yVal],
  callbacks: [
    new ModelCheckpoint(best, { saveBestOnly: true }),
    new EarlyStopping({ patience: 2, restoreBestWeights: true }),
  ],
  verbose: process.stdout.isTTY ? 1 : 2,
});
console.log(`val_accuracy per epoch: ${history.history.val_accuracy!.map((a) => a.toFixed(4)).join(' ')}`);
const bestModel = await loadModel(best);
const [testLoss, testAcc] = bestModel.evaluate(xTest, yTestRaw, { batchSize: 256 });
console.log(`best checkpoint: test loss ${testLoss!.toFixed(4)}, test accuracy ${testAcc!.toFixed(4)}`);

/** A grid of grayscale images [count, h, w] as one Vega-Lite chart (one small heatmap per image). */
function imageGrid(images: Float32Array, count: number, h: number, w: number, title: string) {
  const rows: { i: number; x: number; y: number; v: number }[] = [];
  for (let i = 0; i < count; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) rows.push({ i, x, y, v: images[(i * h + y) * w + x]! });
  const cell = Math.max(6, Math.floor(96 / Math.max(h, w)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: rows },
    facet: { field: 'i', type: 'ordinal' as const, title: null, header: { labels: false } },
    columns: 8,
    spec: {
      width: w * cell,
      height: h * cell,
      mark: 'rect' as const,
      encoding: {
        x: { field: 'x', type: 'ordinal' as const, axis: null },
        y: { field: 'y', type: 'ordinal' as const, axis: null },
        color: {
          field: 'v',
          type: 'quantitative' as const,
          scale: { scheme: 'greys', reverse: true },
          legend: null,
        },
      },
    },
    resolve: { scale: { color: 'independent' as const } },
  };
}

/** [h, w, 1, n] or [n, h, w, c]-like data rearranged to n images of h×w. */
function channelsFirst(t: Tensor, h: number, w: number, n: number): Float32Array {
  const src = t.dataSync();
  const out = new Float32Array(n * h * w);
  for (let p = 0; p < h * w; p++) for (let c = 0; c < n; c++) out[c * h * w + p] = src[p * n + c]!;
  return out;
}

if (values.plot) {
  const conv = bestModel.layers.find((l) => l instanceof Conv2D) as Conv2D;
  const filters = await saveFigure(
    imageGrid(channelsFirst(conv.kernel!, 3, 3, 32), 32, 3, 3, "First Conv2D layer's 32 filters (3×3)"),
    join(values.out!, 'filters'),
  );
  const image = slice(xTest, [0, 0, 0, 0], [1, 28, 28, 1]);
  // As the book does: a model from the input to the first convolution's output.
  const firstConv = new Model({ inputs: bestModel.inputs, outputs: conv.output });
  const maps = firstConv.predict(image) as Tensor;
  const featureMaps = await saveFigure(
    imageGrid(
      channelsFirst(maps, 28, 28, 32),
      32,
      28,
      28,
      'Feature maps of the first Conv2D layer for one test image',
    ),
    join(values.out!, 'feature-maps'),
  );
  console.log(`figures: ${filters.pngPath}, ${featureMaps.pngPath}`);
}
