import { ValueError } from '../errors.js';
import { zerosLike } from '../ops/creation.js';
import { clip, div, maximum, mul, sqrt, square, sub } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/tensor.js';

export interface OptimizerArgs {
  learningRate?: number;
  /** Decoupled weight decay: variable -= lr · weightDecay · variable before each update (Keras 3). */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm. */
  clipnorm?: number | null;
  /** Clip each gradient element to [-clipvalue, clipvalue]. */
  clipvalue?: number | null;
  /** Clip all gradients together to this global L2 norm. */
  globalClipnorm?: number | null;
}

/**
 * Base of all optimizers. Subclasses declare slot variables per weight in `buildSlots` and write
 * the update rule once in `updateStep`; clipping, weight decay and the step counter live here.
 */
export abstract class Optimizer {
  abstract readonly className: string;
  learningRate: number;
  /** Number of update steps applied so far (Keras' `optimizer.iterations`). */
  iterations = 0;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  private readonly slots = new Map<Variable, Variable[]>();

  constructor(args: OptimizerArgs, defaultLearningRate: number) {
    this.learningRate = args.learningRate ?? defaultLearningRate;
    if (!(this.learningRate >= 0)) throw new ValueError(`${this.constructor.name}: learningRate must be ≥ 0`);
    this.weightDecay = args.weightDecay ?? null;
    this.clipnorm = args.clipnorm ?? null;
    this.clipvalue = args.clipvalue ?? null;
    this.globalClipnorm = args.globalClipnorm ?? null;
  }

  /** Slot variables (momentum, velocity, ...) for one weight, in Keras' order. */
  protected abstract buildSlots(variable: Variable): Variable[];

  /** Applies one update to `variable` given its gradient and slots. */
  protected abstract updateStep(grad: Tensor, variable: Variable, lr: number, slots: Variable[]): void;

  /** Slot names in the order `buildSlots` creates them (used by model files). */
  abstract slotNames(): string[];

  /** Creates a zero-filled slot with a Keras-style name. */
  protected slot(variable: Variable, name: string): Variable {
    return new Variable(zerosLike(variable), { name: `${variable.name}/${name}`, trainable: false });
  }

  /** Slots of every variable seen so far, for saving optimizer state. */
  slotsOf(variable: Variable): Variable[] | undefined {
    return this.slots.get(variable);
  }

  /** Creates the slot variables of `variables` that do not exist yet (Keras' `optimizer.build`). */
  build(variables: readonly Variable[]): void {
    for (const v of variables) if (!this.slots.has(v)) this.slots.set(v, this.buildSlots(v));
  }

  /** Applies gradients to variables (one step). */
  applyGradients(grads: readonly Tensor[], variables: readonly Variable[]): void {
    if (grads.length !== variables.length) {
      throw new ValueError(`${this.className}: ${grads.length} gradients for ${variables.length} variables`);
    }
    const clipped = this.clip(grads);
    const lr = this.learningRate;
    this.build(variables);
    variables.forEach((v, i) => {
      const slots = this.slots.get(v)!;
      if (this.weightDecay) v.assign(sub(v, mul(v, lr * this.weightDecay)));
      this.updateStep(clipped[i]!, v, lr, slots);
    });
    this.iterations++;
  }

  private clip(grads: readonly Tensor[]): Tensor[] {
    let out = [...grads];
    if (this.clipvalue !== null) out = out.map((g) => clip(g, -this.clipvalue!, this.clipvalue!));
    if (this.clipnorm !== null) out = out.map((g) => clipByNorm(g, this.clipnorm!));
    if (this.globalClipnorm !== null) {
      const norm = Math.sqrt(out.reduce((s, g) => s + sum(square(g)).item(), 0));
      if (norm > this.globalClipnorm) out = out.map((g) => mul(g, this.globalClipnorm! / norm));
    }
    return out;
  }

  /** Keras-style config (snake_case keys). */
  getConfig(): Record<string, unknown> {
    return {
      name: this.className.toLowerCase(),
      learning_rate: this.learningRate,
      weight_decay: this.weightDecay,
      clipnorm: this.clipnorm,
      global_clipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
    };
  }
}

function clipByNorm(g: Tensor, maxNorm: number): Tensor {
  const norm = sqrt(sum(square(g)));
  // g · maxNorm / max(norm, maxNorm): unchanged when already short enough.
  return div(mul(g, maxNorm), maximum(norm, maxNorm));
}
