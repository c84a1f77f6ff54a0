import type { Tensor } from '../tensor/tensor.js';
import { Callback, type Logs } from './callback.js';

/**
 * How a monitored quantity should move: 'auto' infers it from the name.
 *
 * @example
 * import { EarlyStopping } from 'tensile';
 * const stop = new EarlyStopping({ monitor: 'val_accuracy', mode: 'max' });
 */
export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * The direction Keras uses for a monitored quantity: 'min'/'max' as given; in 'auto' mode metrics
 * that grow when the model improves (accuracy, AUC, precision, recall) are maximized, everything
 * else (losses, errors) minimized. An unknown mode warns and falls back to 'auto', as in Keras.
 *
 * @example
 * import { monitorDirection } from 'tensile';
 * console.log(monitorDirection('val_accuracy', 'auto'), monitorDirection('val_loss', 'auto')); // max min
 */
export function monitorDirection(monitor: string, mode: MonitorMode, owner = 'Callback'): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') console.warn(`${owner} mode '${String(mode)}' is unknown, fallback to auto mode.`);
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  return /acc|auc|precision|recall/.test(name) ? 'max' : 'min';
}

/**
 * Options of EarlyStopping (Keras names in camelCase).
 *
 * @example
 * import { EarlyStopping } from 'tensile';
 * const stop = new EarlyStopping({ patience: 5, minDelta: 1e-3, baseline: 0.5, startFromEpoch: 2 });
 */
export interface EarlyStoppingArgs {
  /** Quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (its sign is ignored; default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 1 prints when training stops and when weights are restored (default 0). */
  verbose?: 0 | 1;
  mode?: MonitorMode;
  /** Value the quantity must beat before the patience counter resets (default none). */
  baseline?: number | null;
  /** At the end of training, restore the weights of the best epoch seen (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to let pass before watching (a warm-up; default 0). */
  startFromEpoch?: number;
}

/**
 * Stops training when a monitored quantity has stopped improving, with the rules of Keras 3's
 * `keras/src/callbacks/early_stopping.py`: an epoch improves when `value - minDelta` beats the best
 * (minDelta counts against the direction), the wait counter grows every watched epoch and resets
 * only when the value also beats `baseline`, training stops once `wait >= patience` (never at epoch
 * 0), and with `restoreBestWeights` the best epoch's weights are restored when training ends,
 * whether it stopped early or not. Unlike Keras, `best` is also reset in onTrainBegin, so one
 * instance can serve several fit calls.
 *
 * @example
 * import { EarlyStopping } from 'tensile';
 * const stop = new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
 * // await model.fit(x, y, { epochs: 100, validationSplit: 0.2, callbacks: [stop] });
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly direction: 'min' | 'max';
  /** Epochs watched since the last reset. */
  wait = 0;
  /** The epoch training was stopped at (0 when it was not stopped). */
  stoppedEpoch = 0;
  best = Number.POSITIVE_INFINITY;
  bestEpoch = 0;
  bestWeights: Tensor[] | null = null;
  private warned = false;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    this.verbose = args.verbose ?? 0;
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    this.direction = monitorDirection(this.monitor, args.mode ?? 'auto', 'EarlyStopping');
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestWeights = null;
    this.bestEpoch = 0;
    this.best = this.direction === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.warned = false;
  }

  /** Keras' `_is_improvement`: `monitor_op(value - min_delta, reference)` with min_delta negated for 'min'. */
  isImprovement(value: number, reference: number): boolean {
    return this.direction === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = this.monitorValue(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    const model = this.model!;
    // If best weights were never set, the current weights are the best.
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      // Only restart the wait when both the baseline and the previous best are beaten.
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0)
      console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0)
        console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model!.setWeights(this.bestWeights);
    }
  }

  private monitorValue(logs: Logs): number | undefined {
    const value = logs[this.monitor];
    if (value === undefined && !this.warned) {
      this.warned = true;
      console.warn(
        `Early stopping conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}`,
      );
    }
    return value;
  }
}
