import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tensile from '../index.js';
import type { Layer } from '../layers/layer.js';
import type { Sequential } from '../models/sequential.js';
import type { Tensor } from '../tensor/tensor.js';
import { defineStudy } from './define.js';
import { type ImdbExtra, reportImdb } from './imdb-report.js';
import { ResumedEarlyStopping } from './training-support.js';
import type { RunSpec, StudyOptions } from './types.js';

const {
  Dense,
  Embedding,
  GRU,
  LSTM,
  SimpleRNN,
  Sequential: SequentialModel,
  RMSprop,
  datasets,
  padSequences,
  trainTestSplit,
} = tensile;

/** The five models of the Keras tutorial: Embedding(500, 16) → recurrent layer(s) → Dense(1, sigmoid). */
export const MODELS = {
  simple_rnn: { label: 'SimpleRNN(8)', recurrent: () => [new SimpleRNN(8)] },
  lstm: { label: 'LSTM(8)', recurrent: () => [new LSTM(8)] },
  lstm_dropout: { label: 'LSTM(8, dropout 0.3)', recurrent: () => [new LSTM(8, { dropout: 0.3 })] },
  lstm_stacked: {
    label: '2 × LSTM(8, dropout 0.3)',
    recurrent: () => [new LSTM(8, { dropout: 0.3, returnSequences: true }), new LSTM(8, { dropout: 0.3 })],
  },
  gru: { label: 'GRU(8)', recurrent: () => [new GRU(8)] },
} satisfies Record<string, { label: string; recurrent: () => Layer[] }>;

/** One of the five tutorial models. */
export type ModelId = keyof typeof MODELS;

/** What distinguishes one run of the IMDB study. */
export type ImdbParams = {
  readonly model: ModelId;
  readonly epochs: number;
  readonly batchSize: number;
  readonly patience: number;
};

export const NUM_WORDS = 500;
export const MAXLEN = 100;

/** Sentences scored with each trained model, to show `imdb.encode` on text a user writes. */
export const SAMPLE_SENTENCES = [
  'this movie was wonderful and the acting was great i loved it',
  'a boring film with bad acting and a terrible story i hated it',
  'it was ok not great not bad',
  'the best film i have seen this year a masterpiece',
];

