import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tensile from '../index.js';
import type { Layer } from '../layers/layer.js';
import { clearSession } from '../layers/layer.js';
import type { Sequential } from '../models/sequential.js';
import { setRandomSeed } from '../random/global.js';
import type { Tensor } from '../tensor/tensor.js';
import { reportImdb } from './imdb-report.js';
import { fitResumable, ProgressReporter, ResumedEarlyStopping } from './training-support.js';
import type { RunResult, RunSpec, Study, StudyOptions } from './types.js';

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
export const MODELS: Record<string, { label: string; recurrent: () => Layer[] }> = {
  simple_rnn: { label: 'SimpleRNN(8)', recurrent: () => [new SimpleRNN(8)] },
  lstm: { label: 'LSTM(8)', recurrent: () => [new LSTM(8)] },
  lstm_dropout: { label: 'LSTM(8, dropout 0.3)', recurrent: () => [new LSTM(8, { dropout: 0.3 })] },
  lstm_stacked: {
    label: '2 × LSTM(8, dropout 0.3)',
    recurrent: () => [new LSTM(8, { dropout: 0.3, returnSequences: true }), new LSTM(8, { dropout: 0.3 })],
  },
  gru: { label: 'GRU(8)', recurrent: () => [new GRU(8)] },
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

export function buildModel(id: string): Sequential {
  const spec = MODELS[id]!;
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

interface ImdbArrays {
  xTrain: Tensor;
  yTrain: Tensor;
  xVal: Tensor;
  yVal: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

let cached: { key: string; data: ImdbArrays } | null = null;

/** IMDB as the tutorial prepares it: 500 words, 80/20 split with random_state 42, padded to 100. */
async function loadImdb(quick: boolean): Promise<ImdbArrays> {
  const key = String(quick);
  if (cached?.key === key) return cached.data;
  const [[xAll, yAll], [xTestSeq, yTestAll]] = await datasets.imdb.loadData({ numWords: NUM_WORDS });
  const nTrain = quick ? 2000 : xAll.length;
  const nTest = quick ? 500 : xTestSeq.length;
  const yAllArr = Array.from(yAll.dataSync()).slice(0, nTrain);
  const [xTr, xVal, yTr, yVal] = trainTestSplit(xAll.slice(0, nTrain), yAllArr, {
    testSize: 0.2,
    randomState: 42,
  }) as [number[][], number[][], number[], number[]];
  const labels = (ys: ArrayLike<number>) => tensile.tensor(Float32Array.from(ys), [ys.length, 1]);
  const data = {
    xTrain: padSequences(xTr, { maxlen: MAXLEN }),
    yTrain: labels(yTr),
    xVal: padSequences(xVal, { maxlen: MAXLEN }),
    yVal: labels(yVal),
    xTest: padSequences(xTestSeq.slice(0, nTest), { maxlen: MAXLEN }),
    yTest: labels(Array.from(yTestAll.dataSync()).slice(0, nTest)),
  };
  cached = { key, data };
  return data;
}

/** Index of the minimum, i.e. the best epoch by validation loss (0-based). */
const argmin = (xs: number[]) => xs.reduce((best, v, i) => (v < xs[best]! ? i : best), 0);

export const imdbRnnStudy: Study = {
  name: 'imdb-rnn',
  title: 'Recurrent sentiment models on IMDB',
  runs(opts: StudyOptions): RunSpec[] {
    const epochs = opts.epochs ?? (opts.quick ? 2 : 100);
    return Object.entries(MODELS).map(([id, m]) => ({
      id,
      label: m.label,
      params: { model: id, epochs, batchSize: 64, patience: 3 },
    }));
  },
  groups(): Record<string, string[]> {
    return { lstms: ['lstm', 'lstm_dropout', 'lstm_stacked'], all: Object.keys(MODELS) };
  },
  async execute(run, dir, opts, progress): Promise<RunResult> {
    // Fresh layer names per run (dense, dense_1, ...), as in a new Keras session.
    clearSession();
    setRandomSeed(opts.seed);
    const data = await loadImdb(opts.quick);
    const epochs = Number(run.params.epochs);
    const bestPath = join(dir, 'best.keras');
    const { model, history, secondsPerEpoch } = await fitResumable(
      dir,
      () => buildModel(run.id),
      data.xTrain,
      data.yTrain,
      { epochs, batchSize: 64, validationData: [data.xVal, data.yVal], verbose: 0 },
      (_m, past) => {
        const pastBest = past.val_loss && past.val_loss.length > 0 ? Math.min(...past.val_loss) : undefined;
        return [
          new tensile.ModelCheckpoint(bestPath, {
            monitor: 'val_loss',
            saveBestOnly: true,
            initialValueThreshold: pastBest,
          }),
          new ResumedEarlyStopping(
            { monitor: 'val_loss', patience: 3, restoreBestWeights: true },
            past,
            bestPath,
          ),
          new ProgressReporter(run.id, progress),
        ];
      },
    );
    const best = existsSync(bestPath) ? ((await tensile.loadModel(bestPath)) as Sequential) : model;
    const [testLoss, testAccuracy] = best.evaluate(data.xTest, data.yTest, { batchSize: 256 });
    const scores: { text: string; score: number }[] = [];
    for (const text of SAMPLE_SENTENCES) {
      const seq = await datasets.imdb.encode(text, { numWords: NUM_WORDS });
      scores.push({ text, score: best.predict(padSequences([seq], { maxlen: MAXLEN })).dataSync()[0]! });
    }
    const bestEpoch = history.val_loss ? argmin(history.val_loss) : 0;
    return {
      id: run.id,
      label: run.label,
      params: run.params,
      history,
      epochsRun: history.loss?.length ?? 0,
      secondsPerEpoch: secondsPerEpoch.reduce((a, b) => a + b, 0) / Math.max(1, secondsPerEpoch.length),
      params_count: model.countParams(),
      summary: model.summary({ print: false }),
      extra: {
        bestEpoch: bestEpoch + 1,
        bestValLoss: history.val_loss?.[bestEpoch],
        bestValAccuracy: history.val_accuracy?.[bestEpoch],
        testLoss,
        testAccuracy,
        samples: scores,
        trainSamples: data.xTrain.shape[0],
        valSamples: data.xVal.shape[0],
        testSamples: data.xTest.shape[0],
      },
    };
  },
  report: reportImdb,
};
