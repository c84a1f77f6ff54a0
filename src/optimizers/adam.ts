import type { OptimizerUpdate } from '../backend/backend.js';
import { add, div, maximum, mul, sqrt, square, sub } from '../ops/elementwise.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';

export interface AdamArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

/**
 * Adam as Keras 3 writes it, with t = iterations + 1:
 *
 *     α = lr · √(1 - β₂ᵗ) / (1 - β₁ᵗ)
 *     m += (g - m)(1 - β₁);  v += (g² - v)(1 - β₂)
 *     v̂ = max(v̂, v) and use v̂ for v   (amsgrad)
 *     w -= α · m / (√v + ε)
 *
 * @example
 * import { Adam } from 'tensile';
 * const opt = new Adam({ learningRate: 0.01 });
 */
export class Adam extends Optimizer {
  readonly className = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(args: AdamArgs = {}) {
    super(args, 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    this.amsgrad = args.amsgrad ?? false;
  }

  slotNames(): string[] {
    return ['momentum', 'velocity', ...(this.amsgrad ? ['velocity_hat'] : [])];
  }

  protected buildSlots(variable: Variable): Variable[] {
    return this.slotNames().map((name) => this.slot(variable, name));
  }

  /** The step size with both bias corrections folded in, for step t = iterations + 1. */
  private alpha(lr: number): number {
    const t = this.iterations + 1;
    return (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
  }

  protected updateStep(g: Tensor, w: Variable, lr: number, [m, v, vHat]: Variable[]): void {
    const alpha = this.alpha(lr);
    m!.assign(add(m!, mul(sub(g, m!), 1 - this.beta1)));
    v!.assign(add(v!, mul(sub(square(g), v!), 1 - this.beta2)));
    let velocity: Tensor = v!;
    if (vHat) {
      vHat.assign(maximum(vHat, v!));
      velocity = vHat;
    }
    w.assign(sub(w, div(mul(m!, alpha), add(sqrt(velocity), this.epsilon))));
  }

  protected override fusedUpdate(lr: number): OptimizerUpdate {
    const { beta1, beta2, epsilon, amsgrad } = this;
    return { kind: 'adam', alpha: this.alpha(lr), beta1, beta2, epsilon, amsgrad };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      beta_1: this.beta1,
      beta_2: this.beta2,
      epsilon: this.epsilon,
      amsgrad: this.amsgrad,
    };
  }
}
