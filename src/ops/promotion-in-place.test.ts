import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import { withBackend } from '../backend/select.js';
import { createWasmBackend } from '../backends/wasm/index.js';
import { Variable } from '../tensor/tensor.js';
import { cast, div, mul, sub, sum, tensor } from './index.js';

// div(int32 image, 255) computes into the float32 promotion copy (the wasm backend's binaryInPlace):
// the same values as cast-then-divide, the int32 input untouched, and one float32 array at the peak.
describe('binary ops on a promoted int32 operand, computed in place', () => {
  it('gives the same bits as cast then divide, and leaves the int32 input as it was', () => {
    withBackend(createWasmBackend(), () => {
      const pixels = Int32Array.from({ length: 1001 }, (_, i) => (i * 37) % 256);
      const x = tensor(pixels, [7, 11, 13], 'int32');
      const y = div(x, 255);
      const reference = Float32Array.from(pixels, (v) => Math.fround(v / 255));
      expect(y.dtype).toBe('float32');
      expect(y.shape).toEqual([7, 11, 13]);
      expect(Array.from(y.dataSync())).toEqual(Array.from(reference));
      expect(Array.from(x.dataSync())).toEqual(Array.from(pixels));
      // Broadcasting a row operand over the promoted copy, and other ops, go the same way.
      const row = tensor(
        Float32Array.from({ length: 13 }, (_, i) => i + 0.5),
        [13],
      );
      const z = sub(x, row);
      expect(z.dataSync()[14]).toBe(pixels[14]! - 1.5);
      expect(Array.from(mul(x, 0.5).dataSync()).slice(0, 3)).toEqual([0, 18.5, 37]);
    });
  });

  it('holds one float32 copy at the peak, not two', () => {
    const wasm = createWasmBackend();
    withBackend(wasm, () => {
      const n = 1 << 18; // 1 MB per array
      const x = tensor(new Int32Array(n).fill(3), [n], 'int32');
      const before = wasm.heapBytes();
      let peak = before;
      const binary = wasm.binary.bind(wasm);
      // Any out-of-place binary kernel would allocate a second float32 array while the copy is live.
      wasm.binary = (...args) => {
        peak = Math.max(peak, wasm.heapBytes() + 4 * n);
        return binary(...args);
      };
      const y = div(x, 255);
      wasm.binary = binary;
      expect(y.dataSync()[0]).toBe(Math.fround(3 / 255));
      expect(peak).toBe(before);
      expect(wasm.heapBytes() - before).toBeGreaterThanOrEqual(4 * n);
      expect(wasm.heapBytes() - before).toBeLessThan(4 * n + 4096);
    });
  });

  it('keeps the promoted copy when b is being differentiated (its gradient needs a)', () => {
    withBackend(createWasmBackend(), () => {
      const x = tensor([2, 4, 6], [3], 'int32');
      const b = new Variable(tensor([2], [1]));
      const { value, grads } = valueAndGrads(() => sum(div(x, b)), [b]);
      expect(value.item()).toBe(6);
      // d/db Σ x/b = -Σ x / b² = -12 / 4
      expect(grads[0]!.dataSync()[0]).toBe(-3);
      expect(Array.from(cast(x, 'float32').dataSync())).toEqual([2, 4, 6]);
    });
  });
});
