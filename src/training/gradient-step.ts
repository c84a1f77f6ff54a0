import { valueAndGrads, valueAndGradsUpdating } from '../autograd/backward.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor, Variable } from '../tensor/tensor.js';

/**
 * One training step: the loss's gradients applied by the optimizer; returns the loss. When the step
 * is SGD (plain w −= lr·g, Keras' default `SGD()`, or with momentum), dense layers' weights are
 * stepped inside the products that make their gradients where the backend can (InPlaceUpdate): no
 * gradient written out, no pass of its own (plain SGD measured 30–37% faster at batch 4; Nesterov on
 * the wasm backend 4–13% at batches 2–4 with the native addon, 9–36% at 1–8 without, see
 * MOMENTUM_IN_PRODUCT_MAX_ROWS in backends/wasm/fused.ts). TENSILE_STEP_IN_GEMM=0 turns that off.
 */
export function gradientStep(
  lossOf: () => Tensor,
  variables: readonly Variable[],
  optimizer: Optimizer,
): Tensor {
  const update = inPlaceAllowed() ? optimizer.inPlaceUpdate() : null;
  if (!update) {
    const { value, grads } = valueAndGrads(lossOf, variables);
    optimizer.applyGradients(grads, variables);
    return value;
  }
  // The momentum slots exist before the backward pass steps them (build is what applyGradients
  // would do first anyway); the optimizer still counts this step once, in applyGradients.
  if (update.momentum > 0) optimizer.build(variables);
  const { value, grads } = valueAndGradsUpdating(lossOf, variables, update);
  const rest = variables.filter((_, i) => grads[i] !== null);
  optimizer.applyGradients(
    grads.filter((g): g is Tensor => g !== null),
    rest,
  );
  return value;
}

function inPlaceAllowed(): boolean {
  return typeof process === 'undefined' || process.env?.TENSILE_STEP_IN_GEMM !== '0';
}
