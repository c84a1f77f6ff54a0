/**
 * Batch normalization on the sigmoid MLP (784→512→256→128→64→10), as in the batch-normalization
 * study: one BatchNormalization after the first Dense layer vs none; SGD(0.01, momentum 0.9,
 * nesterov), batch 128, validation on the test set. Prints both curves.
 *
 * Run: npx tsx examples/mnist-bn.ts [--epochs 3]
 */
import { parseArgs } from 'node:util';
import {
  BatchNormalization,
  Dense,
  datasets,
  div,
  type Layer,
  reshape,
  Sequential,
  SGD,
  setRandomSeed,
  toCategorical,
} from '../src/index.js';

const { values } = parseArgs({
  options: { epochs: { type: 'string', default: '3' }, seed: { type: 'string', default: '42' } },
});
const epochs = Number(values.epochs);

const [[xTrainRaw, yTrainRaw], [xTestRaw, yTestRaw]] = await datasets.mnist.loadData();
const xTrain = div(reshape(xTrainRaw, [-1, 784]), 255);
const xTest = div(reshape(xTestRaw, [-1, 784]), 255);
const yTrain = toCategorical(yTrainRaw, 10);
const yTest = toCategorical(yTestRaw, 10);

function build(withBn: boolean): Sequential {
  const layers: Layer[] = [new Dense(512, { activation: 'sigmoid', inputShape: [784] })];
  if (withBn) layers.push(new BatchNormalization());
  layers.push(
    new Dense(256, { activation: 'sigmoid' }),
    new Dense(128, { activation: 'sigmoid' }),
    new Dense(64, { activation: 'sigmoid' }),
  );
  layers.push(new Dense(10, { activation: 'softmax' }));
  const model = new Sequential(layers, { name: withBn ? 'with_bn' : 'without_bn' });
  model.compile({
    optimizer: new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true }),
    loss: 'categorical_crossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

const curves: Record<string, Record<string, number[]>> = {};
for (const withBn of [true, false]) {
  setRandomSeed(Number(values.seed));
  const model = build(withBn);
  if (withBn) model.summary();
  const history = await model.fit(xTrain, yTrain, {
    epochs,
    batchSize: 128,
    validationData: [xTest, yTest],
    verbose: process.stdout.isTTY ? 1 : 2,
  });
  curves[model.name] = history.history;
}

console.log('\nepoch  with BN: loss  val_acc   without BN: loss  val_acc');
for (let e = 0; e < epochs; e++) {
  const a = curves.with_bn!;
  const b = curves.without_bn!;
  console.log(
    `${String(e + 1).padStart(5)}  ${a.loss![e]!.toFixed(4).padStart(13)} ${a.val_accuracy![e]!.toFixed(4).padStart(8)}   ${b.loss![e]!.toFixed(4).padStart(16)} ${b.val_accuracy![e]!.toFixed(4).padStart(8)}`,
  );
}