export function buildModel(id: ModelId): Sequential {
  const spec = MODELS[id];
  const model = new SequentialModel(
    [
      new Embedding(NUM_WORDS, 16, { inputLength: MAXLEN, inputShape: [MAXLEN] }),
      ...spec.recurrent(),
      new Dense(1, { activation: 'sigmoid' }),
    ],
    { name: id },
  );
  model.compile({
    optimizer: new RMSprop({ learningRate: 1e-4 }),
    loss: 'binary_crossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/** The tutorial's arrays: padded sequences and [n, 1] labels. */
export interface ImdbArrays {
  xTrain: Tensor;
  yTrain: Tensor;
  xVal: Tensor;
  yVal: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/** IMDB as the tutorial prepares it: 500 words, 80/20 split with random_state 42, padded to 100. */
async function loadImdb(quick: boolean): Promise<ImdbArrays> {
  const [[xAll, yAll], [xTestSeq, yTestAll]] = await datasets.imdb.loadData({ numWords: NUM_WORDS });
  const nTrain = quick ? 2000 : xAll.length;
  const nTest = quick ? 500 : xTestSeq.length;
  const yAllArr = Array.from(yAll.dataSync()).slice(0, nTrain);
  const [xTr, xVal, yTr, yVal] = trainTestSplit(xAll.slice(0, nTrain), yAllArr, {
    testSize: 0.2,
    randomState: 42,
  }) as [number[][], number[][], number[], number[]];
  const labels = (ys: ArrayLike<number>) => tensile.tensor(Float32Array.from(ys), [ys.length, 1]);
  return {
    xTrain: padSequences(xTr, { maxlen: MAXLEN }),
    yTrain: labels(yTr),
    xVal: padSequences(xVal, { maxlen: MAXLEN }),
    yVal: labels(yVal),
    xTest: padSequences(xTestSeq.slice(0, nTest), { maxlen: MAXLEN }),
    yTest: labels(Array.from(yTestAll.dataSync()).slice(0, nTest)),
  };
}

/** Index of the minimum, i.e. the best epoch by validation loss (0-based). */
const argmin = (xs: number[]) => xs.reduce((best, v, i) => (v < xs[best]! ? i : best), 0);

/** The recurrent sentiment study: the five tutorial models on IMDB, best checkpoints tested. */
export const imdbRnnStudy = defineStudy<ImdbParams, ImdbArrays, ImdbExtra>({
  name: 'imdb-rnn',
  title: 'Recurrent sentiment models on IMDB',
  runs(opts: StudyOptions): RunSpec<ImdbParams>[] {
    const epochs = opts.epochs ?? (opts.quick ? 2 : 100);
    return (Object.keys(MODELS) as ModelId[]).map((model) => ({
      id: model,
      label: MODELS[model].label,
      params: { model, epochs, batchSize: 64, patience: 3 },
    }));
  },
  groups: () => ({ lstms: ['lstm', 'lstm_dropout', 'lstm_stacked'], all: Object.keys(MODELS) }),
  data: (opts) => loadImdb(opts.quick),
  model: (run) => buildModel(run.params.model),
  fit: ({ run, data }) => ({
    x: data.xTrain,
    y: data.yTrain,
    epochs: run.params.epochs,
    batchSize: run.params.batchSize,
    validationData: [data.xVal, data.yVal],
  }),
  callbacks({ run, dir }, past) {
    const bestPath = join(dir, 'best.keras');
    const pastBest = past.val_loss && past.val_loss.length > 0 ? Math.min(...past.val_loss) : undefined;
    return [
      new tensile.ModelCheckpoint(bestPath, {
        monitor: 'val_loss',
        saveBestOnly: true,
        initialValueThreshold: pastBest,
      }),
      new ResumedEarlyStopping(
        { monitor: 'val_loss', patience: run.params.patience, restoreBestWeights: true },
        past,
        bestPath,
      ),
    ];
  },
  async extras({ dir, data, model, history }): Promise<ImdbExtra> {
    const bestPath = join(dir, 'best.keras');
    const best = existsSync(bestPath) ? ((await tensile.loadModel(bestPath)) as Sequential) : model;
    const [testLoss, testAccuracy] = best.evaluate(data.xTest, data.yTest, { batchSize: 256 });
    const samples: { text: string; score: number }[] = [];
    for (const text of SAMPLE_SENTENCES) {
      const seq = await datasets.imdb.encode(text, { numWords: NUM_WORDS });
      samples.push({ text, score: best.predict(padSequences([seq], { maxlen: MAXLEN })).dataSync()[0]! });
    }
    const bestEpoch = history.val_loss ? argmin(history.val_loss) : 0;
    return {
      bestEpoch: bestEpoch + 1,
      bestValLoss: history.val_loss?.[bestEpoch] ?? Number.NaN,
      bestValAccuracy: history.val_accuracy?.[bestEpoch] ?? Number.NaN,
      testLoss: testLoss!,
      testAccuracy: testAccuracy!,
      samples,
      trainSamples: data.xTrain.shape[0]!,
      valSamples: data.xVal.shape[0]!,
      testSamples: data.xTest.shape[0]!,
    };
  },
  summarize: (r) =>
    `${r.epochsRun} epochs, ${r.secondsPerEpoch.toFixed(2)} s/epoch, best val_loss ${r.extra.bestValLoss.toFixed(4)} at epoch ${r.extra.bestEpoch}, test accuracy ${r.extra.testAccuracy.toFixed(4)}`,
  report: reportImdb,
});
