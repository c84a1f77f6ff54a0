import { ValueError } from '../errors.js';

/**
 * A learning rate that changes with the optimizer's step count (Keras'
 * `keras.optimizers.schedules.LearningRateSchedule`). Pass one as an optimizer's `learningRate`; the
 * optimizer asks it for the rate of every step, starting at step 0.
 *
 * @example
 * import { ExponentialDecay, SGD } from 'tensile';
 * const opt = new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96 }) });
 */
export abstract class LearningRateSchedule {
  /** Keras' class name, as written in model files. */
  abstract readonly className: string;
  /** The learning rate at optimizer step `step` (0 for the first update). */
  abstract call(step: number): number;
  /** Keras' config (snake_case keys). */
  abstract getConfig(): Record<string, unknown>;
}

/** A positive step count, with an error naming the schedule and option. */
export function positiveSteps(cls: string, option: string, v: number): number {
  if (!(typeof v === 'number' && v > 0))
    throw new ValueError(`${cls}: ${option} must be > 0, got ${String(v)}`);
  return v;
}

/**
 * initialLearningRate · decayRate^(step / decaySteps), the exponent floored with `staircase`.
 *
 * @example
 * import { ExponentialDecay } from 'tensile';
 * const s = new ExponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.5, staircase: true });
 * console.log(s.call(9), s.call(10), s.call(25)); // 1 0.5 0.25
 */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(args: {
    initialLearningRate: number;
    decaySteps: number;
    decayRate: number;
    staircase?: boolean;
    name?: string;
  }) {
    super();
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = positiveSteps(this.className, 'decaySteps', args.decaySteps);
    this.decayRate = args.decayRate;
    this.staircase = args.staircase ?? false;
    this.name = args.name ?? 'ExponentialDecay';
  }

  call(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(p) : p);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

/**
 * values[0] while step ≤ boundaries[0], values[i] while boundaries[i-1] < step ≤ boundaries[i], and
 * the last value after the last boundary.
 *
 * @example
 * import { PiecewiseConstantDecay } from 'tensile';
 * const s = new PiecewiseConstantDecay({ boundaries: [100, 110], values: [1, 0.5, 0.1] });
 * console.log(s.call(100), s.call(101), s.call(111)); // 1 0.5 0.1
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name: string;

  constructor(args: { boundaries: readonly number[]; values: readonly number[]; name?: string }) {
    super();
    if (args.boundaries.length !== args.values.length - 1)
      throw new ValueError(
        `PiecewiseConstantDecay: boundaries must have one entry fewer than values, got ${args.boundaries.length} and ${args.values.length}`,
      );
    this.boundaries = [...args.boundaries];
    this.values = [...args.values];
    this.name = args.name ?? 'PiecewiseConstant';
  }

  call(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.values.length - 1 : i]!;
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

/**
 * (initial − end)·(1 − step/decaySteps)^power + end, with step capped at decaySteps, or with `cycle`
 * decaySteps stretched to the first multiple above the step.
 *
 * @example
 * import { PolynomialDecay } from 'tensile';
 * const s = new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 100, endLearningRate: 0.01 });
 * console.log(s.call(0), s.call(200)); // 0.1 0.01
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(args: {
    initialLearningRate: number;
    decaySteps: number;
    endLearningRate?: number;
    power?: number;
    cycle?: boolean;
    name?: string;
  }) {
    super();
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = positiveSteps(this.className, 'decaySteps', args.decaySteps);
    this.endLearningRate = args.endLearningRate ?? 0.0001;
    this.power = args.power ?? 1;
    this.cycle = args.cycle ?? false;
    this.name = args.name ?? 'PolynomialDecay';
  }

  call(step: number): number {
    let steps = this.decaySteps;
    let s = step;
    if (this.cycle) steps *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    else s = Math.min(step, steps);
    const { initialLearningRate: from, endLearningRate: to } = this;
    return (from - to) * (1 - s / steps) ** this.power + to;
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      end_learning_rate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }
}

/**
 * initialLearningRate / (1 + decayRate · step / decaySteps), the ratio floored with `staircase`.
 *
 * @example
 * import { InverseTimeDecay } from 'tensile';
 * console.log(new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }).call(2)); // 0.05
 */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className = 'InverseTimeDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(args: {
    initialLearningRate: number;
    decaySteps: number;
    decayRate: number;
    staircase?: boolean;
    name?: string;
  }) {
    super();
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = positiveSteps(this.className, 'decaySteps', args.decaySteps);
    this.decayRate = args.decayRate;
    this.staircase = args.staircase ?? false;
    this.name = args.name ?? 'InverseTimeDecay';
  }

  call(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate / (1 + this.decayRate * (this.staircase ? Math.floor(p) : p));
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

/**
 * Cosine decay from the initial rate (or, after a linear warmup of warmupSteps, from warmupTarget)
 * down to alpha times it over decaySteps, then flat.
 *
 * @example
 * import { CosineDecay } from 'tensile';
 * const s = new CosineDecay({ initialLearningRate: 0, decaySteps: 100, warmupTarget: 0.1, warmupSteps: 10 });
 * console.log(s.call(5), s.call(10), s.call(500)); // 0.05 0.1 0
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(args: {
    initialLearningRate: number;
    decaySteps: number;
    alpha?: number;
    name?: string;
    warmupTarget?: number | null;
    warmupSteps?: number;
  }) {
    super();
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = positiveSteps(this.className, 'decaySteps', args.decaySteps);
    this.alpha = args.alpha ?? 0;
    this.name = args.name ?? 'CosineDecay';
    this.warmupTarget = args.warmupTarget ?? null;
    this.warmupSteps = args.warmupSteps ?? 0;
  }

  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  call(step: number): number {
    if (this.warmupTarget === null)
      return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps)
      return (
        (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate
      );
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmup_target: this.warmupTarget,
      warmup_steps: this.warmupSteps,
    };
  }
}
