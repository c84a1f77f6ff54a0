import { describe, expect, it } from 'vitest';
import { copyToBackend } from '../engine/engine.js';
import { tensor } from '../ops/index.js';
import { BACKENDS, forEachBackend, on } from '../test-utils/backends.js';
import { allocArray, bytesPerElement, dtypeOfArray, upcast } from './dtype.js';
import { broadcastShapes, inferReshape, normalizeAxes, reducedShape, sizeOf, stridesOf } from './shape.js';
import { liveStats, Variable } from './tensor.js';

forEachBackend('Tensor', (backend) => {
  it('exposes shape, rank, size, dtype and its backend', () => {
    on(backend, () => {
      const t = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect([t.shape, t.rank, t.size, t.dtype]).toEqual([[2, 3], 2, 6, 'float32']);
      expect(t.backend).toBe(backend);
    });
  });
  it('dataSync returns a copy that the caller may change', () => {
    on(backend, () => {
      const t = tensor([1, 2, 3]);
      const values = t.dataSync();
      values[0] = 100;
      expect(t.toArray()).toEqual([1, 2, 3]);
      expect(tensor([1], undefined, 'int32').dataSync()).toBeInstanceOf(Int32Array);
    });
  });
  it('toArray nests by shape; item reads a single value', () => {
    on(backend, () => {
      expect(tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]).toArray()).toEqual([
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ]);
      expect(tensor([[7]]).item()).toBe(7);
      expect(() => tensor([1, 2]).item()).toThrow('item [2]: tensor has more than one element');
    });
  });
  it('toString previews small tensors', () => {
    on(backend, () => {
      expect(String(tensor([1, 2]))).toBe('Tensor(shape=[2], dtype=float32, [1,2])');
      expect(String(tensor(new Float32Array(30)))).toBe('Tensor(shape=[30], dtype=float32, 30 values)');
    });
  });
  it('Symbol.dispose frees the tensor (for `using`)', () => {
    on(backend, () => {
      const t = tensor([1]);
      t[Symbol.dispose]();
      expect(t.isDisposed).toBe(true);
    });
  });
  it('Variable has a unique default name, is trainable by default, and shares the initial storage', () => {
    on(backend, () => {
      const init = tensor([1, 2]);
      const [a, b] = [new Variable(init), new Variable(init, { name: 'w', trainable: false })];
      expect(a.name).not.toBe(new Variable(init).name);
      expect([a.trainable, b.name, b.trainable]).toEqual([true, 'w', false]);
      expect(a.ref).toBe(init.ref);
      init.dispose();
      expect(a.toArray()).toEqual([1, 2]);
    });
  });
});

describe('shape helpers', () => {
  it('sizeOf and stridesOf', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
  });
  it('broadcastShapes follows numpy and names the op on failure', () => {
    expect(broadcastShapes('add', [3, 1], [1, 4])).toEqual([3, 4]);
    expect(broadcastShapes('add', [2, 3, 4], [4])).toEqual([2, 3, 4]);
    expect(broadcastShapes('add', [2, 1, 4], [3, 1])).toEqual([2, 3, 4]);
    expect(broadcastShapes('add', [], [2])).toEqual([2]);
    expect(broadcastShapes('add', [0], [1])).toEqual([0]);
    expect(() => broadcastShapes('sub', [2, 3], [3, 2])).toThrow(
      'sub [2,3] · [3,2]: cannot broadcast dim 2 against 3',
    );
  });
  it('normalizeAxes sorts, dedupes and resolves negative axes', () => {
    expect(normalizeAxes('sum', [-1, 0, 2], 3)).toEqual([0, 2]);
    expect(normalizeAxes('sum', undefined, 2)).toEqual([0, 1]);
    expect(() => normalizeAxes('sum', [3], 3)).toThrow('sum: axis 3 is out of range for a rank-3 tensor');
  });
  it('reducedShape drops or keeps reduced axes', () => {
    expect(reducedShape([2, 3, 4], [0, 2], false)).toEqual([3]);
    expect(reducedShape([2, 3, 4], [0, 2], true)).toEqual([1, 3, 1]);
  });
  it('inferReshape fills in -1 and checks sizes', () => {
    expect(inferReshape('reshape', [2, 3, 4], [-1, 4])).toEqual([6, 4]);
    expect(inferReshape('reshape', [0, 3], [3, 0])).toEqual([3, 0]);
    expect(() => inferReshape('reshape', [2, 3], [4, -1])).toThrow('reshape [2,3] · [4,-1]: cannot infer -1');
  });
  it('upcast promotes int32 with float32 to float32', () => {
    expect(upcast('int32', 'int32')).toBe('int32');
    expect(upcast('int32', 'float32')).toBe('float32');
  });
  it('uint8 promotes to int32 with integers (even with itself) and to float32 with floats', () => {
    expect(upcast('uint8', 'uint8')).toBe('int32');
    expect(upcast('uint8', 'int32')).toBe('int32');
    expect(upcast('int32', 'uint8')).toBe('int32');
    expect(upcast('uint8', 'float32')).toBe('float32');
    expect([bytesPerElement('uint8'), bytesPerElement('int32'), bytesPerElement('float32')]).toEqual([
      1, 4, 4,
    ]);
    expect(allocArray('uint8', 3)).toBeInstanceOf(Uint8Array);
    expect(dtypeOfArray(new Uint8Array(1))).toBe('uint8');
    expect(dtypeOfArray(new Int32Array(1))).toBe('int32');
  });
});

forEachBackend('uint8 storage', (backend) => {
  it('moves between backends and counts one byte per element', () => {
    const other = BACKENDS.find((b) => b !== backend)!;
    const before = liveStats.bytes;
    const x = on(backend, () => tensor(new Uint8Array([3, 1, 4, 1, 5])));
    expect(liveStats.bytes - before).toBe(5);
    const moved = copyToBackend(x, other);
    expect([moved.backend, moved.dtype, moved.toArray()]).toEqual([other, 'uint8', [3, 1, 4, 1, 5]]);
  });
});

forEachBackend('Variable across backends', (backend) => {
  const other = BACKENDS.find((b) => b !== backend)!;
  it("assign copies a value from another backend onto the variable's own", () => {
    const initial = on(backend, () => tensor([0, 0, 0]));
    const v = new Variable(initial);
    initial.dispose(); // the variable now holds the only reference to its storage
    const value = on(other, () => tensor([1.5, -2, 3]));
    const storages = liveStats.storages;
    v.assign(value);
    expect(v.backend).toBe(backend);
    expect(v.ref!.backend).toBe(backend);
    expect(v.ref).not.toBe(value.ref); // a copy, never shared across backends
    expect(v.toArray()).toEqual([1.5, -2, 3]);
    expect(liveStats.storages).toBe(storages); // the copy replaced the old storage, which was freed
    value.dispose();
    expect(v.toArray()).toEqual([1.5, -2, 3]);
    const ints = on(backend, () => new Variable(tensor([0, 0], undefined, 'int32')));
    ints.assign(on(other, () => tensor([7, -8], undefined, 'int32')));
    expect([ints.backend, ints.toArray()]).toEqual([backend, [7, -8]]);
  });
  it('assign from another backend still checks shape and dtype first', () => {
    const v = on(backend, () => new Variable(tensor([0, 0]), { name: 'w' }));
    expect(() => v.assign(on(other, () => tensor([1, 2, 3])))).toThrow(
      'assign to w [2] · [3]: shapes differ',
    );
    expect(() => v.assign(on(other, () => tensor([1, 2], undefined, 'int32')))).toThrow(
      'assign to w: dtype int32 ≠ float32',
    );
  });
});
