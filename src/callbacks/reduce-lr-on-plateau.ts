import { TensileError, ValueError } from '../errors.js';
import { pythonFloat } from '../io/python-format.js';
import { Callback, type Logs } from './callback.js';
import type { MonitorMode } from './early-stopping.js';

/**
 * Options of ReduceLROnPlateau (Keras names in camelCase).
 *
 * @example
 * import { ReduceLROnPlateau } from 'tensile';
 * const plateau = new ReduceLROnPlateau({ monitor: 'val_accuracy', factor: 0.5, patience: 2, cooldown: 1 });
 */
export interface ReduceLROnPlateauArgs {
  /** Quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** new_lr = lr · factor (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  verbose?: 0 | 1;
  /** 'auto' minimizes unless the name contains 'acc' (Keras' rule for this callback). */
  mode?: MonitorMode;
  /** Threshold for a new optimum (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the learning rate (default 0). */
  minLr?: number;
}

/**
 * Reduces the learning rate when a metric has stopped improving, with the rules of Keras 3's
 * `ReduceLROnPlateau`: an improvement beats the best by more than minDelta; after `patience` epochs
 * without one (not counting cooldown epochs) the rate is multiplied by `factor`, never below
 * `minLr`. Adds `learning_rate` to the epoch's logs.
 *
 * @example
 * import { ReduceLROnPlateau } from 'tensile';
 * const plateau = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5, minLr: 0.001 });
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  mode: MonitorMode;
  wait = 0;
  cooldownCounter = 0;
  best = Number.POSITIVE_INFINITY;
  private improves: (current: number, best: number) => boolean = () => false;
  private warned = false;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (this.factor >= 1)
      throw new ValueError(
        `ReduceLROnPlateau does not support a factor >= 1.0. Received factor=${this.factor}`,
      );
    this.patience = args.patience ?? 10;
    this.verbose = args.verbose ?? 0;
    this.mode = args.mode ?? 'auto';
    this.minDelta = args.minDelta ?? 1e-4;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    this.reset();
  }

  private reset(): void {
    if (!['auto', 'min', 'max'].includes(this.mode)) {
      console.warn(`Learning rate reduction mode ${this.mode} is unknown, fallback to auto mode.`);
      this.mode = 'auto';
    }
    if (this.mode === 'min' || (this.mode === 'auto' && !this.monitor.includes('acc'))) {
      this.improves = (a, b) => a < b - this.minDelta;
      this.best = Number.POSITIVE_INFINITY;
    } else {
      this.improves = (a, b) => a > b + this.minDelta;
      this.best = Number.NEGATIVE_INFINITY;
    }
    this.cooldownCounter = 0;
    this.wait = 0;
    this.warned = false;
  }

  override onTrainBegin(): void {
    this.reset();
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const opt = this.model?.optimizer;
    if (!opt) throw new TensileError('ReduceLROnPlateau: the model has no optimizer (compile it first)');
    logs.learning_rate = opt.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      if (!this.warned) {
        console.warn(
          `Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}.`,
        );
      }
      this.warned = true;
      return;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improves(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        // Keras keeps the rate in a float32 variable; compare and scale that value.
        const old = Math.fround(opt.learningRate);
        if (old > Math.fround(this.minLr)) {
          const next = Math.max(old * this.factor, this.minLr);
          opt.learningRate = next;
          if (this.verbose > 0)
            console.log(
              `\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${pythonFloat(next)}.`,
            );
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
