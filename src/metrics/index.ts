import { ValueError } from '../errors.js';
import { toSnakeCase } from '../naming.js';
import { castTo } from '../ops/core.js';
import { abs, equal, greater, square, sub } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { argmax, mean, sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';

/** Per-sample metric values: [batch, ...] targets and predictions → [batch]. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  const predicted = castTo(greater(yPred, threshold), 'float32');
  return mean(castTo(equal(castTo(yTrue, 'float32'), predicted), 'float32'), -1);
}

export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return castTo(equal(argmax(yTrue, -1), argmax(yPred, -1)), 'float32');
}

export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  let labels = castTo(yTrue, 'int32');
  if (labels.rank === yPred.rank) labels = reshape(labels, labels.shape.slice(0, -1));
  return castTo(equal(labels, argmax(yPred, -1)), 'float32');
}

const mseMetric: MetricFn = (y, p) => mean(square(sub(p, castTo(y, 'float32'))), -1);
const maeMetric: MetricFn = (y, p) => mean(abs(sub(p, castTo(y, 'float32'))), -1);

const METRICS: Record<string, MetricFn> = {
  binary_accuracy: (y, p) => binaryAccuracy(y, p),
  categorical_accuracy: categoricalAccuracy,
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  mean_squared_error: mseMetric,
  mean_absolute_error: maeMetric,
};

const ALIASES: Record<string, string> = { mse: 'mean_squared_error', mae: 'mean_absolute_error' };

/**
 * A running mean of a per-sample metric over an epoch. Totals live in JavaScript numbers, so a
 * metric holds no tensors between batches.
 */
export class Metric {
  private total = 0;
  private count = 0;

  constructor(
    /** The key in logs and History, e.g. 'accuracy'. */
    readonly name: string,
    readonly fn: MetricFn,
  ) {}

  updateState(yTrue: Tensor, yPred: Tensor): void {
    const values = this.fn(yTrue, yPred);
    this.total += sum(values).item();
    this.count += values.size;
  }

  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }
}

/**
 * Resolves a metric name the way Keras 3 does. 'accuracy'/'acc' picks binary, sparse categorical or
 * categorical accuracy from the shapes of targets and predictions: one output unit means binary,
 * integer labels (lower rank or a trailing 1) mean sparse, otherwise categorical.
 */
export function resolveMetric(
  id: string | Metric,
  yTrueShape: readonly number[],
  yPredShape: readonly number[],
): Metric {
  if (id instanceof Metric) return id;
  const snake = toSnakeCase(id);
  if (snake === 'accuracy' || snake === 'acc') {
    const binary = yPredShape[yPredShape.length - 1] === 1;
    const sparse = yTrueShape.length < yPredShape.length || yTrueShape[yTrueShape.length - 1] === 1;
    const fn = binary ? METRICS.binary_accuracy! : sparse ? sparseCategoricalAccuracy : categoricalAccuracy;
    return new Metric(id, fn);
  }
  const name = ALIASES[snake] ?? snake;
  const fn = METRICS[name];
  if (!fn)
    throw new ValueError(
      `unknown metric '${id}' (known: accuracy, ${Object.keys(METRICS).join(', ')}, mse, mae)`,
    );
  return new Metric(id, fn);
}
