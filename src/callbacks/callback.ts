import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';

/** Values reported to callbacks: 'loss', metric names, and their 'val_' counterparts. */
export type Logs = Record<string, number>;

/** What fit tells callbacks about the run (Keras' `callback.params`). */
export interface TrainParams {
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  verbose: 0 | 1 | 2;
  samples: number;
  batchSize: number;
}

/** The part of a model that callbacks may touch. */
export interface CallbackModel {
  stopTraining: boolean;
  optimizer: Optimizer | null;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
  save?(path: string): void | Promise<void>;
  saveWeights?(path: string): void | Promise<void>;
}

type Hook = void | Promise<void>;

/**
 * Base class of callbacks. Override the hooks you need; `this.model` and `this.params` are set
 * by fit before `onTrainBegin`. Callbacks must reset their own state in `onTrainBegin` so one
 * instance can serve several fit calls.
 *
 * @example
 * import { Callback, Dense, Sequential, tensor } from 'tensile';
 * class CountEpochs extends Callback {
 *   onTrainBegin() { this.count = 0; }
 *   onEpochEnd(epoch, logs) { this.count++; }
 * }
 * const model = new Sequential([new Dense(1, { inputShape: [2] })]);
 * model.compile({ optimizer: 'sgd', loss: 'mse' });
 * const counter = new CountEpochs();
 * await model.fit(tensor([[0, 1], [1, 0]]), tensor([[1], [0]]), { epochs: 3, verbose: 0, callbacks: [counter] });
 * console.log(counter.count); // 3
 */
export class Callback {
  model: CallbackModel | null = null;
  params: TrainParams | null = null;

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  setParams(params: TrainParams): void {
    this.params = params;
  }

  onTrainBegin(_logs: Logs): Hook {}
  onTrainEnd(_logs: Logs): Hook {}
  onEpochBegin(_epoch: number, _logs: Logs): Hook {}
  onEpochEnd(_epoch: number, _logs: Logs): Hook {}
  onBatchBegin(_batch: number, _logs: Logs): Hook {}
  onBatchEnd(_batch: number, _logs: Logs): Hook {}
}

/** Fans each hook out to a list of callbacks, in order, awaiting the ones that return promises. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}

  configure(model: CallbackModel, params: TrainParams): void {
    for (const c of this.callbacks) {
      c.setModel(model);
      c.setParams(params);
    }
  }

  async trainBegin(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin(logs);
  }
  async trainEnd(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd(logs);
  }
  async epochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin(epoch, logs);
  }
  async epochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd(epoch, logs);
  }
  async batchBegin(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onBatchBegin(batch, logs);
      if (r) await r;
    }
  }
  async batchEnd(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onBatchEnd(batch, logs);
      if (r) await r;
    }
  }
}
