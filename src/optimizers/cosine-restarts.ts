import { ValueError } from '../errors.js';
import { LearningRateSchedule, positiveSteps } from './schedules.js';

/**
 * Cosine decay with warm restarts (SGDR, Loshchilov & Hutter), as Keras'
 * `CosineDecayRestarts` computes it: the multiplier falls from 1 to `alpha` over
 * `firstDecaySteps`, then restarts; period i lasts tMul^i times the first and starts at mMul^i
 * times the initial rate.
 *
 * @example
 * import { CosineDecayRestarts } from 'tensile';
 * const s = new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10 });
 * console.log(s.call(0), s.call(5), s.call(10), s.call(20)); // 1 0.5 1 0.5
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly className = 'CosineDecayRestarts';
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(args: {
    initialLearningRate: number;
    firstDecaySteps: number;
    tMul?: number;
    mMul?: number;
    alpha?: number;
    name?: string;
  }) {
    super();
    this.initialLearningRate = args.initialLearningRate;
    this.firstDecaySteps = positiveSteps(this.className, 'firstDecaySteps', args.firstDecaySteps);
    this.tMul = args.tMul ?? 2;
    this.mMul = args.mMul ?? 1;
    this.alpha = args.alpha ?? 0;
    this.name = args.name ?? 'SGDRDecay';
    // Keras' geometric formula takes log(t_mul): a period factor ≤ 0 has no meaning.
    if (!(this.tMul > 0)) throw new ValueError(`CosineDecayRestarts: tMul must be > 0, got ${this.tMul}`);
  }

  call(step: number): number {
    let fraction = step / this.firstDecaySteps;
    let restart: number;
    if (this.tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      // Periods 1, tMul, tMul², …: find the period that contains `fraction` and the part done in it.
      restart = Math.floor(Math.log(1 - fraction * (1 - this.tMul)) / Math.log(this.tMul));
      const before = (1 - this.tMul ** restart) / (1 - this.tMul);
      fraction = (fraction - before) / this.tMul ** restart;
    }
    const cosine = 0.5 * this.mMul ** restart * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      first_decay_steps: this.firstDecaySteps,
      t_mul: this.tMul,
      m_mul: this.mMul,
      alpha: this.alpha,
      name: this.name,
    };
  }
}
