/**
 * A user-written study: learning rate × LSTM units on IMDB, six runs of
 * Embedding(500, 16) → LSTM(units) → Dense(1, sigmoid) with RMSprop(learning rate).
 *
 * Run: npx tensile study ./examples/lr-units-study.ts [--quick] [--jobs 2] [--prune median]
 * The report (a table of runs with their params and best metrics, and loss/accuracy curves) is
 * written to runs/imdb-lr-units-<timestamp>/report.html.
 */
import {
  Dense,
  datasets,
  defineStudy,
  Embedding,
  gridRuns,
  LSTM,
  padSequences,
  RMSprop,
  Sequential,
  tensor,
  trainTestSplit,
} from 'tensile';

const NUM_WORDS = 500;
const MAXLEN = 100;

export default defineStudy({
  name: 'imdb-lr-units',
  title: 'IMDB: learning rate × LSTM units',
  // Six runs; each run's params are typed: run.params.learningRate and run.params.units are numbers.
  runs: (opts) =>
    gridRuns(
      { learningRate: [1e-3, 1e-4], units: [4, 8, 16] },
      { epochs: opts.epochs ?? (opts.quick ? 2 : 10) },
    ),
  // Loaded once per worker process and shared by the runs it trains.
  async data(opts) {
    const [[x, y]] = await datasets.imdb.loadData({ numWords: NUM_WORDS });
    const n = opts.quick ? 2000 : x.length;
    const labels = Array.from(y.dataSync()).slice(0, n);
    const [xTrain, xVal, yTrain, yVal] = trainTestSplit(x.slice(0, n), labels, {
      testSize: 0.2,
      randomState: 42,
    }) as [number[][], number[][], number[], number[]];
    const column = (ys: number[]) => tensor(Float32Array.from(ys), [ys.length, 1]);
    return {
      xTrain: padSequences(xTrain, { maxlen: MAXLEN }),
      yTrain: column(yTrain),
      xVal: padSequences(xVal, { maxlen: MAXLEN }),
      yVal: column(yVal),
    };
  },
  model(run) {
    const model = new Sequential([
      new Embedding(NUM_WORDS, 16, { inputShape: [MAXLEN] }),
      new LSTM(run.params.units),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    model.compile({
      optimizer: new RMSprop({ learningRate: run.params.learningRate }),
      loss: 'binary_crossentropy',
      metrics: ['accuracy'],
    });
    return model;
  },
  fit: ({ run, data }) => ({
    x: data.xTrain,
    y: data.yTrain,
    epochs: run.params.epochs,
    batchSize: 64,
    validationData: [data.xVal, data.yVal],
  }),
});
