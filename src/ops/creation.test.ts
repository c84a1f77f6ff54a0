import { expect, it } from 'vitest';
import { expectClose } from '../test-utils/assert.js';
import { BACKENDS, forEachBackend, on } from '../test-utils/backends.js';
import {
  add,
  fill,
  gather,
  matmul,
  oneHot,
  ones,
  onesLike,
  range,
  tensor,
  where,
  zeros,
  zerosLike,
} from './index.js';

// golden: NumPy output of
//   golden = dict(r5=np.arange(0, 5), r_step=np.arange(1, 10, 3), r_neg=np.arange(5, 0, -2),
//     r_float=np.arange(0, 1, 0.25), r_empty=np.arange(3, 1))
// biome-ignore format: golden values
const RANGE = {
  r5: [0, 1, 2, 3, 4],
  r_step: [1, 4, 7],
  r_neg: [5, 3, 1],
  r_float: [0, 0.25, 0.5, 0.75],
  r_empty: [],
};

forEachBackend('creation', (backend) => {
  it('fill, zeros, ones and their -Like forms', () => {
    on(backend, () => {
      expect(fill([2, 2], 7).toArray()).toEqual([
        [7, 7],
        [7, 7],
      ]);
      expect(zeros([3]).toArray()).toEqual([0, 0, 0]);
      expect(ones([2], 'int32').dtype).toBe('int32');
      expect(ones([]).item()).toBe(1);
      expect(zeros([2, 0]).shape).toEqual([2, 0]);
      const i = tensor([[1, 2]], undefined, 'int32');
      expect(zerosLike(i).dtype).toBe('int32');
      expect(zerosLike(i).shape).toEqual([1, 2]);
      expect(onesLike(tensor([5, 6])).toArray()).toEqual([1, 1]);
    });
  });
  it('range matches numpy.arange; int32 when every argument is an integer', () => {
    on(backend, () => {
      expect(range(0, 5).toArray()).toEqual(RANGE.r5);
      expect(range(0, 5).dtype).toBe('int32');
      expect(range(1, 10, 3).toArray()).toEqual(RANGE.r_step);
      expect(range(5, 0, -2).toArray()).toEqual(RANGE.r_neg);
      expectClose(range(0, 1, 0.25), RANGE.r_float);
      expect(range(0, 1, 0.25).dtype).toBe('float32');
      expect(range(3, 1).toArray()).toEqual(RANGE.r_empty);
    });
  });
  it('bad arguments name the op', () => {
    on(backend, () => {
      expect(() => range(0, 1, 0)).toThrow('range: step must not be 0');
      expect(() => fill([2, -1], 0)).toThrow('fill [2,-1]: dimensions must be non-negative integers');
      expect(() => zeros([1.5])).toThrow('fill [1.5]: dimensions must be non-negative integers');
    });
  });
});

forEachBackend('creation: where new tensors live', (backend) => {
  const other = BACKENDS.find((b) => b !== backend)!;
  it("-Like helpers follow their operand's backend, not the selected one", () => {
    const t = on(backend, () => tensor([[1, 2, 3]], undefined, 'int32'));
    on(other, () => {
      for (const made of [zerosLike(t), onesLike(t)]) {
        expect(made.backend).toBe(backend);
        expect([made.shape, made.dtype]).toEqual([[1, 3], 'int32']);
      }
      expect(zerosLike(t).toArray()).toEqual([[0, 0, 0]]);
      expect(onesLike(t).toArray()).toEqual([[1, 1, 1]]);
    });
  });
  it('helpers without operands use the selected backend unless { backend } names one', () => {
    on(other, () => {
      expect(zeros([2]).backend).toBe(other);
      expect(tensor([1, 2]).backend).toBe(other);
      const made = [
        fill([2], 3, 'float32', { backend }),
        zeros([2], 'float32', { backend }),
        ones([2], 'int32', { backend }),
        range(0, 2, 1, undefined, { backend }),
        tensor([4, 5], undefined, undefined, { backend }),
      ];
      for (const t of made) expect(t.backend).toBe(backend);
      expect(made.map((t) => t.toArray())).toEqual([
        [3, 3],
        [0, 0],
        [1, 1],
        [0, 1],
        [4, 5],
      ]);
    });
  });
  it("arrays given to ops are made on the tensor operand's backend", () => {
    const x = on(backend, () => tensor([[1, 2]]));
    on(other, () => {
      expect(add(x, [10, 20]).toArray()).toEqual([[11, 22]]);
      expect(matmul([[1, 1]], tensor([[1], [2]], undefined, undefined, { backend })).toArray()).toEqual([
        [3],
      ]);
      expect(gather(x, [1, 0], 1).toArray()).toEqual([[2, 1]]);
      expect(oneHot(tensor([1], undefined, 'int32', { backend }), 3).backend).toBe(backend);
      expect(where([[1, 0]], x, 0).toArray()).toEqual([[1, 0]]);
    });
  });
  it('mixing backends names the op, both backends and the shapes', () => {
    const x = on(backend, () => tensor([[1, 2]]));
    const y = on(other, () => tensor([[1], [2]]));
    expect(() => matmul(x, y)).toThrow(
      `matmul: inputs live on different backends ('${backend.name}' and '${other.name}'); ` +
        `shapes [1,2] on '${backend.name}', [2,1] on '${other.name}'`,
    );
  });
});
