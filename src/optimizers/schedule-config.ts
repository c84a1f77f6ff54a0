import { ValueError } from '../errors.js';
import { CosineDecayRestarts } from './cosine-restarts.js';
import {
  CosineDecay,
  ExponentialDecay,
  InverseTimeDecay,
  type LearningRateSchedule,
  PiecewiseConstantDecay,
  PolynomialDecay,
} from './schedules.js';

type Json = Record<string, unknown>;

/** Each schedule's Keras config keys and how to build it from them. */
const SCHEDULES: Record<string, { keys: readonly string[]; make: (c: Json) => LearningRateSchedule }> = {
  ExponentialDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase', 'name'],
    make: (c) =>
      new ExponentialDecay({
        initialLearningRate: c.initial_learning_rate as number,
        decaySteps: c.decay_steps as number,
        decayRate: c.decay_rate as number,
        staircase: (c.staircase as boolean | undefined) ?? false,
        name: c.name as string | undefined,
      }),
  },
  PiecewiseConstantDecay: {
    keys: ['boundaries', 'values', 'name'],
    make: (c) =>
      new PiecewiseConstantDecay({
        boundaries: c.boundaries as number[],
        values: c.values as number[],
        name: c.name as string | undefined,
      }),
  },
  PolynomialDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'end_learning_rate', 'power', 'cycle', 'name'],
    make: (c) =>
      new PolynomialDecay({
        initialLearningRate: c.initial_learning_rate as number,
        decaySteps: c.decay_steps as number,
        endLearningRate: c.end_learning_rate as number | undefined,
        power: c.power as number | undefined,
        cycle: c.cycle as boolean | undefined,
        name: c.name as string | undefined,
      }),
  },
  InverseTimeDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase', 'name'],
    make: (c) =>
      new InverseTimeDecay({
        initialLearningRate: c.initial_learning_rate as number,
        decaySteps: c.decay_steps as number,
        decayRate: c.decay_rate as number,
        staircase: (c.staircase as boolean | undefined) ?? false,
        name: c.name as string | undefined,
      }),
  },
  CosineDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'alpha', 'name', 'warmup_target', 'warmup_steps'],
    make: (c) =>
      new CosineDecay({
        initialLearningRate: c.initial_learning_rate as number,
        decaySteps: c.decay_steps as number,
        alpha: c.alpha as number | undefined,
        name: c.name as string | undefined,
        warmupTarget: c.warmup_target as number | null | undefined,
        warmupSteps: c.warmup_steps as number | undefined,
      }),
  },
  CosineDecayRestarts: {
    keys: ['initial_learning_rate', 'first_decay_steps', 't_mul', 'm_mul', 'alpha', 'name'],
    make: (c) =>
      new CosineDecayRestarts({
        initialLearningRate: c.initial_learning_rate as number,
        firstDecaySteps: c.first_decay_steps as number,
        tMul: c.t_mul as number | undefined,
        mMul: c.m_mul as number | undefined,
        alpha: c.alpha as number | undefined,
        name: c.name as string | undefined,
      }),
  },
};

/**
 * A schedule as Keras serializes it inside an optimizer config.
 *
 * @example
 * import { serializeSchedule, ExponentialDecay } from 'tensile';
 * console.log(serializeSchedule(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 })).class_name); // ExponentialDecay
 */
export function serializeSchedule(s: LearningRateSchedule): Json {
  return {
    module: 'keras.optimizers.schedules',
    class_name: s.className,
    config: s.getConfig(),
    registered_name: null,
  };
}

/**
 * A schedule from Keras' `{ class_name, config }` (Keras 2 and 3); unknown classes and keys are refused
 * by name in a ValueError that starts with `where`.
 *
 * @example
 * import { scheduleFromConfig } from 'tensile';
 * const s = scheduleFromConfig({ class_name: 'InverseTimeDecay', config: { initial_learning_rate: 0.1, decay_steps: 1, decay_rate: 0.5 } }, 'm.keras');
 * console.log(s.call(2)); // 0.05
 */
export function scheduleFromConfig(spec: unknown, where: string): LearningRateSchedule {
  const { class_name: className, config } = (spec ?? {}) as { class_name?: unknown; config?: unknown };
  const entry = typeof className === 'string' ? SCHEDULES[className] : undefined;
  if (!entry)
    throw new ValueError(
      `${where}: unknown learning-rate schedule ${JSON.stringify(className ?? spec)} (Tensile has ${Object.keys(SCHEDULES).join(', ')})`,
    );
  if (typeof config !== 'object' || config === null)
    throw new ValueError(`${where}: schedule ${className} has no config`);
  const unknown = Object.keys(config).filter((k) => !entry.keys.includes(k));
  if (unknown.length > 0)
    throw new ValueError(
      `${where}: schedule ${className} has settings Tensile does not know: ${unknown.join(', ')}`,
    );
  try {
    return entry.make(config as Json);
  } catch (e) {
    throw new ValueError(`${where}: ${(e as Error).message}`);
  }
}
