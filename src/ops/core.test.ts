import { expect, it } from 'vitest';
import { createTsBackend } from '../backends/ts/index.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { add, cast, mul, scalar, tensor } from './index.js';

forEachBackend('tensor() and scalar()', (backend) => {
  it('infers shape and dtype from nested arrays and typed arrays', () => {
    on(backend, () => {
      const t = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(t.shape).toEqual([2, 3]);
      expect(t.dtype).toBe('float32');
      expect(t.toArray()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
      expect(tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).toArray()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(tensor(5).shape).toEqual([]);
      expect(tensor(5).item()).toBe(5);
      expect(tensor([]).shape).toEqual([0]);
      expect(tensor([[], []]).shape).toEqual([2, 0]);
    });
  });
  it('int32 truncates toward zero; float32 rounds to single precision', () => {
    on(backend, () => {
      expect(tensor([1.9, -1.9, 2.5], undefined, 'int32').toArray()).toEqual([1, -1, 2]);
      expect(tensor([0.1]).dataSync()[0]).toBe(Math.fround(0.1));
    });
  });
  it('a tensor passed to tensor() is returned as is, or cast when a dtype is asked for', () => {
    on(backend, () => {
      const t = tensor([1.5, 2.5]);
      expect(tensor(t)).toBe(t);
      expect(tensor(t, undefined, 'int32').toArray()).toEqual([1, 2]);
    });
  });
  it('ragged input is a clear error naming the depth', () => {
    on(backend, () => {
      expect(() => tensor([[1, 2], [3]])).toThrow('tensor [2,2]: ragged nested array: length 1 at depth 1');
      expect(() => tensor([[1, 2], 3] as never)).toThrow(
        'tensor [2,2]: ragged nested array: a number at depth 1',
      );
      expect(() => tensor([1, [2]] as never)).toThrow('tensor [2]: ragged nested array: length 1 at depth 1');
      expect(() =>
        tensor([
          [[1], [2]],
          [[3], [4, 5]],
        ]),
      ).toThrow('ragged nested array: length 2 at depth 2');
      expect(() => tensor(['a'] as never)).toThrow('tensor: expected numbers or nested arrays, got string');
    });
  });
  it('a shape that does not fit the values is a clear error', () => {
    on(backend, () => {
      expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor [2,2]: shape needs 4 values, got 3');
      expect(() => tensor([1, 2], [-1, -2])).toThrow(
        'tensor [-1,-2]: dimensions must be non-negative integers',
      );
    });
  });
  it('scalar makes rank-0 tensors of either dtype', () => {
    on(backend, () => {
      expect(scalar(2.5).shape).toEqual([]);
      expect(scalar(3, 'int32').dtype).toBe('int32');
      expect(scalar(2.5).item()).toBe(2.5);
    });
  });
  it('plain numbers in ops take the other operand’s dtype when they fit it', () => {
    on(backend, () => {
      const i = tensor([1, 2], undefined, 'int32');
      expect(add(i, 1).dtype).toBe('int32');
      expect(add(1, i).dtype).toBe('int32');
      expect(add(i, 0.5).dtype).toBe('float32');
      expect(mul(tensor([1, 2]), 2).dtype).toBe('float32');
      expect(cast(i, 'int32')).toBe(i);
    });
  });
});

forEachBackend('backends', (backend) => {
  it('numbers in ops are made on the tensor’s backend, whichever backend is active', () => {
    const x = on(backend, () => tensor([1, 2]));
    const other = createTsBackend({ name: 'other' });
    on(other, () => expect(mul(2, x).toArray()).toEqual([2, 4]));
  });
  it('mixing tensors from two backends names the op and both backends', () => {
    const other = createTsBackend({ name: 'other' });
    const x = on(backend, () => tensor([1, 2]));
    const y = on(other, () => tensor([1, 2]));
    expect(() => add(x, y)).toThrow(`add: inputs live on different backends ('${backend.name}' and 'other')`);
  });
});
