import { ValueError } from '../errors.js';
import { toSnakeCase } from '../naming.js';
import { Constant, Identity, Ones, Zeros } from './constant.js';
import { Initializer, type InitializerConfig } from './initializer.js';
import { Orthogonal } from './orthogonal.js';
import { RandomNormal, RandomUniform, TruncatedNormal } from './random.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
} from './variance-scaling.js';

/**
 * An initializer as Keras writes it in a model config.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.serialize(new initializers.Ones()).module); // keras.initializers
 */
export interface SerializedInitializer {
  readonly module: 'keras.initializers';
  readonly class_name: string;
  readonly config: InitializerConfig;
  readonly registered_name: null;
}

/**
 * What `getInitializer` accepts: a name, an instance, or a `{ className | class_name, config }`.
 *
 * @example
 * import { initializers } from 'tensile';
 * const init = initializers.getInitializer({ class_name: 'Constant', config: { value: 2 } });
 * console.log(init.getConfig().value); // 2
 */
export type InitializerIdentifier =
  | string
  | Initializer
  | { readonly className: string; readonly config?: Record<string, unknown> }
  | { readonly class_name: string; readonly config?: Record<string, unknown> };

interface Entry {
  readonly make: (config: Record<string, never>) => Initializer;
  /** Config keys the constructor understands (Keras' `from_config` passes them as keyword args). */
  readonly keys: readonly string[];
  /** Keys Keras writes that Tensile accepts only with the value that changes nothing (see INERT). */
  readonly inert?: readonly string[];
}

/**
 * Values of config keys that leave an initializer unchanged: Keras 3.15 added `input_axes` and
 * `output_axes` to the variance-scaling initializers (null: fans from the usual axes), and TF 1.x
 * Keras wrote `dtype` into initializer configs.
 */
const INERT: Record<string, (v: unknown) => boolean> = {
  input_axes: (v) => v === null,
  output_axes: (v) => v === null,
  dtype: (v) => v === null || v === 'float32',
};
const axes = ['input_axes', 'output_axes'];
const seedOnly = ['seed'];
/** Keyed by Keras class name; constructor options use Keras' config keys, so a config is the options. */
const CLASSES: Record<string, Entry> = {
  Constant: { make: (c) => new Constant(c), keys: ['value'] },
  Identity: { make: (c) => new Identity(c), keys: ['gain'] },
  Ones: { make: () => new Ones(), keys: [] },
  Zeros: { make: () => new Zeros(), keys: [] },
  GlorotNormal: { make: (c) => new GlorotNormal(c), keys: seedOnly, inert: axes },
  GlorotUniform: { make: (c) => new GlorotUniform(c), keys: seedOnly, inert: axes },
  HeNormal: { make: (c) => new HeNormal(c), keys: seedOnly, inert: axes },
  HeUniform: { make: (c) => new HeUniform(c), keys: seedOnly, inert: axes },
  LecunNormal: { make: (c) => new LecunNormal(c), keys: seedOnly, inert: axes },
  LecunUniform: { make: (c) => new LecunUniform(c), keys: seedOnly, inert: axes },
  Orthogonal: { make: (c) => new Orthogonal(c), keys: ['seed', 'gain'] },
  RandomNormal: { make: (c) => new RandomNormal(c), keys: ['seed', 'mean', 'stddev'] },
  RandomUniform: { make: (c) => new RandomUniform(c), keys: ['seed', 'minval', 'maxval'] },
  TruncatedNormal: { make: (c) => new TruncatedNormal(c), keys: ['seed', 'mean', 'stddev'] },
  VarianceScaling: {
    make: (c) => new VarianceScaling(c),
    keys: ['seed', 'scale', 'mode', 'distribution'],
    inert: axes,
  },
};

/** Keras' extra names (`keras/src/initializers/__init__.py`), including class names of older versions. */
const ALIASES: Record<string, string> = {
  uniform: 'RandomUniform',
  normal: 'RandomNormal',
  one: 'Ones',
  zero: 'Zeros',
  OrthogonalInitializer: 'Orthogonal',
  IdentityInitializer: 'Identity',
};

const camel = (name: string) => name[0]!.toLowerCase() + name.slice(1);

/** Every accepted name → Keras class name: class names, snake_case (Keras), camelCase, aliases. */
const NAMES = new Map<string, string>();
for (const cls of Object.keys(CLASSES)) {
  NAMES.set(cls, cls);
  NAMES.set(toSnakeCase(cls), cls);
  NAMES.set(camel(cls), cls);
}
for (const [alias, cls] of Object.entries(ALIASES)) NAMES.set(alias, cls);
NAMES.set('orthogonal_initializer', 'Orthogonal');

