import type * as WorkerThreads from 'node:worker_threads';
import {
  type ArgMemory,
  type KernelExports,
  MAX_ARG_BLOCK_BYTES,
  readGemmArgs,
  writeGemmArgs,
} from './generated/kernels-exports.js';
import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';
import { Heap } from './heap.js';
import { wasmAvailable } from './kernels.js';
import { CONTROL_BYTES, MAX_CHUNKS, MAX_WORKERS, ThreadPool } from './pool.js';
import { withSharedMemory } from './threads-module.js';
import { SPLIT_NAMES, slices, splitMemoryBound } from './threads-split.js';

/**
 * Multi-threaded kernels for the wasm backend: the same module instantiated on a shared memory by
 * the main thread and by worker threads (Node's worker_threads), with the big kernels split between
 * them. GEMMs are split by columns (or rows when taller than wide), optimizer steps by element
 * ranges (the momentum step inside dense's weight gradient by ranges of rows), the window kernels
 * and dense epilogues as threads-split.ts says, Winograd convolutions by blocks of tiles (winograd.ts,
 * through runParts); every part runs the single-threaded kernel on its slice, so results are
 * bit-identical to one thread (except the Winograd kernel gradient's sum, whose parts are added in a
 * fixed order). Everything else stays on the main thread. Work below a threshold is not split: waking
 * a worker costs 5-65 µs (more when the other vCPU is busy), so small jobs gain nothing from it.
 */

/** Kernels the workers run, in the order jobs refer to them. */
export const POOL_KERNELS = [
  'gemm',
  'sgdStep',
  'rmspropStep',
  'adamStep',
  ...SPLIT_NAMES,
  'winogradConv',
  'winogradFilterGrad',
  'denseGradMomentumStep',
] as const;
const [GEMM, SGD, RMSPROP, ADAM] = [0, 1, 2, 3];
const opOf = (name: (typeof POOL_KERNELS)[number]) => POOL_KERNELS.indexOf(name);
/**
 * Smallest GEMM split (2·m·n·k flops, ~0.13 ms on one core). Measured with bench/wasm-threads.ts on
 * an idle machine: 128×128·128×64 (2.1 MFLOP) gains nothing from a second thread, 128×256·256×128
 * (8.4 MFLOP) gains 1.3×, the 100 MFLOP products 1.8-1.9×.
 */
export const GEMM_MIN_FLOPS = 4_000_000;
/** Smallest optimizer step split, in elements (~0.1 ms of Adam on one core; 401k elements gain 1.3×). */
export const OPT_MIN_ELEMENTS = 1 << 17;
/**
 * Chunks per thread: a job is cut finer than one piece per thread so that a thread that starts late
 * (asleep, or descheduled on the shared vCPUs) leaves its share to the others. Measured cost of the
 * extra cuts on the MLP's GEMMs (A re-packed per column chunk): ~1% at 4 chunks, ~3% at 8.
 */
const CHUNKS_PER_THREAD = 3;
/**
 * Fewest columns (or rows) a GEMM chunk gets while there are still a chunk per thread: each chunk
 * re-packs the other operand, which costs as much as multiplying it by ~8 columns. Measured with
 * 2 threads (Xeon, 2026-12-03), 3 chunks per thread against chunks of at least 64: the CNN's
 * first-layer kernel gradient 9×32·k=100k 0.96× → 1.41× one thread, its dense layer 128×3136·3136×100
 * 1.50× → 1.88×; the MLP's 128×784·784×512 and 784×128·128×512 unchanged (1.8-1.9×).
 */
const GEMM_MIN_CHUNK = 64;
/** wasm32's whole address space: a shared memory cannot move, so its maximum is fixed up front. */
const MAX_PAGES = 65536;

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBuffer };
}

type WorkerThreadsModule = typeof WorkerThreads;
/** worker_threads when the runtime has it (Node ≥ 20.16), looked up lazily: no import, no side effect. */
function workerThreads(): WorkerThreadsModule | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreadsModule | undefined;
}

