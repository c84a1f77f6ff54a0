import type { Backend, FusedActivation } from '../backend/backend.js';
import { activeTape, makeTensor, viewTensor } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, backendOf, castTo, emit, requireFloat, type TensorLike } from './core.js';
import { range } from './creation.js';
import {
  abs,
  add,
  equal,
  exp,
  log,
  maximum,
  mul,
  neg,
  reciprocal,
  relu,
  sigmoid,
  sub,
  tanh,
} from './elementwise.js';
import { expandDims } from './layout.js';
import { matmul } from './matmul.js';
import { max, sum } from './reduce.js';

/** Same values with no gradient flowing back through them (a view; nothing is copied). */
export function stopGradient(x: Tensor): Tensor {
  return activeTape?.requiresGrad(x) ? viewTensor(x, x.shape) : x;
}

/** softmax along `axis`, computed as exp(x - max) / Σ exp(x - max). */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x);
  const a = normalizeAxis('softmax', axis, t.rank);
  const e = exp(sub(t, stopGradient(max(t, a, true))));
  return mul(e, reciprocal(sum(e, a, true)));
}

/** log(softmax(x)) along `axis`, computed stably as x - max - log Σ exp(x - max). */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x);
  const a = normalizeAxis('logSoftmax', axis, t.rank);
  const shifted = sub(t, stopGradient(max(t, a, true)));
  return sub(shifted, log(sum(exp(shifted), a, true)));
}

/** One-hot float32 encoding of int32 `indices` with `depth` classes (out-of-range rows are all 0). */
export function oneHot(indices: TensorLike, depth: number): Tensor {
  const idx = castTo(asTensor(indices), 'int32');
  return castTo(equal(expandDims(idx, -1), range(0, depth, 1, 'int32', { backend: idx.backend })), 'float32');
}

function applyActivation(z: Tensor, act: FusedActivation): Tensor {
  if (act === 'relu') return relu(z);
  if (act === 'sigmoid') return sigmoid(z);
  if (act === 'tanh') return tanh(z);
  return z;
}

/**
 * act(x·w + b) for x [n, k], w [k, m]. Runs the backend's fused kernel when it has one (one tape
 * entry, one backward call); otherwise composes matmul, add and the activation.
 */
export function dense(x: Tensor, w: Tensor, b: Tensor | null, act: FusedActivation = 'linear'): Tensor {
  requireFloat('dense', x);
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) {
    throw new ShapeError('dense', [x.shape, w.shape], `expected [n, k] · [k, m]`);
  }
  if (b && (b.rank !== 1 || b.shape[0] !== w.shape[1])) {
    throw new ShapeError('dense', [w.shape, b.shape], `bias must have shape [${w.shape[1]}]`);
  }
  const backend = b ? backendOf('dense', x, w, b) : backendOf('dense', x, w);
  // A fast path may be absent or decline (return undefined); either way the composition runs.
  const data = backend.dense?.(x.info('dense'), w.info('dense'), b ? b.info('dense') : null, act);
  if (data === undefined) {
    const z = matmul(x, w);
    return applyActivation(b ? add(z, b) : z, act);
  }
  const inputs = b ? [x, w, b] : [x, w];
  return emit('dense', backend, data, [x.shape[0]!, w.shape[1]!], 'float32', inputs, { activation: act });
}

/**
 * Per-row cross-entropy between target probabilities `labels` [n, c] and softmax(`logits`) [n, c],
 * returned as [n]. Uses the backend's fused kernel when it has one.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  requireFloat('softmaxCrossEntropy', logits);
  const y = castTo(labels, 'float32');
  if (logits.rank !== 2 || y.rank !== 2 || logits.shape[0] !== y.shape[0] || logits.shape[1] !== y.shape[1]) {
    throw new ShapeError(
      'softmaxCrossEntropy',
      [logits.shape, y.shape],
      'expected logits and labels of shape [n, c]',
    );
  }
  const backend = backendOf('softmaxCrossEntropy', logits, y);
  const fused = backend.softmaxCrossEntropy?.(
    logits.info('softmaxCrossEntropy'),
    y.info('softmaxCrossEntropy'),
  );
  if (fused === undefined) return neg(sum(mul(y, logSoftmax(logits, -1)), -1));
  return recordCrossEntropy('softmaxCrossEntropy', backend, fused, [logits.shape[0]!], logits, y);
}

/**
 * A fused cross-entropy's loss as a tensor, its node recorded with the probabilities as a second
 * output, so the gradient (probs - labels)·dy needs no recomputation.
 */
function recordCrossEntropy(
  op: 'softmaxCrossEntropy' | 'sigmoidCrossEntropy',
  backend: Backend,
  fused: { loss: unknown; probs: unknown },
  lossShape: readonly number[],
  logits: Tensor,
  labels: Tensor,
): Tensor {
  const out = makeTensor(backend, fused.loss, [...lossShape], 'float32');
  const probs = makeTensor(backend, fused.probs, logits.shape, 'float32');
  activeTape?.record(op, [logits, labels], [out, probs], null);
  return out;
}

/**
 * Elementwise sigmoid cross-entropy of `logits` against targets `labels` (same shape): max(z, 0) -
 * z·t + log(1 + e^-|z|), the stable form of -t·log σ(z) - (1 - t)·log(1 - σ(z)). One tape node
 * (the backend's fused kernel when it has one) instead of ten elementwise ops and their gradients;
 * its gradient is σ(z) - t.
 *
 * @example
 * import { sigmoidCrossEntropy, tensor } from 'tensile';
 * const loss = sigmoidCrossEntropy(tensor([0, 2]), tensor([1, 0])); // log 2, 2 + log(1 + e^-2)
 * console.log(loss.toArray().map((v) => v.toFixed(4))); // [0.6931, 2.1269]
 */
export function sigmoidCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  requireFloat('sigmoidCrossEntropy', logits);
  const y = castTo(labels, 'float32');
  if (logits.rank !== y.rank || logits.shape.some((d, i) => d !== y.shape[i])) {
    throw new ShapeError(
      'sigmoidCrossEntropy',
      [logits.shape, y.shape],
      'logits and labels must have the same shape',
    );
  }
  const backend = backendOf('sigmoidCrossEntropy', logits, y);
  const fused = backend.sigmoidCrossEntropy?.(
    logits.info('sigmoidCrossEntropy'),
    y.info('sigmoidCrossEntropy'),
  );
  if (fused === undefined)
    return add(sub(maximum(logits, 0), mul(logits, y)), log(add(1, exp(neg(abs(logits))))));
  return recordCrossEntropy('sigmoidCrossEntropy', backend, fused, logits.shape, logits, y);
}
