/**
 * Which Keras config keys a file may carry that Tensile does not act on. Keras adds keys across
 * versions (3.15 gave the variance-scaling initializers `input_axes`/`output_axes`, 3.x layers gained
 * `quantization_config` and `lora_rank`); a key whose value cannot change what the model computes or
 * how it trains is accepted, anything else is refused by name so a file never loads as a different model.
 */

type Json = Record<string, unknown>;

/**
 * Returns true when a config value changes nothing in Tensile (the key's default, or a value that
 * only matters for features Tensile does not have, like multi-device batch norm).
 *
 * @example
 * // const inert: Inert = (v) => v === null || v === undefined;
 */
export type Inert = (value: unknown) => boolean;

/**
 * Per-class key rules: `true` for keys the class's fromConfig handles, an Inert check for the rest.
 *
 * @example
 * // const rules: KeyRules = { units: true, lora_rank: isNone };
 */
export type KeyRules = Readonly<Record<string, true | Inert>>;

/** Keras' None (JSON null), or the key absent. */
export const isNone: Inert = (v) => v === null || v === undefined;
const isFalse: Inert = (v) => v === false || isNone(v);
const anything: Inert = () => true;
const isZero: Inert = (v) => v === 0 || isNone(v);

/** The policy classes that have carried a dtype: tf.keras 'Policy', Keras 3's 'FloatDTypePolicy' and 'DTypePolicy'. */
const POLICY_CLASSES = ['Policy', 'FloatDTypePolicy', 'DTypePolicy'];

/**
 * float32, as a string (Keras 2 and 3.0) or a policy object (tf.keras mixed precision, Keras 3.x);
 * other policies (mixed_float16, bfloat16) change results.
 *
 * @example
 * // isFloat32Policy({ class_name: 'DTypePolicy', config: { name: 'float32' } }) === true
 */
export const isFloat32Policy: Inert = (v) => {
  if (isNone(v) || v === 'float32') return true;
  const policy = v as { class_name?: unknown; config?: { name?: unknown } };
  return (
    typeof policy === 'object' &&
    POLICY_CLASSES.includes(String(policy.class_name)) &&
    policy.config?.name === 'float32'
  );
};

/** Keys any layer may carry (keras/src/layers/layer.py and tf.keras base_layer.py get_config). */
const COMMON: KeyRules = {
  name: true,
  trainable: true,
  batch_input_shape: true,
  batch_shape: true,
  dtype: isFloat32Policy,
  activity_regularizer: isNone,
};

const regularized = (...weights: string[]): KeyRules =>
  Object.fromEntries(
    weights.flatMap((w) => [
      [`${w}_regularizer`, isNone],
      [`${w}_constraint`, isNone],
    ]),
  );

/** Keras 3.x quantization and LoRA keys of Dense and Embedding (absent before 3.x; null unless used). */
const QUANTIZE: KeyRules = { quantization_config: isNone, lora_rank: isNone, lora_alpha: anything };

const RNN: KeyRules = {
  units: true,
  activation: true,
  use_bias: true,
  kernel_initializer: true,
  recurrent_initializer: true,
  bias_initializer: true,
  dropout: true,
  recurrent_dropout: true,
  seed: true,
  return_sequences: true,
  return_state: true,
  go_backwards: true,
  stateful: true,
  unroll: true,
  zero_output_for_mask: true,
  ...regularized('kernel', 'recurrent', 'bias'),
  // tf.keras: time-major input would transpose what the layer reads.
  time_major: isFalse,
  // Keras 2's computation mode (1 or 2) and Keras 3's cuDNN switch give the same results.
  implementation: anything,
  use_cudnn: anything,
};

/**
 * Key rules of the layer classes Tensile ships, from each class's get_config in Keras 2.x (tf.keras)
 * and Keras 3.0 … 3.15. Classes not listed (custom objects, newer layers) get the COMMON rules only.
 */
