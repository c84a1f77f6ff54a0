import { describe, expect, it, vi } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { SGD } from '../optimizers/index.js';
import type { CallbackModel } from './callback.js';
import { EarlyStopping, type EarlyStoppingArgs, monitorDirection } from './early-stopping.js';
import { LambdaCallback } from './lambda-callback.js';

/** A model whose only weight is the index of the epoch that produced it. */
function fakeModel() {
  let weight = -1;
  const model = {
    stopTraining: false,
    optimizer: null,
    getWeights: () => [tensor([weight])],
    setWeights: (w: readonly { dataSync(): ArrayLike<number> }[]) => {
      weight = w[0]!.dataSync()[0]!;
    },
    set epoch(e: number) {
      weight = e;
    },
    get weight() {
      return weight;
    },
  };
  return model;
}

/** Runs the callback over a sequence of monitored values (null: missing from the logs) like fit does. */
function run(values: (number | null)[], args: EarlyStoppingArgs) {
  const cb = new EarlyStopping(args);
  const model = fakeModel();
  cb.setModel(model as unknown as CallbackModel);
  cb.onTrainBegin();
  let lastEpoch = -1;
  for (let epoch = 0; epoch < values.length && !model.stopTraining; epoch++) {
    model.epoch = epoch;
    lastEpoch = epoch;
    const v = values[epoch];
    cb.onEpochEnd(epoch, v === null || v === undefined ? {} : { [args.monitor ?? 'val_loss']: v });
  }
  cb.onTrainEnd();
  return {
    lastEpoch,
    stoppedEpoch: cb.stoppedEpoch,
    restored: args.restoreBestWeights ? model.weight : null,
    best: cb.best,
  };
}

// Expected values from Keras 3's keras/src/callbacks/early_stopping.py, transliterated to Python and
// run on the same sequences (fake model: weights = epoch index):
//   def on_epoch_end(s, epoch, logs, model):
//       current = logs.get(s.monitor)
//       if current is None or epoch < s.start_from_epoch: return
//       if s.restore_best_weights and s.best_weights is None: s.best_weights = model["w"]; s.best_epoch = epoch
//       s.wait += 1
//       if s.op(current - s.min_delta, s.best):
//           s.best = current; s.best_epoch = epoch
//           if s.restore_best_weights: s.best_weights = model["w"]
//           if s.baseline is None or s.op(current - s.min_delta, s.baseline): s.wait = 0
//           return
//       if s.wait >= s.patience and epoch > 0: s.stopped_epoch = epoch; model["stop"] = True
//   def on_train_end(s, model):
//       if s.restore_best_weights and s.best_weights is not None: model["w"] = s.best_weights
// (op is < with min_delta negated for 'min', > for 'max'; best starts at ±inf.)
const TABLE: [(number | null)[], EarlyStoppingArgs, ReturnType<typeof run>][] = [
  [[1.0, 0.9, 0.95, 0.8], {}, { lastEpoch: 2, stoppedEpoch: 2, restored: null, best: 0.9 }],
  [
    [1.0, 0.9, 0.91, 0.92, 0.93, 0.5],
    { patience: 2 },
    { lastEpoch: 3, stoppedEpoch: 3, restored: null, best: 0.9 },
  ],
  [
    [1.0, 0.97, 0.96, 0.9, 0.89, 0.88, 0.87],
    { patience: 1, minDelta: 0.05 },
    { lastEpoch: 1, stoppedEpoch: 1, restored: null, best: 1.0 },
  ],
  [
    [1.0, 0.97, 0.96, 0.9, 0.89, 0.88, 0.87],
    { patience: 1, minDelta: -0.05 },
    { lastEpoch: 1, stoppedEpoch: 1, restored: null, best: 1.0 },
  ],
  [
    [0.9, 0.8, 0.7, 0.6, 0.55],
    { patience: 2, baseline: 0.5 },
    { lastEpoch: 4, stoppedEpoch: 0, restored: null, best: 0.55 },
  ],
  [
    [0.9, 0.95, 0.97, 0.4],
    { patience: 2, baseline: 0.5 },
    { lastEpoch: 1, stoppedEpoch: 1, restored: null, best: 0.9 },
  ],
  [
    [0.9, 0.45, 0.5, 0.6, 0.7],
    { patience: 2, baseline: 0.5 },
    { lastEpoch: 3, stoppedEpoch: 3, restored: null, best: 0.45 },
  ],
  [
    [0.5, 0.6, 0.55, 0.58, 0.61, 0.7],
    { monitor: 'val_accuracy', patience: 2 },
    { lastEpoch: 3, stoppedEpoch: 3, restored: null, best: 0.6 },
  ],
  [
    [0.5, 0.6, 0.55, 0.58, 0.61, 0.7],
    { monitor: 'val_accuracy', patience: 2, mode: 'min' },
    { lastEpoch: 2, stoppedEpoch: 2, restored: null, best: 0.5 },
  ],
  [
    [0.7, 0.705, 0.709, 0.72, 0.725],
    { monitor: 'val_auc', patience: 1, minDelta: 0.01 },
    { lastEpoch: 1, stoppedEpoch: 1, restored: null, best: 0.7 },
  ],
  [
    [1.0, 2.0, 3.0, 0.5, 0.6, 0.7],
    { patience: 1, startFromEpoch: 2 },
    { lastEpoch: 4, stoppedEpoch: 4, restored: null, best: 0.5 },
  ],
  [
    [1.0, 0.9, 0.91, 0.92, 0.93, 0.5],
    { patience: 2, restoreBestWeights: true },
    { lastEpoch: 3, stoppedEpoch: 3, restored: 1, best: 0.9 },
  ],
  [
    [1.0, 0.5, 0.7],
    { patience: 5, restoreBestWeights: true },
    { lastEpoch: 2, stoppedEpoch: 0, restored: 1, best: 0.5 },
  ],
  [
    [0.9, 0.8, 0.85, 0.7],
    { patience: 2, baseline: 0.1, restoreBestWeights: true },
    { lastEpoch: 2, stoppedEpoch: 2, restored: 1, best: 0.8 },
  ],
  [[null, null, 0.8, 0.9], { patience: 0 }, { lastEpoch: 3, stoppedEpoch: 3, restored: null, best: 0.8 }],
  [
    [1.0, Number.NaN, 0.9, Number.NaN, Number.NaN],
    { patience: 1 },
    { lastEpoch: 1, stoppedEpoch: 1, restored: null, best: 1.0 },
  ],
  [
    [3.0, 2.0, 1.0],
    { monitor: 'loss', mode: 'max', patience: 0, restoreBestWeights: true },
    { lastEpoch: 1, stoppedEpoch: 1, restored: 0, best: 3.0 },
  ],
];

