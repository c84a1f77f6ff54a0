import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/select.js';
import { DTypeError, ValueError } from '../errors.js';
import { setRandomSeed } from '../random/global.js';
import { maxAbs, moments } from './test-utils/stats.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
} from './variance-scaling.js';

beforeAll(() => setBackend('ts'));

// Large shapes (~2·10^5 values) so the sample variance is within ~1% of the formula.
const SHAPE = [400, 500];
const [FAN_IN, FAN_OUT] = [400, 500];

describe('VarianceScaling presets', () => {
  it.each([
    ['GlorotUniform', new GlorotUniform({ seed: 1 }), 2 / (FAN_IN + FAN_OUT)],
    ['GlorotNormal', new GlorotNormal({ seed: 1 }), 2 / (FAN_IN + FAN_OUT)],
    ['HeNormal', new HeNormal({ seed: 1 }), 2 / FAN_IN],
    ['HeUniform', new HeUniform({ seed: 1 }), 2 / FAN_IN],
    ['LecunNormal', new LecunNormal({ seed: 1 }), 1 / FAN_IN],
    ['LecunUniform', new LecunUniform({ seed: 1 }), 1 / FAN_IN],
  ])('%s has the variance of its formula', (_, init, variance) => {
    const m = moments(init.generate(SHAPE));
    expect(Math.abs(m.mean)).toBeLessThan(0.01 * Math.sqrt(variance));
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.02);
  });

  it('uniform presets stay within their limits', () => {
    const glorotLimit = Math.sqrt(6 / (FAN_IN + FAN_OUT));
    const g = new GlorotUniform({ seed: 2 }).generate(SHAPE);
    expect(maxAbs(g)).toBeLessThanOrEqual(glorotLimit);
    expect(maxAbs(g)).toBeGreaterThan(0.999 * glorotLimit);
    expect(maxAbs(new HeUniform({ seed: 2 }).generate(SHAPE))).toBeLessThanOrEqual(Math.sqrt(6 / FAN_IN));
    expect(maxAbs(new LecunUniform({ seed: 2 }).generate(SHAPE))).toBeLessThanOrEqual(Math.sqrt(3 / FAN_IN));
  });

  it('truncated presets stay within 2 of their pre-truncation std', () => {
    const std = Math.sqrt(2 / FAN_IN) / 0.87962566103423978;
    expect(maxAbs(new HeNormal({ seed: 3 }).generate(SHAPE))).toBeLessThanOrEqual(Math.fround(2 * std));
  });

  it('have Keras configs with only the seed', () => {
    expect(new GlorotUniform().getConfig()).toEqual({ seed: null });
    expect(new HeNormal({ seed: 4 }).getConfig()).toEqual({ seed: 4 });
  });
});

describe('VarianceScaling', () => {
  it('uses fan_in / fan_out / fan_avg and untruncated normals', () => {
    const shape = [3, 3, 40, 60]; // conv kernel: fanIn 360, fanOut 540
    for (const [mode, n] of [
      ['fan_in', 360],
      ['fan_out', 540],
      ['fan_avg', 450],
    ] as const) {
      const init = new VarianceScaling({ scale: 3, mode, distribution: 'untruncated_normal', seed: 5 });
      expect(Math.abs(moments(init.generate(shape)).variance / (3 / n) - 1)).toBeLessThan(0.03);
    }
  });

  it('divides by max(1, n), as Keras does for empty fans', () => {
    const w = new VarianceScaling({ scale: 0.25, distribution: 'uniform', seed: 0 }).generate([0, 5]);
    expect(w.length).toBe(0);
    const scalar = new VarianceScaling({ scale: 0.25, distribution: 'uniform', seed: 0 }).generate([]);
    expect(scalar.length).toBe(1);
    expect(Math.abs(scalar[0]!)).toBeLessThanOrEqual(Math.sqrt(0.75));
  });

  it("accepts 'normal' as 'truncated_normal' and validates its options", () => {
    expect(new VarianceScaling({ distribution: 'normal' }).distribution).toBe('truncated_normal');
    expect(new VarianceScaling({ distribution: 'Uniform' as 'uniform' }).distribution).toBe('uniform');
    expect(() => new VarianceScaling({ scale: 0 })).toThrow(ValueError);
    expect(() => new VarianceScaling({ mode: 'fan_sum' as 'fan_in' })).toThrow(/fan_in, fan_out, fan_avg/);
    expect(() => new VarianceScaling({ distribution: 'cauchy' as 'uniform' })).toThrow(ValueError);
    expect(() => new VarianceScaling({ seed: 1.5 })).toThrow(ValueError);
  });

  it('has the Keras config', () => {
    expect(new VarianceScaling({ scale: 2, mode: 'fan_avg', seed: 3 }).getConfig()).toEqual({
      seed: 3,
      scale: 2,
      mode: 'fan_avg',
      distribution: 'truncated_normal',
    });
  });
});

describe('seeding', () => {
  it('a seeded initializer returns the same values on every call and for equal seeds', () => {
    const init = new GlorotUniform({ seed: 11 });
    const a = init.generate([20, 30]);
    expect(init.generate([20, 30])).toEqual(a);
    expect(new GlorotUniform({ seed: 11 }).generate([20, 30])).toEqual(a);
    expect(new GlorotUniform({ seed: 12 }).generate([20, 30])).not.toEqual(a);
  });

  it('an unseeded initializer draws anew each call, reproducibly under setRandomSeed', () => {
    const init = new GlorotUniform();
    setRandomSeed(99);
    const a = init.generate([20, 30]);
    const b = init.generate([20, 30]);
    expect(b).not.toEqual(a);
    setRandomSeed(99);
    expect(init.generate([20, 30])).toEqual(a);
    expect(new GlorotUniform().generate([20, 30])).toEqual(b);
  });

  it('call() makes a float32 tensor of the shape and refuses int32', () => {
    const init = new HeNormal({ seed: 1 });
    const t = init.call([4, 6]);
    expect(t.shape).toEqual([4, 6]);
    expect(t.dtype).toBe('float32');
    expect(t.dataSync()).toEqual(init.generate([4, 6]));
    expect(() => init.call([2, 2], 'int32')).toThrow(DTypeError);
    expect(() => init.call([2, -1])).toThrow(/non-negative integers/);
  });
});
