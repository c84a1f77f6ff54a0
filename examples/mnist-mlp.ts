/**
 * The batch-normalization study's base model on MNIST, written line by line like the Keras script:
 * 784 → 512 → 256 → 128 → 64 → 10 (softmax), SGD(0.01, momentum 0.9, nesterov), batch 128.
 *
 * Run: npx tsx examples/mnist-mlp.ts [--activation relu|sigmoid] [--epochs 5]
 * Data: TENSILE_DATA_DIR (e.g. ../shared/data), else ~/.tensile/datasets, else downloaded.
 */
import { parseArgs } from 'node:util';
import {
  Dense,
  datasets,
  div,
  reshape,
  Sequential,
  SGD,
  setRandomSeed,
  toCategorical,
} from '../src/index.js';

const { values } = parseArgs({
  options: {
    activation: { type: 'string', default: 'relu' },
    epochs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
  },
});
const activation = values.activation === 'sigmoid' ? 'sigmoid' : 'relu';
setRandomSeed(Number(values.seed));

const [[xTrainRaw, yTrainRaw], [xTestRaw, yTestRaw]] = await datasets.mnist.loadData();
// Flatten the 28×28 images and scale pixels to [0, 1], as the Keras tutorial does.
const xTrain = div(reshape(xTrainRaw, [-1, 784]), 255);
const xTest = div(reshape(xTestRaw, [-1, 784]), 255);
const yTrain = toCategorical(yTrainRaw, 10);
const yTest = toCategorical(yTestRaw, 10);
console.log(`x_train ${JSON.stringify(xTrain.shape)}, y_train ${JSON.stringify(yTrain.shape)}`);

const model = new Sequential([
  new Dense(512, { activation, inputShape: [784] }),
  new Dense(256, { activation }),
  new Dense(128, { activation }),
  new Dense(64, { activation }),
  new Dense(10, { activation: 'softmax' }),
]);
model.summary();
model.compile({
  optimizer: new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true }),
  loss: 'categorical_crossentropy',
  metrics: ['accuracy'],
});

const history = await model.fit(xTrain, yTrain, {
  epochs: Number(values.epochs),
  batchSize: 128,
  validationData: [xTest, yTest],
  verbose: process.stdout.isTTY ? 1 : 2,
});
const [loss, accuracy] = model.evaluate(xTest, yTest, { batchSize: 512 });
console.log(`test loss ${loss!.toFixed(4)}, test accuracy ${accuracy!.toFixed(4)}`);
console.log(`val_accuracy per epoch: ${history.history.val_accuracy!.map((a) => a.toFixed(4)).join(' ')}`);
