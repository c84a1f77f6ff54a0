import { ShapeError } from '../errors.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
  serialize,
} from '../initializers/index.js';
import { batchNormInference, batchNormTraining, normalizeComposed } from '../ops/batch-norm.js';
import { add, mul, square, sub } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { stopGradient } from '../ops/nn.js';
import { mean } from '../ops/reduce.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface BatchNormalizationArgs extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
}

/**
 * Batch normalization as in Keras 3. Training: normalise with the batch mean and (biased) variance
 * over every axis but `axis`, then update the moving statistics as
 * `moving = moving · momentum + batch · (1 - momentum)`. Inference: normalise with the moving
 * statistics. Output = γ · (x - μ) / √(σ² + ε) + β. moving_mean/moving_variance are non-trainable.
 *
 * @example
 * import { BatchNormalization, Dense, Sequential } from 'tensile';
 * const model = new Sequential([new Dense(512, { inputShape: [784] }), new BatchNormalization(), new Dense(10, { activation: 'softmax' })]);
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly inits: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', Initializer>;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  /** Resolved (non-negative) axis, known after build. */
  private featureAxis = -1;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = {
      beta: getInitializer(args.betaInitializer ?? 'zeros'),
      gamma: getInitializer(args.gammaInitializer ?? 'ones'),
      movingMean: getInitializer(args.movingMeanInitializer ?? 'zeros'),
      movingVariance: getInitializer(args.movingVarianceInitializer ?? 'ones'),
    };
  }

  override build(inputShape: SymbolicShape): void {
    this.featureAxis = normalizeAxis(
      `layer '${this.name}' (BatchNormalization)`,
      this.axis,
      inputShape.length,
    );
    const dim = inputShape[this.featureAxis];
    if (typeof dim !== 'number') {
      throw new ShapeError(
        `layer '${this.name}' (BatchNormalization)`,
        [inputShape.map((d) => d ?? -1)],
        `axis ${this.axis} must have a known size`,
      );
    }
    // Keras' weight order: gamma, beta, moving_mean, moving_variance.
    if (this.scale) this.gamma = this.addWeight('gamma', [dim], this.inits.gamma);
    if (this.center) this.beta = this.addWeight('beta', [dim], this.inits.beta);
    this.movingMean = this.addWeight('moving_mean', [dim], this.inits.movingMean, { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [dim], this.inits.movingVariance, {
      trainable: false,
    });
    super.build(inputShape);
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const dim = this.movingMean!.shape[0]!;
    if (x.shape[this.featureAxis] !== dim) {
      throw new ShapeError(
        `layer '${this.name}' (BatchNormalization)`,
        [x.shape],
        `expected size ${dim} on axis ${this.axis}`,
      );
    }
    const batchStatistics = ctx.training && this.trainable;
    if (this.featureAxis === x.rank - 1) {
      // Features last (Keras' default axis): the fused ops on backends that have them.
      if (!batchStatistics)
        return batchNormInference(
          x,
          this.movingMean!,
          this.movingVariance!,
          this.gamma,
          this.beta,
          this.epsilon,
        );
      const { y, mean: mu, variance } = batchNormTraining(x, this.gamma, this.beta, this.epsilon);
      this.updateMoving(this.movingMean!, mu);
      this.updateMoving(this.movingVariance!, variance);
      return y;
    }
    // Another axis: per-feature vectors reshaped to broadcast along it.
    const bshape = x.shape.map((d, i) => (i === this.featureAxis ? d : 1));
    const fit = (v: Tensor | null) => (v ? reshape(v, bshape) : null);
    let mu: Tensor;
    let variance: Tensor;
    if (batchStatistics) {
      const reduceAxes = x.shape.map((_, i) => i).filter((i) => i !== this.featureAxis);
      mu = mean(x, reduceAxes, true);
      variance = mean(square(sub(x, mu)), reduceAxes, true);
      this.updateMoving(this.movingMean!, reshape(stopGradient(mu), [dim]));
      this.updateMoving(this.movingVariance!, reshape(stopGradient(variance), [dim]));
    } else {
      mu = fit(this.movingMean!)!;
      variance = fit(this.movingVariance!)!;
    }
    return normalizeComposed(x, mu, variance, fit(this.gamma), fit(this.beta), this.epsilon);
  }

  private updateMoving(moving: Variable, batchValue: Tensor): void {
    moving.assign(add(mul(moving, this.momentum), mul(batchValue, 1 - this.momentum)));
  }

  static fromConfig(config: Record<string, unknown>): BatchNormalization {
    const pick = <T>(key: string) => config[key] as T | undefined;
    return new BatchNormalization({
      ...baseArgsFromConfig(config),
      axis: Array.isArray(config.axis) ? (config.axis[0] as number) : pick<number>('axis'),
      momentum: pick<number>('momentum'),
      epsilon: pick<number>('epsilon'),
      center: pick<boolean>('center'),
      scale: pick<boolean>('scale'),
      betaInitializer: pick<InitializerIdentifier>('beta_initializer'),
      gammaInitializer: pick<InitializerIdentifier>('gamma_initializer'),
      movingMeanInitializer: pick<InitializerIdentifier>('moving_mean_initializer'),
      movingVarianceInitializer: pick<InitializerIdentifier>('moving_variance_initializer'),
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serialize(this.inits.beta),
      gamma_initializer: serialize(this.inits.gamma),
      moving_mean_initializer: serialize(this.inits.movingMean),
      moving_variance_initializer: serialize(this.inits.movingVariance),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
      synchronized: false,
    };
  }
}
