import { activeTape, makeTensor } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { backendOf, requireFloat } from './core.js';
import { add, mul, rsqrt, square, sub } from './elementwise.js';
import { reshape } from './layout.js';
import { stopGradient } from './nn.js';
import { mean as meanOf } from './reduce.js';

/** What `batchNormTraining` returns: the normalized x, and the batch's statistics per feature [C]. */
export interface BatchNormResult {
  readonly y: Tensor;
  /** The batch's mean and biased variance per feature, outside the gradient (for moving averages). */
  readonly mean: Tensor;
  readonly variance: Tensor;
}

/** The feature count C (x's last axis); names any per-feature vector that is not [C]. */
function featureCount(op: string, x: Tensor, vectors: Record<string, Tensor | null>): number {
  requireFloat(op, x);
  const C = x.shape[x.rank - 1]!;
  for (const [name, t] of Object.entries(vectors)) {
    if (t && (t.rank !== 1 || t.shape[0] !== C))
      throw new ShapeError(op, [x.shape, t.shape], `${name} must be [${C}], one value per feature`);
  }
  return C;
}

/**
 * @internal (x − mean)·rsqrt(variance + epsilon)·gamma + beta as ops, the vectors broadcasting
 * along the feature axis: the reference every batch-normalization path is checked against.
 */
export function normalizeComposed(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  epsilon: number,
): Tensor {
  let y = mul(sub(x, mean), rsqrt(add(variance, epsilon)));
  if (gamma) y = mul(y, gamma);
  if (beta) y = add(y, beta);
  return y;
}

/**
 * Batch normalization in training mode over every axis but the last (features last, as Keras'
 * default `axis=-1`): y = (x − mean)·rsqrt(variance + epsilon)·gamma + beta with the batch's mean and
 * biased variance per feature. Gradients flow to x through the statistics, and to gamma and beta.
 * One tape node and two kernels on a backend with the fused kernels (bit-identical forward);
 * otherwise the composed ops.
 *
 * @example
 * import { batchNormTraining, tensor } from 'tensile';
 * const { y, mean, variance } = batchNormTraining(tensor([[1, 10], [3, 30]]), null, null, 0);
 * console.log(y.toArray(), mean.toArray(), variance.toArray()); // [[-1, -1], [1, 1]] [2, 20] [1, 100]
 */
export function batchNormTraining(
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  epsilon: number,
): BatchNormResult {
  const op = 'batchNormTraining';
  const C = featureCount(op, x, { gamma, beta });
  if (x.rank < 2)
    throw new ShapeError(op, [x.shape], 'expected at least 2 dimensions (batch, ..., features)');
  const rows = x.size / C;
  const x2 = x.rank === 2 ? x : reshape(x, [rows, C]);
  const weights = [gamma, beta].filter((t): t is Tensor => t !== null);
  const backend = backendOf(op, x2, ...weights);
  const fused =
    backend.batchNormTrainBackward && rows > 0
      ? backend.batchNormTrain?.(x2.info(op), gamma?.info(op) ?? null, beta?.info(op) ?? null, epsilon)
      : undefined;
  if (fused === undefined) return composed(x, gamma, beta, epsilon);
  const wrap = (data: unknown, shape: readonly number[]) => makeTensor(backend, data, [...shape], 'float32');
  const y2 = wrap(fused.y, [rows, C]);
  const statistics = { mean: wrap(fused.mean, [C]), invStd: wrap(fused.invStd, [C]) };
  activeTape?.record('batchNorm', [x2, ...weights], [y2], {
    ...statistics,
    gamma: gamma !== null,
    beta: beta !== null,
  });
  const y = x.rank === 2 ? y2 : reshape(y2, x.shape);
  return { y, mean: statistics.mean, variance: wrap(fused.variance, [C]) };
}

/** The same computation as ops (the reference, and the path of backends without the kernels). */
function composed(x: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number): BatchNormResult {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const mu = meanOf(x, axes, true);
  const variance = meanOf(square(sub(x, mu)), axes, true);
  const y = normalizeComposed(x, mu, variance, gamma, beta, epsilon);
  const C = [x.shape[x.rank - 1]!];
  return { y, mean: stopGradient(reshape(mu, C)), variance: stopGradient(reshape(variance, C)) };
}

/**
 * Batch normalization with given per-feature statistics [C] (a layer's moving mean and variance),
 * features last: y = (x − mean)·rsqrt(variance + epsilon)·gamma + beta. One kernel when nothing
 * records gradients and the backend has it (the composed ops' steps, bit-identical); the composed,
 * differentiable ops otherwise.
 *
 * @example
 * import { batchNormInference, tensor } from 'tensile';
 * const y = batchNormInference(tensor([[1, 10], [3, 30]]), tensor([2, 20]), tensor([1, 100]), null, null, 0);
 * console.log(y.toArray()); // [[-1, -1], [1, 1]]
 */
export function batchNormInference(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  epsilon: number,
): Tensor {
  const op = 'batchNormInference';
  const C = featureCount(op, x, { mean, variance, gamma, beta });
  const vectors = [mean, variance, gamma, beta].filter((t): t is Tensor => t !== null);
  const backend = backendOf(op, x, ...vectors);
  if (activeTape === null && backend.batchNormInfer && x.rank >= 1 && x.size > 0) {
    const rows = x.size / C;
    const info = (t: Tensor | null) => (t ? t.info(op) : null);
    const x2 = x.rank === 2 ? x : reshape(x, [rows, C]);
    const data = backend.batchNormInfer(
      x2.info(op),
      mean.info(op),
      variance.info(op),
      info(gamma),
      info(beta),
      epsilon,
    );
    return makeTensor(backend, data, [...x.shape], 'float32');
  }
  return normalizeComposed(x, mean, variance, gamma, beta, epsilon);
}
