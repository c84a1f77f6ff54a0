import type { InPlaceRule } from '../autograd/in-place.js';
import type { OptimizerUpdate } from '../backend/backend.js';
import { makeTensor } from '../engine/engine.js';
import { ValueError } from '../errors.js';
import { zerosLike } from '../ops/creation.js';
import { clip, div, maximum, mul, sqrt, square, sub } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/tensor.js';
import { serializeSchedule } from './schedule-config.js';
import { LearningRateSchedule } from './schedules.js';

export interface OptimizerArgs {
  /** A number, or a LearningRateSchedule giving the rate of each step (see schedules.ts). */
  learningRate?: number | LearningRateSchedule;
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
 *
 * When the backend has the fused `optimizerStep` fast path and the subclass describes its rule in
 * `fusedUpdate`, a step is one backend call that updates every variable and slot in place; the
 * composed `updateStep` stays the reference (parity tests hold the two together) and still runs
 * with clipping or weight decay, for custom optimizers, and on backends without the fast path.
 */
export abstract class Optimizer {
  abstract readonly className: string;
  /** The schedule the learning rate follows, or null for a fixed (settable) rate. */
  readonly schedule: LearningRateSchedule | null;
  private fixedRate = 0;
  /** Number of update steps applied so far (Keras' `optimizer.iterations`). */
  iterations = 0;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  private readonly slots = new Map<Variable, Variable[]>();

  constructor(args: OptimizerArgs, defaultLearningRate: number) {
    const lr = args.learningRate ?? defaultLearningRate;
    this.schedule = lr instanceof LearningRateSchedule ? lr : null;
    if (!this.schedule) this.learningRate = lr as number;
    this.weightDecay = args.weightDecay ?? null;
    this.clipnorm = args.clipnorm ?? null;
    this.clipvalue = args.clipvalue ?? null;
    this.globalClipnorm = args.globalClipnorm ?? null;
  }

  /** The rate of the next step: the schedule's value at `iterations`, or the fixed rate. */
  get learningRate(): number {
    return this.schedule ? this.schedule.call(this.iterations) : this.fixedRate;
  }

  /** Sets a fixed rate (callbacks such as ReduceLROnPlateau do); refused when a schedule drives it, as in Keras. */
  set learningRate(value: number) {
    if (this.schedule)
      throw new ValueError(
        `${this.constructor.name}: the learning rate follows a ${this.schedule.className} schedule and cannot be set`,
      );
    if (!(value >= 0))
      throw new ValueError(`${this.constructor.name}: learningRate must be ≥ 0, got ${value}`);
    this.fixedRate = value;
  }

  /** Slot variables (momentum, velocity, ...) for one weight, in Keras' order. */
  protected abstract buildSlots(variable: Variable): Variable[];

  /** Applies one update to `variable` given its gradient and slots. */
  protected abstract updateStep(grad: Tensor, variable: Variable, lr: number, slots: Variable[]): void;

  /** Slot names in the order `buildSlots` creates them (used by model files). */
  abstract slotNames(): string[];

  /**
   * This step's rule for the backend's fused `optimizerStep` (same maths as `updateStep`), or null
   * to always run the composed `updateStep` (the default, so custom subclasses stay correct).
   */
  protected fusedUpdate(_lr: number): OptimizerUpdate | null {
    return null;
  }

  /**
   * The step fit may fold into the backward pass's weight-gradient products (InPlaceRule): only SGD,
   * plain or with (Nesterov) momentum, without weight decay or clipping; null otherwise. The caller
   * builds the slots first (`build`): a weight whose slot does not exist is not stepped in place.
   * Why not RMSprop or Adam: stepping them on cache-sized blocks of the product (the gradient never
   * written out) measured no faster than the fused step after it (2026-12-03).
   */
  inPlaceUpdate(): InPlaceRule | null {
    const clipped = this.clipvalue !== null || this.clipnorm !== null || this.globalClipnorm !== null;
    if (this.weightDecay || clipped) return null;
    const rule = this.fusedUpdate(this.learningRate);
    if (rule?.kind !== 'sgd') return null;
    const { lr, momentum, nesterov } = rule;
    return { lr, momentum, nesterov, velocityOf: (w) => this.slots.get(w as Variable)?.[0] };
  }

  /** Creates a zero-filled slot with a Keras-style name (owning its storage, so steps update it in place). */
  protected slot(variable: Variable, name: string): Variable {
    const zeros = zerosLike(variable);
    const slot = new Variable(zeros, { name: `${variable.name}/${name}`, trainable: false });
    zeros.dispose();
    return slot;
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
    const lr = this.learningRate;
    if (!this.applyFused(grads, variables, lr)) {
      const clipped = this.clip(grads);
      this.build(variables);
      variables.forEach((v, i) => {
        const slots = this.slots.get(v)!;
        if (this.weightDecay) v.assign(sub(v, mul(v, lr * this.weightDecay)));
        this.updateStep(clipped[i]!, v, lr, slots);
      });
    }
    this.iterations++;
  }

  /**
   * The fast path: one `optimizerStep` call for all variables, when the backend has it, nothing needs
   * clipping or weight decay, and every tensor is float32 on that backend. Returns false to fall back.
   */
  private applyFused(grads: readonly Tensor[], variables: readonly Variable[], lr: number): boolean {
    const backend = variables[0]?.backend;
    if (!backend?.optimizerStep || this.weightDecay) return false;
    if (this.clipvalue !== null || this.clipnorm !== null || this.globalClipnorm !== null) return false;
    const update = this.fusedUpdate(lr);
    if (update === null) return false;
    const fits = (t: Tensor) => t.backend === backend && t.dtype === 'float32' && !t.isDisposed;
    if (!variables.every((v, i) => fits(v) && fits(grads[i]!) && shapesEqual(v.shape, grads[i]!.shape)))
      return false;
    this.build(variables);
    const slots = variables.map((v) => this.slots.get(v)!);
    if (!slots.flat().every(fits)) return false;
    for (const v of variables) ownStorage(v);
    for (const s of slots.flat()) ownStorage(s);
    const info = (t: Tensor) => t.info(`${this.className} step`);
    return backend.optimizerStep(
      update,
      variables.map(info),
      grads.map(info),
      slots.map((s) => s.map(info)),
    );
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
      learning_rate: this.schedule ? serializeSchedule(this.schedule) : this.learningRate,
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

/**
 * Copy-on-write before an in-place update: when another tensor shares the variable's storage (a
 * reshape view, the tensor it was created from, a gradient that aliases it, a value passed to
 * `assign`), the variable moves to a private copy first, so nothing else sees its values change.
 */
function ownStorage(v: Variable): void {
  if (v.liveRef('optimizer step').refs === 1) return;
  const b = v.backend;
  const copy = makeTensor(b, b.cast(v.info('optimizer step'), v.dtype), v.shape, v.dtype);
  v.assign(copy);
  copy.dispose();
}

function clipByNorm(g: Tensor, maxNorm: number): Tensor {
  const norm = sqrt(sum(square(g)));
  // g · maxNorm / max(norm, maxNorm): unchanged when already short enough.
  return div(mul(g, maxNorm), maximum(norm, maxNorm));
}
