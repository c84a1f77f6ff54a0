import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, backendOf, castTo, emit, type TensorLike } from './core.js';

/**
 * Matrix product of the last two dims, with optional transposes; leading (batch) dims must be equal.
 *
 * @example
 * import { matmul, tensor } from 'tensile';
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 */
export function matmul(a: TensorLike, b: TensorLike, transA = false, transB = false): Tensor {
  // A plain array operand is made on the other operand's backend.
  const ta = castTo(asTensor(a, b instanceof Tensor ? b : undefined), 'float32', 'matmul');
  const tb = castTo(asTensor(b, ta), 'float32', 'matmul');
  const op = `matmul${transA ? '(Aᵀ)' : ''}${transB ? '(Bᵀ)' : ''}`;
  if (ta.rank < 2 || ta.rank !== tb.rank) {
    throw new ShapeError(op, [ta.shape, tb.shape], 'operands must both have rank ≥ 2 and equal rank');
  }
  const r = ta.rank;
  for (let i = 0; i < r - 2; i++) {
    if (ta.shape[i] !== tb.shape[i]) throw new ShapeError(op, [ta.shape, tb.shape], `batch dim ${i} differs`);
  }
  const [m, ka] = transA ? [ta.shape[r - 1]!, ta.shape[r - 2]!] : [ta.shape[r - 2]!, ta.shape[r - 1]!];
  const [kb, n] = transB ? [tb.shape[r - 1]!, tb.shape[r - 2]!] : [tb.shape[r - 2]!, tb.shape[r - 1]!];
  if (ka !== kb) throw new ShapeError(op, [ta.shape, tb.shape], `inner dims ${ka} ≠ ${kb}`);
  const backend = backendOf(op, ta, tb);
  const shape = [...ta.shape.slice(0, r - 2), m, n];
  const data = backend.matmul(ta.info(op), tb.info(op), transA, transB);
  return emit('matmul', backend, data, shape, 'float32', [ta, tb], { transA, transB });
}
