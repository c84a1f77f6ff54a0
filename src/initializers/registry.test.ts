import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { Constant, Identity, Ones, Zeros } from './constant.js';
import { RandomInitializer } from './initializer.js';
import { Orthogonal } from './orthogonal.js';
import { RandomNormal, RandomUniform, TruncatedNormal } from './random.js';
import { deserialize, getInitializer, initializerNames, serialize } from './registry.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
} from './variance-scaling.js';

describe('getInitializer', () => {
  it.each([
    ['glorot_uniform', GlorotUniform],
    ['glorotUniform', GlorotUniform],
    ['GlorotUniform', GlorotUniform],
    ['glorot_normal', GlorotNormal],
    ['he_normal', HeNormal],
    ['heUniform', HeUniform],
    ['lecun_normal', LecunNormal],
    ['lecun_uniform', LecunUniform],
    ['orthogonal', Orthogonal],
    ['Orthogonal', Orthogonal],
    ['OrthogonalInitializer', Orthogonal],
    ['zeros', Zeros],
    ['zero', Zeros],
    ['ones', Ones],
    ['one', Ones],
    ['constant', Constant],
    ['identity', Identity],
    ['uniform', RandomUniform],
    ['random_uniform', RandomUniform],
    ['normal', RandomNormal],
    ['randomNormal', RandomNormal],
    ['truncated_normal', TruncatedNormal],
    ['variance_scaling', VarianceScaling],
  ])('%s → %o', (name, cls) => {
    const init = getInitializer(name);
    expect(init.constructor).toBe(cls);
  });

  it('returns instances as they are and builds from configs', () => {
    const init = new HeNormal({ seed: 1 });
    expect(getInitializer(init)).toBe(init);
    const u = getInitializer({ className: 'RandomUniform', config: { minval: 0, maxval: 2, seed: 4 } });
    expect(u.getConfig()).toEqual({ seed: 4, minval: 0, maxval: 2 });
    expect(getInitializer({ class_name: 'Zeros' })).toBeInstanceOf(Zeros);
  });

  it('names the valid names when a name is unknown', () => {
    expect(() => getInitializer('glorot')).toThrow(ValueError);
    expect(() => getInitializer('glorot')).toThrow(/Valid names: constant, glorot_normal, glorot_uniform/);
    expect(() => getInitializer('Glorot_Uniform')).toThrow(/Did you mean 'glorot_uniform'\?/);
    expect(() => getInitializer('HE_NORMAL')).toThrow(/Did you mean 'he_normal'\?/);
    expect(() => getInitializer({ className: 'Nope', config: {} })).toThrow(/Unknown initializer 'Nope'/);
    expect(() => getInitializer(42 as unknown as string)).toThrow(/Could not interpret/);
  });

  it('rejects config keys the class does not take', () => {
    expect(() => getInitializer({ className: 'RandomNormal', config: { stdev: 1 } })).toThrow(
      /RandomNormal: unknown config key 'stdev'; expected seed, mean, stddev/,
    );
    expect(() => getInitializer({ className: 'Zeros', config: { value: 1 } })).toThrow(/expected no keys/);
  });

  // Keras 3.15 (keras/src/initializers/random_initializers.py) writes, for a default Dense kernel:
  //   {"class_name": "GlorotUniform", "config": {"seed": null, "input_axes": null, "output_axes": null}}
  it('accepts the Keras 3.15 variance-scaling keys when null, refuses axes that change the fans', () => {
    const init = getInitializer({
      class_name: 'GlorotUniform',
      config: { seed: 3, input_axes: null, output_axes: null },
    });
    expect(init.className).toBe('GlorotUniform');
    expect(init.getConfig()).toEqual({ seed: 3 });
    const same = getInitializer({ class_name: 'GlorotUniform', config: { seed: 3 } });
    expect(Array.from(init.generate([4, 3]))).toEqual(Array.from(same.generate([4, 3])));
    expect(() =>
      getInitializer({
        class_name: 'HeNormal',
        config: { seed: null, input_axes: [0, 1], output_axes: null },
      }),
    ).toThrow(/HeNormal: config 'input_axes' = \[0,1\] is not supported/);
    expect(() => getInitializer({ class_name: 'RandomUniform', config: { input_axes: null } })).toThrow(
      /unknown config key 'input_axes'/,
    );
  });

  it('accepts the dtype TF 1.x Keras wrote into initializer configs only as float32', () => {
    expect(getInitializer({ class_name: 'Zeros', config: { dtype: 'float32' } }).className).toBe('Zeros');
    expect(() => getInitializer({ class_name: 'Ones', config: { dtype: 'float16' } })).toThrow(
      /Ones: config 'dtype' = "float16" is not supported/,
    );
  });
});

describe('serialize / deserialize', () => {
  it('writes the Keras 3 structure', () => {
    expect(serialize(new GlorotUniform())).toEqual({
      module: 'keras.initializers',
      class_name: 'GlorotUniform',
      config: { seed: null },
      registered_name: null,
    });
  });

  it('round-trips every initializer', () => {
    const all = [
      new Constant({ value: 3 }),
      new Identity({ gain: 2 }),
      new Ones(),
      new Zeros(),
      new GlorotNormal({ seed: 1 }),
      new GlorotUniform(),
      new HeNormal(),
      new HeUniform({ seed: 2 }),
      new LecunNormal(),
      new LecunUniform(),
      new Orthogonal({ gain: 1.5, seed: 3 }),
      new RandomNormal({ mean: 1, stddev: 2 }),
      new RandomUniform({ minval: -1, maxval: 1, seed: 9 }),
      new TruncatedNormal({ stddev: 0.1 }),
      new VarianceScaling({ scale: 2, mode: 'fan_out', distribution: 'uniform', seed: 5 }),
    ];
    expect(new Set(all.map((i) => i.className)).size).toBe(initializerNames().length);
    for (const init of all) {
      const s = serialize(init);
      const back = deserialize(JSON.parse(JSON.stringify(s)));
      expect(back.constructor).toBe(init.constructor);
      expect(serialize(back)).toEqual(s);
      // Deterministic initializers (constant or seeded) produce the same values after the round trip.
      if (!(init instanceof RandomInitializer) || init.seed !== null) {
        expect(back.generate([4, 3])).toEqual(init.generate([4, 3]));
      }
    }
  });
});
