import { type Callback, CallbackList, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { ProgressBar } from '../callbacks/progress-bar.js';
import { scope } from '../engine/engine.js';
import { ValueError } from '../errors.js';
import type { Model } from '../models/model.js';
import { globalGenerator } from '../random/global.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchRanges, splitValidation, takeRows } from './batches.js';
import type { ModelData } from './compile-args.js';
import { compiledMetrics, evaluate, prepareData, requireCompiled, totalLoss } from './evaluate.js';
import { gradientStep } from './gradient-step.js';

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  /** Data to evaluate after each epoch; adds 'val_' entries to the logs. */
  validationData?: [ModelData, ModelData];
  /** Fraction of the training data (taken from the end, before shuffling) to validate on instead. */
  validationSplit?: number;
  /** Reshuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  /** Epoch to start counting from (to resume training). */
  initialEpoch?: number;
}

/** Lets the event loop run (progress output, signals) without slowing tight loops of tiny steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The one training loop. Each step runs inside a scope, so every intermediate tensor of the step is
 * freed when it ends; only variables (weights, optimizer slots, statistics) survive. The model
 * computes where its weights live (see modelBackend): data on another backend is copied there once
 * per call, whichever backend is selected, and the selected backend is never changed.
 */
export async function fit(model: Model, xIn: ModelData, yIn: ModelData, args: FitArgs): Promise<History> {
  const { optimizer } = requireCompiled(model, 'fit');
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(batchSize) || batchSize <= 0)
    throw new ValueError(`fit: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ValueError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  const split = args.validationSplit ?? 0;
  if (!(split >= 0 && split < 1))
    throw new ValueError(`fit: validationSplit must be in [0, 1), got ${split}`);
  const all = prepareData(model, xIn, yIn, 'fit');
  let [x, y] = all;
  let validation = args.validationData
    ? prepareData(model, args.validationData[0], args.validationData[1], 'fit (validation data)')
    : null;
  if (split > 0) [[x, y], validation] = splitValidation(all[0], all[1], split);

  const samples = x[0]!.shape[0]!;
  const ranges = batchRanges(samples, batchSize);
  const verbose = args.verbose ?? 1;
  const history = new History();
  // Keras order: the user's callbacks first, then History and the progress bar, so that logs a
  // callback adds (e.g. learning_rate from ReduceLROnPlateau) are recorded and shown.
  const callbacks = new CallbackList([
    ...(args.callbacks ?? []),
    history,
    ...(verbose ? [new ProgressBar(verbose)] : []),
  ]);
  callbacks.configure(model, { epochs, steps: ranges.length, verbose, samples, batchSize });
  const metrics = compiledMetrics(model, y);
  const variables = model.trainableWeights;

  model.stopTraining = false;
  let badLossReported = false;
  await callbacks.trainBegin({});
  let lastYield = performance.now();
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await callbacks.epochBegin(epoch, {});
    const order = args.shuffle === false ? null : globalGenerator().permutation(samples);
    for (const m of metrics) m.metric.resetState();
    let lossTotal = 0;
    const outputTotals = model.losses.map(() => 0);
    let seen = 0;
    let logs: Logs = {};
    for (let b = 0; b < ranges.length && !model.stopTraining; b++) {
      const [start, end] = ranges[b]!;
      await callbacks.batchBegin(b, {});
      const batchLoss = scope(() => {
        const xb = x.map((t) => takeRows(t, start, end, order));
        const yb = y.map((t) => takeRows(t, start, end, order));
        let yPred: Tensor[] = [];
        let parts: Tensor[] = [];
        const value = gradientStep(
          () => {
            yPred = model.callAll(xb, { training: true });
            parts = model.losses.map((loss, j) => loss.call(yb[j]!, yPred[j]!));
            return totalLoss(model, parts);
          },
          variables,
          optimizer,
        );
        for (const m of metrics) m.metric.updateState(yb[m.output]!, yPred[m.output]!);
        if (parts.length > 1)
          for (const [j, p] of parts.entries()) outputTotals[j]! += p.item() * (end - start);
        return value.item();
      });
      if (!badLossReported && !Number.isFinite(batchLoss)) {
        badLossReported = true; // once per fit: every later batch would repeat it
        console.warn(
          `fit: the loss is ${batchLoss} at epoch ${epoch + 1}/${epochs}, batch ${b + 1}/${ranges.length}; ` +
            'add a TerminateOnNaN callback to stop training when this happens',
        );
      }
      // Keras weights each batch's mean loss by its size, so a short last batch counts less.
      lossTotal += batchLoss * (end - start);
      seen += end - start;
      logs = { loss: lossTotal / seen };
      // Keras 3 logs each output's unweighted loss as '<output>_loss' when there are several.
      if (outputTotals.length > 1)
        for (const [j, n] of model.outputNames.entries()) logs[`${n}_loss`] = outputTotals[j]! / seen;
      for (const m of metrics) logs[m.name] = m.metric.result();
      await callbacks.batchEnd(b, logs);
      if (performance.now() - lastYield > 200) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    if (validation) {
      const val = evaluate(model, validation[0], validation[1], { batchSize });
      for (const [k, v] of Object.entries(val.logs)) logs[`val_${k}`] = v;
    }
    await callbacks.epochEnd(epoch, logs);
  }
  await callbacks.trainEnd({});
  return history;
}