let sharedModule: { module: object; minPages: number } | null | undefined;

/** Compiles (once) the kernels rewritten to import a shared memory; null where that cannot work. */
function compileShared(api: WasmApi): { module: object; minPages: number } | null {
  if (sharedModule !== undefined) return sharedModule;
  sharedModule = null;
  try {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    const shared = withSharedMemory(bytes, MAX_PAGES);
    if (shared) sharedModule = { module: new api.Module(shared.bytes), minPages: shared.minPages };
  } catch {
    sharedModule = null;
  }
  return sharedModule;
}

/**
 * The kernels with the splittable ones routed through the pool (when it is open and the job is big).
 * `mem` views the shared memory; a split GEMM writes its chunks' argument blocks at `blocks`
 * (MAX_CHUNKS blocks, reserved for this).
 */
function splitKernels(
  raw: KernelExports,
  pool: () => ThreadPool | null,
  mem: () => ArgMemory,
  blocks: () => number,
): KernelExports {
  const at = (p: number, bytes: number) => (p === 0 ? 0 : p + bytes); // 0 = absent slot stays absent
  /** An elementwise optimizer step over element ranges: args = [...pointers, n, ...scalars]. */
  const elementwise = (op: number, pointers: number, flagged: readonly (number | boolean)[]): void => {
    const args = flagged.map(Number); // booleans travel as 0/1, as the module takes them
    const p = pool();
    const n = args[pointers]!;
    if (!p || p.size < 2 || n < OPT_MIN_ELEMENTS) {
      (raw[POOL_KERNELS[op]!] as (...a: number[]) => void)(...args);
      return;
    }
    const chunks = slices(n, CHUNKS_PER_THREAD * p.size, 4).map(([start, count]) => {
      const a = [...args];
      for (let i = 0; i < pointers; i++) a[i] = at(args[i]!, start * 4);
      a[pointers] = count;
      return a;
    });
    p.run(op, chunks);
  };
  return {
    ...raw,
    gemm(block, scratch) {
      const p = pool();
      const g = readGemmArgs(mem(), block);
      const { m, n, k } = g;
      if (!p || p.size < 2 || 2 * m * n * k < GEMM_MIN_FLOPS) {
        raw.gemm(block, scratch);
        return;
      }
      // Cutting n repeats A's packing in every chunk, cutting m repeats B's: repeat the smaller.
      const byCols = n >= m;
      const dim = byCols ? n : m;
      const parts = Math.max(p.size, Math.min(CHUNKS_PER_THREAD * p.size, Math.floor(dim / GEMM_MIN_CHUNK)));
      const cuts = slices(dim, parts, byCols ? 8 : 4);
      if (cuts.length > MAX_CHUNKS) throw new Error(`gemm: ${cuts.length} chunks > ${MAX_CHUNKS}`);
      const chunks = cuts.map(([s, count], i) => {
        const part = byCols
          ? { ...g, n: count, b: g.b + s * g.csb * 4, c: g.c + s * 4 }
          : { ...g, m: count, a: g.a + s * g.rsa * 4, c: g.c + s * g.ldc * 4 };
        return [writeGemmArgs(mem(), blocks() + i * MAX_ARG_BLOCK_BYTES, part), 0];
      });
      p.run(GEMM, chunks, 1, scratch); // argument 1: each thread's own packing scratch
    },
    sgdStep: (...args) => elementwise(SGD, 3, args),
    rmspropStep: (...args) => elementwise(RMSPROP, 5, args),
    adamStep: (...args) => elementwise(ADAM, 5, args),
    // By ranges of the weight's rows: each row's gradient and step are its own (see the kernel).
    denseGradMomentumStep(x, ldx, dz, w, v, n, k, m, lr, momentum, nesterov) {
      const p = pool();
      if (!p || p.size < 2 || k < 2 || k * m < OPT_MIN_ELEMENTS) {
        raw.denseGradMomentumStep(x, ldx, dz, w, v, n, k, m, lr, momentum, nesterov);
        return;
      }
      const chunks = slices(k, CHUNKS_PER_THREAD * p.size, 1).map(([s, rows]) => {
        const row = s * m * 4;
        return [x + s * 4, ldx, dz, w + row, v + row, n, rows, m, lr, momentum, Number(nesterov)];
      });
      p.run(opOf('denseGradMomentumStep'), chunks);
    },
    ...splitMemoryBound({ raw, pool, mem, blocks, op: opOf, parts: (p) => CHUNKS_PER_THREAD * p.size }),
  };
}

