import { describe, expect, it } from 'vitest';
import { TensileError } from '../../errors.js';
import { classBytes, sizeClass } from './allocator.js';
import { Heap } from './heap.js';

describe('wasm allocator', () => {
  it('size classes: 16-byte multiples, ≥ the request, at most 25% slack above 4 KiB, monotonic', () => {
    let previous = 0;
    for (let bytes = 0; bytes < 1 << 22; bytes = bytes < 5000 ? bytes + 1 : Math.ceil(bytes * 1.01)) {
      const cls = sizeClass(bytes);
      const size = classBytes(cls);
      expect(size % 16).toBe(0);
      expect(size).toBeGreaterThanOrEqual(Math.max(bytes, 16));
      if (bytes > 4096) expect(size).toBeLessThanOrEqual(bytes * 1.25 + 16);
      else expect(size - bytes).toBeLessThan(16 + (bytes === 0 ? 16 : 0));
      expect(cls).toBeGreaterThanOrEqual(previous);
      expect(sizeClass(size)).toBe(cls); // a class's own size maps back to it
      previous = cls;
    }
  });

  it('reuses a freed block for the next request of its class, most recent first', () => {
    const heap = new Heap();
    const a = heap.malloc(100);
    const b = heap.malloc(100);
    expect(a % 16).toBe(0);
    expect(b % 16).toBe(0);
    expect(b).not.toBe(a);
    heap.free(a);
    heap.free(b);
    expect(heap.malloc(97)).toBe(b); // 97 and 100 floats share a class
    expect(heap.malloc(100)).toBe(a);
    expect(heap.malloc(100)).not.toBe(a);
  });

  it('counts live bytes and returns to its baseline when everything is freed', () => {
    const heap = new Heap();
    const base = heap.allocator.bytesInUse;
    const ptrs = [1, 3, 4, 5, 1000, 1025, 50_000, 0].map((n) => heap.malloc(n));
    expect(heap.allocator.bytesInUse).toBeGreaterThan(base + 4 * 52_000);
    expect(heap.allocator.blocksInUse).toBe(8);
    for (const p of ptrs) heap.free(p);
    expect(heap.allocator.bytesInUse).toBe(base);
    expect(heap.allocator.blocksInUse).toBe(0);
  });

  it('grows linear memory on demand and re-derives its views (old data survives)', () => {
    const heap = new Heap();
    const small = heap.upload(Float32Array.of(1, 2, 3));
    const before = heap.allocator.capacity;
    const big = heap.malloc(before); // 4·capacity bytes: must grow
    expect(heap.allocator.capacity).toBeGreaterThan(before + 3 * before);
    expect(heap.f32.buffer.byteLength).toBe(heap.allocator.capacity);
    expect(Array.from(heap.viewOf(small, 3, 'float32'))).toEqual([1, 2, 3]);
    heap.fill(big, before, 7, 'float32');
    expect(heap.f32[(big >> 2) + before - 1]).toBe(7);
  });

  it('rejects a double free and a pointer it never handed out', () => {
    const heap = new Heap();
    const p = heap.malloc(8);
    heap.free(p);
    expect(() => heap.free(p)).toThrow(TensileError);
    expect(() => heap.free(p + 16)).toThrow(/unknown block/);
  });
});
