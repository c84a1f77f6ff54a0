import type { OptimizerUpdate } from '../backend/backend.js';
import { add, mul, sub } from '../ops/elementwise.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';

export interface SGDArgs extends OptimizerArgs {
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as Keras 3 writes it:
 *
 *     m = momentum · m - lr · g
 *     w = w + momentum · m - lr · g   (nesterov)
 *     w = w + m                       (otherwise; plain w -= lr · g without momentum)
 *
 * @example
 * import { SGD } from 'tensile';
 * const opt = new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true });
 */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(args: SGDArgs = {}) {
    super(args, 0.01);
    this.momentum = args.momentum ?? 0;
    this.nesterov = args.nesterov ?? false;
  }

  slotNames(): string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected buildSlots(variable: Variable): Variable[] {
    return this.momentum > 0 ? [this.slot(variable, 'momentum')] : [];
  }

  protected updateStep(g: Tensor, w: Variable, lr: number, [m]: Variable[]): void {
    if (!m) {
      w.assign(sub(w, mul(g, lr)));
      return;
    }
    const step = mul(g, lr);
    m.assign(sub(mul(m, this.momentum), step));
    w.assign(this.nesterov ? sub(add(w, mul(m, this.momentum)), step) : add(w, m));
  }

  protected override fusedUpdate(lr: number): OptimizerUpdate {
    return { kind: 'sgd', lr, momentum: this.momentum, nesterov: this.nesterov };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