const pools = new WeakMap<Heap, ThreadPool>();
/** Closes a pool whose backend was garbage-collected without `close()` (the workers hold its memory). */
const closer = new FinalizationRegistry<ThreadPool>((pool) => pool.close());

/**
 * A heap whose big kernels run on `threads` threads, or a plain single-threaded heap where that is
 * not possible (no worker_threads or SharedArrayBuffer, threads ≤ 1, a worker that failed to start).
 */
export function createHeap(threads: number): Heap {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const wt = workerThreads();
  const compiled = threads > 1 && wt && api && wasmAvailable() ? compileShared(api) : null;
  if (!compiled || typeof SharedArrayBuffer === 'undefined') return new Heap();
  const memory = new api!.Memory({ initial: compiled.minPages, maximum: MAX_PAGES, shared: true });
  const raw = new api!.Instance(compiled.module, { env: { memory } }).exports as KernelExports;
  let pool: ThreadPool | null = null;
  let blocks = 0;
  const heap: Heap = new Heap(
    splitKernels(
      raw,
      () => pool,
      () => heap,
      () => blocks,
    ),
  );
  blocks = heap.allocator.reserve(MAX_CHUNKS * MAX_ARG_BLOCK_BYTES);
  const workers = Math.min(Math.floor(threads) - 1, MAX_WORKERS);
  const scratch = Array.from({ length: workers }, () => heap.allocator.reserve(raw.threadScratchBytes()));
  const control = heap.allocator.reserve(CONTROL_BYTES);
  new Uint8Array(memory.buffer, control, CONTROL_BYTES).fill(0);
  const local = (op: number, args: readonly number[]) =>
    (raw[POOL_KERNELS[op]!] as (...a: readonly number[]) => void)(...args);
  pool = new ThreadPool({
    Worker: wt!.Worker,
    memory,
    module: compiled.module,
    names: POOL_KERNELS,
    local,
    control,
    scratch,
  });
  pools.set(heap, pool);
  closer.register(heap, pool);
  return heap;
}

/**
 * Runs a blocked Winograd kernel once per argument block, shared by the heap's threads; each thread
 * passes its own scratch (GEMM packing and, for blocks that ask for it, Winograd work).
 */
export function runParts(
  heap: Heap,
  name: 'winogradConv' | 'winogradFilterGrad',
  blocks: readonly number[],
): void {
  const pool = pools.get(heap);
  if (pool && pool.size > 1 && blocks.length > 1 && blocks.length <= MAX_CHUNKS) {
    pool.run(
      opOf(name),
      blocks.map((b) => [b, 0]),
      1,
      heap.gemmScratch(),
    );
    return;
  }
  for (const b of blocks) heap.k[name](b as Parameters<KernelExports[typeof name]>[0], heap.gemmScratch());
}

/** Threads the heap's big kernels run on (1 for a single-threaded heap or a closed pool). */
export function heapThreads(heap: Heap): number {
  return pools.get(heap)?.size ?? 1;
}

/** Stops the heap's worker threads, if any; the heap keeps working on the calling thread. */
export function closeHeap(heap: Heap): void {
  pools.get(heap)?.close();
}
