import { TensileError, ValueError } from '../errors.js';
import { formatPath, pythonFloat } from '../io/python-format.js';
import { Callback, type Logs } from './callback.js';
import { type MonitorMode, monitorDirection } from './early-stopping.js';

/**
 * Options of ModelCheckpoint (Keras names in camelCase).
 *
 * @example
 * import { ModelCheckpoint } from 'tensile';
 * const every100 = new ModelCheckpoint('runs/w-{epoch:02d}-{batch}.weights.h5', { saveWeightsOnly: true, saveFreq: 100 });
 */
export interface ModelCheckpointArgs {
  /** Quantity that decides which model is best (default 'val_loss'). */
  monitor?: string;
  /** 1 prints a line whenever the callback saves or decides not to (default 0). */
  verbose?: 0 | 1;
  /** Save only when the monitored quantity improves on the best so far (default false). */
  saveBestOnly?: boolean;
  /** Save weights only (`.weights.h5`) instead of the whole model (`.keras` or `.h5`). */
  saveWeightsOnly?: boolean;
  mode?: MonitorMode;
  /** 'epoch' (default) saves after each epoch; a number saves after that many batches. */
  saveFreq?: 'epoch' | number;
  /** A starting "best" value that a model has to beat to be saved (saveBestOnly). */
  initialValueThreshold?: number | null;
}

const fixed5 = (v: number) => (Number.isFinite(v) ? v.toFixed(5) : pythonFloat(v));

/**
 * Saves the model (or its weights) during training, as Keras 3's `ModelCheckpoint`: the path may
 * hold Python format fields filled from the logs, with `epoch` counted from 1 (`'ckpt-{epoch:02d}-
 * {val_loss:.2f}.keras'`); with `saveBestOnly` a save happens only when the monitored quantity beats
 * the best so far. Saves are atomic, so a crash never leaves a damaged checkpoint.
 *
 * @example
 * import { ModelCheckpoint } from 'tensile';
 * const best = new ModelCheckpoint('runs/best.keras', { monitor: 'val_loss', saveBestOnly: true });
 * // await model.fit(x, y, { epochs: 20, validationSplit: 0.2, callbacks: [best] });
 */
export class ModelCheckpoint extends Callback {
  readonly monitor: string;
  readonly verbose: 0 | 1;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  readonly direction: 'min' | 'max';
  readonly initialValueThreshold: number | null;
  /** Best monitored value so far (saveBestOnly). */
  best = Number.POSITIVE_INFINITY;
  private currentEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatch = 0;

  constructor(
    readonly filepath: string,
    args: ModelCheckpointArgs = {},
  ) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.verbose = args.verbose ?? 0;
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveWeightsOnly = args.saveWeightsOnly ?? false;
    this.saveFreq = args.saveFreq ?? 'epoch';
    this.initialValueThreshold = args.initialValueThreshold ?? null;
    this.direction = monitorDirection(this.monitor, args.mode ?? 'auto', 'ModelCheckpoint');
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new ValueError(
        `Unrecognized saveFreq: ${String(this.saveFreq)}. Expected saveFreq are 'epoch' or a positive integer`,
      );
    }
    if (this.saveWeightsOnly && !filepath.endsWith('.weights.h5')) {
      throw new ValueError(
        `When using saveWeightsOnly in ModelCheckpoint, the filepath must end in .weights.h5. Received: filepath=${filepath}`,
      );
    }
    if (!this.saveWeightsOnly && !filepath.endsWith('.keras') && !filepath.endsWith('.h5')) {
      throw new ValueError(
        `The filepath provided must end in .keras (Keras model format) or .h5. Received: filepath=${filepath}`,
      );
    }
  }

  override onTrainBegin(): void {
    this.best =
      this.initialValueThreshold ??
      (this.direction === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
    this.batchesSinceSave = 0;
    this.lastBatch = 0;
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    // Keras' _should_save_on_batch: count batches across epoch boundaries.
    this.batchesSinceSave += batch <= this.lastBatch ? batch + 1 : batch - this.lastBatch;
    this.lastBatch = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      await this.save(this.currentEpoch, batch, logs);
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.save(epoch, null, logs);
  }

  /** The path for a save: format fields filled with `epoch` (from 1), `batch` (from 1) and the logs. */
  filePath(epoch: number, batch: number | null, logs: Logs): string {
    const values: Record<string, number> = { epoch: epoch + 1, ...logs };
    if (batch !== null && !('batch' in logs)) values.batch = batch + 1;
    try {
      return formatPath(this.filepath, values, new Set(['epoch', 'batch']));
    } catch (e) {
      throw new ValueError(
        `Failed to format this callback filepath: "${this.filepath}". Reason: ${(e as Error).message}`,
      );
    }
  }

  private shouldSave(epoch: number, logs: Logs, path: string): boolean {
    if (!this.saveBestOnly) {
      if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: saving model to ${path}`);
      return true;
    }
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`Can save best model only with ${this.monitor} available.`);
      return true;
    }
    const improved = this.direction === 'min' ? current < this.best : current > this.best;
    if (improved) {
      if (this.verbose > 0) {
        console.log(
          `\nEpoch ${epoch + 1}: ${this.monitor} improved from ${fixed5(this.best)} to ${fixed5(current)}, saving model to ${path}`,
        );
      }
      this.best = current;
      return true;
    }
    if (this.verbose > 0)
      console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${fixed5(this.best)}`);
    return false;
  }

  private async save(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const path = this.filePath(epoch, batch, logs);
    if (!this.shouldSave(epoch, logs, path)) return;
    const model = this.model!;
    const save = this.saveWeightsOnly ? model.saveWeights : model.save;
    if (!save)
      throw new TensileError(
        `ModelCheckpoint: this model cannot ${this.saveWeightsOnly ? 'saveWeights' : 'save'}`,
      );
    await save.call(model, path);
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: finished saving model to ${path}`);
  }
}
