import type { OptimizerUpdate, TensorInfo } from '../../backend/backend.js';
import { TensileError } from '../../errors.js';
import { sizeOf } from '../../tensor/shape.js';
import type { Heap } from './heap.js';

/** How many slots each rule reads, in the optimizer's slotNames() order. */
function slotCount(u: OptimizerUpdate): number {
  if (u.kind === 'sgd') return u.momentum > 0 ? 1 : 0;
  if (u.kind === 'rmsprop') return 1 + (u.momentum > 0 ? 1 : 0) + (u.centered ? 1 : 0);
  return u.amsgrad ? 3 : 2;
}

const ptr = (x: TensorInfo) => x.data as number;

/**
 * One optimizer step over every variable, in place: one kernel call per variable, each a single pass
 * over the variable, its gradient and its slots. The scalars (1 - ρ, 1 - β, ...) are computed here in
 * double precision and rounded to f32 on the way into wasm, exactly as the composed path's scalar
 * tensors are, so both paths see the same constants. Returns false, having changed nothing, for
 * non-float32 storage.
 */
export function optimizerStep(
  heap: Heap,
  update: OptimizerUpdate,
  vars: readonly TensorInfo[],
  grads: readonly TensorInfo[],
  slots: readonly (readonly TensorInfo[])[],
): boolean {
  const want = slotCount(update);
  if (grads.length !== vars.length || slots.length !== vars.length)
    throw new TensileError(
      `optimizerStep (${update.kind}): ${vars.length} variables, ${grads.length} gradients`,
    );
  for (let i = 0; i < vars.length; i++) {
    const n = sizeOf(vars[i]!.shape);
    if (sizeOf(grads[i]!.shape) !== n || slots[i]!.length !== want)
      throw new TensileError(
        `optimizerStep (${update.kind}): variable ${i} has a mismatched gradient or slots`,
      );
    if ([vars[i]!, grads[i]!, ...slots[i]!].some((x) => x.dtype !== 'float32')) return false;
  }
  const k = heap.k;
  vars.forEach((v, i) => {
    const n = sizeOf(v.shape);
    if (n === 0) return;
    const [w, g, s] = [ptr(v), ptr(grads[i]!), slots[i]!.map(ptr)];
    if (update.kind === 'sgd') {
      k.sgdStep(w, g, s[0] ?? 0, n, update.lr, update.momentum, update.nesterov);
    } else if (update.kind === 'rmsprop') {
      const mom = update.momentum > 0 ? s[1]! : 0;
      const avg = update.centered ? s[s.length - 1]! : 0;
      const { lr, rho, momentum, epsilon } = update;
      k.rmspropStep(w, g, s[0]!, mom, avg, n, lr, rho, 1 - rho, momentum, epsilon);
    } else {
      const { alpha, beta1, beta2, epsilon } = update;
      k.adamStep(w, g, s[0]!, s[1]!, s[2] ?? 0, n, alpha, 1 - beta1, 1 - beta2, epsilon);
    }
  });
  return true;
}
