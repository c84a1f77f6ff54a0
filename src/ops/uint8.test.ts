import { expect, it, vi } from 'vitest';
import { DTypeError, ValueError } from '../errors.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import {
  add,
  argmax,
  broadcastTo,
  cast,
  concat,
  div,
  equal,
  fill,
  gather,
  matmul,
  max,
  mean,
  mul,
  neg,
  pad,
  range,
  relu,
  reshape,
  scalar,
  slice,
  stack,
  sum,
  tensor,
  transpose,
  where,
  zeros,
} from './index.js';

// golden: numpy 1.24 (x86-64)
//   np.array([-1, 0.5, 1.9, 255.9, 256, 300, -129, -0.7], np.float32).astype(np.uint8)
//   np.array([-1, 256, 257, 1000, -256, 255, 70000], np.int32).astype(np.uint8)
//   u = np.array([0, 1, 127, 128, 254, 255], np.uint8); (u / 255).astype(np.float32)
// biome-ignore format: golden values
const GOLDEN = {
  fromFloat: [255, 0, 1, 255, 0, 44, 127, 0],
  fromInt: [255, 0, 1, 232, 0, 255, 112],
  bytes: [0, 1, 127, 128, 254, 255],
  scaled: [0.0, 0.003921568859368563, 0.49803921580314636, 0.501960813999176, 0.9960784316062927, 1.0],
};

