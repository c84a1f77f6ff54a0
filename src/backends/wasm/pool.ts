import type { Worker } from 'node:worker_threads';
import { TensileError } from '../../errors.js';
import { POOL_WORKER_SOURCE } from './pool-worker.js';

/** Chunks a job may have, and arguments per chunk (pointers < 2³² and f32 scalars: doubles hold both). */
export const MAX_CHUNKS = 64;
const MAX_ARGS = 16;
/** Workers a pool may have (their start states share the first 16 words with the job words). */
export const MAX_WORKERS = 8;
/**
 * The pool's control block in shared memory: 16 int32 words, then MAX_CHUNKS × MAX_ARGS float64
 * arguments. Words: GEN (job generation, what workers wait on), CLAIM (generation's low 16 bits << 16
 * | chunks not yet claimed), DONE (chunks finished), ERROR (generation of a failed chunk), STOP, OP
 * (kernel index), NARGS, SCRATCH_ARG (argument replaced by the running thread's own scratch, or -1),
 * then one start STATE per worker.
 */
export const CONTROL_BYTES = 64 + MAX_CHUNKS * MAX_ARGS * 8;
const [GEN, CLAIM, DONE, ERROR, STOP, OP, NARGS, SCRATCH_ARG, STATE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [NEW, READY, CANCELLED] = [0, 2, 3];
/** After a job a worker spins this long for the next one, then sleeps (measured wake-up: 9-65 µs). */
const WORKER_SPIN_MS = 0.05;
/** The main thread spins this long on chunks still running elsewhere before sleeping on them. */
const MAIN_SPIN_MS = 0.02;
/** How long creating the pool may wait for a worker to start before going on without it. */
const START_TIMEOUT_MS = 10_000;

/** What the pool needs of WebAssembly and worker_threads; all of it comes from the caller. */
export interface PoolSetup {
  readonly Worker: typeof Worker;
  readonly memory: { readonly buffer: ArrayBufferLike };
  readonly module: object;
  /** Kernel names a job's `op` indexes (exports of the shared module). */
  readonly names: readonly string[];
  /** Runs kernel `op` with `args` on the calling thread. */
  readonly local: (op: number, args: readonly number[]) => void;
  /** Byte offset of the control block (CONTROL_BYTES, zeroed) in the shared memory. */
  readonly control: number;
  /** Each worker's own scratch (threadScratchBytes each: GEMM packing, Winograd work). */
  readonly scratch: readonly number[];
}

/**
 * Worker threads that share a job's chunks with the calling thread. Every thread, the caller
 * included, claims chunks with a compare-and-swap on CLAIM until none are left, so the caller never
 * waits for a worker that is asleep or descheduled (the two vCPUs are shared): it only waits for
 * chunks already running elsewhere. A claim carries the job's generation, so a worker that wakes late
 * cannot take a chunk of a finished job; it reads a chunk's arguments only after claiming it.
 *
 * Workers are unref'd (they never keep the process alive) and start synchronously: instantiating the
 * kernels on the shared memory re-applies the module's data segments, which must not happen while a
 * kernel runs. `close` stops them; jobs then run on the calling thread.
 */
export class ThreadPool {
  private readonly workers: Worker[] = [];
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private gen = 0;
  private broken = false;
  private closed = false;

  constructor(private readonly setup: PoolSetup) {
    const { memory, module, names, control } = setup;
    this.ctl = new Int32Array(memory.buffer, control, 16);
    this.args = new Float64Array(memory.buffer, control + 64, MAX_CHUNKS * MAX_ARGS);
    setup.scratch.slice(0, MAX_WORKERS).forEach((scratch, index) => {
      const worker = new setup.Worker(POOL_WORKER_SOURCE, {
        eval: true,
        // Not the parent's flags: a loader (tsx) or --input-type=module would make the source ESM.
        execArgv: [],
        workerData: {
          memory,
          module,
          control,
          index,
          scratch,
          names,
          spinMs: WORKER_SPIN_MS,
          maxArgs: MAX_ARGS,
        },
      });
      worker.unref();
      // A worker that dies stops being used; its error must not become the process's uncaught one.
      worker.on('error', () => this.markBroken());
      worker.on('exit', () => this.markBroken());
      this.workers.push(worker);
    });
    const deadline = performance.now() + START_TIMEOUT_MS;
    this.workers.forEach((_, w) => {
      for (;;) {
        const state = Atomics.load(this.ctl, STATE + w);
        if (state >= READY) break;
        // Give up only on a worker that has not begun to instantiate (see pool-worker.ts).
        if (state === NEW && performance.now() > deadline) {
          if (Atomics.compareExchange(this.ctl, STATE + w, NEW, CANCELLED) === NEW) break;
          continue;
        }
        Atomics.wait(this.ctl, STATE + w, state, 50);
      }
    });
    if (this.workers.some((_, w) => Atomics.load(this.ctl, STATE + w) !== READY)) this.close();
  }

  /** Threads a job is shared by: the workers and the calling thread (1 once closed or broken). */
  get size(): number {
    return this.closed || this.broken ? 1 : this.workers.length + 1;
  }

  /**
   * Runs kernel `op` once per chunk (`chunks[i]` its arguments) on whichever threads claim them, and
   * returns when all are done. `scratchArg` names the argument each thread replaces with its own
   * scratch (the caller's is `localScratch`), or is -1.
   */
  run(op: number, chunks: readonly (readonly number[])[], scratchArg = -1, localScratch = 0): void {
    const count = chunks.length;
    if (this.size < 2 || count > MAX_CHUNKS) {
      for (const c of chunks) this.setup.local(op, withScratch(c, scratchArg, localScratch));
      return;
    }
    const ctl = this.ctl;
    chunks.forEach((c, i) => {
      this.args.set(c, i * MAX_ARGS);
    });
    ctl[OP] = op;
    ctl[NARGS] = chunks[0]!.length;
    ctl[SCRATCH_ARG] = scratchArg;
    const gen = ++this.gen;
    const tag = (gen & 0xffff) << 16;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, CLAIM, tag | count);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    let failed = false;
    let unclaimed = 0;
    try {
      for (;;) {
        const claim = Atomics.load(ctl, CLAIM);
        const left = claim & 0xffff;
        if (left === 0) break;
        if (Atomics.compareExchange(ctl, CLAIM, claim, claim - 1) !== claim) continue;
        try {
          this.setup.local(op, withScratch(chunks[left - 1]!, scratchArg, localScratch));
        } catch (e) {
          failed = true;
          unclaimed = Atomics.exchange(ctl, CLAIM, tag) & 0xffff; // nobody starts the rest
          throw e;
        } finally {
          Atomics.add(ctl, DONE, 1);
        }
      }
    } finally {
      // Every claimed chunk must finish before the memory it writes is handed back to the caller.
      const claimed = count - unclaimed;
      const spinUntil = performance.now() + MAIN_SPIN_MS;
      for (let done = Atomics.load(ctl, DONE); done < claimed; done = Atomics.load(ctl, DONE)) {
        if (performance.now() > spinUntil) Atomics.wait(ctl, DONE, done, 1000);
      }
    }
    if (!failed && Atomics.load(ctl, ERROR) === gen)
      throw new TensileError('wasm thread pool: a kernel failed on a worker thread');
  }

  /** Stops the workers; later jobs run on the calling thread. Safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, STOP, 1);
    Atomics.store(this.ctl, GEN, ++this.gen);
    Atomics.notify(this.ctl, GEN);
    for (const worker of this.workers) void worker.terminate();
  }

  private markBroken(): void {
    if (!this.closed) this.broken = true;
  }
}

function withScratch(args: readonly number[], at: number, scratch: number): readonly number[] {
  if (at < 0) return args;
  const out = [...args];
  out[at] = scratch;
  return out;
}
