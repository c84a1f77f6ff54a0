import { Callback, type Logs } from './callback.js';

/**
 * Records the logs of every epoch; `fit` returns it. `history.history.loss[i]` is epoch i's
 * training loss, with the same keys Keras uses ('loss', 'accuracy', 'val_loss', 'val_accuracy').
 *
 * @example
 * import { Dense, Sequential, tensor } from 'tensile';
 * const model = new Sequential([new Dense(1, { inputShape: [2] })]);
 * model.compile({ optimizer: 'sgd', loss: 'mse' });
 * const x = tensor([[0, 1], [1, 0], [1, 1], [0, 0]]);
 * const history = await model.fit(x, tensor([[1], [0], [1], [0]]), { epochs: 3, validationSplit: 0.25, verbose: 0 });
 * console.log(Object.keys(history.history).sort()); // [loss, val_loss]
 * console.log(history.history.loss.length); // 3
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
