import { expect, it } from 'vitest';
import { add, exp, matmul, mul, reshape, sum, tensor } from '../ops/index.js';
import { liveStats, type Tensor, Variable } from '../tensor/tensor.js';
import { BACKENDS, forEachBackend, on } from '../test-utils/backends.js';
import { copyToBackend, keep, scope } from './engine.js';

const snapshot = () => ({ storages: liveStats.storages, tensors: liveStats.tensors, bytes: liveStats.bytes });

forEachBackend('scope', (backend) => {
  it('frees intermediates and keeps the returned tensor; live stats return to baseline', () => {
    on(backend, () => {
      const base = snapshot();
      let inner: Tensor[] = [];
      const y = scope(() => {
        const a = tensor([1, 2, 3]);
        const b = exp(a);
        inner = [a, b];
        return add(a, b);
      });
      expect(inner.every((t) => t.isDisposed)).toBe(true);
      expect(y.isDisposed).toBe(false);
      expect(snapshot()).toEqual({
        storages: base.storages + 1,
        tensors: base.tensors + 1,
        bytes: base.bytes + 12,
      });
      y.dispose();
      expect(snapshot()).toEqual(base);
    });
  });
  it('keeps tensors inside returned arrays and plain objects', () => {
    on(backend, () => {
      const base = snapshot();
      const out = scope(() => {
        const a = tensor([1, 2]);
        const junk = mul(a, 10);
        return { pair: [add(a, 1), mul(a, 2)], label: 'x', nested: { t: a }, junk: junk.size };
      });
      expect(out.pair.map((t) => t.toArray())).toEqual([
        [2, 3],
        [2, 4],
      ]);
      expect(out.nested.t.toArray()).toEqual([1, 2]);
      expect(liveStats.tensors).toBe(base.tensors + 3);
    });
  });
  it('nested scopes hand returned tensors to the enclosing scope, which frees them unless returned', () => {
    on(backend, () => {
      const base = snapshot();
      let fromInner: Tensor | null = null;
      const result = scope(() => {
        fromInner = scope(() => mul(tensor([1, 2]), 2));
        expect(fromInner.isDisposed).toBe(false);
        return scope(() => add(fromInner!, 1));
      });
      expect(fromInner!.isDisposed).toBe(true);
      expect(result.toArray()).toEqual([3, 5]);
      expect(liveStats.tensors).toBe(base.tensors + 1);
    });
  });
  it('variables survive scopes, including ones created inside', () => {
    on(backend, () => {
      const outer = new Variable(tensor([1, 2]));
      const inner = scope(() => {
        const v = new Variable(add(outer, 1));
        mul(v, outer);
        return [v.name];
      });
      expect(outer.isDisposed).toBe(false);
      expect(inner).toHaveLength(1);
      expect(outer.toArray()).toEqual([1, 2]);
    });
  });
  it('a variable made inside a scope keeps its storage after the scope frees its initial tensor', () => {
    on(backend, () => {
      const base = snapshot();
      const v = scope(() => new Variable(mul(tensor([1, 2]), 3)));
      expect(v.toArray()).toEqual([3, 6]);
      expect(liveStats.storages).toBe(base.storages + 1);
    });
  });
  it('assign releases the old storage', () => {
    on(backend, () => {
      const v = scope(() => new Variable(tensor([1, 2, 3])));
      const base = snapshot();
      for (let step = 0; step < 5; step++) scope(() => v.assign(add(v, 1)));
      expect(v.toArray()).toEqual([6, 7, 8]);
      expect(snapshot()).toEqual(base);
      expect(() => v.assign(tensor([1, 2]))).toThrow(`assign to ${v.name} [3] · [2]: shapes differ`);
      expect(() => v.assign(tensor([1, 2, 3], undefined, 'int32'))).toThrow(
        `assign to ${v.name}: dtype int32 ≠ float32`,
      );
    });
  });
  it('reshape views share storage and the storage lives until the last view goes', () => {
    on(backend, () => {
      const base = snapshot();
      const view = scope(() => reshape(tensor([1, 2, 3, 4]), [2, 2]));
      expect(view.toArray()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(liveStats.storages).toBe(base.storages + 1);
      view.dispose();
      expect(snapshot()).toEqual(base);
    });
  });
  it('a training-like loop keeps live storage flat', () => {
    on(backend, () => {
      const w = new Variable(
        tensor([
          [0.1, 0.2],
          [0.3, 0.4],
        ]),
      );
      const x = tensor([[1, 2]]);
      scope(() => w.assign(add(w, 0)));
      const base = snapshot();
      for (let step = 0; step < 20; step++) {
        scope(() => {
          const loss = sum(matmul(x, w));
          w.assign(add(w, mul(loss, 1e-3)));
        });
      }
      expect(snapshot()).toEqual(base);
    });
  });
  it('frees what the scope made when fn throws, and rethrows', () => {
    on(backend, () => {
      const base = snapshot();
      expect(() =>
        scope(() => {
          tensor([1, 2]);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(snapshot()).toEqual(base);
    });
  });
  it('a scope function that returns a Promise is an error', () => {
    on(backend, () => {
      expect(() => scope(async () => 1)).toThrow(
        'scope(fn): fn must be synchronous; scopes cannot span an await',
      );
    });
  });
  it('keep() lets a tensor outlive its scope', () => {
    on(backend, () => {
      let kept: Tensor | null = null;
      scope(() => {
        kept = keep(exp(tensor([0])));
      });
      expect(kept!.isDisposed).toBe(false);
      expect(kept!.toArray()).toEqual([1]);
    });
  });
  it('using a disposed tensor names the op', () => {
    on(backend, () => {
      const t = tensor([[1, 2]]);
      t.dispose();
      t.dispose(); // idempotent
      expect(() => add(t, 1)).toThrow(`add: tensor ${t.id} was disposed`);
      expect(() => exp(t)).toThrow(`exp: tensor ${t.id} was disposed`);
      expect(() => matmul(t, tensor([[1], [2]]))).toThrow(`matmul: tensor ${t.id} was disposed`);
      expect(() => reshape(t, [2, 1])).toThrow(`reshape: tensor ${t.id} was disposed`);
      expect(() => t.toArray()).toThrow(`dataSync: tensor ${t.id} was disposed`);
      expect(String(t)).toBe('Tensor(disposed, shape=[1,2], dtype=float32)');
    });
  });
});

forEachBackend('copyToBackend', (backend) => {
  const other = BACKENDS.find((b) => b !== backend)!;
  it('returns the tensor itself when it already lives there, else a copy on the target', () => {
    const t = on(backend, () =>
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(copyToBackend(t, backend)).toBe(t);
    const moved = copyToBackend(t, other);
    expect([moved.backend, moved.shape, moved.dtype]).toEqual([other, [2, 2], 'float32']);
    expect(moved.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const ints = copyToBackend(
      on(backend, () => tensor([5, -6], undefined, 'int32')),
      other,
    );
    expect([ints.dtype, ints.toArray()]).toEqual(['int32', [5, -6]]);
  });
  it('a copy made inside a scope is freed with it; a disposed source names the op', () => {
    const t = on(backend, () => tensor([1, 2]));
    const before = snapshot();
    scope(() => copyToBackend(t, other).item.length);
    expect(snapshot()).toEqual(before);
    t.dispose();
    expect(() => copyToBackend(t, other)).toThrow(`copyToBackend: tensor ${t.id} was disposed`);
  });
});