const LAYER_KEYS: Record<string, KeyRules> = {
  InputLayer: {
    batch_shape: true,
    batch_input_shape: true,
    name: true,
    dtype: anything, // the input dtype (int32 token ids are fine)
    sparse: isFalse,
    ragged: isFalse,
    optional: isFalse,
  },
  Dense: {
    units: true,
    activation: true,
    use_bias: true,
    kernel_initializer: true,
    bias_initializer: true,
    ...regularized('kernel', 'bias'),
    ...QUANTIZE,
  },
  Activation: { activation: true },
  Dropout: { rate: true, noise_shape: true, seed: true },
  Embedding: {
    input_dim: true,
    output_dim: true,
    embeddings_initializer: true,
    mask_zero: true,
    input_length: true,
    ...regularized('embeddings'),
    ...QUANTIZE,
    sparse: isFalse, // tf-keras 2.15: sparse gradients only
  },
  BatchNormalization: {
    axis: true,
    momentum: true,
    epsilon: true,
    center: true,
    scale: true,
    beta_initializer: true,
    gamma_initializer: true,
    moving_mean_initializer: true,
    moving_variance_initializer: true,
    ...regularized('beta', 'gamma'),
    // Cross-device statistics; one device computes the same thing.
    synchronized: anything,
    // Batch renormalization (renorm_* only matter when renorm is on).
    renorm: isFalse,
    renorm_clipping: anything,
    renorm_momentum: anything,
    // tf.keras: fused kernels give the same results; virtual batches and adjustment do not.
    fused: anything,
    virtual_batch_size: isNone,
    adjustment: isNone,
  },
  SimpleRNN: RNN,
  LSTM: { ...RNN, recurrent_activation: true, unit_forget_bias: true },
  GRU: { ...RNN, recurrent_activation: true, reset_after: true },
  // Merge layers (Functional models): only the common keys, and Concatenate's axis.
  Add: {},
  Multiply: {},
  Average: {},
  Subtract: {},
  Maximum: {},
  Minimum: {},
  Concatenate: { axis: true },
  ReLU: { max_value: true, negative_slope: true, threshold: true },
  LeakyReLU: { negative_slope: true, alpha: true },
  ELU: { alpha: true },
  Softmax: { axis: true },
  Rescaling: { scale: true, offset: true },
  RepeatVector: { n: true },
  TimeDistributed: { layer: true },
};

/**
 * Keys of `config` that would change behaviour: keys with a rule whose value is not inert, and keys
 * without a rule unless null (Keras adds new options with None meaning "off"). `rules` undefined
 * checks only the given common rules. Returns `key = value` texts, empty when all is well.
 *
 * @example
 * // refusedKeys({ units: 2, kernel_regularizer: { class_name: 'L2' } }, LAYER_KEYS.Dense, COMMON) → ["kernel_regularizer = {...}"]
 */
export function refusedKeys(config: Json, rules: KeyRules | undefined, common: KeyRules = {}): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const rule = rules?.[key] ?? common[key];
    const ok = rule === true || (rule ? rule(value) : rules === undefined || isNone(value));
    if (!ok) out.push(`${key} = ${JSON.stringify(value)}`);
  }
  return out;
}

/**
 * The keys of a layer config Tensile cannot honour, for the error that refuses the file.
 *
 * @example
 * // refusedLayerKeys('Dense', { units: 2, dtype: 'mixed_float16' }) → ['dtype = "mixed_float16"']
 */
export function refusedLayerKeys(className: string, config: Json): string[] {
  const rules = LAYER_KEYS[className];
  return refusedKeys(config, rules && { ...COMMON, ...rules }, COMMON);
}

/**
 * Key rules of the optimizer configs (keras/src/optimizers/base_optimizer.py, sgd.py, rmsprop.py,
 * adam.py; tf.keras 2.x optimizer_v2 and the 2.11+ optimizers, whose keys are the same plus `jit_compile`,
 * `is_legacy_optimizer`, and Keras 2's `lr`/`decay`).
 *
 * @example
 * // refusedKeys({ use_ema: true }, OPTIMIZER_KEYS) → ['use_ema = true']
 */
export const OPTIMIZER_KEYS: KeyRules = {
  name: anything,
  learning_rate: true,
  lr: true,
  weight_decay: true,
  clipnorm: true,
  clipvalue: true,
  global_clipnorm: true,
  momentum: true,
  nesterov: true,
  rho: true,
  epsilon: true,
  centered: true,
  beta_1: true,
  beta_2: true,
  amsgrad: true,
  // Exponential moving averages of the weights (ema_* only matter when use_ema is on).
  use_ema: isFalse,
  ema_momentum: anything,
  ema_overwrite_frequency: anything,
  // Keras 2's time-based learning-rate decay.
  decay: isZero,
  gradient_accumulation_steps: isNone,
  // Scales the loss and unscales the gradients: the same step in float32.
  loss_scale_factor: anything,
  jit_compile: anything,
  is_legacy_optimizer: anything,
};

/**
 * Key rules of the loss configs (keras/src/losses/losses.py; tf.keras losses.py).
 *
 * @example
 * // refusedKeys({ label_smoothing: 0.1 }, LOSS_KEYS) → ['label_smoothing = 0.1']
 */
export const LOSS_KEYS: KeyRules = {
  name: anything,
  from_logits: true,
  // 'auto' (Keras 2) and 'sum_over_batch_size' (both) are the mean Tensile takes.
  reduction: (v) => isNone(v) || v === 'auto' || v === 'sum_over_batch_size',
  label_smoothing: isZero,
  axis: (v) => isNone(v) || v === -1,
  ignore_class: isNone,
  dtype: isFloat32Policy,
  fn: anything,
};
