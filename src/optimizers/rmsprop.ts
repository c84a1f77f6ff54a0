import type { OptimizerUpdate } from '../backend/backend.js';
import { add, div, mul, sqrt, square, sub } from '../ops/elementwise.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';

export interface RMSpropArgs extends OptimizerArgs {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

/**
 * RMSprop as Keras 3 writes it (epsilon inside the square root):
 *
 *     v = rho · v + (1 - rho) · g²
 *     a = rho · a + (1 - rho) · g;  d = v - a² + ε   (centered)   else d = v + ε
 *     inc = lr · g / √d
 *     mom = momentum · mom + inc;  w -= mom           (momentum > 0)   else w -= inc
 *
 * @example
 * import { RMSprop } from 'tensile';
 * const opt = new RMSprop({ learningRate: 1e-4 });
 */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(args: RMSpropArgs = {}) {
    super(args, 0.001);
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
    this.centered = args.centered ?? false;
  }

  slotNames(): string[] {
    return [
      'velocity',
      ...(this.momentum > 0 ? ['momentum'] : []),
      ...(this.centered ? ['average_gradient'] : []),
    ];
  }

  protected buildSlots(variable: Variable): Variable[] {
    return this.slotNames().map((name) => this.slot(variable, name));
  }

  protected updateStep(g: Tensor, w: Variable, lr: number, slots: Variable[]): void {
    const [v] = slots as [Variable];
    const mom = this.momentum > 0 ? slots[1]! : null;
    const avg = this.centered ? slots[slots.length - 1]! : null;
    v.assign(add(mul(v, this.rho), mul(square(g), 1 - this.rho)));
    let denominator: Tensor;
    if (avg) {
      avg.assign(add(mul(avg, this.rho), mul(g, 1 - this.rho)));
      denominator = add(sub(v, square(avg)), this.epsilon);
    } else {
      denominator = add(v, this.epsilon);
    }
    const increment = div(mul(g, lr), sqrt(denominator));
    if (mom) {
      mom.assign(add(mul(mom, this.momentum), increment));
      w.assign(sub(w, mom));
    } else {
      w.assign(sub(w, increment));
    }
  }

  protected override fusedUpdate(lr: number): OptimizerUpdate {
    const { rho, momentum, epsilon, centered } = this;
    return { kind: 'rmsprop', lr, rho, momentum, epsilon, centered };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}
