import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/select.js';
import { ShapeError, ValueError } from '../errors.js';
import { Constant, Identity, Ones, Zeros } from './constant.js';

beforeAll(() => setBackend('ts'));

describe('constant initializers', () => {
  it('Zeros, Ones and Constant fill exactly', () => {
    expect(new Zeros().generate([2, 3])).toEqual(new Float32Array(6));
    expect(new Ones().generate([2, 2, 2])).toEqual(new Float32Array(8).fill(1));
    expect(new Constant({ value: 0.1 }).generate([3])).toEqual(new Float32Array([0.1, 0.1, 0.1]));
    expect(new Constant().generate([2])).toEqual(new Float32Array([0, 0]));
    expect(new Zeros().generate([])).toEqual(new Float32Array(1));
    expect(() => new Constant({ value: [1, 2] as unknown as number })).toThrow(ValueError);
  });

  it('Identity is gain·I for rank-2 shapes, rectangular included', () => {
    expect(new Identity().generate([2, 2])).toEqual(new Float32Array([1, 0, 0, 1]));
    expect(new Identity({ gain: 3 }).generate([3, 2])).toEqual(new Float32Array([3, 0, 0, 3, 0, 0]));
    expect(() => new Identity().generate([2, 2, 2])).toThrow(ShapeError);
  });

  it('make float32 or int32 tensors', () => {
    const t = new Constant({ value: 2.7 }).call([2, 2], 'int32');
    expect(t.dtype).toBe('int32');
    expect(t.dataSync()).toEqual(new Int32Array([2, 2, 2, 2]));
    expect(new Ones().call([3]).dataSync()).toEqual(new Float32Array([1, 1, 1]));
  });

  it('have Keras configs', () => {
    expect(new Zeros().getConfig()).toEqual({});
    expect(new Ones().getConfig()).toEqual({});
    expect(new Constant({ value: 5 }).getConfig()).toEqual({ value: 5 });
    expect(new Identity().getConfig()).toEqual({ gain: 1 });
  });
});
