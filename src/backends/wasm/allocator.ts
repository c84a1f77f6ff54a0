import { TensileError } from '../../errors.js';
import type { WasmMemory } from './kernels.js';

const PAGE = 65536;
/** Blocks are multiples of 16 bytes, so every storage is 16-byte aligned for v128 loads. */
const ALIGN = 16;
/** Up to this size, classes are every multiple of 16 bytes; above it, 4 classes per power of two. */
const SMALL = 4096;
const SMALL_CLASSES = SMALL / ALIGN;
/** wasm32 addresses stop at 4 GiB. */
const MAX_BYTES = 2 ** 32;
/** 2^i by lookup: `2 ** e` with a variable e calls a floating-point pow on every allocation. */
const POW2 = Array.from({ length: 33 }, (_, i) => 2 ** i);

/**
 * The size class of a request: exact 16-byte steps up to 4 KiB (the many tiny tensors of the RNN
 * steps waste nothing), then quarter steps between powers of two (at most 25% slack on big ones).
 */
export function sizeClass(bytes: number): number {
  if (bytes <= SMALL) return Math.max(1, Math.ceil(bytes / ALIGN));
  const e = 31 - Math.clz32(bytes - 1); // 2^e < bytes ≤ 2^(e+1)
  const step = POW2[e - 2]!;
  return SMALL_CLASSES + (e - 12) * 4 + Math.ceil(bytes / step) - 4;
}

/** The block size of a class. */
export function classBytes(cls: number): number {
  if (cls <= SMALL_CLASSES) return cls * ALIGN;
  const q = cls - SMALL_CLASSES - 1;
  const e = 12 + Math.floor(q / 4);
  return POW2[e]! + ((q % 4) + 1) * POW2[e - 2]!;
}

/**
 * The wasm backend's allocator over the module's linear memory. All bookkeeping lives in JS: a free
 * list (a stack, so the most recently freed, cache-warm block is reused first) per size class, a bump
 * pointer above the highest block, and `memory.grow` when the bump pointer runs past the end.
 * Training repeats the same shapes every step, so after the first step every request is a pop.
 * Freed blocks are never merged or returned; a later milestone can compact between epochs.
 */
export class Allocator {
  private readonly freeLists: number[][] = [];
  /** Live block → its size class; also what catches a double or foreign free. */
  private readonly live = new Map<number, number>();
  private top: number;
  private liveBytes = 0;

  /** `onGrow` runs after every growth: the memory's ArrayBuffer was replaced and views must be re-made. */
  constructor(
    private readonly memory: WasmMemory,
    base: number,
    private readonly onGrow: () => void,
  ) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** A 16-byte aligned block of at least `bytes` bytes (at least 16, so every block has its own address). */
  alloc(bytes: number): number {
    const cls = sizeClass(bytes);
    let ptr = this.freeLists[cls]?.pop();
    if (ptr === undefined) ptr = this.bump(classBytes(cls));
    this.live.set(ptr, cls);
    this.liveBytes += classBytes(cls);
    return ptr;
  }

  free(ptr: number): void {
    const cls = this.live.get(ptr);
    if (cls === undefined) throw new TensileError(`wasm backend: free of unknown block ${ptr}`);
    this.live.delete(ptr);
    this.liveBytes -= classBytes(cls);
    (this.freeLists[cls] ??= []).push(ptr);
  }

  /** Permanent memory for the backend's own use (kernel parameters, GEMM scratch): never freed, not counted. */
  reserve(bytes: number): number {
    return this.bump(Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN);
  }

  /** Bytes in live blocks (block sizes, so slack counts). */
  get bytesInUse(): number {
    return this.liveBytes;
  }

  /** Blocks currently allocated. */
  get blocksInUse(): number {
    return this.live.size;
  }

  /** Bytes of linear memory, free lists and reserved areas included. */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  private bump(size: number): number {
    const ptr = this.top;
    const end = ptr + size;
    if (end > this.memory.buffer.byteLength) this.grow(end);
    this.top = end;
    return ptr;
  }

  private grow(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > MAX_BYTES) {
      throw new TensileError(
        `wasm backend: out of memory (${end} bytes needed, wasm32 memory ends at 4 GiB)`,
      );
    }
    // Grow by at least a quarter of the current size, so a growing model takes few (costly) steps.
    const needed = Math.ceil((end - have) / PAGE);
    const pages = Math.min(Math.max(needed, Math.ceil(have / PAGE / 4)), MAX_BYTES / PAGE - have / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(needed);
      } catch {
        throw new TensileError(`wasm backend: out of memory (could not grow ${have} bytes to ${end})`);
      }
    }
    this.onGrow();
  }
}
