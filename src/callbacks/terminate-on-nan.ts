import { Callback, type Logs } from './callback.js';

/**
 * Stops training as soon as a batch's loss is NaN or infinite (Keras' `TerminateOnNaN`). The
 * current epoch still ends normally (validation, epoch-end callbacks), then fit returns.
 *
 * @example
 * import { TerminateOnNaN } from 'tensile';
 * // await model.fit(x, y, { epochs: 10, callbacks: [new TerminateOnNaN()] });
 * const guard = new TerminateOnNaN();
 */
export class TerminateOnNaN extends Callback {
  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}
