import { afterAll, describe, expect, it } from 'vitest';
import { withBackend } from '../../backend/select.js';
import { cast, concat, div, gather, reshape, slice, tensor, transpose } from '../../ops/index.js';
import { createWasmBackend } from './index.js';

const single = createWasmBackend();
const threaded = createWasmBackend({ threads: 2 });
afterAll(() => threaded.close());

for (const backend of [single, threaded]) {
  describe(`uint8 storage [wasm, ${backend.threads} thread(s)]`, () => {
    it('packs four bytes to a 4-byte slot', () => {
      withBackend(backend, () => {
        const before = backend.heapBytes();
        const x = tensor(new Uint8Array(4000).fill(9));
        // 1000 slots of 4 bytes (the allocator rounds blocks up to 16 bytes), not 4000.
        expect(backend.heapBytes() - before).toBe(4000);
        expect(x.ref!.bytes).toBe(4000);
        x.dispose();
        expect(backend.heapBytes()).toBe(before);
      });
    });

    it('moves bytes at unaligned offsets without touching neighbours', () => {
      withBackend(backend, () => {
        const bytes = Uint8Array.from({ length: 7 * 5 }, (_, i) => 255 - i);
        const x = tensor(bytes, [7, 5]);
        const ref = cast(x, 'int32');
        const rows = tensor([6, 1, 3], undefined, 'int32');
        const cols = tensor([4, 0, 3], undefined, 'int32');
        const cases = [
          [slice(x, [1, 1], [5, 3]), slice(ref, [1, 1], [5, 3])],
          [gather(x, rows), gather(ref, rows)],
          [gather(x, cols, 1), gather(ref, cols, 1)],
          [concat([x, slice(x, [0, 0], [3, 5])]), concat([ref, slice(ref, [0, 0], [3, 5])])],
          [transpose(x), transpose(ref)],
        ];
        for (const [got, want] of cases) {
          expect(got!.dtype).toBe('uint8');
          expect(got!.toArray()).toEqual(want!.toArray());
        }
        // The source is untouched, and scaling reads the same bytes the ts reference does.
        expect(x.dataSync()).toEqual(bytes);
        const scaled = div(reshape(x, [35]), 255).dataSync();
        expect(scaled).toEqual(Float32Array.from(bytes, (b) => Math.fround(b / 255)));
      });
    });
  });
}