describe('EarlyStopping reproduces Keras 3', () => {
  it.each(TABLE)('%j with %j', (values, args, expected) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(run(values, args)).toEqual(expected);
    warn.mockRestore();
  });

  it("infers the direction in 'auto' mode from the metric name", () => {
    expect(
      ['val_loss', 'loss', 'val_mean_squared_error', 'mae'].map((m) => monitorDirection(m, 'auto')),
    ).toEqual(['min', 'min', 'min', 'min']);
    expect(['val_accuracy', 'acc', 'val_auc', 'precision'].map((m) => monitorDirection(m, 'auto'))).toEqual([
      'max',
      'max',
      'max',
      'max',
    ]);
    expect(monitorDirection('val_accuracy', 'min')).toBe('min');
  });

  it('warns once (not crashes) when the monitored value is missing, naming what is available', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cb = new EarlyStopping({ monitor: 'val_loss' });
    cb.setModel(fakeModel() as unknown as CallbackModel);
    cb.onTrainBegin();
    cb.onEpochEnd(0, { loss: 1 });
    cb.onEpochEnd(1, { loss: 0.5 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toBe(
      'Early stopping conditioned on metric `val_loss` which is not available. Available metrics are: loss',
    );
    warn.mockRestore();
  });

  it('resets in onTrainBegin, so one instance serves several runs', () => {
    const cb = new EarlyStopping({ patience: 1 });
    const model = fakeModel();
    cb.setModel(model as unknown as CallbackModel);
    cb.onTrainBegin();
    for (const [e, v] of [0.5, 0.6].entries()) cb.onEpochEnd(e, { val_loss: v });
    expect([cb.stoppedEpoch, cb.best, model.stopTraining]).toEqual([1, 0.5, true]);
    model.stopTraining = false;
    cb.onTrainBegin();
    expect([cb.wait, cb.stoppedEpoch, cb.best, cb.bestWeights]).toEqual([
      0,
      0,
      Number.POSITIVE_INFINITY,
      null,
    ]);
    for (const [e, v] of [2, 1.5].entries()) cb.onEpochEnd(e, { val_loss: v });
    expect([cb.stoppedEpoch, cb.best, model.stopTraining]).toEqual([0, 1.5, false]);
  });

  it('stops fit and restores the best weights, printing what Keras prints with verbose', async () => {
    const model = new Sequential([new Dense(1, { inputShape: [1], kernelInitializer: 'zeros' })]);
    // A learning rate this large makes the loss blow up after the first epoch.
    model.compile({ optimizer: new SGD({ learningRate: 3 }), loss: 'mse' });
    const x = tensor([[1], [2], [3], [4]]);
    const y = tensor([[2], [4], [6], [8]]);
    const seen: number[][] = [];
    const stop = new EarlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true, verbose: 1 });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const record = new LambdaCallback({
      onEpochEnd: () => void seen.push(model.getWeights().flatMap((w) => Array.from(w.dataSync()))),
    });
    const history = await model.fit(x, y, {
      epochs: 20,
      batchSize: 4,
      shuffle: false,
      verbose: 0,
      callbacks: [record, stop],
    });
    const last = history.epoch[history.epoch.length - 1]!;
    expect(last).toBeLessThan(19);
    expect(stop.stoppedEpoch).toBe(last);
    const losses = history.history.loss!;
    const best = losses.indexOf(Math.min(...losses));
    expect(model.getWeights().flatMap((w) => Array.from(w.dataSync()))).toEqual(seen[best]);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      `Epoch ${last + 1}: early stopping`,
      `Restoring model weights from the end of the best epoch: ${best + 1}.`,
    ]);
    log.mockRestore();
  });
});
