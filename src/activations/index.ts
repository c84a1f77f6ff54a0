import { ValueError } from '../errors.js';
import {
  abs,
  add,
  clip,
  exp,
  greater,
  log,
  maximum,
  mul,
  neg,
  relu,
  sigmoid as sigmoidOp,
  sub,
  tanh,
  where,
} from '../ops/elementwise.js';
import { softmax as softmaxOp } from '../ops/nn.js';
import type { Tensor } from '../tensor/tensor.js';

/** Keras activation names Tensile knows. */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'softmax'
  | 'softplus'
  | 'elu'
  | 'selu'
  | 'swish'
  | 'silu'
  | 'hard_sigmoid'
  | 'hard_sigmoid_keras2';
export type ActivationFn = (x: Tensor) => Tensor;

/**
 * sigmoid that remembers its input, as Keras does with `_keras_logits`: binary cross-entropy on
 * this output is then computed from the logits, exactly and without clipping.
 */
export function sigmoid(x: Tensor): Tensor {
  const y = sigmoidOp(x);
  y.kerasLogits = { kind: 'sigmoid', logits: x };
  return y;
}

/** softmax over the last axis that remembers its logits (see `sigmoid`). */
export function softmax(x: Tensor): Tensor {
  const y = softmaxOp(x, -1);
  y.kerasLogits = { kind: 'softmax', logits: x };
  return y;
}

/** log(1 + e^x), computed stably as max(x, 0) + log(1 + e^-|x|). */
export function softplus(x: Tensor): Tensor {
  return add(maximum(x, 0), log(add(1, exp(neg(abs(x))))));
}

/** x for x > 0, e^x - 1 otherwise. */
export function elu(x: Tensor): Tensor {
  return where(greater(x, 0), x, sub(exp(x), 1));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

export function selu(x: Tensor): Tensor {
  return mul(SELU_SCALE, where(greater(x, 0), x, mul(SELU_ALPHA, sub(exp(x), 1))));
}

export function swish(x: Tensor): Tensor {
  return mul(x, sigmoidOp(x));
}

/**
 * Keras 3's hard_sigmoid, relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1).
 *
 * @example
 * import { getActivation, tensor } from 'tensile';
 * console.log(getActivation('hard_sigmoid')(tensor([-4, 0, 1.5, 4])).toArray()); // [0, 0.5, 0.75, 1]
 */
export function hardSigmoid(x: Tensor): Tensor {
  return clip(add(mul(x, 1 / 6), 0.5), 0, 1);
}

/**
 * Keras 2's hard_sigmoid, clip(0.2 x + 0.5, 0, 1): files written by Keras 2 that name 'hard_sigmoid'
 * load with this one (Keras 3 has no name for it, so Keras 3 cannot read it back).
 *
 * @example
 * import { getActivation, tensor } from 'tensile';
 * console.log(getActivation('hard_sigmoid_keras2')(tensor([-3, 0, 1.25, 3])).toArray()); // [0, 0.5, 0.75, 1]
 */
export function hardSigmoidKeras2(x: Tensor): Tensor {
  return clip(add(mul(x, 0.2), 0.5), 0, 1);
}

const ACTIVATIONS: Record<ActivationName, ActivationFn> = {
  linear: (x) => x,
  relu,
  sigmoid,
  tanh,
  softmax,
  softplus,
  elu,
  selu,
  swish,
  silu: swish,
  hard_sigmoid: hardSigmoid,
  hard_sigmoid_keras2: hardSigmoidKeras2,
};

/**
 * Resolves an activation by Keras name (undefined or null means linear) or passes a function through.
 *
 * @example
 * import { getActivation, tensor } from 'tensile';
 * getActivation('relu')(tensor([-1, 2])).toArray(); // [0, 2]
 */
export function getActivation(id: ActivationName | ActivationFn | null | undefined): ActivationFn {
  if (id === undefined || id === null) return ACTIVATIONS.linear;
  if (typeof id === 'function') return id;
  const fn = ACTIVATIONS[id];
  if (!fn) throw new ValueError(`unknown activation '${id}' (known: ${Object.keys(ACTIVATIONS).join(', ')})`);
  return fn;
}

export function isActivationName(id: unknown): id is ActivationName {
  return typeof id === 'string' && id in ACTIVATIONS;
}
