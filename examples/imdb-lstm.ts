/**
 * The recurrent study's LSTM model on IMDB, written line by line like the Keras script:
 * Embedding(500, 16) → LSTM(8) → Dense(1, sigmoid), RMSprop(1e-4), binary cross-entropy, accuracy,
 * batch 64, on reviews cut to their last 100 tokens over a 500-word vocabulary; 80/20 split.
 *
 * Run: npx tsx examples/imdb-lstm.ts [--epochs 15] [--backend ts] [--seed 42]
 * Data: TENSILE_DATA_DIR (e.g. ../shared/data), else ~/.tensile/datasets, else downloaded.
 * Target (the issue): validation loss falls every epoch for the first 10 epochs and validation
 * accuracy passes 0.70 within 15 epochs.
 */
import { parseArgs } from 'node:util';
import {
  Callback,
  cast,
  Dense,
  datasets,
  Embedding,
  getBackend,
  type Logs,
  LSTM,
  padSequences,
  RMSprop,
  reshape,
  Sequential,
  setBackend,
  setRandomSeed,
  trainTestSplit,
} from '../src/index.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '15' },
    backend: { type: 'string' },
    seed: { type: 'string', default: '42' },
  },
});
if (values.backend) setBackend(values.backend);
setRandomSeed(Number(values.seed));

const [[reviews, labels]] = await datasets.imdb.loadData({ numWords: 500 });
const x = padSequences(reviews, { maxlen: 100 });
// Keras takes labels of shape (n,) for a (n, 1) output; we give them the output's shape.
const y = reshape(cast(labels, 'float32'), [-1, 1]);
const [xTrain, xVal, yTrain, yVal] = trainTestSplit(x, y, { testSize: 0.2, randomState: 42 });
console.log(
  `x_train ${JSON.stringify(xTrain.shape)}, x_val ${JSON.stringify(xVal.shape)}, backend '${getBackend().name}'`,
);

const model = new Sequential([
  new Embedding(500, 16, { inputLength: 100 }),
  new LSTM(8),
  new Dense(1, { activation: 'sigmoid' }),
]);
model.summary();
model.compile({
  optimizer: new RMSprop({ learningRate: 1e-4 }),
  loss: 'binary_crossentropy',
  metrics: ['accuracy'],
});

/** Prints the seconds each epoch took (training plus validation). */
class EpochTimer extends Callback {
  private start = 0;
  readonly seconds: number[] = [];
  override onTrainBegin(): void {
    this.seconds.length = 0;
  }
  override onEpochBegin(): void {
    this.start = performance.now();
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    const s = (performance.now() - this.start) / 1000;
    this.seconds.push(s);
    const show = (k: string) => (logs[k] ?? Number.NaN).toFixed(4);
    console.log(
      `epoch ${epoch + 1}: loss ${show('loss')} acc ${show('accuracy')} val_loss ${show('val_loss')} val_acc ${show('val_accuracy')} (${s.toFixed(1)} s)`,
    );
  }
}

const timer = new EpochTimer();
const history = await model.fit(xTrain, yTrain, {
  epochs: Number(values.epochs),
  batchSize: 64,
  validationData: [xVal, yVal],
  verbose: 0,
  callbacks: [timer],
});

const valLoss = history.history.val_loss!;
const valAcc = history.history.val_accuracy!;
const firstTen = valLoss.slice(0, 10);
const falling = firstTen.every((v, i) => i === 0 || v < firstTen[i - 1]!);
const best = Math.max(...valAcc);
const mean = timer.seconds.reduce((a, b) => a + b, 0) / timer.seconds.length;
console.log(`seconds per epoch: ${mean.toFixed(1)} (backend '${getBackend().name}')`);
console.log(`validation loss falls every epoch for the first ${firstTen.length}: ${falling}`);
console.log(
  `best validation accuracy ${best.toFixed(4)} at epoch ${valAcc.indexOf(best) + 1} (target > 0.70 within 15)`,
);
