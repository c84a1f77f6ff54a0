import { TensileError, ValueError } from '../errors.js';
import { pythonFloat } from '../io/python-format.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Callback, type Logs } from './callback.js';

/**
 * Learning rate for an epoch (counted from 0), given the current rate.
 *
 * @example
 * import { LearningRateScheduler } from 'tensile';
 * const halveEvery10 = new LearningRateScheduler((epoch, lr) => (epoch > 0 && epoch % 10 === 0 ? lr / 2 : lr));
 */
export type Schedule = (epoch: number, learningRate: number) => number;

/**
 * Sets the optimizer's learning rate at the start of every epoch from `schedule(epoch, lr)`
 * (Keras' `LearningRateScheduler`), and reports it as `learning_rate` in the epoch's logs.
 *
 * @example
 * import { LearningRateScheduler } from 'tensile';
 * const decay = new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
 */
export class LearningRateScheduler extends Callback {
  readonly verbose: 0 | 1;

  constructor(
    readonly schedule: Schedule,
    args: { verbose?: 0 | 1 } = {},
  ) {
    super();
    this.verbose = args.verbose ?? 0;
  }

  private optimizer(): Optimizer {
    const opt = this.model?.optimizer;
    if (!opt) throw new TensileError('LearningRateScheduler: the model has no optimizer (compile it first)');
    return opt;
  }

  override onEpochBegin(epoch: number): void {
    const opt = this.optimizer();
    const lr = this.schedule(epoch, opt.learningRate);
    if (typeof lr !== 'number' || Number.isNaN(lr)) {
      throw new ValueError(`The output of the schedule function should be a number. Got: ${String(lr)}`);
    }
    opt.learningRate = lr;
    if (this.verbose > 0)
      console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${pythonFloat(lr)}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = this.optimizer().learningRate;
  }
}
