import { Callback, type Logs } from './callback.js';

type Hook = void | Promise<void>;

/**
 * The hooks of a LambdaCallback; any may be omitted, any may be async.
 *
 * @example
 * import { LambdaCallback } from 'tensile';
 * const timer = new LambdaCallback({ onTrainBegin: () => console.time('fit'), onTrainEnd: () => console.timeEnd('fit') });
 */
export interface LambdaCallbackArgs {
  onTrainBegin?: (logs: Logs) => Hook;
  onTrainEnd?: (logs: Logs) => Hook;
  onEpochBegin?: (epoch: number, logs: Logs) => Hook;
  onEpochEnd?: (epoch: number, logs: Logs) => Hook;
  onBatchBegin?: (batch: number, logs: Logs) => Hook;
  onBatchEnd?: (batch: number, logs: Logs) => Hook;
}

/**
 * A callback made of plain functions (Keras' `LambdaCallback`).
 *
 * @example
 * import { LambdaCallback } from 'tensile';
 * const printLoss = new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) });
 */
export class LambdaCallback extends Callback {
  constructor(readonly hooks: LambdaCallbackArgs = {}) {
    super();
  }

  override onTrainBegin(logs: Logs): Hook {
    return this.hooks.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs: Logs): Hook {
    return this.hooks.onTrainEnd?.(logs);
  }
  override onEpochBegin(epoch: number, logs: Logs): Hook {
    return this.hooks.onEpochBegin?.(epoch, logs);
  }
  override onEpochEnd(epoch: number, logs: Logs): Hook {
    return this.hooks.onEpochEnd?.(epoch, logs);
  }
  override onBatchBegin(batch: number, logs: Logs): Hook {
    return this.hooks.onBatchBegin?.(batch, logs);
  }
  override onBatchEnd(batch: number, logs: Logs): Hook {
    return this.hooks.onBatchEnd?.(batch, logs);
  }
}