forEachBackend('uint8', (backend) => {
  it('is made from a Uint8Array or from numbers in 0..255, and read back as bytes', () => {
    on(backend, () => {
      const x = tensor(new Uint8Array([0, 7, 255]));
      expect(x.dtype).toBe('uint8');
      expect(x.dataSync()).toBeInstanceOf(Uint8Array);
      expect(x.toArray()).toEqual([0, 7, 255]);
      expect(x.ref!.bytes).toBe(3);
      const y = tensor(
        [
          [1, 2.7],
          [255, 0],
        ],
        undefined,
        'uint8',
      );
      expect([y.dtype, y.toArray()]).toEqual([
        'uint8',
        [
          [1, 2],
          [255, 0],
        ],
      ]);
      expect(scalar(200, 'uint8').item()).toBe(200);
      expect(zeros([5], 'uint8').toArray()).toEqual([0, 0, 0, 0, 0]);
    });
  });

  it('refuses numbers outside 0..255 at construction, naming the value', () => {
    on(backend, () => {
      expect(() => tensor([1, 256], undefined, 'uint8')).toThrow(ValueError);
      expect(() => tensor([1, 256], undefined, 'uint8')).toThrow(/value 256 at flat index 1.*uint8/);
      expect(() => tensor([-1], undefined, 'uint8')).toThrow(/value -1/);
      expect(() => tensor([Number.NaN], undefined, 'uint8')).toThrow(/value NaN/);
      expect(() => scalar(300, 'uint8')).toThrow(/value 300/);
      expect(() => fill([2], 256, 'uint8')).toThrow(/fill: value 256/);
      expect(() => range(250, 260, 1, 'uint8')).toThrow(/value 256 at flat index 6/);
    });
  });

  it('casts to uint8 wrapping modulo 256 as numpy astype does', () => {
    on(backend, () => {
      const f = tensor([-1, 0.5, 1.9, 255.9, 256, 300, -129, -0.7]);
      expect(cast(f, 'uint8').toArray()).toEqual(GOLDEN.fromFloat);
      const i = tensor([-1, 256, 257, 1000, -256, 255, 70000], undefined, 'int32');
      expect(cast(i, 'uint8').toArray()).toEqual(GOLDEN.fromInt);
      const u = tensor(Uint8Array.from(GOLDEN.bytes));
      expect([cast(u, 'int32').dtype, cast(u, 'int32').toArray()]).toEqual(['int32', GOLDEN.bytes]);
      expect([cast(u, 'float32').dtype, cast(u, 'float32').toArray()]).toEqual(['float32', GOLDEN.bytes]);
      expect(cast(u, 'uint8')).toBe(u);
    });
  });

  it('divides to float32 straight from the bytes, with no int32 copy', () => {
    on(backend, () => {
      const u = tensor(Uint8Array.from(GOLDEN.bytes), [2, 3]);
      const casts = vi.spyOn(backend, 'cast');
      const y = div(u, 255);
      expect(casts.mock.calls.map(([x, to]) => `${x.dtype}→${to}`)).toEqual([
        'uint8→float32',
        'int32→float32',
      ]);
      casts.mockRestore();
      expect(y.dtype).toBe('float32');
      expect(Array.from(y.dataSync())).toEqual(GOLDEN.scaled);
      // The same values as casting first, bit for bit.
      expect(y.dataSync()).toEqual(div(cast(u, 'float32'), 255).dataSync());
    });
  });

  it('promotes: with int32 or uint8 to int32, with float32 to float32', () => {
    on(backend, () => {
      const u = tensor(new Uint8Array([200, 100]));
      const s = add(u, u);
      expect([s.dtype, s.toArray()]).toEqual(['int32', [400, 200]]); // numpy wraps to [144, 200]
      expect(add(u, tensor([1, -1], undefined, 'int32')).toArray()).toEqual([201, 99]);
      expect(add(u, 300).dtype).toBe('int32');
      const m = mul(u, 0.5);
      expect([m.dtype, m.toArray()]).toEqual(['float32', [100, 50]]);
      expect(neg(u).toArray()).toEqual([-200, -100]);
      expect(relu(u).dtype).toBe('int32');
      expect(equal(u, 100).toArray()).toEqual([0, 1]);
      expect(where(tensor(new Uint8Array([0, 3])), 1, 2).toArray()).toEqual([2, 1]);
      expect([sum(u).dtype, sum(u).item(), max(u).item()]).toEqual(['int32', 300, 200]);
      expect([mean(u).dtype, mean(u).item()]).toEqual(['float32', 150]);
      expect(argmax(tensor(new Uint8Array([1, 9, 3]))).item()).toBe(1);
    });
  });

  it('keeps uint8 through reshape, slice, gather, concat, stack and transpose', () => {
    on(backend, () => {
      const bytes = Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256);
      const x = tensor(bytes, [2, 3, 4]);
      const ref = cast(x, 'int32');
      const same = (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => {
        expect(a.dtype).toBe('uint8');
        expect(a.shape).toEqual(b.shape);
        expect(a.toArray()).toEqual(b.toArray());
      };
      same(reshape(x, [6, 4]), reshape(ref, [6, 4]));
      same(slice(x, [1, 1, 1], [1, 2, 3]), slice(ref, [1, 1, 1], [1, 2, 3]));
      // Odd sizes and offsets: packed bytes must not spill into neighbouring elements.
      same(slice(x, [0, 0, 3], [2, 3, 1]), slice(ref, [0, 0, 3], [2, 3, 1]));
      const idx = tensor([2, 0, 2], undefined, 'int32');
      same(gather(x, idx, 1), gather(ref, idx, 1));
      same(gather(x, tensor(new Uint8Array([1, 0])), 0), gather(ref, tensor([1, 0], undefined, 'int32'), 0));
      same(
        concat([x, slice(x, [0, 0, 0], [2, 1, 4])], 1),
        concat([ref, slice(ref, [0, 0, 0], [2, 1, 4])], 1),
      );
      same(stack([x, x], 1), stack([ref, ref], 1));
      same(transpose(x, [2, 0, 1]), transpose(ref, [2, 0, 1]));
      same(transpose(reshape(x, [6, 4])), transpose(reshape(ref, [6, 4])));
      // Mixed dtypes promote as arithmetic does.
      expect(concat([x, ref], 0).dtype).toBe('int32');
    });
  });

  it('refuses uint8 in the ops that do not promote, with an error naming the op', () => {
    on(backend, () => {
      const u = tensor(new Uint8Array([1, 2, 3, 4]), [2, 2]);
      // matmul promotes every operand to float32.
      expect(matmul(u, u).toArray()).toEqual([
        [7, 10],
        [15, 22],
      ]);
      expect(() =>
        pad(u, [
          [1, 1],
          [0, 0],
        ]),
      ).toThrow(DTypeError);
      expect(() =>
        pad(u, [
          [1, 1],
          [0, 0],
        ]),
      ).toThrow(/pad.*uint8 tensors are not supported/);
      expect(() => broadcastTo(u, [3, 2, 2])).toThrow(/broadcastTo.*uint8/);
    });
  });
});
