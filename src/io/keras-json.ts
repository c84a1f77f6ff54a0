import { pythonFloat } from './python-format.js';

/**
 * JSON for Keras configs with float settings written as floats. Keras declares these settings as
 * Python floats and some refuse an int (`SGD(momentum=0)` from a config: "momentum must be a float");
 * Python's json writes 0.0 and 1.0, JSON.stringify cannot, so the serializer knows which keys are floats.
 */

const OPTIMIZER = [
  'learning_rate',
  'weight_decay',
  'clipnorm',
  'global_clipnorm',
  'clipvalue',
  'ema_momentum',
];
const RNN = ['dropout', 'recurrent_dropout'];
const CROSS_ENTROPY = ['label_smoothing'];

/**
 * Float-typed config keys per Keras class, from the constructors' declared types in
 * keras/src/optimizers/*.py, keras/src/layers/**, keras/src/initializers/*.py and keras/src/losses/losses.py.
 */
const FLOAT_KEYS: Record<string, readonly string[]> = {
  SGD: [...OPTIMIZER, 'momentum'],
  RMSprop: [...OPTIMIZER, 'rho', 'momentum', 'epsilon'],
  Adam: [...OPTIMIZER, 'beta_1', 'beta_2', 'epsilon'],
  Dropout: ['rate'],
  BatchNormalization: ['momentum', 'epsilon'],
  SimpleRNN: RNN,
  LSTM: RNN,
  GRU: RNN,
  Constant: ['value'],
  Identity: ['gain'],
  Orthogonal: ['gain'],
  RandomNormal: ['mean', 'stddev'],
  TruncatedNormal: ['mean', 'stddev'],
  RandomUniform: ['minval', 'maxval'],
  VarianceScaling: ['scale'],
  // keras/src/optimizers/schedules/learning_rate_schedule.py (decay_steps and boundaries stay as given).
  ExponentialDecay: ['initial_learning_rate', 'decay_rate'],
  InverseTimeDecay: ['initial_learning_rate', 'decay_rate'],
  PolynomialDecay: ['initial_learning_rate', 'end_learning_rate', 'power'],
  CosineDecay: ['initial_learning_rate', 'alpha', 'warmup_target'],
  BinaryCrossentropy: CROSS_ENTROPY,
  CategoricalCrossentropy: CROSS_ENTROPY,
};

function float(x: number): string {
  if (Number.isNaN(x)) return 'NaN'; // what Python's json writes
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pythonFloat(x);
}

/** `floats`: the float-typed keys of the object being written (from its `{class_name, config}` parent). */
function write(value: unknown, floats: readonly string[]): string {
  if (Array.isArray(value)) return `[${value.map((v) => write(v, [])).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const obj = value as Record<string, unknown>;
  const className = typeof obj.class_name === 'string' ? obj.class_name : undefined;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const text =
      typeof v === 'number' && floats.includes(k)
        ? float(v)
        : write(v, k === 'config' && className ? (FLOAT_KEYS[className] ?? []) : []);
    parts.push(`${JSON.stringify(k)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * JSON.stringify for Keras configs: float settings of known classes print as Python floats (0.0, 1.0,
 * 1e-07), everything else as JSON.stringify prints it.
 *
 * @example
 * // kerasJson({ class_name: 'SGD', config: { momentum: 0, nesterov: false } }) === '{"class_name":"SGD","config":{"momentum":0.0,"nesterov":false}}'
 */
export function kerasJson(value: unknown): string {
  return write(value, []);
}