/** Folds case and separators, to suggest the name someone probably meant. */
const fold = (name: string) => name.toLowerCase().replace(/[_\-\s]/g, '');

function unknownName(name: string): ValueError {
  const hit = [...NAMES].find(([n]) => fold(n) === fold(name));
  const guess = hit && (fold(toSnakeCase(hit[1])) === fold(name) ? toSnakeCase(hit[1]) : hit[0]);
  const valid = [...new Set(Object.keys(CLASSES).map(toSnakeCase))].sort().join(', ');
  return new ValueError(
    `Unknown initializer '${name}'.${guess ? ` Did you mean '${guess}'?` : ''} Valid names: ${valid}; ` +
      `aliases: ${Object.keys(ALIASES).join(', ')}; class names (e.g. 'GlorotUniform') and camelCase ` +
      `(e.g. 'glorotUniform') work too.`,
  );
}

function build(name: string, config: Record<string, unknown>): Initializer {
  const cls = NAMES.get(name);
  if (cls === undefined) throw unknownName(name);
  const entry = CLASSES[cls]!;
  const inert = [...(entry.inert ?? []), 'dtype'];
  const changing = Object.keys(config).filter((k) => inert.includes(k) && !INERT[k]!(config[k]));
  if (changing.length > 0) {
    throw new ValueError(
      `${cls}: config ${changing.map((k) => `'${k}' = ${JSON.stringify(config[k])}`).join(', ')} is not supported ` +
        `(only ${changing.map((k) => `${k}: ${k === 'dtype' ? "'float32'" : 'null'}`).join(', ')}, which changes nothing)`,
    );
  }
  const extra = Object.keys(config).filter((k) => !entry.keys.includes(k) && !inert.includes(k));
  if (extra.length > 0) {
    throw new ValueError(
      `${cls}: unknown config key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}; ` +
        `expected ${entry.keys.length > 0 ? entry.keys.join(', ') : 'no keys'}`,
    );
  }
  const options = Object.fromEntries(Object.entries(config).filter(([k]) => !inert.includes(k)));
  return entry.make(options as Record<string, never>);
}

/**
 * Resolves an initializer from a Keras name ('glorot_uniform', 'he_normal', 'orthogonal', 'zeros',
 * 'uniform', 'normal', ...), a camelCase alias ('glorotUniform'), a class name, a config object, or an
 * instance (returned as is). Names are case-sensitive, as in Keras.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.getInitializer('he_normal').className); // HeNormal
 * const init = initializers.getInitializer({ className: 'RandomUniform', config: { minval: 0, maxval: 1 } });
 * console.log(init.getConfig().maxval); // 1
 */
export function getInitializer(identifier: InitializerIdentifier): Initializer {
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === 'string') return build(identifier, {});
  if (identifier !== null && typeof identifier === 'object') {
    const name = 'className' in identifier ? identifier.className : identifier.class_name;
    if (typeof name === 'string') return build(name, identifier.config ?? {});
  }
  throw new ValueError(`Could not interpret initializer identifier: ${JSON.stringify(identifier)}`);
}

/**
 * The Keras config of an initializer, as it appears in a `.keras` model's config.json.
 *
 * @example
 * import { initializers } from 'tensile';
 * const s = initializers.serialize(new initializers.GlorotUniform());
 * console.log(s.class_name, JSON.stringify(s.config)); // GlorotUniform {"seed":null}
 */
export function serialize(initializer: Initializer): SerializedInitializer {
  return {
    module: 'keras.initializers',
    class_name: initializer.className,
    config: initializer.getConfig(),
    registered_name: null,
  };
}

/**
 * An initializer from its Keras config (the inverse of `serialize`; the same as `getInitializer`).
 *
 * @example
 * import { initializers } from 'tensile';
 * const init = initializers.deserialize({ class_name: 'Orthogonal', config: { gain: 2, seed: null } });
 * console.log(init.className); // Orthogonal
 */
export function deserialize(config: InitializerIdentifier): Initializer {
  return getInitializer(config);
}

/**
 * The snake_case Keras names `getInitializer` accepts (aliases and other spellings not included).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.initializerNames().includes('glorot_uniform')); // true
 */
export function initializerNames(): string[] {
  return Object.keys(CLASSES).map(toSnakeCase).sort();
}
