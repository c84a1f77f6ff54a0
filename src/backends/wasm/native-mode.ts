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
 * The default. Why one thread: on the 2-vCPU machines measured (AMD EPYC 2026-12-02, idle) the BLAS's
 * own OpenMP threads made single large products 1.3-1.8× faster but whole training slower, because the
 * second thread competes with the main thread's non-GEMM work between products: MNIST MLP 0.35 s per
 * quarter epoch on one thread, 0.43-0.49 on two or with the chooser; the CNN 5.1 s against 5.7 s.
 * `split` avoids that team: B1's products 1.4-1.7× faster, B1 training 4-10% faster when the bench
 * was given priority over the other work on a loaded machine, and 7-9% faster at load 2 (2026-12-03,
 * BENCHMARKS.md); but with another job holding the second core it ties or loses a few percent. Not
 * yet measured on an idle machine, so it stays opt-in; if an idle rerun confirms the gain, set this
 * to 'split' (study workers keep one thread either way).
 */
export const DEFAULT_NATIVE_THREADS: string = '1';
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
