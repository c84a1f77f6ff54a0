/**
 * A two-input, two-output model with the Functional API, as a Keras user would write it:
 *
 *   top = keras.Input(shape=(392,), name="top"); bottom = keras.Input(shape=(392,), name="bottom")
 *   h = layers.Concatenate()([layers.Dense(64, activation="relu")(top), layers.Dense(64, activation="relu")(bottom)])
 *   h = layers.Dense(64, activation="relu")(h)
 *   digit = layers.Dense(10, activation="softmax", name="digit")(h)
 *   parity = layers.Dense(1, activation="sigmoid", name="parity")(h)
 *   model = keras.Model(inputs=[top, bottom], outputs=[digit, parity])
 *   model.compile(optimizer="adam", loss={"digit": "sparse_categorical_crossentropy", "parity": "binary_crossentropy"},
 *                 loss_weights={"digit": 1.0, "parity": 0.5}, metrics={"digit": ["accuracy"], "parity": ["accuracy"]})
 *
 * Each MNIST image is cut into its top and bottom halves (14 rows each); the model reads both and
 * predicts the digit and whether it is even. Then it is saved as .keras, reloaded, and probed
 * layer by layer with a sub-model.
 *
 * Run: npx tsx examples/functional-multi-io.ts [--epochs 3]
 * Data: TENSILE_DATA_DIR (e.g. ../shared/data), else ~/.tensile/datasets, else downloaded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Concatenate,
  Dense,
  datasets,
  div,
  Input,
  loadModel,
  Model,
  reshape,
  setRandomSeed,
  slice,
  type Tensor,
  tensor,
} from '../src/index.js';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '3' } } });
setRandomSeed(42);

const [[xTrainRaw, yTrainRaw], [xTestRaw, yTestRaw]] = await datasets.mnist.loadData();
/** The two halves of each image as [n, 392] inputs, keyed by the model's input names. */
function halves(images: Tensor) {
  const flat = div(reshape(images, [-1, 784]), 255);
  const n = flat.shape[0]!;
  return { top: slice(flat, [0, 0], [n, 392]), bottom: slice(flat, [0, 392], [n, 392]) };
}
/** Both targets, keyed by the model's output names. */
function targets(labels: Tensor) {
  const digits = Array.from(labels.dataSync());
  return {
    digit: tensor(digits, [digits.length]),
    parity: tensor(
      digits.map((d) => (d % 2 === 0 ? 1 : 0)),
      [digits.length, 1],
    ),
  };
}
const [xTrain, yTrain, xTest, yTest] = [
  halves(xTrainRaw),
  targets(yTrainRaw),
  halves(xTestRaw),
  targets(yTestRaw),
];

const top = Input({ shape: [392], name: 'top' });
const bottom = Input({ shape: [392], name: 'bottom' });
const joined = new Concatenate().apply([
  new Dense(64, { activation: 'relu' }).apply(top),
  new Dense(64, { activation: 'relu' }).apply(bottom),
]);
const h = new Dense(64, { activation: 'relu' }).apply(joined);
const digit = new Dense(10, { activation: 'softmax', name: 'digit' }).apply(h);
const parity = new Dense(1, { activation: 'sigmoid', name: 'parity' }).apply(h);
const model = new Model({ inputs: [top, bottom], outputs: [digit, parity], name: 'halves' });
model.summary();

model.compile({
  optimizer: 'adam',
  loss: { digit: 'sparse_categorical_crossentropy', parity: 'binary_crossentropy' },
  lossWeights: { digit: 1, parity: 0.5 },
  metrics: { digit: ['accuracy'], parity: ['accuracy'] },
});
const history = await model.fit(xTrain, yTrain, {
  epochs: Number(values.epochs),
  batchSize: 128,
  validationData: [xTest, yTest],
  verbose: process.stdout.isTTY ? 1 : 2,
});
console.log(`logged: ${Object.keys(history.history).join(', ')}`);
const [loss, digitLoss, parityLoss, digitAcc, parityAcc] = model.evaluate(xTest, yTest, { batchSize: 512 });
console.log(
  `test loss ${loss!.toFixed(4)} (digit ${digitLoss!.toFixed(4)}, parity ${parityLoss!.toFixed(4)}); ` +
    `digit accuracy ${digitAcc!.toFixed(4)}, parity accuracy ${parityAcc!.toFixed(4)}`,
);

// Save, reload, and check the reloaded model predicts exactly the same.
const dir = mkdtempSync(join(tmpdir(), 'tensile-functional-'));
const path = join(dir, 'halves.keras');
await model.save(path);
const reloaded = await loadModel(path);
const few = { top: slice(xTest.top, [0, 0], [5, 392]), bottom: slice(xTest.bottom, [0, 0], [5, 392]) };
const [before, after] = [model.predict(few) as Tensor[], reloaded.predict(few) as Tensor[]];
const same = before.every((t, i) => t.dataSync().every((v, k) => v === after[i]!.dataSync()[k]));
console.log(`reloaded from ${path}: identical predictions: ${same}`);
rmSync(dir, { recursive: true, force: true });

// Every layer's output for one image, through a sub-model on the same graph.
const probe = new Model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output) });
const outputs = probe.predict({
  top: slice(few.top, [0, 0], [1, 392]),
  bottom: slice(few.bottom, [0, 0], [1, 392]),
}) as Tensor[];
for (const [i, layer] of model.layers.entries())
  console.log(`${layer.name.padEnd(14)} ${JSON.stringify(outputs[i]!.shape)}`);
