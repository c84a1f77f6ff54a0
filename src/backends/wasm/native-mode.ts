/**
 * How large native GEMMs use the cores, read from the environment:
 *
 *   TENSILE_NATIVE_THREADS=1      one BLAS thread (no second thread at all)
 *   TENSILE_NATIVE_THREADS=split  products from m·n·k ≥ NATIVE_SPLIT_MIN_MNK split C's rows between the
 *                                 calling thread and the addon's own helper thread (one single-threaded
 *                                 BLAS call each, bit-identical to one thread), timed against one thread
 *                                 per product size like `auto`
 *   TENSILE_NATIVE_THREADS=N      the BLAS's own threads, N of them, from m·n·k ≥ NATIVE_THREADS_MIN_MNK
 *   TENSILE_NATIVE_THREADS=auto   the BLAS's threads on every core, timed against one thread
 *   TENSILE_NATIVE_SPIN_US=µs     how long the helper spins for the next part before sleeping
 *
 * Unset means DEFAULT_NATIVE_THREADS. A study's worker processes get 1 (src/studies/worker.ts): they
 * run one per core already.
 */

/**
 * The default: split. History: on the 2-vCPU machines measured (AMD EPYC 2026-12-02, idle) the BLAS's
 * own OpenMP threads made single large products 1.3-1.8× faster but whole training slower, because
 * their team competes with the main thread's non-GEMM work between products (MNIST MLP 0.35 s per
 * quarter epoch on one thread, 0.43-0.49 on two), so the default was one thread. `split` has no such
 * team. Measured side by side on an idle Intel Xeon (2026-12-03, BENCHMARKS.md "Idle-machine round"):
 * B1 0.369-0.382 s against 0.401-0.412 on one thread, batch 1024 0.260 against 0.378, B6 0.424 against
 * 0.465, the CNN 4.52-4.79 s against 6.03-6.22 (batch 128) and 5.86 against 6.68 (batch 32); the
 * recurrent models and batch 4 have no product large enough in every dimension to split
 * (NATIVE_SPLIT_MIN_DIM) and run as before. A busy second core makes the chooser fall back to one
 * thread. Study workers keep one thread (one worker per core already).
 */
export const DEFAULT_NATIVE_THREADS: string = 'split';
/** Most BLAS threads accepted (the addon refuses more). */
const MAX_THREADS = 256;
/** Longest helper spin accepted, in µs (the addon refuses more). */
const MAX_SPIN_US = 1_000_000;

export interface NativeThreadMode {
  /** BLAS threads for a product that is not split (the alternative the chooser times when not fixed). */
  readonly threads: number;
  /** Large products may be split across the helper thread. */
  readonly split: boolean;
  /** The count is fixed: no timing against one thread. */
  readonly threadsFixed: boolean;
  /** The setting in words, with anything refused. */
  readonly reason: string;
  /** TENSILE_NATIVE_SPIN_US when valid. */
  readonly spinMicros?: number;
}

/** Reads TENSILE_NATIVE_THREADS and TENSILE_NATIVE_SPIN_US; a bad value is refused (and said) in `reason`. */
export function parseNativeThreads(env: Record<string, string | undefined>, cores: number): NativeThreadMode {
  const given = env.TENSILE_NATIVE_THREADS;
  const asked = given === undefined || given === '' ? DEFAULT_NATIVE_THREADS : given.trim().toLowerCase();
  const source = given === undefined || given === '' ? 'the default' : `TENSILE_NATIVE_THREADS=${given}`;
  let mode: NativeThreadMode;
  if (asked === 'split') {
    mode =
      cores >= 2
        ? { threads: 1, split: true, threadsFixed: false, reason: `split (${source})` }
        : { threads: 1, split: false, threadsFixed: true, reason: `1 thread (${source}, but one core only)` };
  } else if (asked === 'auto') {
    const threads = Math.max(1, Math.min(cores, MAX_THREADS));
    mode = { threads, split: false, threadsFixed: threads === 1, reason: `auto (${source})` };
  } else {
    const t = Number(asked);
    mode =
      /^\d+$/.test(asked) && t >= 1 && t <= MAX_THREADS
        ? {
            threads: t,
            split: false,
            threadsFixed: true,
            reason: `${t} thread${t === 1 ? '' : 's'} (${source})`,
          }
        : {
            threads: 1,
            split: false,
            threadsFixed: true,
            reason: `1 thread (${source} refused: not split, auto or a count 1-${MAX_THREADS})`,
          };
  }
  const spin = env.TENSILE_NATIVE_SPIN_US;
  if (spin === undefined || spin === '') return mode;
  const us = Number(spin);
  if (/^\d+$/.test(spin.trim()) && us <= MAX_SPIN_US) return { ...mode, spinMicros: us };
  return {
    ...mode,
    reason: `${mode.reason}; TENSILE_NATIVE_SPIN_US=${spin} refused: not an integer 0-${MAX_SPIN_US}`,
  };
}
