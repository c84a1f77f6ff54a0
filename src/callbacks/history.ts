import { Callback, type Logs } from './callback.js';

/**
 * Records the logs of every epoch; `fit` returns it. `history.history.loss[i]` is epoch i's
 * training loss, with the same keys Keras uses ('loss', 'accuracy', 'val_loss', 'val_accuracy').
 *
 * @example
 * const history = await model.fit(x, y, { epochs: 3, validationSplit: 0.1 });
 * console.log(history.history.val_loss);
 */
export class History extends Callback {
  history: Record<string, number[]> = {};
  /** Epoch indices recorded (starting at initialEpoch). */
  epoch: number[] = [];

  override onTrainBegin(): void {
    this.history = {};
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
