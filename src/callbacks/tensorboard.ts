import { join } from 'node:path';
import { ValueError } from '../errors.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { Callback, type Logs } from './callback.js';
import { EventFileWriter, histogramValue, scalarValue } from './tensorboard-records.js';

/**
 * Options of the TensorBoard callback (Keras' names, camelCased).
 *
 * @example
 * import { TensorBoard } from 'tensile';
 * const tb = new TensorBoard({ logDir: 'logs/fit', updateFreq: 100, histogramFreq: 1 });
 */
export interface TensorBoardArgs {
  /** Directory holding `train/` and `validation/` event files (default 'logs'). */
  logDir?: string;
  /** 'epoch' (default), 'batch' (every batch), or N: write `batch_*` scalars every N batches. */
  updateFreq?: 'epoch' | 'batch' | number;
  /** Write weight histograms every N epochs (0, the default, never). */
  histogramFreq?: number;
  /** Not supported: Tensile has no TensorFlow graph to draw. Passing true is an error. */
  writeGraph?: boolean;
}

/**
 * Writes TensorBoard event files the way Keras' `TensorBoard` callback does: `logDir/train/` gets
 * `epoch_<name>` for the loss, each metric and `epoch_learning_rate` (step = epoch), `batch_<name>`
 * when `updateFreq` asks (step = batches trained in this fit, from 1) and
 * `<weight name>/histogram` every `histogramFreq` epochs; `logDir/validation/` gets the `val_`
 * values as `epoch_<name>` and `evaluation_<name>_vs_iterations` (step = optimizer iterations).
 * Open the directory with `tensorboard --logdir <logDir>`.
 *
 * @example
 * import { Dense, Sequential, TensorBoard, tensor } from 'tensile';
 * const tb = new TensorBoard({ logDir: 'runs/tensorboard-example' });
 * const model = new Sequential([new Dense(1, { inputShape: [2] })]);
 * model.compile({ optimizer: 'sgd', loss: 'mse' });
 * const x = tensor([[0, 1], [1, 0]]);
 * const y = tensor([[1], [0]]);
 * await model.fit(x, y, { epochs: 2, verbose: 0, validationData: [x, y], callbacks: [tb] });
 * console.log(tb.trainFile.split('/').slice(-2, -1)[0], tb.validationFile.split('/').slice(-2, -1)[0]); // train validation
 */
export class TensorBoard extends Callback {
  readonly logDir: string;
  /** Batches between `batch_*` writes; null writes per epoch only. */
  readonly batchEvery: number | null;
  readonly histogramFreq: number;
  private trainWriter: EventFileWriter | null = null;
  private valWriter: EventFileWriter | null = null;
  private globalTrainBatch = 0;

  constructor(args: TensorBoardArgs = {}) {
    super();
    this.logDir = args.logDir ?? 'logs';
    const freq = args.updateFreq ?? 'epoch';
    if (freq === 'epoch') this.batchEvery = null;
    else if (freq === 'batch') this.batchEvery = 1;
    else if (Number.isInteger(freq) && freq > 0) this.batchEvery = freq;
    else
      throw new ValueError(
        `TensorBoard: updateFreq must be 'epoch', 'batch' or an integer ≥ 1, got ${JSON.stringify(freq)}`,
      );
    this.histogramFreq = args.histogramFreq ?? 0;
    if (!(Number.isInteger(this.histogramFreq) && this.histogramFreq >= 0))
      throw new ValueError(`TensorBoard: histogramFreq must be an integer ≥ 0, got ${args.histogramFreq}`);
    if (args.writeGraph)
      throw new ValueError(
        'TensorBoard: writeGraph is not supported (Tensile builds no TensorFlow graph); leave it unset',
      );
  }

  /** The event file of the `train/` run of the latest fit, once it has begun. */
  get trainFile(): string | null {
    return this.trainWriter?.path ?? null;
  }

  /** The event file of the `validation/` run, once a validation value has been written. */
  get validationFile(): string | null {
    return this.valWriter?.path ?? null;
  }

  override onTrainBegin(): void {
    this.close();
    this.globalTrainBatch = 0;
    this.trainWriter = new EventFileWriter(join(this.logDir, 'train'));
    this.valWriter = null;
  }

  override onBatchEnd(_batch: number, logs: Logs): void {
    this.globalTrainBatch++;
    if (this.batchEvery === null || this.globalTrainBatch % this.batchEvery !== 0) return;
    const values = Object.entries(logs).map(([k, v]) => scalarValue(`batch_${k}`, v));
    this.train().write(this.globalTrainBatch, values);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const train = Object.entries(logs).filter(([k]) => !k.startsWith('val_'));
    const val = Object.entries(logs)
      .filter(([k]) => k.startsWith('val_'))
      .map(([k, v]) => [k.slice(4), v] as const);
    const optimizer = this.model?.optimizer;
    if (optimizer) train.push(['learning_rate', optimizer.learningRate]);
    this.train().write(
      epoch,
      train.map(([k, v]) => scalarValue(`epoch_${k}`, v)),
    );
    if (val.length > 0) {
      this.valWriter ??= new EventFileWriter(join(this.logDir, 'validation'));
      this.valWriter.write(
        epoch,
        val.map(([k, v]) => scalarValue(`epoch_${k}`, v)),
      );
      // Keras writes these from on_test_end, i.e. after each epoch's validation pass.
      if (optimizer)
        this.valWriter.write(
          optimizer.iterations,
          val.map(([k, v]) => scalarValue(`evaluation_${k}_vs_iterations`, v)),
        );
    }
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0) this.writeHistograms(epoch);
  }

  override onTrainEnd(): void {
    this.close();
  }

  private writeHistograms(epoch: number): void {
    // Models expose named Variables ('dense/kernel'); a bare CallbackModel only has values.
    const named = (this.model as { weights?: Variable[] } | null)?.weights;
    const weights: (Variable | Tensor)[] = named ?? this.model?.getWeights() ?? [];
    const values = weights.map((w, i) => {
      const name = 'name' in w ? w.name : `weight_${i}`;
      // Keras replaces ':' (TF variable suffixes); the suffix keeps histogram tags unique.
      return histogramValue(`${name.replace(/:/g, '_')}/histogram`, w.dataSync());
    });
    this.train().write(epoch, values);
  }

  private train(): EventFileWriter {
    this.trainWriter ??= new EventFileWriter(join(this.logDir, 'train'));
    return this.trainWriter;
  }

  private close(): void {
    this.trainWriter?.close();
    this.valWriter?.close();
  }
}
